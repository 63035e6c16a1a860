import { sql, type Kysely } from 'kysely'

/**
 * Every Idempotency-Key a client used, with the one document it stands for: the document it created (201) or the
 * earlier one it repeated (200). A key is thus bound once, whatever the order of requests (SPEC.md §4).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table idempotency_keys (
    client_id text not null references clients (id),
    key text not null,
    document_id text not null references documents (id),
    sha256 text not null,
    created_at timestamptz not null,
    primary key (client_id, key)
  )`.execute(db)
  await sql`insert into idempotency_keys (client_id, key, document_id, sha256, created_at)
    select client_id, idempotency_key, id, sha256, received_at from documents where idempotency_key is not null`.execute(db)
}
