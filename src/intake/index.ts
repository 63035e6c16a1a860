import { GatewayError } from '../problems.js'
import type { Db } from '../db/index.js'
import { authorizeFiling, type Caller } from '../access/index.js'
import { messageRow, recordMessage, type Arrival } from '../messagelog/index.js'
import { getDocumentView, toView, type DocumentView } from '../documents/index.js'
import { initialState, type Lifecycle } from '../lifecycle/index.js'
import { hasErrors, type Finding } from '../validation/finding.js'
import { createDocumentWriter } from './writer.js'
import { loadEarlierDocuments, lockSeries } from './earlier.js'
import { createBatcher } from '../lib/batcher.js'
import type { DocumentPool, PooledDocument } from '../validation/document-pool.js'
import { sha256Hex } from '../lib/hash.js'
import { newId } from '../lib/ids.js'
import { localDate } from '../lib/dates.js'
import type { Clock } from '../lib/clock.js'

export interface Submission {
  readonly caller: Caller
  readonly transport: 'rest' | 'soap'
  readonly bytes: Uint8Array
  /** Media type as sent; REST checks it, SOAP passes the element it unwrapped. */
  readonly contentType: string | null
  readonly idempotencyKey?: string
}

export interface SubmitResult {
  /** 201 for a new document, 200 for a repeated submission (then `view.duplicateOf` names the original). */
  readonly status: 200 | 201
  readonly view: DocumentView
}

export interface Intake {
  /**
   * limits → safe parse → identify the form → authorize → validate → store, with the message log written
   * whatever the answer. Resolves only after the document, its first state and its audit entry are committed.
   * Throws GatewayError: UNSUPPORTED_MEDIA_TYPE, IDEMPOTENCY_KEY_REUSED, XML_MALFORMED, XML_DOCTYPE_FORBIDDEN,
   * UNKNOWN_DOCUMENT_TYPE, NOT_AUTHORIZED_FOR_EMPLOYER, SOFTWARE_NOT_CERTIFIED, DOCUMENT_INVALID.
   */
  submit(submission: Submission): Promise<SubmitResult>
  /** Submissions being handled right now. */
  inFlight(): number
  /**
   * Records a body refused before it was read whole (413, or 429/503 of admission control) with its declared size,
   * so the message log still shows the attempt. Never throws: a failed write goes to `onMessageLogError`.
   */
  recordUnread(caller: Caller, transport: 'rest' | 'soap', contentType: string | null, declaredSize: number, error: GatewayError): Promise<void>
  /** Records a message refused before a document could be taken out of it (an unreadable SOAP envelope). Never throws. */
  recordRefusal(caller: Caller, transport: 'rest' | 'soap', contentType: string | null, bytes: Uint8Array, error: GatewayError): Promise<void>
}

interface Earlier { id: string; sha256: string; viaKey: boolean }

const xmlMediaType = /^(application|text)\/xml\s*(;.*)?$/i
const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/

