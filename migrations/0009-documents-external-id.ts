import { sql, type Kysely } from 'kysely'

/**
 * `GET /api/v1/documents?externalId=` finds a client's documents by the reference its program gave them
 * (ZunanjiId / ExternyId, SPEC.md §4) without reading every document: newest first, as the list answers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index documents_external_id on documents (external_id, received_at desc, id desc) where external_id is not null`.execute(db)
}
