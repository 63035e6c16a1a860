import type { Db } from '../db/index.js'
import type { Caller } from '../identity/index.js'
import { pairingOf, paymentOf, visibleTo, type Acceptance, type Pairing, type Payment, type Processing } from '../documents/index.js'
import { GatewayError } from '../problems.js'
import { localDate } from '../lib/index.js'

/** A document's state change as clients see it (SPEC.md §4b), by gateway-wide `seq`. */
export interface DocumentEventView {
  readonly id: string
  /** Decimal text: a bigint, ordered gateway-wide. */
  readonly seq: string
  readonly at: string
  readonly type: 'document.state_changed'
  readonly document: { readonly id: string; readonly number: string; readonly type: string; readonly employer: string; readonly externalId?: string }
  readonly acceptance: Acceptance
  readonly processing: Processing
  readonly reason: string | null
  /** On the `processed` event of a refund claim: the day by which the authority pays, as in the document view. */
  readonly payment?: Payment
  /**
   * On the `received`, `paired` and `expired` events of a preliminary registration (PREG): its pairing as that
   * event left it (DOCUMENTS.md §3.7).
   */
  readonly pairing?: Pairing
}

/** An event of the client itself: one of its webhook subscriptions became failing, or delivers again. */
export interface SubscriptionEventView {
  readonly id: string
  readonly seq: string
  readonly at: string
  readonly type: 'webhook.subscription_failing' | 'webhook.subscription_recovered'
  readonly subscription: { readonly id: string }
}

/** An event of the client itself: its certificate ends within CERT_EXPIRY_WARN and it has no next one (once a day). */
export interface CertificateEventView {
  readonly id: string
  readonly seq: string
  readonly at: string
  readonly type: 'client.certificate_expiring'
  readonly certificate: { readonly fingerprint: string; readonly notAfter: string }
}

export type ClientEventView = SubscriptionEventView | CertificateEventView

export type EventView = DocumentEventView | ClientEventView

export interface EventPage {
  readonly items: readonly EventView[]
  /** The cursor for the next page: the last item's `seq`, or the `after` given when there is none. */
  readonly nextAfter: string
}

/** `after` is a seq (0 or more, at most 19 digits); limit 1–500 (default 100). */
export interface EventQuery {
  readonly after?: string
  readonly limit?: number
}

const seqPattern = /^(0|[1-9][0-9]{0,18})$/

/** Checks a feed query; throws INVALID_REQUEST naming the parameter. */
export function eventQuery(query: EventQuery): { after: string; limit: number } {
  const after = query.after ?? '0'
  if (!seqPattern.test(after) || BigInt(after) > 9223372036854775807n) throw new GatewayError('INVALID_REQUEST', 'after must be an event seq: a whole number from 0')
  const limit = query.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
  return { after, limit }
}

/**
 * The events after `after` that the caller may see now, oldest first: those of the documents it may see (the
 * documents' own rule: its filings, and those of employers it may file that type for today), and its own.
 */
export async function readEvents(db: Db, caller: Caller, query: EventQuery, now: Date): Promise<EventPage> {
  const { after } = eventQuery(query)
  const rows = await eventPageQuery(db, caller, query, now).execute()
  const items = rows.map((r): EventView => {
    const head = { id: r.id, seq: String(r.seq), at: r.at.toISOString() }
    if (r.document_id === null && r.type === 'client.certificate_expiring') {
      return { ...head, type: r.type, certificate: { fingerprint: String(r.data?.fingerprint), notAfter: String(r.data?.notAfter) } }
    }
    if (r.document_id === null) return { ...head, type: r.type as SubscriptionEventView['type'], subscription: { id: String(r.data?.subscriptionId) } }
    return {
      ...head, type: 'document.state_changed',
      document: { id: r.document_id, number: r.number!, type: r.document_type!, employer: r.employer!, ...(r.external_id ? { externalId: r.external_id } : {}) },
      acceptance: r.acceptance as Acceptance, processing: r.processing as Processing, reason: r.reason,
      ...withPayment(r.document_type!, r.processing, r.at),
      ...withPairing(r),
    }
  })
  return { items, nextAfter: items.length > 0 ? items[items.length - 1]!.seq : after }
}

/** The query of one page of the feed, as readEvents runs it; its plan is tested (src/db/query-plans.test.ts). */
export function eventPageQuery(db: Db, caller: Caller, query: EventQuery, now: Date) {
  const { after, limit } = eventQuery(query)
  const documentVisible = visibleTo(caller, localDate(now))
  return db.selectFrom('events')
    .leftJoin('documents', 'documents.id', 'events.document_id')
    .leftJoin('preliminary_registrations as preg', 'preg.document_id', 'events.document_id')
    .select(['preg.deadline_at', 'preg.paired_with', 'preg.paired_at', 'preg.expired_at','events.id', 'events.seq', 'events.at', 'events.type', 'events.acceptance', 'events.processing', 'events.reason', 'events.data',
      'documents.id as document_id', 'documents.number', 'documents.type as document_type', 'documents.employer', 'documents.external_id'])
    .where('events.seq', '>', after)
    // A client's own events have no document: the left join leaves its columns null, and the rule on them false.
    .where(eb => eb.or([eb('events.client_id', '=', caller.clientId), documentVisible(eb as unknown as Parameters<typeof documentVisible>[0])]))
    .orderBy('events.seq').limit(limit)
}

/** A preliminary registration's pairing at one of its pairing events: received, then paired or expired. */
function withPairing(r: { reason: string | null; deadline_at: Date | null; paired_with: string | null; paired_at: Date | null; expired_at: Date | null }): { pairing?: Pairing } {
  if (r.deadline_at === null) return {}
  const row = { deadline_at: r.deadline_at, paired_with: null, paired_at: null, expired_at: null }
  switch (r.reason) {
    case 'received': return { pairing: pairingOf(row) }
    case 'paired': return { pairing: pairingOf({ ...row, paired_with: r.paired_with, paired_at: r.paired_at }) }
    case 'expired': return { pairing: pairingOf({ ...row, expired_at: r.expired_at }) }
    default: return {}
  }
}

function withPayment(type: string, processing: string | null, at: Date): { payment?: Payment } {
  const payment = processing === 'processed' ? paymentOf(type, at) : undefined
  return payment ? { payment } : {}
}

/** The highest `seq` committed (0 when there is none). */
export async function latestSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select(eb => eb.fn.max('seq').as('seq')).executeTakeFirst()
  return Number(row?.seq ?? 0)
}
