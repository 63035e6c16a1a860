import { sql, type Kysely } from 'kysely'

/**
 * The audit chain anchored outside the database (SPEC.md §8).
 * - `audit_log.hash_version`: entries written before this migration (1) hash their time in milliseconds; later
 *   ones (2) hash it at the microseconds the column stores. Existing entries keep their hashes, so a chain that
 *   was verified before stays verifiable, and nothing is re-chained (which would also launder an earlier rewrite).
 *   New rows must name their version: the column has no default once existing rows are marked.
 * - `audit_head.at`: the time of the head entry, so that each append can keep the log's time moving forward.
 * - `message_log.kept_sha256`: the SHA-256 of the kept first bytes of a cut refusal, whose `sha256` is of the whole.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log add column hash_version smallint not null default 1`.execute(db)
  await sql`alter table audit_log alter column hash_version drop default`.execute(db)
  await sql`alter table audit_log add constraint audit_log_hash_version check (hash_version in (1, 2))`.execute(db)
  await sql`alter table audit_head add column at timestamptz`.execute(db)
  await sql`update audit_head set at = (select at from audit_log where audit_log.seq = audit_head.seq)`.execute(db)
  await sql`alter table message_log add column kept_sha256 text`.execute(db)
}
