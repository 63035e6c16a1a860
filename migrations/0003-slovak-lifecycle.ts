import { sql, type Kysely } from 'kysely'

/**
 * The Slovak lifecycle (sk-ezu §4–§7). `documents.series` names the documents that R/O rules compare: a
 * report's period, an ELDP's person and relationship start. `register_checks` keeps the result of every
 * register check (KNR) of a report, so a repeated check knows how many errors the earlier ones found.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents add column series text`.execute(db)
  await sql`create index documents_series on documents (environment, employer, type, series, received_at) where series is not null`.execute(db)
  await sql`create table register_checks (
    id bigserial primary key,
    document_id text not null references documents (id),
    at timestamptz not null,
    errors integer not null,
    baseline integer not null,
    accepted boolean not null
  )`.execute(db)
  await sql`create index register_checks_document on register_checks (document_id, id)`.execute(db)
}
