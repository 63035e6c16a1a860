import { sql } from 'kysely'
import type { Db, DocumentRow, TimerRow } from '../db/index.js'
import { authorizeActing } from '../authorization/index.js'
import type { Caller, Environment } from '../identity/index.js'
import { countryOf, type Country } from '../forms/form-module.js'
import { registerCheckFindingsOf } from '../forms/sk/common/register-check.js'
import { appendAudit } from '../audit/index.js'
import { findVisibleDocument, getDocumentView, type DocumentView } from '../documents/index.js'
import { GatewayError } from '../problems.js'
import type { Clock } from '../lib/clock.js'
import { localDate } from '../lib/dates.js'
import { makeFinding, type Finding } from '../validation/finding.js'
import type { Acceptance, DocumentState, Processing } from './states.js'
import type { BackOffice, PreparedDocuments, ProcessingRequest } from './back-office.js'
import { decideRegisterCheck, repeatedCheckDue } from './register-check.js'
import { cancelTimers, createTimerRunner, scheduleTimers, type NewTimer, type TimerOutcome, type TimerRunner } from './timers.js'

export interface LifecycleOptions {
  /** PROCESSING_DELAY: how long the back office takes before it reports a processing result. */
  readonly processingDelayMs: number
  /** FORWARD_DELAY and TEST_FORWARD_DELAY: an accepted SK document is forwarded to processing after this. */
  readonly forwardDelayMs: Readonly<Record<Environment, number>>
  /** RECHECK_DELAY and TEST_RECHECK_DELAY: a requested repeated register check runs after this. */
  readonly recheckDelayMs: Readonly<Record<Environment, number>>
  readonly pollMs?: number
  /** A timed transition failed (it is postponed), or a run of the timers did. */
  readonly onError?: (error: unknown, timer?: { readonly documentId: string; readonly kind: string }) => void
  /** Each timed transition, once committed: for the log. */
  readonly onTransition?: (transition: TimedTransition) => void
  /** What became of each timer (`done`, `skipped`, `failed`): for the metrics. */
  readonly onTimerOutcome?: (kind: string, outcome: 'done' | 'skipped' | 'failed') => void
  /** See TimerRunnerOptions.yieldTo. */
  readonly yieldTo?: { readonly busy: () => boolean; readonly maxLagMs: number }
  /** See TimerRunnerOptions.onDbFault and onDbAnswered. */
  readonly onDbFault?: (error: unknown) => void
  readonly onDbAnswered?: () => void
}

/** A document's state changed by a timer (SPEC.md §8): no content, only ids, the form type and the states. */
export interface TimedTransition {
  readonly documentId: string
  readonly type: string
  /** The timer's kind: `register-check`, `forward` or `process`. */
  readonly kind: string
  readonly from: DocumentState
  readonly to: DocumentState
}

export interface Lifecycle {
  /** The timers a newly stored document starts with; the writer commits them with the document. */
  firstTimers(document: { id: string; type: string; environment: Environment; receivedAt: Date }): NewTimer[]
  /** SPEC.md §4 storno: cancels a document that is still unprocessed, else STORNO_NOT_ALLOWED. */
  storno(caller: Caller, id: string): Promise<DocumentView>
  /** SPEC.md §4 register-check: schedules a repeated register check of a report, else REGISTER_CHECK_NOT_ALLOWED. */
  requestRegisterCheck(caller: Caller, id: string): Promise<DocumentView>
  readonly timers: TimerRunner
}

/** Acceptance states from which a document may still be cancelled (while processing is `unprocessed`, sk-ezu §4.3). */
const cancellable: ReadonlySet<Acceptance> = new Set(['accepted', 'awaiting_first_register_check', 'not_accepted', 'not_accepted_registration_errors'])

