import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db, WebhookSubscriptionRow } from '../db/index.js'
import type { Caller } from '../identity/index.js'
import { appendAudit } from '../audit/index.js'
import { newId, uuidPattern } from '../lib/index.js'
import { GatewayError } from '../problems.js'
import { checkWebhookUrl } from './url.js'

/** The event types a subscription may ask for (SPEC.md §4b). */
export const eventTypes = ['document.state_changed', 'webhook.subscription_failing', 'webhook.subscription_recovered', 'client.certificate_expiring'] as const

/** Active (not disabled) subscriptions one client may have at once. */
export const maxSubscriptionsPerClient = 10

export type SubscriptionStatus = 'active' | 'failing' | 'disabled'

/** A subscription as its client and the operator see it: never the secret. */
export interface SubscriptionView {
  readonly id: string
  readonly url: string
  /** null: every type, also those added later. */
  readonly types: readonly string[] | null
  readonly createdAt: string
  readonly status: SubscriptionStatus
  /** Since when its deliveries are given up on (`failing`). */
  readonly failingSince: string | null
  readonly disabledAt: string | null
}

/** The answer to a new subscription: the only time its secret is shown. */
export interface CreatedSubscription {
  readonly id: string
  readonly url: string
  readonly types: readonly string[] | null
  readonly createdAt: string
  /** `whsec_` + base64 of 32 random bytes: the Standard Webhooks form, as its libraries take it. */
  readonly secret: string
}

export interface NewSubscription {
  readonly url?: unknown
  readonly types?: unknown
}

/** Reads `types`: absent or null (every type), else a non-empty list of known types without repeats. */
function checkTypes(value: unknown): string[] | null {
  if (value === undefined || value === null) return null
  if (!Array.isArray(value) || value.length === 0) throw new GatewayError('INVALID_REQUEST', `types must be a non-empty list of event types (${eventTypes.join(', ')})`)
  for (const type of value) {
    if (typeof type !== 'string' || !(eventTypes as readonly string[]).includes(type)) {
      throw new GatewayError('INVALID_REQUEST', `types may hold only known event types: ${eventTypes.join(', ')}`)
    }
  }
  return [...new Set(value as string[])]
}

const statusOf = (row: Pick<WebhookSubscriptionRow, 'disabled_at' | 'failing_since'>): SubscriptionStatus =>
  (row.disabled_at ? 'disabled' : row.failing_since ? 'failing' : 'active')

export function subscriptionView(row: WebhookSubscriptionRow): SubscriptionView {
  return {
    id: row.id, url: row.url, types: row.types, createdAt: row.created_at.toISOString(), status: statusOf(row),
    failingSince: row.failing_since?.toISOString() ?? null, disabledAt: row.disabled_at?.toISOString() ?? null,
  }
}

/**
 * Subscribes the caller's receiver to the events after the latest one now (earlier ones are in the feed).
 * Throws INVALID_REQUEST for a bad URL or type list, and when the client has its maximum of active subscriptions.
 */
export async function createSubscription(db: Db, caller: Caller, input: NewSubscription, now: Date): Promise<CreatedSubscription> {
  const url = checkWebhookUrl(input.url)
  const types = checkTypes(input.types)
  const id = newId(now.getTime())
  const secret = `whsec_${randomBytes(32).toString('base64')}`
  await db.transaction().execute(async trx => {
    // One client's concurrent requests are counted one after the other.
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':webhooks:' || ${caller.clientId}))`.execute(trx)
    const { count } = await trx.selectFrom('webhook_subscriptions').select(eb => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', caller.clientId).where('disabled_at', 'is', null).executeTakeFirstOrThrow()
    if (Number(count) >= maxSubscriptionsPerClient) {
      throw new GatewayError('INVALID_REQUEST', `A client may have at most ${maxSubscriptionsPerClient} active webhook subscriptions; delete one first`)
    }
    const head = await trx.selectFrom('events').select(eb => eb.fn.max('seq').as('seq')).executeTakeFirst()
    await trx.insertInto('webhook_subscriptions').values({
      id, client_id: caller.clientId, url, types, secret, created_at: now, last_seq: Number(head?.seq ?? 0),
      failing_since: null, disabled_at: null, disabled_by: null,
    }).execute()
    await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'webhook.subscribed', subject: id, details: { host: new URL(url).host, types } })
  })
  return { id, url, types, createdAt: now.toISOString(), secret }
}

/** The caller's subscriptions, oldest first, disabled ones included. */
export async function listSubscriptions(db: Db, caller: Caller): Promise<{ items: SubscriptionView[] }> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('client_id', '=', caller.clientId).orderBy('created_at').orderBy('id').execute()
  return { items: rows.map(subscriptionView) }
}

/**
 * Stops a subscription (deleting it): nothing more is delivered to it, also of what was still owed. Throws
 * ROUTE_NOT_FOUND for an unknown id and for another client's subscription alike, so that ids leak nothing.
 * Disabling a disabled subscription changes nothing.
 */
export async function deleteSubscription(db: Db, caller: Caller, id: string, now: Date): Promise<void> {
  if (!uuidPattern.test(id)) throw new GatewayError('ROUTE_NOT_FOUND', 'No such webhook subscription')
  const result = await disable(db, id, now, `client:${caller.clientId}`, caller.clientId)
  if (result === 'unknown') throw new GatewayError('ROUTE_NOT_FOUND', 'No such webhook subscription')
}

/** Every subscription of every client, for the operator (`ehrs webhooks list`). */
export async function listAllSubscriptions(db: Db): Promise<(SubscriptionView & { clientId: string; pending: number })[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().orderBy('client_id').orderBy('created_at').execute()
  const pending = await db.selectFrom('webhook_deliveries').select(['subscription_id', eb => eb.fn.countAll<number>().as('count')])
    .where('delivered_at', 'is', null).where('given_up_at', 'is', null).groupBy('subscription_id').execute()
  const pendingOf = new Map(pending.map(p => [p.subscription_id, Number(p.count)]))
  return rows.map(r => ({ ...subscriptionView(r), clientId: r.client_id, pending: pendingOf.get(r.id) ?? 0 }))
}

/** The operator stops a subscription (`ehrs webhooks disable`), audited: `unknown`, `already` disabled, or `disabled`. */
export function disableSubscription(db: Db, id: string, now: Date): Promise<'disabled' | 'already' | 'unknown'> {
  return disable(db, id, now, 'operator')
}

async function disable(db: Db, id: string, now: Date, actor: string, clientId?: string): Promise<'disabled' | 'already' | 'unknown'> {
  return db.transaction().execute(async trx => {
    let q = trx.selectFrom('webhook_subscriptions').select(['disabled_at', 'client_id']).where('id', '=', id)
    if (clientId !== undefined) q = q.where('client_id', '=', clientId)
    const row = await q.forUpdate().executeTakeFirst()
    if (!row) return 'unknown'
    if (row.disabled_at) return 'already'
    await trx.updateTable('webhook_subscriptions').set({ disabled_at: now, disabled_by: actor }).where('id', '=', id).execute()
    await appendAudit(trx, now, { actor, action: 'webhook.disabled', subject: id, details: { clientId: row.client_id } })
    return 'disabled'
  })
}