export function createIntake(
  db: Db, documents: DocumentPool, clock: Clock, lifecycle: Pick<Lifecycle, 'firstTimers' | 'timers'>,
  // A message-log row that cannot be written is reported here; the caller still gets the answer it was due.
  onMessageLogError: (error: unknown) => void = () => {},
): Intake {
  const writer = createDocumentWriter(db)
  // Refusals of admission control can come in floods: their rows go to the database many at a time.
  const unread = createBatcher<ReturnType<typeof messageRow>, void>(async rows => {
    await db.insertInto('message_log').values([...rows]).execute()
    return rows.map(() => undefined)
  })
  const logged = (write: Promise<unknown>): Promise<void> => write.then(() => undefined, onMessageLogError)
  // One query answers "seen before?" for every submission that arrives meanwhile.
  const earlierLookup = createBatcher<{ clientId: string; sha256: string; key: string | null }, Earlier | undefined>(async asks => {
    const keys = asks.map(a => a.key).filter((k): k is string => k !== null)
    const rows = await db.selectFrom('documents').select(['id', 'client_id', 'sha256', 'idempotency_key'])
      .where('client_id', 'in', [...new Set(asks.map(a => a.clientId))])
      .where(eb => eb.or([
        eb('sha256', 'in', asks.map(a => a.sha256)),
        ...(keys.length > 0 ? [eb('idempotency_key', 'in', keys)] : []),
      ]))
      .execute()
    return asks.map(ask => {
      const mine = rows.filter(r => r.client_id === ask.clientId)
      const byKey = ask.key ? mine.find(r => r.idempotency_key === ask.key) : undefined
      const found = byKey ?? mine.find(r => r.sha256 === ask.sha256)
      return found ? { id: found.id, sha256: found.sha256, viaKey: byKey !== undefined } : undefined
    })
  })
  let inFlight = 0
  return {
    inFlight: () => inFlight,

    async submit(s) {
      inFlight++
      try {
        return await submitOne(s)
      } finally {
        inFlight--
      }
    },

    async recordUnread(caller, transport, contentType, declaredSize, error) {
      const receivedAt = clock.now()
      await logged(unread.load(messageRow(newId(receivedAt.getTime()), {
        receivedAt, transport, clientId: caller.clientId, fingerprint: caller.fingerprint, contentType, idempotencyKey: null, size: declaredSize,
      }, { status: error.status, problemCode: error.code })))
    },

    async recordRefusal(caller, transport, contentType, bytes, error) {
      await logged(recordMessage(db, {
        receivedAt: clock.now(), transport, clientId: caller.clientId, fingerprint: caller.fingerprint,
        contentType, idempotencyKey: null, bytes, sha256: sha256Hex(bytes),
      }, { status: error.status, problemCode: error.code, findings: error.findings }))
    },
  }

  async function submitOne(s: Submission): Promise<SubmitResult> {
    const receivedAt = clock.now()
    const arrival: Arrival = {
      receivedAt, transport: s.transport, clientId: s.caller.clientId, fingerprint: s.caller.fingerprint,
      contentType: s.contentType, idempotencyKey: s.idempotencyKey ?? null, bytes: s.bytes, sha256: sha256Hex(s.bytes),
    }
    try {
      return await accept(arrival, s)
    } catch (error) {
      // Every outcome has its row: an unexpected failure is answered 500 INTERNAL_ERROR, and logged so.
      await logged(recordMessage(db, arrival, error instanceof GatewayError
        ? { status: error.status, problemCode: error.code, findings: error.findings }
        : { status: 500, problemCode: 'INTERNAL_ERROR' }))
      throw error
    }
  }

  async function accept(arrival: Arrival, s: Submission): Promise<SubmitResult> {
    if (s.transport === 'rest' && !xmlMediaType.test(s.contentType ?? '')) {
      throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Send the document with Content-Type: application/xml')
    }
    if (s.idempotencyKey !== undefined && !idempotencyKeyPattern.test(s.idempotencyKey)) {
      throw new GatewayError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    const earlier = await findEarlier(arrival)
    if (earlier?.viaKey && earlier.sha256 !== arrival.sha256) {
      throw new GatewayError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a document with different content')
    }
    // A repeat answers with the original only while the caller may still see it; otherwise it is judged anew.
    if (earlier && await isVisible(s.caller, earlier.id, arrival.receivedAt)) return duplicate(arrival, s.caller, earlier)

    const identified = await documents.identify(s.bytes)
    try {
      return await judgeAndStore(arrival, s, identified)
    } finally {
      documents.release(identified)
    }
  }

  async function judgeAndStore(arrival: Arrival, s: Submission, identified: PooledDocument): Promise<SubmitResult> {
    const filingDate = localDate(arrival.receivedAt)
    const { employer } = identified.facts
    // Authorization comes before validation, so a caller learns nothing about documents it may not file.
    if (employer) await authorizeFiling(db, s.caller, employer, identified.form.type, filingDate)
    const series = employer !== undefined ? identified.series : undefined
    const seriesKey = series !== undefined ? { environment: s.caller.environment, employer: employer!, type: identified.form.type, series } : undefined
    const sameSeries = seriesKey ? await loadEarlierDocuments(db, seriesKey, identified.needsEarlierContent) : undefined
    const findings = await documents.validate(identified, { filingDate, ...(sameSeries ? { earlier: sameSeries } : {}) })
    if (hasErrors(findings) || !employer) throw invalid(identified, findings)
    // The earlier documents may change before this one commits (another R of the period, a forwarding): the
    // admission rules are judged again in the writing transaction, under a lock on the series.
    const admit = seriesKey && identified.form.admission ? async (trx: Db): Promise<void> => {
      await lockSeries(trx, seriesKey)
      const admission = await documents.admit(identified, { filingDate, earlier: await loadEarlierDocuments(trx, seriesKey, false) })
      if (hasErrors(admission)) throw invalid(identified, admission)
    } : undefined
    try {
      return { status: 201, view: await store(arrival, s.caller, identified, employer, findings, series ?? null, admit) }
    } catch (error) {
      // The same bytes or key submitted twice at once: one insert wins, the other answers as a repeat.
      if (isUniqueViolation(error)) {
        const winner = await findEarlier(arrival)
        if (winner) return duplicate(arrival, s.caller, winner)
      }
      throw error
    }
  }

  /** An earlier document of this client with the same Idempotency-Key (preferred) or the same bytes. */
  async function findEarlier(arrival: Arrival): Promise<Earlier | undefined> {
    return earlierLookup.load({ clientId: arrival.clientId, sha256: arrival.sha256, key: arrival.idempotencyKey })
  }

  async function isVisible(caller: Caller, id: string, now: Date): Promise<boolean> {
    try {
      await getDocumentView(db, caller, id, now)
      return true
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'DOCUMENT_NOT_FOUND') return false
      throw error
    }
  }

  async function duplicate(arrival: Arrival, caller: Caller, earlier: { id: string }): Promise<SubmitResult> {
    const view = await getDocumentView(db, caller, earlier.id, arrival.receivedAt)
    await logged(recordMessage(db, arrival, { status: 200, documentId: earlier.id }))
    return { status: 200, view: { ...view, duplicateOf: earlier.id } }
  }

  async function store(
    arrival: Arrival, caller: Caller, identified: PooledDocument, employer: string, findings: readonly Finding[],
    series: string | null, admit: ((trx: Db) => Promise<void>) | undefined,
  ): Promise<DocumentView> {
    const { form, facts, numberPrefix } = identified
    const id = newId(arrival.receivedAt.getTime())
    const state = initialState(form.type)
    const row = {
      id, client_id: caller.clientId, environment: caller.environment, type: form.type, employer,
      period: facts.period ?? null, kind: facts.kind ?? null, external_id: facts.externalId ?? null,
      received_at: arrival.receivedAt, sha256: arrival.sha256, size: arrival.bytes.byteLength,
      idempotency_key: arrival.idempotencyKey, findings, series,
    }
    const timers = lifecycle.firstTimers({ id, type: form.type, environment: caller.environment, receivedAt: arrival.receivedAt })
    const number = await writer.write({
      id, arrival, clientId: caller.clientId, environment: caller.environment, type: form.type,
      numberPrefix, hasReceiptNumber: form.country === 'SI', employer,
      period: row.period, kind: row.kind, externalId: row.external_id, series, findings, state,
      timers,
      ...(admit ? { admit } : {}),
    })
    lifecycle.timers.nudge()
    // The view of what was just committed, without reading it back.
    return toView(
      { ...row, number, receipt_number: form.country === 'SI' ? number : null, message_id: '' },
      [{ at: arrival.receivedAt, ...state, reason: 'received', findings: [] }],
      timers[0] ? { kind: timers[0].kind, at: timers[0].dueAt } : undefined,
    )
  }
}

function invalid(identified: PooledDocument, findings: readonly Finding[]): GatewayError {
  return new GatewayError('DOCUMENT_INVALID', `${findings.filter(f => f.severity === 'error').length} error(s) in the ${identified.form.type} document`, findings)
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505'
}
