import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { appendAudit } from '../audit/index.js'
import { sandboxOf, type Caller } from '../identity/index.js'
import { bringTimersForward, cancelSandboxTimers, sandboxTimers, type TimerRunner } from '../lifecycle/index.js'
import { releaseIdempotencyKeys } from '../intake/index.js'
import { isFinal, transitions as transitionOfTimer, type DocumentView } from '../documents/index.js'
import { GatewayError } from '../problems.js'
import type { EventPage } from '../events/index.js'
import { durationPattern, newId, parseDuration, type Clock } from '../lib/index.js'
import { currentSandbox } from './sandbox-of.js'

/** The longest `advance` in one call: a year covers every timed transition the gateway has. */
export const maxAdvanceMs = 366 * 86_400_000
// Each round runs the transitions that fall due next; a chain longer than this in one call is not a lifecycle's.
const maxRounds = 50
// Transitions another instance holds the lane for are waited for this long before the answer goes without them.
const settleMs = 10_000

/** A state change made by `advance`, as the caller sees it. */
export interface SandboxTransition {
  readonly document: { readonly id: string; readonly number: string; readonly type: string }
  readonly at: string
  readonly acceptance: string
  readonly processing: string
  readonly reason: string | null
}

export interface AdvanceResult {
  readonly advancedBy: string
  readonly transitions: readonly SandboxTransition[]
  /** The sandbox's timed transitions still to come, and when. */
  readonly pending: readonly { readonly document: string; readonly transition: string; readonly dueAt: string }[]
}

/** What a test client did that the certification report reads and that leaves no document behind. */
export type ObservationKind = 'final-state-read' | 'receipt' | 'events-read' | 'storno-refused'

export interface Sandbox {
  /** `POST /sandbox/reset`: the caller's documents leave lists, the register and the report; the message log keeps them. */
  reset(caller: Caller): Promise<void>
  /** `POST /sandbox/advance`: the caller's pending timed transitions fall due as if `by` had passed. */
  advance(caller: Caller, by: unknown): Promise<AdvanceResult>
  /** Records, for a test client, a read of a document's status (it counts once the document is final). */
  statusRead(caller: Caller, view: DocumentView, requestId: string): Promise<void>
  /** Records, for a test client, a receipt fetched of a processed document. */
  receiptRead(caller: Caller, view: DocumentView, requestId: string): Promise<void>
  /** Records, for a test client, a read of its event feed; one whose events include a final state counts as a final read too. */
  eventsRead(caller: Caller, page: EventPage, requestId: string): Promise<void>
  /** Runs a storno, and records for a test client one refused with STORNO_NOT_ALLOWED. */
  watchStorno<T>(caller: Caller, documentId: string, requestId: string, storno: () => Promise<T>): Promise<T>
}


/** TEST_CLIENTS_ONLY for a production client: the sandbox and its report are for test clients. */
export function testOnly(caller: Caller): void {
  if (caller.environment !== 'test') {
    throw new GatewayError('TEST_CLIENTS_ONLY', 'The certification sandbox is for test clients; a production client files for real')
  }
}

/** Reads `{"by": "5h"}`: a duration of SPEC.md §2's form, from 1 ms to a year. */
function advanceBy(body: unknown): { ms: number; text: string } {
  const by = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).by : undefined
  if (typeof by !== 'string' || !durationPattern.test(by) || by.length > 16) {
    throw new GatewayError('INVALID_REQUEST', 'Send {"by": DURATION}, e.g. {"by": "5h"}: a whole number with ms, s, m, h or d')
  }
  const ms = parseDuration(by)
  if (ms <= 0 || ms > maxAdvanceMs) throw new GatewayError('INVALID_REQUEST', 'by must be more than 0 and at most 366d')
  return { ms, text: by }
}

