import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely'
import { GatewayError } from '../problems.js'
import type { Database, Db, DocumentRow, ViewEntry } from '../db/index.js'
import { mayActFor } from '../authorization/index.js'
import type { Caller } from '../identity/index.js'
import { stateLabel, acceptanceLabels, processingLabels, type Acceptance, type Processing } from './states.js'
import type { Finding } from '../validation/index.js'
import { countryOf, formOf } from '../forms/index.js'
export { stateLabel, acceptanceLabels, processingLabels } from './states.js'
export type { Acceptance, Processing, DocumentState } from './states.js'
/** Polling conventions of the document view (SPEC.md §4): final states, ETag and If-None-Match, Retry-After. */
export { isFinal, documentEtag, retryAfterSeconds, matchesIfNoneMatch } from './polling.js'
import { addDays, uuidPattern, isPeriod, localDate, parseInstant } from '../lib/index.js'

/** The document as clients see it (SPEC.md §4). */
export type { ViewEntry }

export interface DocumentView {
  readonly id: string
  readonly number: string
  readonly receiptNumber?: string
  readonly type: string
  readonly employer: string
  readonly period?: string
  readonly kind?: string
  readonly externalId?: string
  /** The vocabulary the gateway read: `ehrs` (ours) or `sp` (Sociálna poisťovňa's own XML, sk-official.md). */
  readonly format: 'ehrs' | 'sp'
  /** A document of several (a registration list of 2–300, an official ELDP batch): its entries, persons masked. */
  readonly entries?: readonly ViewEntry[]
  readonly receivedAt: string
  readonly sha256: string
  readonly size: number
  readonly status: { acceptance: Acceptance; processing: Processing; label: { en: string; sl?: string; sk?: string } }
  readonly findings: readonly Finding[]
  readonly history: readonly { at: string; acceptance: Acceptance; processing: Processing; reason: string | null }[]
  /** The next timed transition and when it is due: a register check, forwarding (the end of storno) or processing. */
  readonly scheduled?: { readonly transition: 'register_check' | 'forwarding' | 'processing' | 'expiry'; readonly at: string }
  readonly duplicateOf?: string
  /** A processed refund claim: the day by which the authority pays (`FormModule.paymentDays` after processing). */
  readonly payment?: Payment
  /** A preliminary registration (PREG): whether an RLFO confirmed it (DOCUMENTS.md §3.7). */
  readonly pairing?: Pairing
}

/** Pairing states of a preliminary registration (DOCUMENTS.md §3.7, sk-ezu §10: "Prijatá", "Párovaná"). */
export const pairingStates = ['received', 'paired', 'expired'] as const
export type PairingState = typeof pairingStates[number]

/** A preliminary registration's pairing with the RLFO that confirms it. */
export interface Pairing {
  readonly state: PairingState
  /** The id of the RLFO that paired it. */
  readonly pairedWith?: string
  /** When that RLFO was received. */
  readonly pairedAt?: string
  /** When it expires unless paired: PRELIMINARY_DEADLINE after the start of its date (Central European time). */
  readonly deadline: string
}

/** What a view needs of a `preliminary_registrations` row. */
export interface PairingRow { deadline_at: Date; paired_with: string | null; paired_at: Date | null; expired_at: Date | null }

export function pairingOf(row: PairingRow): Pairing {
  const state: PairingState = row.paired_with !== null ? 'paired' : row.expired_at !== null ? 'expired' : 'received'
  return {
    state,
    ...(row.paired_with !== null ? { pairedWith: row.paired_with } : {}),
    ...(row.paired_at !== null ? { pairedAt: row.paired_at.toISOString() } : {}),
    deadline: row.deadline_at.toISOString(),
  }
}

/** When the authority pays what a processed document claims (a refund claim: ZZZS within 30 days, si-endm §5). */
export interface Payment {
  /** YYYY-MM-DD, Central European time: the day of processing plus the form's payment days. */
  readonly expectedBy: string
}

/**
 * The payment a document's form promises once it is processed at `processedAt`; undefined for a form without one.
 * The document view, its receipt and its `processed` event all give this one date.
 */
export function paymentOf(type: string, processedAt: Date): Payment | undefined {
  const days = formOf(type).paymentDays
  return days === undefined ? undefined : { expectedBy: addDays(localDate(processedAt), days) }
}

/**
 * A client sees, in its own environment, every document it submitted itself (its proof of filing, also after a
 * mandate ended: SPEC.md §3) and the documents of the employers it may file that type for today: its own tax
 * number, or an active mandate covering the type. A document of a test client's sandbox that was reset is gone
 * (SPEC.md §7): only the message log keeps it.
 */
