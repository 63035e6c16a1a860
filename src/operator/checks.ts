import type { Db } from '../db/index.js'
import { OperatorError } from './errors.js'

const taxNumberPattern = /^[0-9]{8,10}$/

/** A Slovenian davčna številka (8 digits) or a Slovak DIČ (10 digits), by its shape only. */
export function isTaxNumber(text: string): boolean {
  return taxNumberPattern.test(text)
}

/** YYYY-MM-DD, and a day that exists. */
export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
}

/** The client's row; throws OperatorError when there is no such client. */
export async function requireClient(db: Db, clientId: string) {
  const client = await db.selectFrom('clients').selectAll().where('id', '=', clientId).executeTakeFirst()
  if (!client) throw new OperatorError(`No client ${clientId}`)
  return client
}
