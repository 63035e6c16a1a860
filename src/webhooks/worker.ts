import { sql } from 'kysely'
import { databaseFaultCause, type Db } from '../db/index.js'
import type { BackgroundWork, Clock } from '../lib/index.js'
import { appendAudit } from '../audit/index.js'
import { appendEvents } from '../events/index.js'
import { dispatchEvents } from './dispatch.js'
import { postMessage, type AttemptResult } from './send.js'

/** What became of one attempt, for the log and the metrics: ids and codes only, never the URL or the body. */
export interface AttemptOutcome {
  readonly subscriptionId: string
  readonly clientId: string
  readonly eventId: string
  /** Null for an event of the client itself. */
  readonly documentId: string | null
  readonly attempt: number
  /** `failed`: it is tried again later; `given_up`: the event is older than WEBHOOK_MAX_AGE. */
  readonly outcome: 'delivered' | 'failed' | 'given_up'
  readonly status: number | null
  readonly error?: string
  readonly ms: number
}

/**
 * The delivery worker as background work: `runDue` dispatches new events, attempts every delivery due now (as far
 * as the limits let it, then again as attempts end) and resolves, with the number of attempts, once none is due
 * and none under way; `stop` aborts the attempts under way (each is due again at once).
 */
export type WebhookWorker = BackgroundWork

export interface WebhookWorkerOptions {
  /** WEBHOOK_TIMEOUT: one attempt's limit. */
  readonly timeoutMs: number
  /** WEBHOOK_MAX_AGE: after this, counted from the event, a failed delivery is given up. */
  readonly maxAgeMs: number
  readonly pollMs?: number
  /** Attempts under way at once: on this instance, and to one subscription. */
  readonly maxConcurrent?: number
  readonly maxPerSubscription?: number
  /** On a database with one connection (PGlite) the worker lets submissions go first, until it is `maxLagMs` behind. */
  readonly yieldTo?: { readonly busy: () => boolean; readonly maxLagMs: number }
  readonly onAttempt?: (outcome: AttemptOutcome) => void
  /** A subscription became failing (a delivery given up) or recovered (a later one delivered). */
  readonly onFailing?: (subscriptionId: string, clientId: string, isFailing: boolean) => void
  readonly onError?: (error: unknown) => void
  readonly onDbFault?: (error: unknown) => void
}

interface Claimed {
  readonly id: number
  readonly subscription_id: string
  readonly event_id: string
  readonly event_at: Date
  readonly document_id: string | null
  readonly body: string
  readonly attempts: number
  readonly url: string
  readonly secret: string
  readonly client_id: string
}

const backoff = { firstMs: 1_000, maxMs: 3_600_000 }
const faultPauseMs = { first: 250, max: 5_000 }

/** Exponential back-off with jitter: after the n-th failed attempt, between half and all of 1 s · 2^(n-1), at most an hour. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const full = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(Math.max(0, attempts - 1), 30))
  return Math.round(full / 2 + (random() * full) / 2)
}

/**
 * The delivery worker (SPEC.md §4b). A delivery is claimed in a short transaction (`FOR UPDATE SKIP LOCKED`,
 * so across instances exactly one takes it) by moving its due time past the attempt's end (a lease: a gateway that
 * dies mid-attempt leaves it due again once the lease is over, which makes delivery at least once); the HTTP
 * request runs after the commit, holding no connection, and its outcome is written in a second short transaction.
 * Per subscription a document's events go one after the other: a delivery waits while an earlier event of its
 * document is still owed. Attempts run off the request path, at most `maxPerSubscription` to one receiver and
 * `maxConcurrent` in all, so that a slow or dead receiver holds up neither submissions nor other receivers.
 */