export function visibleTo(caller: Caller, today: string) {
  return (eb: ExpressionBuilder<Database, 'documents'>) => eb.and([
    eb('documents.environment', '=', caller.environment),
    eb.or([eb('documents.client_id', '=', caller.clientId), mayActFor(caller, 'documents.employer', today, sql`array[documents.type]`)]),
    ...(caller.environment === 'test'
      ? [eb.not(eb.exists(eb.selectFrom('sandbox_resets as retired').select('retired.id').whereRef('retired.ended_sandbox', '=', 'documents.sandbox')))]
      : []),
  ])
}

/** Throws DOCUMENT_NOT_FOUND for unknown ids and for documents the caller may not see alike, so ids leak nothing. */
export async function getDocumentView(db: Db, caller: Caller, id: string, now: Date): Promise<DocumentView> {
  const row = await findVisibleDocument(db, caller, id, now)
  return (await toViews(db, [row]))[0]!
}

export async function getDocumentContent(db: Db, caller: Caller, id: string, now: Date): Promise<Uint8Array> {
  const row = await findVisibleDocument(db, caller, id, now)
  const message = await db.selectFrom('message_log').select('body').where('id', '=', row.message_id).executeTakeFirstOrThrow()
  return message.body ?? new Uint8Array()
}

export async function findVisibleDocument(db: Db, caller: Caller, id: string, now: Date): Promise<DocumentRow> {
  if (!uuidPattern.test(id)) throw new GatewayError('DOCUMENT_NOT_FOUND')
  const row = await visibleDocumentQuery(db, caller, id, now).executeTakeFirst()
  if (!row) throw new GatewayError('DOCUMENT_NOT_FOUND')
  return row
}

/** The query of one document by id, if the caller may see it (what findVisibleDocument runs; its plan is tested). */
export function visibleDocumentQuery(db: Db, caller: Caller, id: string, now: Date) {
  return db.selectFrom('documents').selectAll().where('id', '=', id).where(visibleTo(caller, localDate(now)))
}

export interface DocumentFilter {
  readonly type?: string
  readonly employer?: string
  readonly period?: string
  readonly acceptance?: string
  readonly processing?: string
  readonly since?: Date
  readonly limit?: number
  readonly cursor?: string
  /** The program's own reference (ZunanjiId / ExternyId): 1 to 64 characters, as the forms' schemas allow. */
  readonly externalId?: string
  /**
   * Preliminary registrations in this pairing state (DOCUMENTS.md §3.7); `received` lists those still waiting for
   * their RLFO, not cancelled ones.
   */
  readonly pairing?: string
}

/** The longest ZunanjiId / ExternyId the forms' schemas allow (xsd/common.xsd, type Ref). */
export const maxExternalIdLength = 64

/** Newest first; `nextCursor` continues after the last item. Throws INVALID_REQUEST for a bad filter or cursor. */
export async function listDocuments(db: Db, caller: Caller, filter: DocumentFilter, now: Date): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
  const { query, limit } = documentListQuery(db, caller, filter, now)
  const rows = await query.execute()
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: await toViews(db, page),
    nextCursor: rows.length > limit && last ? encodeCursor(last.received_at, last.id) : null,
  }
}

/**
 * The query of one page of the list (one row more than `limit`, to know whether another page follows), as
 * listDocuments runs it; its plans are tested (src/db/query-plans.test.ts). Throws INVALID_REQUEST for a bad
 * filter or cursor.
 */
