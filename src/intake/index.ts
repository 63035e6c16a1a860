import { GatewayError } from '../problems.js'
import { databaseFaultCause, DatabaseUnavailableError, type Db } from '../db/index.js'
import { within, createBatcher, sha256Hex, newId, localDate, type Clock } from '../lib/index.js'
import { authorizeFiling, refuseInspector } from '../authorization/index.js'
import { sandboxOf, type Caller } from '../identity/index.js'
import { messageRow, recordMessage, recordMessageRows, type Arrival } from '../messagelog/index.js'
import { getDocumentView, toView, type DocumentView } from '../documents/index.js'
import { currentStates, initialState, type Lifecycle } from '../lifecycle/index.js'
import { hasErrors, makeFinding, type Finding } from '../validation/index.js'
import { employerFindings } from '../forms/index.js'
import { createDocumentWriter } from './writer.js'
import { loadEarlierDocuments, lockSeries, type SeriesKey } from './earlier.js'
import type { DocumentPool, EarlierSource, PooledDocument } from './document-pool.js'
import type { OutlineHandoff, OutlineTicket } from './outlines.js'

export interface Submission {
  readonly caller: Caller
  readonly transport: 'rest' | 'soap'
  readonly bytes: Uint8Array
  /** Media type as sent; REST checks it, SOAP passes the element it unwrapped. */
  readonly contentType: string | null
  readonly idempotencyKey?: string
  /** The SHA-256 of `bytes` (hex), when the transport computed it as the body arrived. */
  readonly sha256?: string | undefined
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
  /** Records a message refused before a document could be taken out of it (an unreadable SOAP envelope); DATABASE_UNAVAILABLE when the database is away. */
  recordRefusal(caller: Caller, transport: 'rest' | 'soap', contentType: string | null, bytes: Uint8Array, error: GatewayError): Promise<void>
}

/** The facts of a submission whose message-log row could not be written, for the application log: no content. */
export interface UnrecordedSubmission {
  readonly clientId: string
  readonly transport: 'rest' | 'soap'
  readonly sha256: string
  readonly size: number
  readonly status: number
  readonly problemCode: string
}

export interface IntakeOptions {
  /** The message log could not be written (the database is away): the caller is answered 503 all the same. */
  readonly onUnrecorded?: (submission: UnrecordedSubmission, error: unknown) => void
  /** A message-log row failed for another reason than the database being away: the caller gets the answer it was due. */
  readonly onMessageLogError?: (error: unknown) => void
  /**
   * DB_STATEMENT_TIMEOUT. A submission that met a database fault has used up to this much waiting already; its
   * message-log row then gets what is left of it (at least a moment), so that the answer never takes two timeouts.
   */
  readonly statementTimeoutMs?: number
  /** Where a report's outline is handed to its first register check. */
  readonly outlines?: OutlineHandoff
}

// A quick insert still gets its chance when the fault came at the very end of the submission's time.
const recordGraceMs = 250

interface Earlier { id: string; sha256: string; viaKey: boolean }

const xmlMediaType = /^(application|text)\/xml\s*(;.*)?$/i
const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/

