import { sql, type Kysely } from 'kysely'

/**
 * Preliminary registrations (PREG, DOCUMENTS.md §3.7) waiting for the RLFO entry that confirms them: what that
 * entry must match (`pairing_key`, opaque), in which register and for which employer, and when the PREG expires.
 * `paired_with` / `paired_at` or `expired_at` are set once, by the transaction that changes the document's state.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table preliminary_registrations (
    document_id text primary key references documents (id),
    register text not null,
    employer text not null,
    pairing_key text not null,
    received_at timestamptz not null,
    deadline_at timestamptz not null,
    paired_with text references documents (id),
    paired_at timestamptz,
    expired_at timestamptz
  )`.execute(db)
  await sql`create index preliminary_registrations_waiting on preliminary_registrations (register, employer, pairing_key, received_at)
    where paired_with is null and expired_at is null`.execute(db)
}
