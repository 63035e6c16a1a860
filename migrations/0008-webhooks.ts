import { sql, type Kysely } from 'kysely'

/**
 * Webhook subscriptions and their deliveries (SPEC.md §4b). A subscription's `last_seq` is the dispatcher's
 * cursor: every event up to it has been turned into deliveries (or was not the client's to see). A delivery is
 * one event owed to one subscription: its exact body, when it is next due, and how its attempts went, so that
 * deliveries survive restarts and a worker of any instance can take them up.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table webhook_subscriptions (
    id text primary key,
    client_id text not null references clients (id),
    url text not null,
    types text[],
    secret text not null,
    created_at timestamptz not null,
    last_seq bigint not null,
    failing_since timestamptz,
    disabled_at timestamptz,
    disabled_by text
  )`.execute(db)
  await sql`create index webhook_subscriptions_client on webhook_subscriptions (client_id, created_at)`.execute(db)
  await sql`create table webhook_deliveries (
    id bigint generated always as identity primary key,
    subscription_id text not null references webhook_subscriptions (id),
    event_id text not null,
    event_seq bigint not null,
    event_at timestamptz not null,
    document_id text,
    body text not null,
    created_at timestamptz not null,
    due_at timestamptz not null,
    attempts integer not null default 0,
    last_attempt_at timestamptz,
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    given_up_at timestamptz,
    unique (subscription_id, event_id)
  )`.execute(db)
  // The worker's look-ups: what is due, and whether an earlier event of the same document is still owed.
  await sql`create index webhook_deliveries_due on webhook_deliveries (due_at) where delivered_at is null and given_up_at is null`.execute(db)
  await sql`create index webhook_deliveries_document on webhook_deliveries (subscription_id, document_id, event_seq) where delivered_at is null and given_up_at is null`.execute(db)
}