export function createIntake(
  db: Db, documents: DocumentPool, clock: Clock, lifecycle: Pick<Lifecycle, 'firstTimers' | 'pairingOf' | 'timers'>, options: IntakeOptions = {},
): Intake {
  const writer = createDocumentWriter(db)
  // Refusals of admission control can come in floods: their rows go to the database many at a time.
  const unread = createBatcher<ReturnType<typeof messageRow>, void>(async rows => {
    await recordMessageRows(db, rows)
    return rows.map(() => undefined)
  })
  const logged = (write: Promise<unknown>): Promise<void> => write.then(() => undefined, error => options.onMessageLogError?.(error))
  // One query per table answers "seen before?" for every submission that arrives meanwhile.
  // A test client's repeats are looked for in its current sandbox only: after a reset, the same file is filed anew.
  const earlierLookup = createBatcher<{ clientId: string; sandbox: string | null; sha256: string; key: string | null }, Earlier | undefined>(async asks => {
    const clientIds = [...new Set(asks.map(a => a.clientId))]
    const keys = [...new Set(asks.flatMap(a => (a.key !== null ? [a.key] : [])))]
    const [sameBytes, sameKeys] = await Promise.all([
      db.selectFrom('documents').select(['id', 'client_id', 'sha256', 'sandbox'])
        .where('client_id', 'in', clientIds).where('sha256', 'in', [...new Set(asks.map(a => a.sha256))]).execute(),
      keys.length === 0 ? [] : db.selectFrom('idempotency_keys').select(['document_id as id', 'client_id', 'sha256', 'key'])
        .where('client_id', 'in', clientIds).where('key', 'in', keys).execute(),
    ])
    return asks.map(ask => {
      const byKey = ask.key !== null ? sameKeys.find(r => r.client_id === ask.clientId && r.key === ask.key) : undefined
      const found = byKey ?? sameBytes.find(r => r.client_id === ask.clientId && r.sha256 === ask.sha256 && r.sandbox === ask.sandbox)
      return found ? { id: found.id, sha256: found.sha256, viaKey: byKey !== undefined } : undefined
    })
  }, undefined, { isFault: error => databaseFaultCause(error) !== undefined })
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
      await record({
        receivedAt: clock.now(), transport, clientId: caller.clientId, fingerprint: caller.fingerprint,
        contentType, idempotencyKey: null, bytes, sha256: sha256Hex(bytes),
      }, error)
    },
  }

  /**
   * The message-log row of a refused submission. When the database is away it cannot be written: the application log
   * keeps the facts, and the caller is answered 503 DATABASE_UNAVAILABLE, so that it files again once the submission
   * can be kept (SPEC.md §8: no answer without its message-log row).
   */
  async function record(arrival: Arrival, refusal: GatewayError, startedAt = performance.now()): Promise<void> {
    try {
      const written = recordMessage(db, arrival, { status: refusal.status, problemCode: refusal.code, findings: refusal.findings })
      if (refusal.code !== 'DATABASE_UNAVAILABLE' || options.statementTimeoutMs === undefined) {
        await written
        return
      }
      written.catch(() => undefined) // settled below, or abandoned at the deadline (the insert may still land)
      const leftMs = Math.max(recordGraceMs, startedAt + options.statementTimeoutMs - performance.now())
      await within(written, leftMs, () => new DatabaseUnavailableError(`the message log was not written within ${Math.round(leftMs)} ms`, 'statement_timeout'))
    } catch (error) {
      if (!databaseFaultCause(error)) {
        options.onMessageLogError?.(error)
        return
      }
      options.onUnrecorded?.({
        clientId: arrival.clientId, transport: arrival.transport, sha256: arrival.sha256, size: arrival.bytes.byteLength,
        status: refusal.status, problemCode: refusal.code,
      }, error)
      throw refusal.code === 'DATABASE_UNAVAILABLE' ? refusal : unavailable(error)
    }
  }

  async function submitOne(s: Submission): Promise<SubmitResult> {
    const startedAt = performance.now()
    const receivedAt = clock.now()
    const arrival: Arrival = {
      receivedAt, transport: s.transport, clientId: s.caller.clientId, fingerprint: s.caller.fingerprint,
      contentType: s.contentType, idempotencyKey: s.idempotencyKey ?? null, bytes: s.bytes, sha256: s.sha256 ?? sha256Hex(s.bytes),
    }
    try {
      return await accept(arrival, s)
    } catch (error) {
      // Every outcome has its row: an unexpected failure is answered 500 INTERNAL_ERROR, and recorded so.
      const refusal = error instanceof GatewayError ? error : databaseFaultCause(error) ? unavailable(error) : undefined
      await record(arrival, refusal ?? new GatewayError('INTERNAL_ERROR'), startedAt)
      throw refusal ?? error
    }
  }

  async function accept(arrival: Arrival, s: Submission): Promise<SubmitResult> {
    refuseInspector(s.caller)
    if (s.transport === 'rest' && !xmlMediaType.test(s.contentType ?? '')) {
      throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Send the document with Content-Type: application/xml')
    }
    if (s.idempotencyKey !== undefined && !idempotencyKeyPattern.test(s.idempotencyKey)) {
      throw new GatewayError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters')
    }
    const earlier = await findEarlier(arrival, s.caller)
    if (earlier) return repeat(arrival, s.caller, earlier)

    const identified = await documents.identify(s.bytes)
    try {
      return await judgeAndStore(arrival, s, identified)
    } finally {
      documents.release(identified)
    }
  }

  async function judgeAndStore(arrival: Arrival, s: Submission, identified: PooledDocument): Promise<SubmitResult> {
    const filingDate = localDate(arrival.receivedAt)
    const employer = identified.facts.employer ?? await boundEmployer(s.caller, identified)
    // Authorization comes before validation, so a caller learns nothing about documents it may not file.
    if (employer) await authorizeFiling(db, s.caller, employer, identified.form.type, filingDate)
    const series = employer !== undefined ? identified.series : undefined
    const base = employer !== undefined
      ? { environment: s.caller.environment, sandbox: sandboxOf(s.caller), employer, type: identified.form.type }
      : undefined
    const seriesKey = base && series !== undefined ? { ...base, series } : undefined
    // An official batch: each entry is judged with its own series' earlier documents (sk-official.md §6).
    const entryKeys = base && identified.official?.batch
      ? identified.entries.map(e => (e.series !== undefined ? { ...base, series: e.series } : undefined))
      : undefined
    // Each person's series once, one query after another: a batch of 1,000 sheets never floods the pool.
    const loadEntries = async (from: Db): Promise<EarlierSource[][]> => {
      const loaded = new Map<string, EarlierSource[]>()
      for (const key of uniqueKeys(entryKeys!)) loaded.set(key.series, await loadEarlierDocuments(from, key, false))
      return entryKeys!.map(key => (key ? loaded.get(key.series)! : []))
    }
    const sameSeries = seriesKey ? await loadEarlierDocuments(db, seriesKey, identified.needsEarlierContent) : undefined
    const sameEntries = entryKeys ? await loadEntries(db) : undefined
    const findings = await documents.validate(identified, {
      filingDate, ...(sameSeries ? { earlier: sameSeries } : {}), ...(sameEntries ? { entryEarlier: sameEntries } : {}), ...(employer ? { employer } : {}),
    })
    if (hasErrors(findings) || !employer) throw invalid(identified, findings)
    // The earlier documents may change before this one commits (another R of the period, a forwarding): the
    // admission rules are judged again in the writing transaction, under a lock on the series.
    const admit = seriesKey && identified.form.admission ? async (trx: Db): Promise<void> => {
      await lockSeries(trx, seriesKey)
      const earlier = await loadEarlierDocuments(trx, seriesKey, false)
      // The series as it was judged: the verdict stands, and the worker holding the tree (perhaps busy with another
      // large document) is not waited for while this transaction holds its connection.
      if (sameStates(earlier, sameSeries ?? [])) return
      const admission = await documents.admit(identified, { filingDate, earlier })
      if (hasErrors(admission)) throw invalid(identified, admission)
    } : entryKeys && identified.form.admission ? async (trx: Db): Promise<void> => {
      // Locked in one order, so that two batches sharing persons never wait for each other.
      for (const key of uniqueKeys(entryKeys)) await lockSeries(trx, key)
      const entryEarlier = await loadEntries(trx)
      if (entryEarlier.every((earlier, i) => sameStates(earlier, sameEntries![i]!))) return
      const admission = await documents.admit(identified, { filingDate, entryEarlier })
      if (hasErrors(admission)) throw invalid(identified, admission)
    } : undefined
    const outlined = outlineOf(identified)
    try {
      return { status: 201, view: await store(arrival, s.caller, identified, employer, findings, series ?? null, admit, outlined) }
    } catch (error) {
      outlined?.ticket.cancel()
      // The same bytes or key submitted twice at once: one insert wins, the other answers as a repeat.
      if (isUniqueViolation(error)) {
        const winner = await findEarlier(arrival, s.caller)
        if (winner) return repeat(arrival, s.caller, winner)
      }
      throw error
    }
  }

  /** A report's outline for its register check, from the tree the worker holds, when there is room to keep it. */
  function outlineOf(identified: PooledDocument): { ticket: OutlineTicket; outline: Promise<string | undefined> } | undefined {
    const keep = identified.form.register?.outline
    const ticket = keep && options.outlines?.reserve(identified.bytes.byteLength)
    if (!ticket) return undefined
    return { ticket, outline: documents.outlineOf(identified, keep).catch(() => undefined) }
  }

  /**
   * The DIČ of an official document that names only the IČO (sk-official.md §1.3): the employer of this client's
   * newest accepted document with the same IČZ in the same environment (and sandbox), which named it. Only the
   * client's own documents count, so no other client's filing can redirect or block its documents. None: the
   * document is refused with SKO-EMP-1.
   */
  async function boundEmployer(caller: Caller, identified: PooledDocument): Promise<string | undefined> {
    const official = identified.official
    if (!official) return undefined
    const icz = official.employer.icz
    const sandbox = sandboxOf(caller)
    const candidates = icz === undefined ? [] : await db.selectFrom('documents').select(['id', 'employer'])
      .where('client_id', '=', caller.clientId).where('environment', '=', caller.environment)
      .where('sandbox', sandbox === null ? 'is' : '=', sandbox)
      .where('icz', '=', icz).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(50).execute()
    const states = await currentStates(db, candidates.map(c => c.id))
    const bound = candidates.find(c => states.get(c.id)?.acceptance !== 'cancelled')
    if (bound) return bound.employer
    throw new GatewayError('DOCUMENT_INVALID', 'The employer\'s DIČ cannot be determined: name it in identifikator/dic once',
      [makeFinding(employerFindings['1'], official.employer.at, 'identifikator')])
  }

  /** An earlier document of this client with the same Idempotency-Key (preferred) or the same bytes. */
  async function findEarlier(arrival: Arrival, caller: Caller): Promise<Earlier | undefined> {
    return earlierLookup.load({ clientId: arrival.clientId, sandbox: sandboxOf(caller), sha256: arrival.sha256, key: arrival.idempotencyKey })
  }

  /**
   * A submission that repeats an earlier one: by its Idempotency-Key (the same bytes, or 409) or by its bytes. A
   * key first seen on a repeat is bound to the original now, so that one key means one document in any order.
   */
  async function repeat(arrival: Arrival, caller: Caller, earlier: Earlier): Promise<SubmitResult> {
    if (earlier.viaKey && earlier.sha256 !== arrival.sha256) throw keyReused()
    if (arrival.idempotencyKey !== null && !earlier.viaKey) {
      const bound = await db.insertInto('idempotency_keys').values({
        client_id: arrival.clientId, key: arrival.idempotencyKey, document_id: earlier.id, sha256: arrival.sha256, created_at: arrival.receivedAt,
      }).onConflict(oc => oc.columns(['client_id', 'key']).doNothing()).returning('sha256').executeTakeFirst()
      // Nothing inserted: another request bound the key first, perhaps to other bytes.
      const boundTo = bound ?? await db.selectFrom('idempotency_keys').select('sha256')
        .where('client_id', '=', arrival.clientId).where('key', '=', arrival.idempotencyKey).executeTakeFirstOrThrow()
      if (boundTo.sha256 !== arrival.sha256) throw keyReused()
    }
    const view = await getDocumentView(db, caller, earlier.id, arrival.receivedAt)
    await logged(recordMessage(db, arrival, { status: 200, documentId: earlier.id }))
    return { status: 200, view: { ...view, duplicateOf: earlier.id } }
  }

  async function store(
    arrival: Arrival, caller: Caller, identified: PooledDocument, employer: string, findings: readonly Finding[],
    series: string | null, admit: ((trx: Db) => Promise<void>) | undefined, outlined: ReturnType<typeof outlineOf>,
  ): Promise<DocumentView> {
    const { form, facts, numberPrefix } = identified
    const id = newId(arrival.receivedAt.getTime())
    const state = initialState(form.type)
    const sandbox = sandboxOf(caller)
    const row = {
      id, client_id: caller.clientId, environment: caller.environment, sandbox, type: form.type, employer,
      period: facts.period ?? null, kind: facts.kind ?? null, external_id: facts.externalId ?? null,
      received_at: arrival.receivedAt, sha256: arrival.sha256, size: arrival.bytes.byteLength,
      idempotency_key: arrival.idempotencyKey, findings, series, format: identified.format, icz: identified.facts.icz ?? null,
      entries: identified.entries.length > 0 ? identified.entries.map(({ series: _, ...entry }, i) => ({ index: i + 1, ...entry })) : null,
    }
    const pairing = lifecycle.pairingOf(identified.pairing)
    const timers = lifecycle.firstTimers({ id, type: form.type, environment: caller.environment, sandbox, receivedAt: arrival.receivedAt, ...(pairing ? { pairing } : {}) })
    const number = await writer.write({
      id, arrival, clientId: caller.clientId, environment: caller.environment, sandbox, type: form.type,
      numberPrefix, hasReceiptNumber: form.country === 'SI', employer,
      period: row.period, kind: row.kind, externalId: row.external_id, format: row.format, icz: row.icz, series, findings, state,
      entries: row.entries, entrySeries: identified.official?.batch ? identified.entries.flatMap(e => (e.series !== undefined ? [e.series] : [])) : [],
      timers, ...(pairing ? { pairing } : {}),
      ...(admit ? { admit } : {}),
    })
    // Before the timers are nudged: the register check is due at once.
    outlined?.ticket.put(id, outlined.outline)
    lifecycle.timers.nudge()
    // The view of what was just committed, without reading it back.
    return toView(
      { ...row, number, receipt_number: form.country === 'SI' ? number : null, message_id: '' },
      [{ at: arrival.receivedAt, ...state, reason: 'received', findings: [] }],
      timers[0] ? { kind: timers[0].kind, at: timers[0].dueAt } : undefined,
      pairing?.awaits ? { deadline_at: pairing.awaits.deadlineAt, paired_with: null, paired_at: null, expired_at: null } : undefined,
    )
  }
}