export function documentListQuery(db: Db, caller: Caller, filter: DocumentFilter, now: Date) {
  const limit = filter.limit ?? 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
  if (filter.acceptance && !Object.hasOwn(acceptanceLabels, filter.acceptance)) throw new GatewayError('INVALID_REQUEST', `acceptance must be one of ${Object.keys(acceptanceLabels).join(', ')}`)
  if (filter.processing && !Object.hasOwn(processingLabels, filter.processing)) throw new GatewayError('INVALID_REQUEST', `processing must be one of ${Object.keys(processingLabels).join(', ')}`)
  if (filter.period && !isPeriod(filter.period)) throw new GatewayError('INVALID_REQUEST', 'period must be YYYY-MM, of the years 1900 to 9999')
  if (filter.pairing !== undefined && !(pairingStates as readonly string[]).includes(filter.pairing)) {
    throw new GatewayError('INVALID_REQUEST', `pairing must be one of ${pairingStates.join(', ')}`)
  }
  if (filter.externalId !== undefined && filter.externalId.length > maxExternalIdLength) throw new GatewayError('INVALID_REQUEST', `externalId must be 1 to ${maxExternalIdLength} characters`)
  const visible = db.selectFrom('documents').selectAll().where(visibleTo(caller, localDate(now)))
  /** The filters on the documents themselves. */
  const matching = (start: typeof visible): typeof visible => {
    let q = start
    if (filter.type) q = q.where('documents.type', '=', filter.type)
    if (filter.employer) q = q.where('documents.employer', '=', filter.employer)
    if (filter.period) q = q.where('documents.period', '=', filter.period)
    if (filter.since) q = q.where('documents.received_at', '>=', filter.since)
    if (filter.externalId !== undefined) q = q.where('documents.external_id', '=', filter.externalId)
    if (filter.pairing) {
      const state = filter.pairing
      q = q.where(eb => eb.exists(eb.selectFrom('preliminary_registrations as p').select('p.document_id').whereRef('p.document_id', '=', 'documents.id')
        .where(p => state === 'paired' ? p('p.paired_with', 'is not', null)
          : state === 'expired' ? p('p.expired_at', 'is not', null)
          : p.and([p('p.paired_with', 'is', null), p('p.expired_at', 'is', null)]))))
      if (state === 'received') {
        q = q.where(eb => eb(eb.selectFrom('current_states as c').select('c.acceptance').whereRef('c.document_id', '=', 'documents.id'), '<>', 'cancelled'))
      }
    }
    return q
  }
  const after = filter.cursor ? decodeCursor(filter.cursor) : undefined
  const byState = filter.processing !== undefined || filter.acceptance !== undefined
  /**
   * One page of a part of the list (the documents of a client, or of an employer), newest first. A cursor is one
   * row comparison, not `received_at < … or (received_at = … and id < …)`: the index starts there, so a page far
   * down the list costs what the first one does. Filtered by state, the part is read from current_states
   * (migration 0017) by its index of the part's key, the state and the receipt time, and each document it names
   * is looked up by its id alone (the key is the document's own, copied) and judged by the rest of the filters.
   */
  const page = (key: { readonly client: string } | { readonly employer: string | RawBuilder<string> }) => {
    if (!byState) {
      const q = matching('client' in key ? visible.where('documents.client_id', '=', key.client) : visible.where('documents.employer', '=', key.employer))
      return (after ? q.where(eb => eb(eb.refTuple('documents.received_at', 'documents.id'), '<', eb.tuple(after.receivedAt, after.id))) : q)
        .orderBy('documents.received_at', 'desc').orderBy('documents.id', 'desc').limit(limit + 1)
    }
    let current = db.selectFrom('current_states as current').where('current.environment', '=', caller.environment)
    current = 'client' in key ? current.where('current.client_id', '=', key.client) : current.where('current.employer', '=', key.employer)
    if (filter.acceptance) current = current.where('current.acceptance', '=', filter.acceptance)
    if (filter.processing) current = current.where('current.processing', '=', filter.processing)
    if (after) current = current.where(eb => eb(eb.refTuple('current.received_at', 'current.document_id'), '<', eb.tuple(after.receivedAt, after.id)))
    return current.innerJoinLateral(() => matching(visible).where('documents.id', '=', sql.ref<string>('current.document_id')).as('d'), join => join.onTrue())
      .selectAll('d').orderBy('current.received_at', 'desc').orderBy('current.document_id', 'desc').limit(limit + 1)
  }
  // The documents a caller sees are those it filed, those of its own employer, and those of the employers whose
  // mandate it holds: each part read newest first by an index of its own (`documents_client`, and
  // `documents_visibility` per employer), one page of each, the same document once, and the newest of them taken.
  // No part leaves out another's documents: such a filter would walk every document of the other part (a client
  // filing for its own employer) before it found one.
  const own = page({ client: caller.clientId })
  const employers = page({ employer: caller.taxNumber })
  const mandated = db.selectFrom(eb => eb.selectFrom('mandates').select('mandates.employer').distinct()
    .where('mandates.client_id', '=', caller.clientId).where('mandates.revoked_at', 'is', null)
    .where('mandates.employer', '<>', caller.taxNumber).as('mandated'))
    .innerJoinLateral(() => page({ employer: sql.ref<string>('mandated.employer') }).as('held'), join => join.onTrue())
    .selectAll('held')
  const parts = caller.role === 'inspector' ? db.selectFrom(own.as('o')).selectAll()
    : db.selectFrom(own.as('o')).selectAll()
      .union(db.selectFrom(employers.as('e')).selectAll())
      .union(mandated)
  const query = db.selectFrom(parts.as('visible')).selectAll()
    .orderBy('visible.received_at', 'desc').orderBy('visible.id', 'desc').limit(limit + 1)
  return { query, limit }
}

