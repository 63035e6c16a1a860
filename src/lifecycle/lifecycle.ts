import { sql } from 'kysely'
import type { Db, TimerRow } from '../db/index.js'
import type { Caller } from '../access/index.js'
import { countryOf, type Country } from '../forms/form-module.js'
import { appendAudit } from '../audit/index.js'
import { findVisibleDocument, getDocumentView, type DocumentView } from '../documents/index.js'
import { GatewayError } from '../problems.js'
import type { Clock } from '../lib/clock.js'
import type { Finding } from '../validation/finding.js'
import type { Acceptance, DocumentState, Processing } from './states.js'
import type { BackOffice } from './back-office.js'
import { cancelTimers, createTimerRunner, type NewTimer, type TimerOutcome, type TimerRunner } from './timers.js'

export interface LifecycleOptions {
  /** PROCESSING_DELAY: how long the back office takes before it reports a processing result. */
  readonly processingDelayMs: number
  readonly pollMs?: number
  readonly onError?: (error: unknown) => void
  /** See TimerRunnerOptions.yieldTo. */
  readonly yieldTo?: { readonly busy: () => boolean; readonly maxLagMs: number }
}

export interface Lifecycle {
  /** The timers a newly stored document starts with; the writer commits them with the document. */
  firstTimers(document: { id: string; country: Country; environment: string; receivedAt: Date }): NewTimer[]
  /** SPEC.md §4 storno: cancels a document that is still unprocessed, else STORNO_NOT_ALLOWED. */
  storno(caller: Caller, id: string): Promise<DocumentView>
  readonly timers: TimerRunner
}

/** Acceptance states from which a document may still be cancelled (while processing is `unprocessed`). */
const cancellable: ReadonlySet<Acceptance> = new Set(['accepted', 'awaiting_first_register_check', 'not_accepted', 'not_accepted_registration_errors'])

/** Why a processed document cannot be cancelled, and what to file instead, per country. */
const stornoRefusal: Record<Country, string> = {
  SI: 'Only a document that is still unprocessed can be cancelled. To correct a processed registration file an M3 '
    + '(code 01 for an open insurance; code 16 together with a new M1 and M2 for a closed one), or an M2 with a new M1 '
    + 'for data an M3 may not change.',
  SK: 'Only a document that is still unprocessed can be cancelled; once it is forwarded for processing, file a corrective document instead.',
}

/**
 * The register an SI document is applied to: one lane per environment, so that documents are processed one
 * at a time in filing order (an M3 filed right after its M1 sees that M1).
 */
const registerLane = (country: Country, environment: string): string => `register:${country.toLowerCase()}:${environment}`

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

export function createLifecycle(db: Db, clock: Clock, backOffice: BackOffice, options: LifecycleOptions): Lifecycle {
  /** The back office's turn: every accepted document still waiting for its processing result. */
  async function processDue(trx: Db, timers: readonly TimerRow[], now: Date): Promise<TimerOutcome[]> {
    const ids = timers.map(t => t.document_id)
    // Locked so that a storno and the processing of one document never cross.
    const documents = new Map((await trx.selectFrom('documents').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute()).map(d => [d.id, d]))
    const states = await currentStates(trx, ids)
    // base64 text: PGlite decodes a bytea result byte by byte in JavaScript.
    const bodies = new Map((await trx.selectFrom('message_log').select(['document_id', sql<string>`encode(body, 'base64')`.as('body')])
      .where('id', 'in', [...documents.values()].map(d => d.message_id)).execute()).map(m => [m.document_id, Buffer.from(m.body ?? '', 'base64')]))
    const due = timers.map(timer => {
      const state = states.get(timer.document_id)
      const document = documents.get(timer.document_id)
      const ready = document && state?.acceptance === 'accepted' && (state.processing === 'unprocessed' || state.processing === 'forwarded')
      return ready ? document : undefined
    })
    const ready = due.filter(d => d !== undefined)
    if (ready.length > 0) {
      const results = await backOffice.process(trx, ready.map(document => ({ document, content: bodies.get(document.id) ?? new Uint8Array() })), now)
      await appendStates(trx, now, ready.map((document, i) => ({
        documentId: document.id, acceptance: 'accepted', processing: results[i]!.processing, reason: results[i]!.processing, findings: results[i]!.findings,
      })))
      // One audit entry for the batch: it names every document with its result.
      await appendAudit(trx, now, {
        actor: 'system', action: 'documents.processed',
        details: { documents: ready.map((document, i) => ({ id: document.id, processing: results[i]!.processing, findings: results[i]!.findings.map(f => f.code) })) },
      })
    }
    return due.map(d => (d ? 'done' : 'skipped'))
  }

  const timers = createTimerRunner(db, clock, { process: processDue }, {
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.yieldTo ? { yieldTo: options.yieldTo } : {}),
  })

  return {
    timers,

    firstTimers({ id, country, environment, receivedAt }) {
      if (country !== 'SI') return []
      return [{ lane: registerLane(country, environment), kind: 'process', documentId: id, dueAt: new Date(receivedAt.getTime() + options.processingDelayMs) }]
    },

    async storno(caller, id) {
      const now = clock.now()
      const document = await findVisibleDocument(db, caller, id, now)
      const country = countryOf(document.type)
      await db.transaction().execute(async trx => {
        await lockDocument(trx, id)
        const state = (await currentStates(trx, [id])).get(id)
        if (state?.acceptance === 'cancelled') throw new GatewayError('STORNO_NOT_ALLOWED', 'The document is already cancelled.')
        if (!state || state.processing !== 'unprocessed' || !cancellable.has(state.acceptance)) {
          throw new GatewayError('STORNO_NOT_ALLOWED', stornoRefusal[country])
        }
        await appendStates(trx, now, [{ documentId: id, acceptance: 'cancelled', processing: 'returned', reason: 'storno' }])
        await cancelTimers(trx, id, now)
        await appendAudit(trx, now, { actor: `client:${caller.clientId}`, action: 'document.cancelled', subject: id, details: { from: state } })
      })
      return getDocumentView(db, caller, id, now)
    },
  }
}