function keyReused(): GatewayError {
  return new GatewayError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a document with different content')
}

function invalid(identified: PooledDocument, findings: readonly Finding[]): GatewayError {
  return new GatewayError('DOCUMENT_INVALID', `${findings.filter(f => f.severity === 'error').length} error(s) in the ${identified.form.type} document`, findings)
}

/** The database failed under a submission: it may not have been stored, and a repeat is answered with the original if it was. */
function unavailable(error: unknown): GatewayError {
  return new GatewayError('DATABASE_UNAVAILABLE',
    'The database is not available; the document may not have been stored. Send it again (the same bytes, or the same '
    + 'Idempotency-Key) after the time in Retry-After: a repeat of a stored document is answered with the original.', [], { cause: error })
}

/** The series keys of a batch's entries, each once, in a fixed order. */
function uniqueKeys(keys: readonly (SeriesKey | undefined)[]): SeriesKey[] {
  const byName = new Map(keys.filter((k): k is SeriesKey => k !== undefined).map(k => [k.series, k]))
  return [...byName.keys()].sort().map(name => byName.get(name)!)
}

/** The same earlier documents in the same states: what the admission rules read of them (not their content). */
function sameStates(a: readonly EarlierSource[], b: readonly EarlierSource[]): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i]!
    return x.number === y.number && x.kind === y.kind && x.acceptance === y.acceptance && x.processing === y.processing
  })
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505'
}

export { createDocumentPool } from './document-pool.js'
export { createOutlineHandoff, type OutlineHandoff, type OutlineTicket } from './outlines.js'
export { releaseIdempotencyKeys } from './writer.js'
export type { DocumentPool, DocumentPoolOptions, PooledDocument, EarlierSource, CheckOptions } from './document-pool.js'