/** Why a document cannot be cancelled, and what to do instead. */
function stornoRefusal(country: Country, state: DocumentState): string {
  if (state.acceptance === 'cancelled') return 'The document is already cancelled.'
  if (state.acceptance === 'awaiting_repeated_register_check') {
    return 'A repeated register check is scheduled for this report: it cannot be cancelled until the check has run (sk-ezu §4.3).'
  }
  if (state.acceptance === 'register_check_running') return 'The register check of this report is running: cancel it once the check has finished.'
  return country === 'SI'
    ? 'Only a document that is still unprocessed can be cancelled. To correct a processed registration file an M3 '
      + '(code 01 for an open insurance; code 16 together with a new M1 and M2 for a closed one), or an M2 with a new M1 '
      + 'for data an M3 may not change.'
    : 'Only a document that is still unprocessed can be cancelled; this one was forwarded for processing. Correct a report '
      + 'with a corrective report (O), an ELDP with a corrective ELDP, and a registration list with a new RLFO or RLZEC.'
}

/** Why a repeated register check cannot be requested now. */
function registerCheckRefusal(state: DocumentState): string {
  switch (state.acceptance) {
    case 'awaiting_repeated_register_check': return 'A repeated register check of this report is already scheduled.'
    case 'awaiting_first_register_check':
    case 'register_check_running': return 'The register check of this report has not finished yet.'
    case 'accepted': return 'The report is accepted: it needs no repeated register check.'
    case 'cancelled': return 'The report is cancelled.'
    default: return 'A repeated register check can be requested only for a report not accepted because of registration errors.'
  }
}

/**
 * All timers of one country's register in one environment share a lane, so they run one at a time in due
 * order: a document is processed, and a report checked, against the register as the documents before it left it.
 */
const registerLane = (country: Country, environment: string): string => `register:${country.toLowerCase()}:${environment}`

const reports: ReadonlySet<string> = new Set(['MVP', 'VPP'])

async function lockDocument(trx: Db, id: string): Promise<void> {
  await trx.selectFrom('documents').select('id').where('id', '=', id).forUpdate().execute()
}

export async function currentStates(trx: Db, ids: readonly string[]): Promise<Map<string, DocumentState>> {
  if (ids.length === 0) return new Map()
  const rows = await trx.selectFrom('document_states')
    .select(['document_id', 'acceptance', 'processing'])
    .distinctOn('document_id')
    .where('document_id', 'in', ids)
    .orderBy('document_id').orderBy('id', 'desc')
    .execute()
  return new Map(rows.map(r => [r.document_id, { acceptance: r.acceptance as Acceptance, processing: r.processing as Processing }]))
}

export interface NewState extends DocumentState {
  readonly documentId: string
  readonly reason: string
  readonly findings?: readonly Finding[]
}

/** States are appended, never updated (SPEC.md §8). */
export async function appendStates(trx: Db, at: Date, states: readonly NewState[]): Promise<void> {
  if (states.length === 0) return
  await trx.insertInto('document_states').values(states.map(s => ({
    document_id: s.documentId, at, acceptance: s.acceptance, processing: s.processing, reason: s.reason,
    findings: JSON.stringify(s.findings ?? []),
  }))).execute()
}

/**
 * The due timers' documents, locked (a storno and a transition of one document never cross), one per timer:
 * the document when its current state still allows the transition, else undefined (the timer is skipped), and
 * the current states (the transitions' `from`).
 */
async function lockDue(trx: Db, timers: readonly TimerRow[], allows: (state: DocumentState) => boolean): Promise<{ due: (DocumentRow | undefined)[]; states: Map<string, DocumentState> }> {
  const ids = timers.map(t => t.document_id)
  const documents = new Map((await trx.selectFrom('documents').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute()).map(d => [d.id, d]))
  const states = await currentStates(trx, ids)
  const due = timers.map(timer => {
    const state = states.get(timer.document_id)
    return state && allows(state) ? documents.get(timer.document_id) : undefined
  })
  return { due, states }
}

// Documents whose bytes a transaction reads: with one database connection (PGlite) a long transaction holds up every
// submission, so large reports go one or a few per transaction, and others get their turn in between.
const maxBatchBytes = 4 * 1024 * 1024

