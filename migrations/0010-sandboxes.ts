import { sql, type Kysely } from 'kysely'

/**
 * The certification sandbox (SPEC.md §7). A test client files into its own sandbox: `documents.sandbox` names it,
 * and its register is `sandbox:<id>` in `insurances.environment`, so that test clients never see or change one
 * another's register. A client's first sandbox has the client's id; each `POST /sandbox/reset` starts a new one
 * (`sandbox_resets`) and retires the old one: its documents leave lists, the register and the certification
 * report, and stay in the message log. Production documents have no sandbox.
 *
 * `sandbox_observations` keeps what a test client did that leaves no document behind (a read of a final state, a
 * receipt, the event feed, a refused storno): the evidence of those scenarios.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table documents add column sandbox text`.execute(db)
  await sql`update documents set sandbox = client_id where environment = 'test'`.execute(db)
  // The same bytes (or key) may be filed again in a new sandbox: a repeat is one within the same sandbox.
  await sql`drop index documents_client_bytes`.execute(db)
  await sql`create unique index documents_client_bytes on documents (client_id, sha256, sandbox) nulls not distinct`.execute(db)
  await sql`drop index documents_client_idempotency`.execute(db)
  await sql`create unique index documents_client_idempotency on documents (client_id, idempotency_key, sandbox) nulls not distinct where idempotency_key is not null`.execute(db)
  await sql`create index documents_sandbox on documents (sandbox, received_at) where sandbox is not null`.execute(db)

  // The test register was one for all test clients; each insurance goes to the sandbox of the client that opened it.
  await sql`update insurances set environment = 'sandbox:' || (
      select d.client_id from insurance_events e join documents d on d.id = e.document_id
      where e.insurance_id = insurances.id order by e.id limit 1)
    where environment = 'test' and exists (select 1 from insurance_events e where e.insurance_id = insurances.id)`.execute(db)

  await sql`create table sandbox_resets (
    id text primary key,
    client_id text not null references clients (id),
    ended_sandbox text not null unique,
    at timestamptz not null
  )`.execute(db)
  await sql`create index sandbox_resets_client on sandbox_resets (client_id, at desc)`.execute(db)

  await sql`create table sandbox_observations (
    id bigint generated always as identity primary key,
    client_id text not null references clients (id),
    sandbox text not null,
    at timestamptz not null,
    kind text not null,
    document_id text,
    request_id text
  )`.execute(db)
  await sql`create index sandbox_observations_sandbox on sandbox_observations (sandbox, at)`.execute(db)

  // The report a software version was certified on, as it stood (SPEC.md §3 `ehrs software list`).
  await sql`alter table software_certifications add column report jsonb`.execute(db)
}
