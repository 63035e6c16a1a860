import { sql, type Kysely } from 'kysely'

/**
 * The gateway's first schema: identities and mandates, the message log, documents with appended states,
 * document numbering, the hash-chained audit log, and the insurance register.
 * Documents, states, the message log and the audit log are insert-only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table clients (
    id text primary key,
    name text not null,
    tax_number text not null,
    environment text not null check (environment in ('test', 'production')),
    software_vendor text,
    software_product text,
    software_version text,
    created_at timestamptz not null
  )`.execute(db)

  await sql`create table client_certificates (
    fingerprint text primary key,
    client_id text not null references clients (id),
    subject text not null,
    issuer text not null,
    serial text not null,
    not_before timestamptz not null,
    not_after timestamptz not null,
    pem text not null,
    added_at timestamptz not null,
    revoked_at timestamptz
  )`.execute(db)
  await sql`create index client_certificates_client on client_certificates (client_id)`.execute(db)

  await sql`create table mandates (
    id text primary key,
    employer text not null,
    client_id text not null references clients (id),
    document_types text[],
    valid_from date,
    valid_to date,
    created_at timestamptz not null,
    revoked_at timestamptz
  )`.execute(db)
  await sql`create index mandates_client_employer on mandates (client_id, employer)`.execute(db)

  await sql`create table software_certifications (
    vendor text not null,
    product text not null,
    version text not null,
    certified_at timestamptz not null,
    client_id text not null references clients (id),
    primary key (vendor, product, version)
  )`.execute(db)

  await sql`create table message_log (
    id text primary key,
    received_at timestamptz not null,
    transport text not null,
    client_id text references clients (id),
    cert_fingerprint text,
    content_type text,
    idempotency_key text,
    size integer not null,
    sha256 text,
    body bytea,
    status integer not null,
    problem_code text,
    findings jsonb not null default '[]',
    document_id text
  )`.execute(db)
  await sql`create index message_log_client_received on message_log (client_id, received_at)`.execute(db)

  await sql`create table documents (
    id text primary key,
    client_id text not null references clients (id),
    environment text not null,
    type text not null,
    number text not null unique,
    receipt_number text,
    employer text not null,
    period text,
    kind text,
    external_id text,
    received_at timestamptz not null,
    sha256 text not null,
    size integer not null,
    message_id text not null references message_log (id),
    idempotency_key text,
    findings jsonb not null default '[]'
  )`.execute(db)
  await sql`create unique index documents_client_bytes on documents (client_id, sha256)`.execute(db)
  await sql`create unique index documents_client_idempotency on documents (client_id, idempotency_key) where idempotency_key is not null`.execute(db)
  await sql`create index documents_visibility on documents (environment, employer, received_at desc, id desc)`.execute(db)
  await sql`create index documents_received on documents (environment, received_at desc, id desc)`.execute(db)

  await sql`create table document_states (
    id bigserial primary key,
    document_id text not null references documents (id),
    at timestamptz not null,
    acceptance text not null,
    processing text not null,
    reason text,
    findings jsonb not null default '[]'
  )`.execute(db)
  await sql`create index document_states_document on document_states (document_id, id desc)`.execute(db)

  await sql`create table document_counters (
    prefix text not null,
    month text not null,
    last_value integer not null,
    primary key (prefix, month)
  )`.execute(db)

  await sql`create table audit_log (
    seq bigint primary key,
    at timestamptz not null,
    actor text not null,
    action text not null,
    subject text,
    details jsonb not null,
    prev_hash text not null,
    hash text not null
  )`.execute(db)
  // The chain head: one row, locked by every append, so the chain has one writer at a time.
  await sql`create table audit_head (
    id integer primary key check (id = 1),
    seq bigint not null,
    hash text not null
  )`.execute(db)
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db)

  await sql`create table insurances (
    id text primary key,
    environment text not null,
    country text not null,
    employer text not null,
    person text not null,
    kind text not null,
    insurance_key jsonb not null,
    start_date date not null,
    end_date date,
    status text not null check (status in ('open', 'closed', 'annulled')),
    data jsonb not null,
    created_at timestamptz not null
  )`.execute(db)
  await sql`create index insurances_employer_person on insurances (environment, employer, person)`.execute(db)
  await sql`create index insurances_person on insurances (environment, person)`.execute(db)

  await sql`create table insurance_events (
    id bigserial primary key,
    insurance_id text not null references insurances (id),
    document_id text not null references documents (id),
    at timestamptz not null,
    event text not null,
    status text not null,
    end_date date,
    data jsonb not null default '{}'
  )`.execute(db)
  await sql`create index insurance_events_insurance on insurance_events (insurance_id, id)`.execute(db)
}
