import { sql, type Kysely } from 'kysely'

/**
 * Every state change of a document is also an event (SPEC.md §4b), written with the state in one transaction:
 * `seq` orders them gateway-wide. An event of a client rather than a document (a webhook subscription failing)
 * names the client, and carries what it says in `data`. The document's number, type, employer and external id are read from `documents`
 * (they never change). The feed reads by `seq` alone: an event's `id` is a fresh UUIDv7, unique without an index,
 * and no other index, nor a foreign key check per row, costs every state change its upkeep: events are written by
 * one function (events/append.ts), for documents and clients that exist, and nothing is ever deleted.
 *
 * The built-in back office keeps its answer to each document it was given, so that a document asked about again
 * (after a failure between its answer and the gateway's record of it) gets the same answer, and a document
 * withdrawn by a storno before the back office took it is never processed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table events (
    seq bigint generated always as identity primary key,
    id text not null,
    at timestamptz not null,
    type text not null,
    document_id text,
    acceptance text,
    processing text,
    reason text,
    client_id text,
    data jsonb,
    check ((document_id is null) <> (client_id is null))
  )`.execute(db)
  await sql`insert into events (id, at, type, document_id, acceptance, processing, reason)
    select gen_random_uuid()::text, at, 'document.state_changed', document_id, acceptance, processing, reason
    from document_states order by id`.execute(db)
  await sql`create table back_office_answers (
    document_id text primary key references documents (id),
    at timestamptz not null,
    processing text not null,
    findings jsonb not null default '[]'
  )`.execute(db)
}
