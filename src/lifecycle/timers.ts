import { sql } from 'kysely'
import { databaseFaultCause, type Db, type TimerRow } from '../db/index.js'
import type { BackgroundWork, Clock } from '../lib/index.js'

/** A timed transition to schedule (SPEC.md §8). */
export interface NewTimer {
  /** Timers of one lane run one at a time, in due order. */
  readonly lane: string
  readonly kind: string
  readonly documentId: string
  readonly dueAt: Date
}

/** What a handler did: `done`, or `skipped` when the document's state no longer allows the transition. */
export type TimerOutcome = 'done' | 'skipped'

/**
 * Runs due timers of one kind, in order, inside the transaction that marks them done, and returns one outcome
 * per timer, or per timer of a leading part of the batch: the rest stay due and go to the next transaction. Throwing rolls every transition of the batch back. Handlers get the batch so that they can read
 * what they need for all of it at once. `afterCommit` takes what is to happen only once the transaction has
 * committed (a log line of the transitions made).
 */
export type TimerHandler = (
  trx: Db, timers: readonly TimerRow[], now: Date, prepared?: unknown, afterCommit?: (effect: () => void) => void,
) => Promise<readonly TimerOutcome[]>

/**
 * Asks, before the transaction, what a kind's handler needs from outside (the back office's answers), so that the
 * transaction holds no connection or lock while it waits. Gets the timers that were due then; the handler gets
 * its answer as `prepared` and must cope with timers it does not cover.
 */
export type TimerPreparer = (db: Db, timers: readonly TimerRow[]) => Promise<unknown>

/** The timers as background work: `runDue` resolves with how many timers ran. */
export interface TimerRunner extends BackgroundWork {
  /** Runs what is due now even while submissions are under way (a sandbox's `advance` waits for it). */
  runDueNow(): Promise<number>
}

export interface TimerRunnerOptions {
  readonly pollMs?: number
  readonly prepare?: Readonly<Record<string, TimerPreparer>>
  readonly batchSize?: number
  /**
   * On a database with one connection (PGlite) timed transitions compete with submissions: while `busy()`
   * they wait, until the oldest due timer is `maxLagMs` late.
   */
  readonly yieldTo?: { readonly busy: () => boolean; readonly maxLagMs: number }
  readonly onError?: (error: unknown, timer?: TimerRow) => void
  /** What became of a timer: run (`done`) or `skipped` once committed, or `failed` and postponed. */
  readonly onOutcome?: (timer: TimerRow, outcome: TimerOutcome | 'failed') => void
  /**
   * A run met a database fault (see databaseFaultCause): nothing of the batch was committed, no timer is blamed, and
   * the poll backs off until the database answers again. Without it such faults go to `onError`.
   */
  readonly onDbFault?: (error: unknown) => void
  /** A run completed: the database answers. */
  readonly onDbAnswered?: () => void
}

const maxBackoffMs = 3_600_000
const nudgeDelayMs = 20
// While the database is away the poll waits this long, doubling up to the maximum, between attempts.
const faultPauseMs = { first: 250, max: 5_000 }

export async function scheduleTimers(trx: Db, now: Date, timers: readonly NewTimer[]): Promise<void> {
  if (timers.length === 0) return
  await trx.insertInto('timers').values(timers.map(t => ({
    lane: t.lane, kind: t.kind, document_id: t.documentId, due_at: t.dueAt, created_at: now,
  }))).execute()
}

/** Marks a document's pending timers done without running them (the document was cancelled). */
export async function cancelTimers(trx: Db, documentId: string, now: Date): Promise<void> {
  await trx.updateTable('timers').set({ done_at: now, outcome: 'cancelled' })
    .where('document_id', '=', documentId).where('done_at', 'is', null).execute()
}

/** The pending timers of a test client's sandbox (SPEC.md §7), soonest first. */
export async function sandboxTimers(db: Db, clientId: string, sandbox: string): Promise<TimerRow[]> {
  return db.selectFrom('timers').selectAll()
    .where('done_at', 'is', null)
    .where('document_id', 'in', eb => eb.selectFrom('documents').select('documents.id').where('documents.client_id', '=', clientId).where('documents.sandbox', '=', sandbox))
    .orderBy('due_at').orderBy('id').execute()
}

/** Brings pending timers `ms` closer, as if that much time had passed for them alone (a sandbox's `advance`). */
export async function bringTimersForward(db: Db, ids: readonly number[], ms: number): Promise<void> {
  if (ids.length === 0 || ms <= 0) return
  await db.updateTable('timers').set({ due_at: sql`due_at - make_interval(secs => ${ms / 1000})` })
    .where('id', 'in', ids).where('done_at', 'is', null).execute()
}

