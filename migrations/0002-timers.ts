import { sql, type Kysely } from 'kysely'

/**
 * Timed transitions (SPEC.md §8): each is a row with its due time, so it survives a restart. A transition runs
 * in the transaction that marks its row done, so it happens once even with several gateway instances.
 * Timers of one lane run one at a time in due order (the register is applied in filing order).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table timers (
    id bigserial primary key,
    lane text not null,
    kind text not null,
    document_id text not null references documents (id),
    due_at timestamptz not null,
    created_at timestamptz not null,
    done_at timestamptz,
    outcome text,
    attempts integer not null default 0,
    last_error text
  )`.execute(db)
  await sql`create index timers_due on timers (lane, due_at, id) where done_at is null`.execute(db)
  await sql`create index timers_next on timers (due_at) where done_at is null`.execute(db)
  await sql`create index timers_document on timers (document_id)`.execute(db)
  await sql`create index insurance_events_document on insurance_events (document_id)`.execute(db)
}
