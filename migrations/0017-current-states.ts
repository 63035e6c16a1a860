import { sql, type Kysely } from 'kysely'

/**
 * Each document's latest state, kept beside its history (`document_states`, which is only appended to) by the one
 * writer of states, in the same transaction. The list filtered by state (`?processing=`, `?acceptance=`) reads a
 * client's, or an employer's, documents of one state newest first by these indexes, so that a page costs a page
 * however many documents of other states are stored. The document's visibility and order keys are copied here
 * because an index cannot reach across tables.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table current_states (
    document_id text primary key references documents (id),
    client_id text not null,
    environment text not null,
    employer text not null,
    received_at timestamptz not null,
    acceptance text not null,
    processing text not null
  )`.execute(db)
  await sql`insert into current_states (document_id, client_id, environment, employer, received_at, acceptance, processing)
    select distinct on (s.document_id) d.id, d.client_id, d.environment, d.employer, d.received_at, s.acceptance, s.processing
    from document_states s join documents d on d.id = s.document_id
    order by s.document_id, s.id desc`.execute(db)
  for (const state of ['acceptance', 'processing']) {
    await sql`create index ${sql.raw(`current_states_client_${state}`)} on current_states (client_id, environment, ${sql.ref(state)}, received_at desc, document_id desc)`.execute(db)
    await sql`create index ${sql.raw(`current_states_employer_${state}`)} on current_states (environment, employer, ${sql.ref(state)}, received_at desc, document_id desc)`.execute(db)
  }
}