/** Marks the pending timers of a reset sandbox done without running them: its documents are gone. */
export async function cancelSandboxTimers(trx: Db, clientId: string, sandbox: string, now: Date): Promise<void> {
  await trx.updateTable('timers').set({ done_at: now, outcome: 'sandbox_reset' })
    .where('done_at', 'is', null)
    .where('document_id', 'in', eb => eb.selectFrom('documents').select('documents.id').where('documents.client_id', '=', clientId).where('documents.sandbox', '=', sandbox))
    .execute()
}

/**
 * Polls the timers table. Each lane runs under a transaction-scoped advisory lock (per schema) taken with try-lock, so
 * with several gateway instances on one PostgreSQL exactly one of them runs a lane at a time; the others
 * skip it. A batch that fails is retried timer by timer, and a timer that fails alone is postponed with
 * backoff, so one broken document never blocks the rest.
 */
export function createTimerRunner(db: Db, clock: Clock, handlers: Readonly<Record<string, TimerHandler>>, options: TimerRunnerOptions = {}): TimerRunner {
  const pollMs = options.pollMs ?? 250
  const batchSize = options.batchSize ?? 500
  let current: Promise<number> | undefined
  let again = false
  let poll: NodeJS.Timeout | undefined
  let nudged: NodeJS.Timeout | undefined
  let stopped = false
  let pausedUntil = 0
  let pauseMs = faultPauseMs.first
  let urgent = 0

  /**
   * Prepares the lane's leading timers: the first run of one kind that has a preparer, or the timers before the next
   * such run. The transaction then takes only those, so that what a preparer reads (the register, for a back office)
   * is as the transitions before it left it.
   */
  async function prepareLane(lane: string, now: Date, limit: number): Promise<{ prepared: Map<string, unknown>; limit: number }> {
    const prepared = new Map<string, unknown>()
    const preparers = options.prepare ?? {}
    if (Object.keys(preparers).length === 0) return { prepared, limit }
    const due = await db.selectFrom('timers').selectAll()
      .where('lane', '=', lane).where('done_at', 'is', null).where('due_at', '<=', now)
      .orderBy('due_at').orderBy('id').limit(limit).execute()
    const preparerOf = (kind: string): TimerPreparer | undefined => (Object.hasOwn(preparers, kind) ? preparers[kind] : undefined)
    const first = due[0]
    const preparer = first && preparerOf(first.kind)
    if (!first || !preparer) {
      const next = due.findIndex(t => preparerOf(t.kind))
      return { prepared, limit: next > 0 ? next : limit }
    }
    let end = 1
    while (end < due.length && due[end]!.kind === first.kind) end++
    prepared.set(first.kind, await preparer(db, due.slice(0, end)))
    return { prepared, limit: end }
  }

  async function runLaneBatch(lane: string, now: Date, batchLimit: number): Promise<number> {
    const { prepared, limit } = await prepareLane(lane, now, batchLimit)
    const committed: (() => void)[] = []
    const ran = await db.transaction().execute(async trx => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext(current_schema() || ':' || ${lane})) as locked`.execute(trx)
      if (!rows[0]?.locked) return -1
      const due = await trx.selectFrom('timers').selectAll()
        .where('lane', '=', lane).where('done_at', 'is', null).where('due_at', '<=', now)
        .orderBy('due_at').orderBy('id').limit(limit).execute()
      // Consecutive timers of one kind go to their handler together; the order across kinds is kept.
      for (let start = 0; start < due.length;) {
        let end = start + 1
        while (end < due.length && due[end]!.kind === due[start]!.kind) end++
        const segment = due.slice(start, end)
        const handler = handlers[segment[0]!.kind]
        if (!handler) throw new Error(`no handler for timer kind ${segment[0]!.kind}`)
        const outcomes = await handler(trx, segment, now, prepared.get(segment[0]!.kind), effect => committed.push(effect))
        for (const outcome of ['done', 'skipped'] as const) {
          const ids = segment.filter((_, i) => outcomes[i] === outcome).map(t => t.id)
          if (ids.length > 0) await trx.updateTable('timers').set({ done_at: now, outcome }).where('id', 'in', ids).where('done_at', 'is', null).execute()
        }
        if (options.onOutcome) outcomes.forEach((outcome, i) => committed.push(() => options.onOutcome!(segment[i]!, outcome)))
        // A handler that took only the first timers (large documents) leaves the rest, and what follows, to the next transaction.
        if (outcomes.length < segment.length) return start + outcomes.length
        start = end
      }
      return due.length
    })
    for (const effect of committed) effect()
    return ran
  }

  async function postpone(lane: string, now: Date, error: unknown): Promise<void> {
    const [timer] = await db.selectFrom('timers').selectAll()
      .where('lane', '=', lane).where('done_at', 'is', null).where('due_at', '<=', now)
      .orderBy('due_at').orderBy('id').limit(1).execute()
    if (!timer) return
    options.onError?.(error, timer)
    options.onOutcome?.(timer, 'failed')
    const delay = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(timer.attempts, 20))
    await db.updateTable('timers')
      .set({ attempts: timer.attempts + 1, last_error: String(error instanceof Error ? error.message : error).slice(0, 1000), due_at: new Date(now.getTime() + delay) })
      .where('id', '=', timer.id).execute()
  }

  /**
   * On a database with one connection, a long transaction (a large report's register check) is followed by a pause
   * as long as it held the connection (at most a second) while submissions are under way, so that they are not
   * queued behind one transition after another.
   */
  async function letSubmissionsThrough(heldMs: number): Promise<void> {
    const busy = options.yieldTo?.busy
    if (!busy || heldMs < 50) return
    const until = performance.now() + Math.min(heldMs, 1000)
    while (busy() && !stopped && performance.now() < until) await new Promise(resolve => setTimeout(resolve, 10))
  }

  async function runLane(lane: string, now: Date): Promise<number> {
    let total = 0
    for (;;) {
      let ran: number
      const started = performance.now()
      try {
        ran = await runLaneBatch(lane, now, batchSize)
        if (ran > 0) await letSubmissionsThrough(performance.now() - started)
      } catch (error) {
        // The database went away: no timer is to blame, and the transaction that was cut left nothing behind.
        if (databaseFaultCause(error)) throw error
        // Find the culprit: the first due timer alone; if it fails again it is postponed.
        try {
          ran = await runLaneBatch(lane, now, 1)
        } catch (error) {
          if (databaseFaultCause(error)) throw error
          await postpone(lane, now, error)
          continue
        }
        if (ran > 0) {
          total += ran
          continue
        }
      }
      // A transition may make another one due at once (forwarding schedules processing): run until none is due.
      if (ran <= 0) return total
      total += ran
    }
  }

  async function runOnce(): Promise<number> {
    const now = clock.now()
    const yieldTo = options.yieldTo
    if (yieldTo?.busy() && urgent === 0) {
      // A cheap look at the oldest pending timer (an index lookup), so that a busy gateway is not slowed down.
      const next = await db.selectFrom('timers').select(eb => eb.fn.min('due_at').as('oldest')).where('done_at', 'is', null).executeTakeFirst()
      if (!next?.oldest || new Date(next.oldest).getTime() > now.getTime() - yieldTo.maxLagMs) return 0
    }
    const lanes = await db.selectFrom('timers').select('lane').distinct()
      .where('done_at', 'is', null).where('due_at', '<=', now).execute()
    let total = 0
    for (const { lane } of lanes) total += await runLane(lane, now)
    return total
  }

  function runDue(): Promise<number> {
    if (current) {
      again = true
      return current
    }
    current = (async () => {
      let total = 0
      try {
        do {
          again = false
          total += await runOnce()
        } while (again && !stopped)
      } finally {
        current = undefined
      }
      return total
    })()
    return current
  }

  // Polls that come while a run is still going join it: its outcome is reported once, not once for each of them.
  let watched: Promise<number> | undefined
  const runQuietly = (): void => {
    if (Date.now() < pausedUntil) return
    const run = runDue()
    if (run === watched) return
    watched = run
    run.then(() => {
      pauseMs = faultPauseMs.first
      options.onDbAnswered?.()
    }, error => {
      if (!databaseFaultCause(error)) return options.onError?.(error)
      pausedUntil = Date.now() + pauseMs
      pauseMs = Math.min(faultPauseMs.max, pauseMs * 2)
      ;(options.onDbFault ?? options.onError)?.(error)
    })
  }

  return {
    runDue,
    async runDueNow() {
      urgent++
      try {
        return await runDue()
      } finally {
        urgent--
      }
    },
    // Submissions arrive in bursts: one run shortly after the first nudge serves the whole burst.
    nudge: () => {
      // A gateway busy with submissions leaves its timers to the poll.
      if (stopped || nudged || options.yieldTo?.busy()) return
      nudged = setTimeout(() => {
        nudged = undefined
        runQuietly()
      }, nudgeDelayMs)
    },
    start() {
      stopped = false
      poll ??= setInterval(runQuietly, pollMs)
      poll.unref()
    },
    async stop() {
      stopped = true
      if (poll) clearInterval(poll)
      if (nudged) clearTimeout(nudged)
      poll = undefined
      nudged = undefined
      await current?.catch(() => 0)
    },
  }
}