/** The leading documents that fit in one transaction's bytes (at least one); the timers of the rest stay due. */
function withinBatchBytes<T extends DocumentRow | undefined>(documents: readonly T[]): T[] {
  let bytes = 0
  for (let i = 0; i < documents.length; i++) {
    bytes += documents[i]?.size ?? 0
    if (i > 0 && bytes > maxBatchBytes) return documents.slice(0, i)
  }
  return [...documents]
}

/** The submitted bytes of documents. */
async function withContent(trx: Db, documents: readonly DocumentRow[]): Promise<ProcessingRequest[]> {
  if (documents.length === 0) return []
  const bodies = new Map((await trx.selectFrom('message_log').select(['document_id', 'body'])
    .where('id', 'in', documents.map(d => d.message_id)).execute()).map(m => [m.document_id, m.body ?? new Uint8Array()]))
  return documents.map(document => ({ document, content: bodies.get(document.id) ?? new Uint8Array() }))
}

export function createLifecycle(db: Db, clock: Clock, backOffice: BackOffice, options: LifecycleOptions): Lifecycle {
  /** Logs, once committed, the transitions a timer handler made: from each document's state before to `to`. */
  const report = (afterCommit: ((effect: () => void) => void) | undefined, kind: string, states: Map<string, DocumentState>, made: readonly { document: DocumentRow; to: DocumentState }[]): void => {
    const onTransition = options.onTransition
    if (!onTransition || !afterCommit || made.length === 0) return
    afterCommit(() => {
      for (const { document, to } of made) onTransition({ documentId: document.id, type: document.type, kind, from: states.get(document.id)!, to })
    })
  }
  const processingDue = (now: Date): Date => new Date(now.getTime() + options.processingDelayMs)
  const forwardingDue = (environment: Environment, from: Date): Date => new Date(from.getTime() + options.forwardDelayMs[environment])

  /** The back office's turn: every document waiting for its processing result (SI at once, SK once forwarded). */
  async function processDue(trx: Db, timers: readonly TimerRow[], now: Date, _prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const locked = await lockDue(trx, timers, s => s.acceptance === 'accepted' && (s.processing === 'unprocessed' || s.processing === 'forwarded'))
    const due = withinBatchBytes(locked.due)
    const ready = due.filter(d => d !== undefined)
    if (ready.length > 0) {
      const results = await backOffice.process(trx, await withContent(trx, ready), now)
      await appendStates(trx, now, ready.map((document, i) => ({
        documentId: document.id, acceptance: 'accepted', processing: results[i]!.processing, reason: results[i]!.processing, findings: results[i]!.findings,
      })))
      // One audit entry for the batch: it names every document with its result.
      await appendAudit(trx, now, {
        actor: 'system', action: 'documents.processed',
        details: { documents: ready.map((document, i) => ({ id: document.id, processing: results[i]!.processing, findings: results[i]!.findings.map(f => f.code) })) },
      })
      report(afterCommit, 'process', locked.states, ready.map((document, i) => ({ document, to: { acceptance: 'accepted', processing: results[i]!.processing } })))
    }
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  /** sk-ezu §4.1: an accepted, unprocessed SK document goes to processing; then it can no longer be cancelled. */
  async function forwardDue(trx: Db, timers: readonly TimerRow[], now: Date, _prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const { due, states } = await lockDue(trx, timers, s => s.acceptance === 'accepted' && s.processing === 'unprocessed')
    const ready = due.filter(d => d !== undefined)
    if (ready.length > 0) {
      await appendStates(trx, now, ready.map(d => ({ documentId: d.id, acceptance: 'accepted', processing: 'forwarded', reason: 'forwarded' })))
      await scheduleTimers(trx, now, ready.map(d => ({ lane: registerLane('SK', d.environment), kind: 'process', documentId: d.id, dueAt: processingDue(now) })))
      await appendAudit(trx, now, { actor: 'system', action: 'documents.forwarded', details: { documents: ready.map(d => d.id) } })
      report(afterCommit, 'forward', states, ready.map(document => ({ document, to: { acceptance: 'accepted', processing: 'forwarded' } })))
    }
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  /**
   * sk-ezu §5: the register check of reports waiting for it. The check itself is the back office's; which
   * acceptance follows (the "fix at least N" rule of §5.4) is the lifecycle's, with every check's result kept.
   */
  async function checkRegisterDue(trx: Db, timers: readonly TimerRow[], now: Date, prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const locked = await lockDue(trx, timers, s => s.processing === 'unprocessed'
      && (s.acceptance === 'awaiting_first_register_check' || s.acceptance === 'awaiting_repeated_register_check'))
    const due = withinBatchBytes(locked.due)
    const ready = due.filter(d => d !== undefined)
    if (ready.length === 0) return due.map(() => 'skipped')
    const read = prepared as PreparedDocuments | undefined
    const unread = new Map((await withContent(trx, ready.filter(d => !read?.has(d.id)))).map(r => [r.document.id, r]))
    const requests = ready.map(document => unread.get(document.id) ?? { document, content: new Uint8Array() })
    const results = await backOffice.checkRegister(trx, requests, now, read)
    const baselines = new Map((await trx.selectFrom('register_checks').select(['document_id', 'baseline']).distinctOn('document_id')
      .where('document_id', 'in', ready.map(d => d.id)).orderBy('document_id').orderBy('id', 'desc').execute()).map(r => [r.document_id, r.baseline]))
    const appended: NewState[] = []
    const checks = ready.map((document, i) => {
      const { errors, warnings } = results[i]!
      const previous = baselines.get(document.id)
      const decision = decideRegisterCheck(previous, errors.length)
      const F = registerCheckFindingsOf(document.type)
      const at = { path: `/${document.type}/Priloha` }
      const summary = decision.message === 'first' ? makeFinding(F['024'], at, undefined, { errors: errors.length, needed: decision.needed })
        : decision.message === 'repeated' ? makeFinding(F['025'], at, undefined, { errors: errors.length, needed: decision.needed, baseline: decision.baseline })
        : decision.message === 'more_than_before' ? makeFinding(F['026'], at, undefined, { errors: errors.length, needed: decision.needed, previous: previous ?? 0 })
        : errors.length > 0 ? makeFinding(F['027'], at, undefined, { errors: errors.length }) : undefined
      // Errors a report was accepted with are reported as warnings: accepted means nothing blocks it.
      const rows = decision.accepted ? errors.map(f => ({ ...f, severity: 'warning' as const })) : errors
      appended.push(
        { documentId: document.id, acceptance: 'register_check_running', processing: 'unprocessed', reason: 'register_check_started' },
        {
          documentId: document.id, acceptance: decision.accepted ? 'accepted' : 'not_accepted_registration_errors', processing: 'unprocessed',
          reason: 'register_check', findings: [...(summary ? [summary] : []), ...rows, ...warnings],
        },
      )
      return { document_id: document.id, at: now, errors: errors.length, baseline: decision.baseline, accepted: decision.accepted }
    })
    await appendStates(trx, now, appended)
    await trx.insertInto('register_checks').values(checks).execute()
    const accepted = ready.filter((_, i) => checks[i]!.accepted)
    await scheduleTimers(trx, now, accepted.map(d => ({ lane: registerLane('SK', d.environment), kind: 'forward', documentId: d.id, dueAt: forwardingDue(d.environment, now) })))
    await appendAudit(trx, now, {
      actor: 'system', action: 'documents.register_checked',
      details: { documents: checks.map(c => ({ id: c.document_id, errors: c.errors, accepted: c.accepted })) },
    })
    report(afterCommit, 'register-check', locked.states, ready.map((document, i) => ({
      document, to: { acceptance: checks[i]!.accepted ? 'accepted' : 'not_accepted_registration_errors', processing: 'unprocessed' },
    })))
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  /** The reports due for a check, read before its transaction: a document's bytes never change. */
  async function prepareRegisterCheck(db: Db, timers: readonly TimerRow[]): Promise<PreparedDocuments | undefined> {
    if (!backOffice.prepareRegisterCheck) return undefined
    const byId = new Map((await db.selectFrom('documents').selectAll().where('id', 'in', timers.map(t => t.document_id)).execute()).map(d => [d.id, d]))
    const documents = withinBatchBytes(timers.map(t => byId.get(t.document_id))).filter(d => d !== undefined)
    return backOffice.prepareRegisterCheck(await withContent(db, documents))
  }

  const timers = createTimerRunner(db, clock, { process: processDue, forward: forwardDue, 'register-check': checkRegisterDue }, {
    prepare: { 'register-check': prepareRegisterCheck },
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.onError ? { onError: (error: unknown, timer?: TimerRow) => options.onError!(error, timer && { documentId: timer.document_id, kind: timer.kind }) } : {}),
    ...(options.onTimerOutcome ? { onOutcome: (timer: TimerRow, outcome: TimerOutcome | 'failed') => options.onTimerOutcome!(timer.kind, outcome) } : {}),
    ...(options.yieldTo ? { yieldTo: options.yieldTo } : {}),
    ...(options.onDbFault ? { onDbFault: options.onDbFault } : {}),
    ...(options.onDbAnswered ? { onDbAnswered: options.onDbAnswered } : {}),
  })

  return {
    timers,

    firstTimers({ id, type, environment, receivedAt }) {
      const country = countryOf(type)
      const lane = registerLane(country, environment)
      if (country === 'SI') return [{ lane, kind: 'process', documentId: id, dueAt: processingDue(receivedAt) }]
      // A report is checked against the register right after it is saved (sk-ezu §5.3 A); the others are accepted at once.
      if (reports.has(type)) return [{ lane, kind: 'register-check', documentId: id, dueAt: receivedAt }]
      return [{ lane, kind: 'forward', documentId: id, dueAt: forwardingDue(environment, receivedAt) }]
    },

    async storno(caller, id) {
      const now = clock.now()
      const document = await findVisibleDocument(db, caller, id, now)
      await authorizeActing(db, caller, document.employer, document.type, localDate(now))
      await db.transaction().execute(async trx => {
        await lockDocument(trx, id)
        const state = (await currentStates(trx, [id])).get(id)!
        if (state.processing !== 'unprocessed' || !cancellable.has(state.acceptance)) {
          throw new GatewayError('STORNO_NOT_ALLOWED', stornoRefusal(countryOf(document.type), state))
        }
        await appendStates(trx, now, [{ documentId: id, acceptance: 'cancelled', processing: 'returned', reason: 'storno' }])
        await cancelTimers(trx, id, now)
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'document.cancelled', subject: id, details: { from: state } })
      })
      return getDocumentView(db, caller, id, now)
    },

    async requestRegisterCheck(caller, id) {
      const now = clock.now()
      const document = await findVisibleDocument(db, caller, id, now)
      await authorizeActing(db, caller, document.employer, document.type, localDate(now))
      if (!reports.has(document.type)) {
        throw new GatewayError('REGISTER_CHECK_NOT_ALLOWED', `Only reports (MVP, VPP) are checked against the register; this is an ${document.type}.`)
      }
      await db.transaction().execute(async trx => {
        await lockDocument(trx, id)
        const state = (await currentStates(trx, [id])).get(id)!
        if (state.acceptance !== 'not_accepted_registration_errors' || state.processing !== 'unprocessed') {
          throw new GatewayError('REGISTER_CHECK_NOT_ALLOWED', registerCheckRefusal(state))
        }
        const dueAt = repeatedCheckDue(now, options.recheckDelayMs[document.environment])
        await appendStates(trx, now, [{ documentId: id, acceptance: 'awaiting_repeated_register_check', processing: 'unprocessed', reason: 'register_check_requested' }])
        await scheduleTimers(trx, now, [{ lane: registerLane('SK', document.environment), kind: 'register-check', documentId: id, dueAt }])
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'document.register_check_requested', subject: id, details: { dueAt: dueAt.toISOString() } })
      })
      return getDocumentView(db, caller, id, now)
    },
  }
}