/** The cursor of the page after `row`, as a list gives it in `nextCursor`. */
export function cursorAfter(row: Pick<DocumentRow, 'received_at' | 'id'>): string {
  return encodeCursor(row.received_at, row.id)
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(`${receivedAt.toISOString()}|${id}`).toString('base64url')
}

/** Only what encodeCursor writes is a cursor: an instant the databases hold (never a year 275760) and an id. */
function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const text = cursor.length <= 128 && /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : ''
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(.+)$/.exec(text)
  const receivedAt = match ? parseInstant(match[1]!) : undefined
  if (!match || !receivedAt || !uuidPattern.test(match[2]!)) throw new GatewayError('INVALID_REQUEST', 'cursor is not valid')
  return { receivedAt, id: match[2]! }
}

/** Maps rows to views with one query for all their states. */
export async function toViews(db: Db, rows: readonly DocumentRow[]): Promise<DocumentView[]> {
  if (rows.length === 0) return []
  const queries = viewQueries(db, rows.map(r => r.id))
  const states = await queries.states.execute()
  const timers = await queries.timers.execute()
  const pairings = new Map((await queries.pairings.execute()).map(p => [p.document_id, p]))
  return rows.map(row => {
    const next = timers.find(t => t.document_id === row.id)
    return toView(row, states.filter(s => s.document_id === row.id), next ? { kind: next.kind, at: next.due_at } : undefined, pairings.get(row.id))
  })
}

/** The queries by which toViews reads the states (the history), pending timers and pairings of the documents `ids`. */
export function viewQueries(db: Db, ids: readonly string[]) {
  return {
    states: db.selectFrom('document_states').selectAll().where('document_id', 'in', ids).orderBy('id'),
    timers: db.selectFrom('timers').select(['document_id', 'kind', 'due_at']).where('document_id', 'in', ids).where('done_at', 'is', null).orderBy('due_at'),
    pairings: db.selectFrom('preliminary_registrations').select(['document_id', 'deadline_at', 'paired_with', 'paired_at', 'expired_at']).where('document_id', 'in', ids),
  }
}

/** A timer's kind as the API names the transition it makes (`scheduled.transition`, the sandbox's `pending`). */
export const transitions: Readonly<Record<string, 'register_check' | 'forwarding' | 'processing' | 'expiry'>> = {
  'register-check': 'register_check', forward: 'forwarding', process: 'processing', expire: 'expiry',
}

/**
 * The findings a document has now: those given at submission, and of its states the latest of each kind
 * (reason): a repeated register check replaces the findings of the one before it.
 */
function currentFindings(row: DocumentRow, history: readonly StateRow[]): Finding[] {
  const latest = new Map<string | null, StateRow>()
  for (const s of history) latest.set(s.reason, s)
  return [...(row.findings as Finding[]), ...[...latest.values()].flatMap(s => s.findings as Finding[])]
}

export interface StateRow { at: Date; acceptance: string; processing: string; reason: string | null; findings: unknown }

/** One document and its states, oldest first, as the client sees them. */
export function toView(row: DocumentRow, history: readonly StateRow[], next?: { kind: string; at: Date }, pairing?: PairingRow): DocumentView {
  const current = history[history.length - 1]!
  const state = { acceptance: current.acceptance as Acceptance, processing: current.processing as Processing }
  return {
    id: row.id,
    number: row.number,
    ...(row.receipt_number ? { receiptNumber: row.receipt_number } : {}),
    type: row.type,
    employer: row.employer,
    ...(row.period ? { period: row.period } : {}),
    ...(row.kind ? { kind: row.kind } : {}),
    ...(row.external_id ? { externalId: row.external_id } : {}),
    format: row.format,
    ...(row.entries ? { entries: row.entries } : {}),
    receivedAt: row.received_at.toISOString(),
    sha256: row.sha256,
    size: row.size,
    status: { ...state, label: stateLabel(countryOf(row.type), state) },
    findings: currentFindings(row, history),
    history: history.map(s => ({ at: s.at.toISOString(), acceptance: s.acceptance as Acceptance, processing: s.processing as Processing, reason: s.reason })),
    ...(next && transitions[next.kind] ? { scheduled: { transition: transitions[next.kind]!, at: next.at.toISOString() } } : {}),
    ...paymentOfState(row.type, current),
    ...(pairing ? { pairing: pairingOf(pairing) } : {}),
  }
}

function paymentOfState(type: string, state: StateRow): { payment?: Payment } {
  const payment = state.processing === 'processed' ? paymentOf(type, state.at) : undefined
  return payment ? { payment } : {}
}