export function createWebhookWorker(db: Db, clock: Clock, options: WebhookWorkerOptions): WebhookWorker {
  const pollMs = options.pollMs ?? 500
  const maxConcurrent = options.maxConcurrent ?? 32
  const maxPerSubscription = options.maxPerSubscription ?? 4
  const leaseMs = options.timeoutMs + 60_000
  const inFlight = new Set<Promise<void>>()
  const perSubscription = new Map<string, number>()
  let stop = new AbortController()
  let running: Promise<number> | undefined
  let again = false
  let stopped = true
  let poll: NodeJS.Timeout | undefined
  let nudged: NodeJS.Timeout | undefined
  let attemptsMade = 0
  let lastPassAt = 0
  let pausedUntil = 0
  let pauseMs = faultPauseMs.first

  async function claim(now: Date, free: number): Promise<Claimed[]> {
    return db.transaction().execute(async trx => {
      // At most `maxPerSubscription` candidates per subscription, so that one receiver with many owed events
      // cannot crowd out the others.
      const { rows: candidates } = await sql<{ id: number; subscription_id: string }>`
        select id, subscription_id from (
          select d.id, d.subscription_id, d.due_at,
            row_number() over (partition by d.subscription_id order by d.due_at, d.id) as rank
          from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id
          where d.delivered_at is null and d.given_up_at is null and d.due_at <= ${now} and s.disabled_at is null
            and not exists (select 1 from webhook_deliveries e
              where e.subscription_id = d.subscription_id and e.document_id = d.document_id and e.event_seq < d.event_seq
                and e.delivered_at is null and e.given_up_at is null)
        ) c where rank <= ${maxPerSubscription} order by due_at, id limit ${Math.max(free * 4, 50)}`.execute(trx)
      const taken = new Map<string, number>()
      const ids: number[] = []
      for (const c of candidates) {
        const busy = (perSubscription.get(c.subscription_id) ?? 0) + (taken.get(c.subscription_id) ?? 0)
        if (ids.length >= free || busy >= maxPerSubscription) continue
        taken.set(c.subscription_id, (taken.get(c.subscription_id) ?? 0) + 1)
        ids.push(Number(c.id))
      }
      if (ids.length === 0) return []
      const rows = await trx.selectFrom('webhook_deliveries')
        .innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
        .select(['webhook_deliveries.id', 'webhook_deliveries.subscription_id', 'webhook_deliveries.event_id', 'webhook_deliveries.event_at',
          'webhook_deliveries.document_id', 'webhook_deliveries.body', 'webhook_deliveries.attempts',
          'webhook_subscriptions.url', 'webhook_subscriptions.secret', 'webhook_subscriptions.client_id'])
        .where('webhook_deliveries.id', 'in', ids)
        // Checked again under the lock: another instance may have claimed or finished one since the look-up.
        .where('webhook_deliveries.delivered_at', 'is', null).where('webhook_deliveries.given_up_at', 'is', null)
        .where('webhook_deliveries.due_at', '<=', now).where('webhook_subscriptions.disabled_at', 'is', null)
        .forUpdate('webhook_deliveries').skipLocked()
        .execute()
      if (rows.length === 0) return []
      await trx.updateTable('webhook_deliveries')
        .set(eb => ({ due_at: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1), last_attempt_at: now }))
        .where('id', 'in', rows.map(r => Number(r.id))).execute()
      return rows.map(r => ({ ...r, id: Number(r.id), attempts: r.attempts + 1 }))
    })
  }

  /** Writes an attempt's outcome, if the delivery is still this attempt's (its lease may have run out and passed on). */
  async function record(d: Claimed, result: AttemptResult, startedMs: number): Promise<void> {
    const now = clock.now()
    const isOld = now.getTime() >= d.event_at.getTime() + options.maxAgeMs
    const outcome: AttemptOutcome['outcome'] = result.ok ? 'delivered' : result.error === 'stopped' ? 'failed' : isOld ? 'given_up' : 'failed'
    let failing: boolean | undefined
    await db.transaction().execute(async trx => {
      const mine = trx.updateTable('webhook_deliveries').where('id', '=', d.id).where('attempts', '=', d.attempts)
        .where('delivered_at', 'is', null).where('given_up_at', 'is', null)
      const last = { last_status: result.status, last_error: result.ok ? null : result.error }
      if (outcome === 'delivered') {
        const { numUpdatedRows } = await mine.set({ ...last, delivered_at: now }).executeTakeFirst()
        if (numUpdatedRows === 0n) return
        const recovered = await trx.updateTable('webhook_subscriptions').set({ failing_since: null })
          .where('id', '=', d.subscription_id).where('failing_since', 'is not', null).returning('id').execute()
        if (recovered.length > 0) {
          failing = false
          await appendAudit(trx, now, { actor: 'system', action: 'webhook.recovered', subject: d.subscription_id, details: { clientId: d.client_id } })
          await appendEvents(trx, [{ at: now, type: 'webhook.subscription_recovered', clientId: d.client_id, data: { subscriptionId: d.subscription_id } }])
        }
      } else if (outcome === 'given_up') {
        const { numUpdatedRows } = await mine.set({ ...last, given_up_at: now }).executeTakeFirst()
        if (numUpdatedRows === 0n) return
        const marked = await trx.updateTable('webhook_subscriptions').set({ failing_since: now })
          .where('id', '=', d.subscription_id).where('failing_since', 'is', null).returning('id').execute()
        if (marked.length > 0) {
          failing = true
          await appendAudit(trx, now, {
            actor: 'system', action: 'webhook.failing', subject: d.subscription_id,
            details: { clientId: d.client_id, eventId: d.event_id, attempts: d.attempts, lastError: last.last_error },
          })
          // The client hears of it in its event feed (and at its other receivers): the feed still has every event.
          await appendEvents(trx, [{ at: now, type: 'webhook.subscription_failing', clientId: d.client_id, data: { subscriptionId: d.subscription_id } }])
        }
      } else {
        // An attempt cut short by a stop is due again at once; a failure waits, at the latest until WEBHOOK_MAX_AGE.
        const lastChance = d.event_at.getTime() + options.maxAgeMs
        const due = result.ok || result.error === 'stopped' ? now.getTime() : Math.min(now.getTime() + retryDelayMs(d.attempts), Math.max(lastChance, now.getTime()))
        await mine.set({ ...last, due_at: new Date(due) }).execute()
      }
    })
    if (result.ok || result.error !== 'stopped') {
      options.onAttempt?.({
        subscriptionId: d.subscription_id, clientId: d.client_id, eventId: d.event_id, documentId: d.document_id, attempt: d.attempts,
        outcome, status: result.status, ...(result.ok ? {} : { error: result.error }), ms: Math.round(performance.now() - startedMs),
      })
    }
    if (failing !== undefined) options.onFailing?.(d.subscription_id, d.client_id, failing)
  }

  function launch(d: Claimed): void {
    attemptsMade += 1
    perSubscription.set(d.subscription_id, (perSubscription.get(d.subscription_id) ?? 0) + 1)
    const started = performance.now()
    const signal = stop.signal
    const attempt = (async () => {
      const result = await postMessage(d.url, d.secret, { id: d.event_id, body: d.body }, clock.now(), options.timeoutMs, signal)
      await record(d, result, started)
    })().catch(error => options.onError?.(error)).finally(() => {
      inFlight.delete(attempt)
      const left = (perSubscription.get(d.subscription_id) ?? 1) - 1
      if (left > 0) perSubscription.set(d.subscription_id, left)
      else perSubscription.delete(d.subscription_id)
      // The next event of the document may be due now.
      nudge()
    })
    inFlight.add(attempt)
  }

  async function pass(): Promise<void> {
    const now = clock.now()
    lastPassAt = Date.now()
    await dispatchEvents(db, now)
    const free = maxConcurrent - inFlight.size
    if (free <= 0) return
    for (const d of await claim(now, free)) launch(d)
  }

  function runPass(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    const before = attemptsMade
    running = (async () => {
      try {
        do {
          again = false
          await pass()
        } while (again)
      } finally {
        running = undefined
      }
      return attemptsMade - before
    })()
    return running
  }

  function runQuietly(): void {
    if (Date.now() < pausedUntil) return
    const yieldTo = options.yieldTo
    if (yieldTo?.busy() && Date.now() - lastPassAt < yieldTo.maxLagMs) return
    runPass().then(() => { pauseMs = faultPauseMs.first }, error => {
      if (!databaseFaultCause(error)) return options.onError?.(error)
      pausedUntil = Date.now() + pauseMs
      pauseMs = Math.min(faultPauseMs.max, pauseMs * 2)
      ;(options.onDbFault ?? options.onError)?.(error)
    })
  }

  function nudge(): void {
    if (stopped || nudged) return
    nudged = setTimeout(() => {
      nudged = undefined
      runQuietly()
    }, 0)
  }

  return {
    async runDue() {
      const before = attemptsMade
      for (;;) {
        const launched = await runPass()
        if (launched === 0 && inFlight.size === 0) break
        await Promise.allSettled([...inFlight])
      }
      return attemptsMade - before
    },
    nudge,
    start() {
      stopped = false
      if (stop.signal.aborted) stop = new AbortController()
      poll ??= setInterval(runQuietly, pollMs)
      poll.unref()
    },
    async stop() {
      stopped = true
      if (poll) clearInterval(poll)
      if (nudged) clearTimeout(nudged)
      poll = undefined
      nudged = undefined
      stop.abort()
      await running?.catch(() => undefined)
      await Promise.allSettled([...inFlight])
      stop = new AbortController()
    },
  }
}