export function createSandbox(db: Db, clock: Clock, timers: Pick<TimerRunner, 'runDueNow'>): Sandbox {
  async function observe(caller: Caller, kind: ObservationKind, documentId: string | null, requestId: string): Promise<void> {
    const sandbox = sandboxOf(caller)
    if (sandbox === null) return
    await db.insertInto('sandbox_observations').values({
      client_id: caller.clientId, sandbox, at: clock.now(), kind, document_id: documentId, request_id: requestId,
    }).execute()
  }

  /** Waits until the timers run, here or by the instance that holds their lane; gives up quietly after a while. */
  async function settled(ids: readonly number[]): Promise<void> {
    const until = Date.now() + settleMs
    for (;;) {
      const left = await db.selectFrom('timers').select('id').where('id', 'in', ids).where('done_at', 'is', null)
        .where('due_at', '<=', clock.now()).limit(1).execute()
      if (left.length === 0 || Date.now() > until) return
      await new Promise(resolve => setTimeout(resolve, 25))
      await timers.runDueNow()
    }
  }

  return {
    async reset(caller) {
      testOnly(caller)
      const now = clock.now()
      await db.transaction().execute(async trx => {
        // One reset of a client at a time, across instances: each ends the sandbox the one before started.
        await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':sandbox:' || ${caller.clientId}))`.execute(trx)
        const { sandbox } = await currentSandbox(trx, caller.clientId)
        const started = newId(now.getTime())
        await trx.insertInto('sandbox_resets').values({ id: started, client_id: caller.clientId, ended_sandbox: sandbox, at: now }).execute()
        await cancelSandboxTimers(trx, caller.clientId, sandbox, now)
        await releaseIdempotencyKeys(trx, caller.clientId, sandbox)
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'sandbox.reset', subject: caller.clientId, details: { ended: sandbox, started } })
      })
    },

    async advance(caller, body) {
      testOnly(caller)
      const by = advanceBy(body)
      const { sandbox } = await currentSandbox(db, caller.clientId)
      const before = await db.selectFrom('document_states').select(eb => eb.fn.max('id').as('id')).executeTakeFirst()
      const fromState = Number(before?.id ?? 0)
      let left = by.ms
      for (let round = 0; round < maxRounds; round++) {
        const pending = await sandboxTimers(db, caller.clientId, sandbox)
        if (pending.length === 0) break
        const now = clock.now().getTime()
        const wait = Math.max(0, pending[0]!.due_at.getTime() - now)
        // Time passes for every pending timer alike: up to the next one due, or what is left of `by`.
        const step = Math.min(wait, left)
        await bringTimersForward(db, pending.map(t => t.id), step)
        left -= step
        if (wait > step) break
        const due = pending.filter(t => t.due_at.getTime() - step <= now).map(t => t.id)
        await timers.runDueNow()
        await settled(due)
      }
      const transitions = await db.selectFrom('document_states as s').innerJoin('documents as d', 'd.id', 's.document_id')
        .select(['d.id', 'd.number', 'd.type', 's.at', 's.acceptance', 's.processing', 's.reason'])
        .where('s.id', '>', fromState).where('d.client_id', '=', caller.clientId).where('d.sandbox', '=', sandbox)
        .where('s.reason', '<>', 'received').orderBy('s.id').execute()
      const pending = await sandboxTimers(db, caller.clientId, sandbox)
      await db.transaction().execute(async trx => {
        await appendAudit(trx, clock.now(), {
          actor: `client:${caller.clientId}`, action: 'sandbox.advanced', subject: caller.clientId,
          details: { sandbox, by: by.text, transitions: transitions.length },
        })
      })
      return {
        advancedBy: by.text,
        transitions: transitions.map(t => ({
          document: { id: t.id, number: t.number, type: t.type }, at: t.at.toISOString(),
          acceptance: t.acceptance, processing: t.processing, reason: t.reason,
        })),
        pending: pending.map(t => ({ document: t.document_id, transition: transitionOfTimer[t.kind] ?? t.kind, dueAt: t.due_at.toISOString() })),
      }
    },

    async statusRead(caller, view, requestId) {
      if (isFinal(view.status)) await observe(caller, 'final-state-read', view.id, requestId)
    },
    async receiptRead(caller, view, requestId) {
      if (view.status.processing === 'processed') await observe(caller, 'receipt', view.id, requestId)
    },
    async eventsRead(caller, page, requestId) {
      if (sandboxOf(caller) === null) return
      await observe(caller, 'events-read', null, requestId)
      const final = page.items.find(e => e.type === 'document.state_changed' && isFinal(e))
      if (final?.type === 'document.state_changed') await observe(caller, 'final-state-read', final.document.id, requestId)
    },
    async watchStorno(caller, documentId, requestId, storno) {
      try {
        return await storno()
      } catch (error) {
        if (error instanceof GatewayError && error.code === 'STORNO_NOT_ALLOWED') await observe(caller, 'storno-refused', documentId, requestId)
        throw error
      }
    },
  }
}
