import type { Db } from '../db/index.js'
import { appendAudit } from '../audit/index.js'
import { newId } from '../lib/index.js'
import { forms } from '../forms/index.js'
import { OperatorError } from './errors.js'
import { isIsoDate, isTaxNumber, requireClient } from './checks.js'

// Operator actions on mandates ("pooblastilo" / "splnomocnenie"); each change is audited in its own transaction.

export interface NewMandate {
  readonly employer: string
  readonly clientId: string
  readonly types?: readonly string[]
  readonly from?: string
  readonly to?: string
}

export async function addMandate(db: Db, input: NewMandate, now: Date): Promise<{ id: string }> {
  if (!isTaxNumber(input.employer)) throw new OperatorError('The employer must be given by its tax number (8 to 10 digits)')
  for (const type of input.types ?? []) {
    if (!forms.some(f => f.type === type)) throw new OperatorError(`Unknown document type ${type}; known: ${forms.map(f => f.type).join(', ')}`)
  }
  for (const [day, value] of [['first', input.from], ['last', input.to]] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new OperatorError(`The mandate's ${day} day must be a date YYYY-MM-DD`)
  }
  if (input.from && input.to && input.from > input.to) throw new OperatorError('The mandate\'s first day must not be after its last day')
  const id = newId(now.getTime())
  await db.transaction().execute(async trx => {
    await requireClient(trx, input.clientId)
    await trx.insertInto('mandates').values({
      id, employer: input.employer, client_id: input.clientId,
      document_types: input.types && input.types.length > 0 ? [...input.types] : null,
      valid_from: input.from ?? null, valid_to: input.to ?? null, created_at: now, revoked_at: null,
    }).execute()
    await appendAudit(trx, now, {
      actor: 'operator', action: 'mandate.added', subject: id,
      details: { clientId: input.clientId, types: input.types ?? null, from: input.from ?? null, to: input.to ?? null },
    })
  })
  return { id }
}

export async function revokeMandate(db: Db, id: string, now: Date): Promise<void> {
  await db.transaction().execute(async trx => {
    const row = await trx.selectFrom('mandates').select(['revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst()
    if (!row) throw new OperatorError(`No mandate ${id}`)
    if (row.revoked_at) throw new OperatorError('The mandate is already revoked')
    await trx.updateTable('mandates').set({ revoked_at: now }).where('id', '=', id).execute()
    await appendAudit(trx, now, { actor: 'operator', action: 'mandate.revoked', subject: id })
  })
}

export async function listMandates(db: Db, filter: { clientId?: string } = {}) {
  let q = db.selectFrom('mandates').selectAll().orderBy('created_at')
  if (filter.clientId) q = q.where('client_id', '=', filter.clientId)
  const rows = await q.execute()
  return rows.map(m => ({
    id: m.id, employer: m.employer, clientId: m.client_id, types: m.document_types, from: m.valid_from, to: m.valid_to,
    createdAt: m.created_at, revokedAt: m.revoked_at, active: m.revoked_at === null,
  }))
}
