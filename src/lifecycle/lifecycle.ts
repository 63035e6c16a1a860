import type { Db, DocumentRow, TimerRow } from '../db/index.js'
import { authorizeActing, refuseInspector } from '../authorization/index.js'
import { registerOf, type Caller, type Environment } from '../identity/index.js'
import { formOf, forms, type Country, type FormModule, type PairingFacts } from '../forms/index.js'
import { appendAudit } from '../audit/index.js'
import { findVisibleDocument, getDocumentView, type DocumentView } from '../documents/index.js'
import { GatewayError } from '../problems.js'
import { createBatcher, localDate, type Clock } from '../lib/index.js'
import { makeFinding } from '../validation/index.js'
import type { Acceptance, DocumentState } from '../documents/index.js'
import type { BackOffice, ProcessingRequest, ProcessingResult, RegisterCheckResult } from './back-office.js'
import { appendStates, currentStates, type NewState } from './state-writer.js'
import { decideRegisterCheck, repeatedCheckDue } from './register-check.js'
import { documentPairing, markExpired, type DocumentPairing } from './pairing.js'
import { cancelTimers, createTimerRunner, scheduleTimers, type NewTimer, type TimerOutcome, type TimerRunner } from './timers.js'

export interface LifecycleOptions {
  /** PROCESSING_DELAY: how long the back office takes before it reports a processing result. */
  readonly processingDelayMs: number
  /** FORWARD_DELAY and TEST_FORWARD_DELAY: an accepted SK document is forwarded to processing after this. */
  readonly forwardDelayMs: Readonly<Record<Environment, number>>
  /** RECHECK_DELAY and TEST_RECHECK_DELAY: a requested repeated register check runs after this. */
  readonly recheckDelayMs: Readonly<Record<Environment, number>>
  /** PRELIMINARY_DEADLINE: a preliminary registration not paired this long after its date expires. */
  readonly preliminaryDeadlineMs: number
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
  /** The timer's kind: `register-check`, `forward`, `process` or `expire`. */
  readonly kind: string
  readonly from: DocumentState
  readonly to: DocumentState
}

export interface Lifecycle {
  /** The timers a newly stored document starts with; the writer commits them with the document. */
  firstTimers(document: { id: string; type: string; environment: Environment; sandbox: string | null; receivedAt: Date; pairing?: DocumentPairing }): NewTimer[]
  /** A document's pairing facts (DOCUMENTS.md §3.7) as the writer records them: a preliminary registration's deadline. */
  pairingOf(facts: PairingFacts | undefined): DocumentPairing | undefined
  /** SPEC.md §4 storno: cancels a document that is still unprocessed, else STORNO_NOT_ALLOWED. */
  storno(caller: Caller, id: string): Promise<DocumentView>
  /** SPEC.md §4 register-check: schedules a repeated register check of a report, else REGISTER_CHECK_NOT_ALLOWED. */
  requestRegisterCheck(caller: Caller, id: string): Promise<DocumentView>
  readonly timers: TimerRunner
}

/** Acceptance states from which a document may still be cancelled (while processing is `unprocessed`, sk-ezu §4.3). */
const cancellable: ReadonlySet<Acceptance> = new Set(['accepted', 'awaiting_first_register_check', 'not_accepted', 'not_accepted_registration_errors'])

/** Why a document cannot be cancelled, and what to do instead. */
function stornoRefusal(form: FormModule, state: DocumentState): string {
  if (state.acceptance === 'cancelled') return 'The document is already cancelled.'
  if (state.acceptance === 'awaiting_repeated_register_check') {
    return 'A repeated register check is scheduled for this report: it cannot be cancelled until the check has run (sk-ezu §4.3).'
  }
  if (state.acceptance === 'register_check_running') return 'The register check of this report is running: cancel it once the check has finished.'
  if (form.afterProcessing !== undefined) return form.afterProcessing
  return form.country === 'SI'
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
 * All timers of one country's register (production, or one test client's sandbox) share a lane, so they run one at
 * a time in due order: a document is processed, and a report checked, against the register as the documents before
 * it left it.
 */
const registerLane = (country: Country, document: { environment: string; sandbox: string | null }): string =>
  `register:${country.toLowerCase()}:${registerOf(document)}`

/** A report's lifecycle starts with a register check (sk-ezu §5); it alone may ask for a repeated one. */
const isReport = (type: string): boolean => formOf(type).lifecycle === 'register-check'

/**
 * The state a stored document starts in: reports wait for the register check (sk-ezu §5); every other
 * document, a valid Slovenian form among them, is accepted at once (SPEC.md §4a).
 */
export function initialState(type: string): DocumentState {
  return isReport(type)
    ? { acceptance: 'awaiting_first_register_check', processing: 'unprocessed' }
    : { acceptance: 'accepted', processing: 'unprocessed' }
}

