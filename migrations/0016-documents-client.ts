import { sql, type Kysely } from 'kysely'

/**
 * A client's own documents, newest first, in its environment: the list reads them by this index (with those of
 * its own employer and of its mandates by `documents_visibility`), so that a page of one client costs its own
 * documents, not the gateway's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index documents_client on documents (client_id, environment, received_at desc, id desc)`.execute(db)
}
