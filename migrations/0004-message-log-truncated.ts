import { sql, type Kysely } from 'kysely'

/**
 * A refused submission larger than 1 MiB keeps its size, its SHA-256 and its first 1 MiB only (SPEC.md §8),
 * so that refusals cannot fill the disk; `truncated` tells such a row from one whose body is whole.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table message_log add column truncated boolean not null default false`.execute(db)
}
