import { sql, type Kysely } from 'kysely'

/**
 * Documents in Sociálna poisťovňa's own XML (sk-official.md): `format` says which vocabulary the gateway read
 * (`ehrs` or `sp`), and `icz` keeps a Slovak document's IČZ, by which a client's later official documents that
 * name only the IČO find their employer's DIČ (the IČZ binding, §1.3). `entries` lists the entries of a document
 * of several for its view (a registration list of 2–300, an official ELDP batch, §6), and `document_series` the
 * series of a batch's entries, by which later documents of each person find it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents add column format text not null default 'ehrs'`.execute(db)
  await sql`alter table documents add column icz text`.execute(db)
  await sql`create index documents_icz_binding on documents (client_id, environment, icz, received_at desc) where icz is not null`.execute(db)
  await sql`alter table documents add column entries jsonb`.execute(db)
  await sql`create table document_series (
    document_id text not null references documents (id),
    series text not null,
    primary key (series, document_id)
  )`.execute(db)
}