async function lockDocument(trx: Db, id: string): Promise<void> {
  await trx.selectFrom('documents').select('id').where('id', '=', id).forUpdate().execute()
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

/**
 * The back office's requests for documents: their facts, and their submitted bytes when it reads them. Bytes asked
 * for together (`Promise.all`) are read in one statement or two, not one each.
 */
function requestsFor(db: Db, documents: readonly DocumentRow[]): ProcessingRequest[] {
  const bodies = createBatcher<string, Uint8Array>(async ids => {
    const byId = new Map((await db.selectFrom('message_log').select(['id', 'body']).where('id', 'in', ids).execute()).map(m => [m.id, m.body]))
    return ids.map(id => byId.get(id) ?? new Uint8Array())
  })
  return documents.map(d => ({
    id: d.id, number: d.number, type: d.type, register: registerOf(d), sandbox: d.sandbox !== null, externalId: d.external_id,
    employer: d.employer, content: () => bodies.load(d.message_id),
  }))
}

/**
 * The due timers' documents whose current state allows the transition, in timer order and within one
 * transaction's bytes: what is handed to the back office before the transaction that records its answers.
 */
async function dueForBackOffice(db: Db, timers: readonly TimerRow[], allows: (state: DocumentState) => boolean): Promise<DocumentRow[]> {
  const ids = timers.map(t => t.document_id)
  const byId = new Map((await db.selectFrom('documents').selectAll().where('id', 'in', ids).execute()).map(d => [d.id, d]))
  const states = await currentStates(db, ids)
  const allowed = [...new Set(ids)].map(id => byId.get(id)).filter(d => d !== undefined && allows(states.get(d.id)!)) as DocumentRow[]
  return withinBatchBytes(allowed)
}

/**
 * Outcomes for the leading timers the back office answered: `skipped` where the state no longer allows the
 * transition, `done` where an answer is recorded. The first due document without an answer (it became due after
 * the back office was asked) ends the batch: it and the rest stay due.
 */
function answered<T>(due: readonly (DocumentRow | undefined)[], answers: ReadonlyMap<string, T> | undefined): (T | undefined)[] {
  const out: (T | undefined)[] = []
  for (const d of due) {
    if (d && !answers?.has(d.id)) break
    out.push(d ? answers!.get(d.id) : undefined)
  }
  return out
}

const isProcessingDue = (s: DocumentState): boolean => s.acceptance === 'accepted' && (s.processing === 'unprocessed' || s.processing === 'forwarded')
const isCheckDue = (s: DocumentState): boolean => s.processing === 'unprocessed'
  && (s.acceptance === 'awaiting_first_register_check' || s.acceptance === 'awaiting_repeated_register_check')

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

  /** The back office's answers for the documents waiting for their processing result, asked before the transaction. */
  async function askBackOffice(db: Db, timers: readonly TimerRow[]): Promise<Map<string, ProcessingResult>> {
    const requests = requestsFor(db, await dueForBackOffice(db, timers, isProcessingDue))
    if (requests.length === 0) return new Map()
    const results = await backOffice.process(requests)
    return new Map(requests.map((r, i) => [r.id, results[i]!]))
  }

  /** Records the back office's answers for every document waiting for its processing result (SI at once, SK once forwarded). */
  async function processDue(trx: Db, timers: readonly TimerRow[], now: Date, prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const locked = await lockDue(trx, timers, isProcessingDue)
    const answers = answered(locked.due, prepared as Map<string, ProcessingResult> | undefined)
    // A document withdrawn by its storno was not processed: the storno records its state.
    const ready = locked.due.slice(0, answers.length).flatMap((document, i) => document && answers[i]!.processing !== 'withdrawn'
      ? [{ document, result: answers[i]! as ProcessingResult & { processing: 'processed' | 'refused' | 'faulty' } }] : [])
    if (ready.length > 0) {
      await appendStates(trx, now, ready.map(({ document, result }) => ({
        documentId: document.id, acceptance: 'accepted', processing: result.processing, reason: result.processing, findings: result.findings,
      })))
      // One audit entry for the batch: it names every document with its result.
      await appendAudit(trx, now, {
        actor: 'system', action: 'documents.processed',
        details: { documents: ready.map(({ document, result }) => ({ id: document.id, processing: result.processing, findings: result.findings.map(f => f.code) })) },
      })
      report(afterCommit, 'process', locked.states, ready.map(({ document, result }) => ({ document, to: { acceptance: 'accepted', processing: result.processing } })))
    }
    const done = new Set(ready.map(r => r.document.id))
    return answers.map((_, i) => (done.has(locked.due[i]?.id ?? '') ? 'done' : 'skipped'))
  }

  /** sk-ezu §4.1: an accepted, unprocessed SK document goes to processing; then it can no longer be cancelled. */
  async function forwardDue(trx: Db, timers: readonly TimerRow[], now: Date, _prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const { due, states } = await lockDue(trx, timers, s => s.acceptance === 'accepted' && s.processing === 'unprocessed')
    const ready = due.filter(d => d !== undefined)
    if (ready.length > 0) {
      await appendStates(trx, now, ready.map(d => ({ documentId: d.id, acceptance: 'accepted', processing: 'forwarded', reason: 'forwarded' })))
      await scheduleTimers(trx, now, ready.map(d => ({ lane: registerLane('SK', d), kind: 'process', documentId: d.id, dueAt: processingDue(now) })))
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
    const locked = await lockDue(trx, timers, isCheckDue)
    const answers = answered(locked.due, prepared as Map<string, RegisterCheckResult> | undefined)
    const due = locked.due.slice(0, answers.length)
    const ready = due.filter(d => d !== undefined)
    if (ready.length === 0) return due.map(() => 'skipped')
    const results = due.flatMap((d, i) => (d ? [answers[i]!] : []))
    const baselines = new Map((await trx.selectFrom('register_checks').select(['document_id', 'baseline']).distinctOn('document_id')
      .where('document_id', 'in', ready.map(d => d.id)).orderBy('document_id').orderBy('id', 'desc').execute()).map(r => [r.document_id, r.baseline]))
    const appended: NewState[] = []
    const checks = ready.map((document, i) => {
      const { errors, warnings } = results[i]!
      const previous = baselines.get(document.id)
      const decision = decideRegisterCheck(previous, errors.length)
      const F = formOf(document.type).register!.checkSummary!
      const at = results[i]!.summaryAt ?? { path: F.at }
      const summary = decision.message === 'first' ? makeFinding(F.first, at, undefined, { errors: errors.length, needed: decision.needed })
        : decision.message === 'repeated' ? makeFinding(F.repeated, at, undefined, { errors: errors.length, needed: decision.needed, baseline: decision.baseline })
        : decision.message === 'more_than_before' ? makeFinding(F.moreThanBefore, at, undefined, { errors: errors.length, needed: decision.needed, previous: previous ?? 0 })
        : errors.length > 0 ? makeFinding(F.acceptedWithErrors, at, undefined, { errors: errors.length }) : undefined
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
    await scheduleTimers(trx, now, accepted.map(d => ({ lane: registerLane('SK', d), kind: 'forward', documentId: d.id, dueAt: forwardingDue(d.environment, now) })))
    await appendAudit(trx, now, {
      actor: 'system', action: 'documents.register_checked',
      details: { documents: checks.map(c => ({ id: c.document_id, errors: c.errors, accepted: c.accepted })) },
    })
    report(afterCommit, 'register-check', locked.states, ready.map((document, i) => ({
      document, to: { acceptance: checks[i]!.accepted ? 'accepted' : 'not_accepted_registration_errors', processing: 'unprocessed' },
    })))
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  /**
   * DOCUMENTS.md §3.7: a preliminary registration still `received` at its deadline expires — `refused`, with the
   * form's warning. One that was paired or cancelled meanwhile is skipped (its timer was closed with it anyway).
   */
  async function expireDue(trx: Db, timers: readonly TimerRow[], now: Date, _prepared?: unknown, afterCommit?: (effect: () => void) => void): Promise<TimerOutcome[]> {
    const { due, states } = await lockDue(trx, timers, s => s.acceptance === 'accepted' && s.processing === 'unprocessed')
    const ready = due.filter(d => d !== undefined)
    if (ready.length > 0) {
      await appendStates(trx, now, ready.map(d => {
        const form = formOf(d.type)
        return {
          documentId: d.id, acceptance: 'accepted', processing: 'refused', reason: 'expired',
          findings: form.pairing?.expired ? [makeFinding(form.pairing.expired, { path: `/${form.root}` })] : [],
        }
      }))
      await markExpired(trx, ready.map(d => d.id), now)
      await appendAudit(trx, now, { actor: 'system', action: 'documents.expired', details: { documents: ready.map(d => d.id) } })
      report(afterCommit, 'expire', states, ready.map(document => ({ document, to: { acceptance: 'accepted', processing: 'refused' } })))
    }
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  /** The register check of the reports due for one, asked before the transaction that records it. */
  async function checkRegister(db: Db, timers: readonly TimerRow[]): Promise<Map<string, RegisterCheckResult>> {
    const requests = requestsFor(db, await dueForBackOffice(db, timers, isCheckDue))
    if (requests.length === 0) return new Map()
    const results = await backOffice.checkRegister(requests)
    return new Map(requests.map((r, i) => [r.id, results[i]!]))
  }

  const timers = createTimerRunner(db, clock, { process: processDue, forward: forwardDue, 'register-check': checkRegisterDue, expire: expireDue }, {
    prepare: { process: askBackOffice, 'register-check': checkRegister },
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.onError ? { onError: (error: unknown, timer?: TimerRow) => options.onError!(error, timer && { documentId: timer.document_id, kind: timer.kind }) } : {}),
    ...(options.onTimerOutcome ? { onOutcome: (timer: TimerRow, outcome: TimerOutcome | 'failed') => options.onTimerOutcome!(timer.kind, outcome) } : {}),
    ...(options.yieldTo ? { yieldTo: options.yieldTo } : {}),
    ...(options.onDbFault ? { onDbFault: options.onDbFault } : {}),
    ...(options.onDbAnswered ? { onDbAnswered: options.onDbAnswered } : {}),
  })

  return {
    timers,

    pairingOf: facts => documentPairing(facts, options.preliminaryDeadlineMs),

    firstTimers({ id, type, environment, sandbox, receivedAt, pairing }) {
      const form = formOf(type)
      const lane = registerLane(form.country, { environment, sandbox })
      // A preliminary registration waits to be paired; its only timer is its expiry (DOCUMENTS.md §3.7).
      if (form.lifecycle === 'pairing') return pairing?.awaits ? [{ lane, kind: 'expire', documentId: id, dueAt: pairing.awaits.deadlineAt }] : []
      if (form.lifecycle === 'process') return [{ lane, kind: 'process', documentId: id, dueAt: processingDue(receivedAt) }]
      // A report is checked against the register right after it is saved (sk-ezu §5.3 A); the others are accepted at once.
      if (form.lifecycle === 'register-check') return [{ lane, kind: 'register-check', documentId: id, dueAt: receivedAt }]
      return [{ lane, kind: 'forward', documentId: id, dueAt: forwardingDue(environment, receivedAt) }]
    },

    async storno(caller, id) {
      refuseInspector(caller)
      const now = clock.now()
      const document = await findVisibleDocument(db, caller, id, now)
      await authorizeActing(db, caller, document.employer, document.type, localDate(now))
      const refuse = (state: DocumentState): never => { throw new GatewayError('STORNO_NOT_ALLOWED', stornoRefusal(formOf(document.type), state)) }
      const isCancellable = (state: DocumentState): boolean => state.processing === 'unprocessed' && cancellable.has(state.acceptance)
      // An unprocessed document the back office is given at once (SI) may be in its hands already: it decides
      // first, outside our transaction, whether the storno comes in time. A forwarded one can no longer be cancelled.
      if (formOf(document.type).lifecycle === 'process') {
        const before = (await currentStates(db, [id])).get(id)!
        if (!isCancellable(before)) refuse(before)
        if (!(await backOffice.withdraw(id))) refuse({ acceptance: 'accepted', processing: 'processed' })
      }
      await db.transaction().execute(async trx => {
        await lockDocument(trx, id)
        const state = (await currentStates(trx, [id])).get(id)!
        if (!isCancellable(state)) refuse(state)
        await appendStates(trx, now, [{ documentId: id, acceptance: 'cancelled', processing: 'returned', reason: 'storno' }])
        await cancelTimers(trx, id, now)
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'document.cancelled', subject: id, details: { from: state } })
      })
      return getDocumentView(db, caller, id, now)
    },

    async requestRegisterCheck(caller, id) {
      refuseInspector(caller)
      const now = clock.now()
      const document = await findVisibleDocument(db, caller, id, now)
      await authorizeActing(db, caller, document.employer, document.type, localDate(now))
      if (!isReport(document.type)) {
        const reports = forms.filter(f => f.lifecycle === 'register-check').map(f => f.type).join(', ')
        throw new GatewayError('REGISTER_CHECK_NOT_ALLOWED', `Only reports (${reports}) are checked against the register; this is an ${document.type}.`)
      }
      await db.transaction().execute(async trx => {
        await lockDocument(trx, id)
        const state = (await currentStates(trx, [id])).get(id)!
        if (state.acceptance !== 'not_accepted_registration_errors' || state.processing !== 'unprocessed') {
          throw new GatewayError('REGISTER_CHECK_NOT_ALLOWED', registerCheckRefusal(state))
        }
        const dueAt = repeatedCheckDue(now, options.recheckDelayMs[document.environment])
        await appendStates(trx, now, [{ documentId: id, acceptance: 'awaiting_repeated_register_check', processing: 'unprocessed', reason: 'register_check_requested' }])
        await scheduleTimers(trx, now, [{ lane: registerLane('SK', document), kind: 'register-check', documentId: id, dueAt }])
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'document.register_check_requested', subject: id, details: { dueAt: dueAt.toISOString() } })
      })
      return getDocumentView(db, caller, id, now)
    },
  }
}
