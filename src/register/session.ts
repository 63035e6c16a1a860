import { sql } from 'kysely'
import type { Db, InsuranceRow } from '../db/index.js'

/** The insurances of one person with one employer, of one kind (`M1`, `M12`), in one environment. */
export interface RegisterKey {
  readonly environment: string
  readonly employer: string
  readonly person: string
  readonly kind: string
}

export interface NewInsuranceEvent {
  readonly insurance_id: string
  readonly document_id: string
  readonly at: Date
  readonly event: string
  readonly status: string
  readonly end_date: string | null
  readonly data: string
}

const keyOf = (k: RegisterKey): string => `${k.environment}|${k.employer}|${k.person}|${k.kind}`

/**
 * The part of the register one processing batch works on: read with one query before the batch, changed in
 * memory document by document (so each document sees the ones before it), and written with one insert per
 * table when the batch ends, inside the batch's transaction.
 */
export class RegisterSession {
  private readonly rows = new Map<string, InsuranceRow[]>()
  private readonly inserted = new Map<string, InsuranceRow>()
  private readonly updated = new Map<string, InsuranceRow>()
  private readonly events: NewInsuranceEvent[] = []

  private constructor(private readonly trx: Db) {}

  static async load(trx: Db, country: string, keys: readonly RegisterKey[]): Promise<RegisterSession> {
    const session = new RegisterSession(trx)
    const unique = [...new Map(keys.map(k => [keyOf(k), k])).values()]
    for (const k of unique) session.rows.set(keyOf(k), [])
    if (unique.length === 0) return session
    const found = await trx.selectFrom('insurances').selectAll()
      .where('country', '=', country)
      .where(eb => eb(sql`(environment, employer, person, kind)`, 'in',
        sql`(${sql.join(unique.map(k => sql`(${k.environment}, ${k.employer}, ${k.person}, ${k.kind})`))})`))
      .forUpdate()
      .execute()
    for (const row of found) session.rows.get(keyOf(row))?.push(row)
    return session
  }

  /** The insurances under a key, with the changes of this batch so far; the caller may not mutate them. */
  find(environment: string, employer: string, person: string, kind: string): InsuranceRow[] {
    const rows = this.rows.get(keyOf({ environment, employer, person, kind }))
    if (!rows) throw new Error('register key not loaded for this batch')
    return [...rows]
  }

  insert(row: InsuranceRow): void {
    this.rows.get(keyOf(row))?.push(row)
    this.inserted.set(row.id, row)
  }

  update(row: InsuranceRow, changes: Pick<InsuranceRow, 'status' | 'end_date' | 'data'>): void {
    const list = this.rows.get(keyOf(row))!
    const next = { ...row, ...changes }
    list[list.findIndex(r => r.id === row.id)] = next
    if (this.inserted.has(row.id)) this.inserted.set(row.id, next)
    else this.updated.set(row.id, next)
  }

  addEvent(event: NewInsuranceEvent): void {
    this.events.push(event)
  }

  async flush(): Promise<void> {
    const json = (value: unknown): string => JSON.stringify(value)
    if (this.inserted.size > 0) {
      await this.trx.insertInto('insurances').values([...this.inserted.values()].map(r => ({
        ...r, insurance_key: json(r.insurance_key), data: json(r.data),
      }))).execute()
    }
    for (const r of this.updated.values()) {
      await this.trx.updateTable('insurances').set({ status: r.status, end_date: r.end_date, data: json(r.data) }).where('id', '=', r.id).execute()
    }
    if (this.events.length > 0) await this.trx.insertInto('insurance_events').values(this.events).execute()
  }
}
