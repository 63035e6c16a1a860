import { sql, type ExpressionBuilder } from 'kysely'
import type { Database, Db } from '../db/index.js'
import { mayActFor } from '../authorization/index.js'
import { appendAudit } from '../audit/index.js'
import { registerOf, sandboxOf, type Caller } from '../identity/index.js'
import { GatewayError } from '../problems.js'
import { forms } from '../forms/index.js'
import { isPeriod, lastDayOfMonth, localDate, uuidPattern } from '../lib/index.js'

/** An insurance relation as clients see it (SPEC.md §4 `GET /api/v1/insurances`). */
export interface InsuranceView {
  readonly id: string
  readonly country: string
  /** The form that opened it: `M1` (compulsory insurance), `M12` (injury at work) or `RLFO` (a Slovak insurance relationship). */
  readonly type: string
  readonly employer: string
  readonly person: string
  readonly status: 'open' | 'closed' | 'annulled'
  readonly startDate: string
  readonly endDate?: string
  /** What identifies the insurance on later forms, as the opening document gave it. */
  readonly key: Record<string, unknown>
  /** The current values of the data that changes may touch. */
  readonly data: Record<string, unknown>
  /** Oldest first: the documents that opened, changed, closed or annulled it. */
  readonly documents: readonly { id: string; number: string; type: string; event: string; at: string }[]
}

export interface InsuranceFilter {
  readonly employer?: string
  readonly person?: string
  /** YYYY-MM: relations that existed at some time in that month. */
  readonly period?: string
  readonly status?: string
  readonly limit?: number
  readonly cursor?: string
}

/**
 * The document types whose mandate lets a client see an insurance of each kind: the forms that show that kind
 * (`FormModule.insuranceKind`). A Slovak relationship is what every SK document is checked against, so a mandate
 * for any of them shows it.
 */
function typesOfKind(): Map<string, string[]> {
  const kinds = new Map<string, string[]>()
  for (const form of forms) kinds.set(form.insuranceKind, [...(kinds.get(form.insuranceKind) ?? []), form.type])
  return kinds
}

/**
 * An inspection client (SPEC.md §3) searches the register of every employer of its environment: in production the
 * production register; in the test environment every test client's sandbox register that was not reset (a reset
 * sandbox's documents have left every list, migration 0010).
 */
function inspectable(caller: Caller) {
  return (eb: ExpressionBuilder<Database, 'insurances'>) => (caller.environment === 'production'
    ? eb('insurances.environment', '=', 'production')
    : eb.and([
      eb('insurances.environment', 'like', 'sandbox:%'),
      eb.not(eb.exists(eb.selectFrom('sandbox_resets as r').select('r.id')
        .whereRef('insurances.environment', '=', sql<string>`'sandbox:' || r.ended_sandbox`))),
    ]))
}

/** Own employer, or an active mandate from the employer that covers a form of that kind of insurance. */
function visibleTo(caller: Caller, today: string) {
  if (caller.role === 'inspector') return inspectable(caller)
  const typesOfRow = sql<string[]>`case insurances.kind ${sql.join([...typesOfKind()]
    .map(([kind, types]) => sql`when ${kind} then ${sql.val(types)}::text[]`), sql` `)} else array[]::text[] end`
  return (eb: ExpressionBuilder<Database, 'insurances'>) => eb.and([
    // A test client sees the register of its own sandbox (SPEC.md §7).
    eb('insurances.environment', '=', registerOf({ environment: caller.environment, sandbox: sandboxOf(caller) })),
    mayActFor(caller, 'insurances.employer', today, typesOfRow),
  ])
}

/**
 * Newest first; `nextCursor` continues after the last item. Throws INVALID_REQUEST for a bad filter. An inspection
 * client's every search is audited (who searched for which employer or person, when, and how much it found) before
 * it is answered; `db` must then not be a transaction, as the entry is committed on its own.
 */
export async function listInsurances(db: Db, caller: Caller, filter: InsuranceFilter, now: Date): Promise<{ items: InsuranceView[]; nextCursor: string | null }> {
  const limit = filter.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
  if (filter.period && !isPeriod(filter.period)) throw new GatewayError('INVALID_REQUEST', 'period must be YYYY-MM, of the years 1900 to 9999')
  if (filter.status && !['open', 'closed', 'annulled'].includes(filter.status)) throw new GatewayError('INVALID_REQUEST', 'status must be open, closed or annulled')
  if (filter.cursor && !uuidPattern.test(filter.cursor)) throw new GatewayError('INVALID_REQUEST', 'cursor is not valid')
  let q = db.selectFrom('insurances').selectAll().where(visibleTo(caller, localDate(now)))
  if (filter.employer) q = q.where('employer', '=', filter.employer)
  if (filter.person) q = q.where('person', '=', filter.person)
  if (filter.status) q = q.where('status', '=', filter.status as 'open')
  if (filter.period) {
    const first = `${filter.period}-01`
    q = q.where('start_date', '<=', lastDayOfMonth(filter.period)).where(eb => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', first)]))
  }
  if (filter.cursor) q = q.where('id', '<', filter.cursor)
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute()
  const page = rows.slice(0, limit)
  if (caller.role === 'inspector') {
    await db.transaction().execute(trx => appendAudit(trx, now, {
      actor: `client:${caller.clientId}`, action: 'insurances.searched',
      details: { employer: filter.employer ?? null, person: filter.person ?? null, period: filter.period ?? null, results: page.length },
    }))
  }
  const events = page.length === 0 ? [] : await db.selectFrom('insurance_events as e')
    .innerJoin('documents as d', 'd.id', 'e.document_id')
    .select(['e.insurance_id', 'e.event', 'e.at', 'd.id', 'd.number', 'd.type'])
    .where('e.insurance_id', 'in', page.map(r => r.id))
    .orderBy('e.id').execute()
  return {
    items: page.map(row => ({
      id: row.id,
      country: row.country,
      type: row.kind,
      employer: row.employer,
      person: row.person,
      status: row.status,
      startDate: row.start_date,
      ...(row.end_date ? { endDate: row.end_date } : {}),
      key: row.insurance_key,
      data: row.data,
      documents: events.filter(e => e.insurance_id === row.id)
        .map(e => ({ id: e.id, number: e.number, type: e.type, event: e.event, at: e.at.toISOString() })),
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  }
}
