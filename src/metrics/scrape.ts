import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { within } from '../lib/index.js'

type Environment = 'production' | 'test'

/** The kinds of timed transition (lifecycle/lifecycle.ts): each has its series, also at 0. */
export const timerKinds = ['register-check', 'forward', 'process'] as const

/** A timer due this long ago that has not run is overdue: the poll runs due timers within a second, PGlite's within 30 s. */
export const overdueAfterMs = 60_000

/** What /metrics reads from the database when it is scraped. */
export interface ScrapeState {
  readonly timers: Partial<Record<string, { readonly due: number; readonly overdue: number }>>
  /** Seconds since the oldest document with a timed transition still pending was received. */
  readonly oldestUnprocessedSeconds: Partial<Record<Environment, number>>
  readonly certificates: readonly CertificateExpiry[]
  /** Certificates expiring within the warning time whose client has no certificate valid beyond it. */
  readonly expiringCertificates: Partial<Record<Environment, number>>
  /** Subscriptions marked failing (not disabled), and deliveries owed to active subscriptions. */
  readonly webhooks: { readonly failing: number; readonly pending: number }
}

export interface CertificateExpiry {
  readonly clientId: string
  readonly environment: Environment
  readonly fingerprint: string
  /** Negative once expired. */
  readonly expirySeconds: number
}

export class ScrapeTimeoutError extends Error {}

/**
 * Five small queries, each bounded by an index or a small table: due timers (the partial index `timers_next`,
 * from the oldest due time up to now), documents with a timer pending (the same index, joined by primary key),
 * the unrevoked client certificates, failing webhook subscriptions, and pending deliveries (their partial index). Rejects after `timeoutMs`; the query itself goes on.
 */
export function readScrapeState(db: Db, now: Date, options: { readonly certificateWarnMs: number; readonly timeoutMs: number }): Promise<ScrapeState> {
  return within(read(db, now, options.certificateWarnMs), options.timeoutMs,
    () => new ScrapeTimeoutError(`the database did not answer the scrape within ${options.timeoutMs} ms`))
}

async function read(db: Db, now: Date, certificateWarnMs: number): Promise<ScrapeState> {
  const overdueBefore = new Date(now.getTime() - overdueAfterMs)
  const timers = await db.selectFrom('timers')
    .select(['kind', sql<number>`count(*)`.as('due'), sql<number>`count(*) filter (where due_at <= ${overdueBefore})`.as('overdue')])
    .where('done_at', 'is', null).where('due_at', '<=', now)
    .groupBy('kind').execute()

  const oldest = await db.selectFrom('timers').innerJoin('documents', 'documents.id', 'timers.document_id')
    .select(['documents.environment', sql<Date>`min(documents.received_at)`.as('receivedAt')])
    .where('timers.done_at', 'is', null)
    .groupBy('documents.environment').execute()

  const warnUntil = now.getTime() + certificateWarnMs
  const certificates = await db.selectFrom('client_certificates').innerJoin('clients', 'clients.id', 'client_certificates.client_id')
    .select(['clients.id as clientId', 'clients.environment', 'client_certificates.fingerprint', 'client_certificates.not_after as notAfter'])
    .where('client_certificates.revoked_at', 'is', null)
    .where('client_certificates.not_after', '>', new Date(now.getTime() - certificateWarnMs))
    .orderBy('clients.id').orderBy('client_certificates.fingerprint').execute()

  // A client that has added its next certificate (rotation) needs no attention for the one that ends.
  const renewed = new Set(certificates.filter(c => new Date(c.notAfter).getTime() > warnUntil).map(c => c.clientId))
  const expiringCertificates: Partial<Record<Environment, number>> = {}
  for (const c of certificates) {
    const end = new Date(c.notAfter).getTime()
    if (end > now.getTime() && end <= warnUntil && !renewed.has(c.clientId)) expiringCertificates[c.environment] = (expiringCertificates[c.environment] ?? 0) + 1
  }

  const failing = await db.selectFrom('webhook_subscriptions').select(eb => eb.fn.countAll<number>().as('count'))
    .where('disabled_at', 'is', null).where('failing_since', 'is not', null).executeTakeFirst()
  // The partial index of due deliveries holds exactly the pending ones.
  const pending = await db.selectFrom('webhook_deliveries').innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
    .select(eb => eb.fn.countAll<number>().as('count'))
    .where('webhook_deliveries.delivered_at', 'is', null).where('webhook_deliveries.given_up_at', 'is', null)
    .where('webhook_subscriptions.disabled_at', 'is', null).executeTakeFirst()

  return {
    webhooks: { failing: Number(failing?.count ?? 0), pending: Number(pending?.count ?? 0) },
    timers: Object.fromEntries(timers.map(t => [t.kind, { due: Number(t.due), overdue: Number(t.overdue) }])),
    oldestUnprocessedSeconds: Object.fromEntries(oldest.map(o => [o.environment, Math.max(0, (now.getTime() - new Date(o.receivedAt).getTime()) / 1000)])),
    certificates: certificates.map(c => ({
      clientId: c.clientId, environment: c.environment, fingerprint: c.fingerprint, expirySeconds: Math.round((new Date(c.notAfter).getTime() - now.getTime()) / 1000),
    })),
    expiringCertificates,
  }
}
