import { sql, type Compilable } from 'kysely'
import type { Db, InsuranceRow } from '../db/index.js'
import type { Claim, Insurance, InsuranceEvent, Register } from '../forms/index.js'

/** The insurances of one person with one employer, of one kind (`M1`, `M12`), in one environment. */
export interface RegisterKey {
  readonly environment: string
  readonly employer: string
  readonly person: string
  readonly kind: string
}

const keyOf = (k: RegisterKey): string => `${k.environment}|${k.employer}|${k.person}|${k.kind}`

/** Which processed claims (ENDM) a document needs: of its person, and of its employer citing its eBOL numbers. */
export interface ClaimsKey {
  readonly environment: string
  readonly employer: string
  readonly person: string
  readonly ebolNumbers: readonly string[]
}

/**
 * The part of the register one processing batch works on: read with one query before the batch, changed in
 * memory document by document (so each document sees the ones before it), and written with one insert per
 * table when the batch ends, inside the batch's transaction.
 */
export class RegisterSession implements Register {
  private readonly rows = new Map<string, InsuranceRow[]>()
  private readonly inserted = new Map<string, InsuranceRow>()
  private readonly updated = new Map<string, InsuranceRow>()
  private readonly events: InsuranceEvent[] = []
  /** Employers (`environment|employer`) loaded whole: a key of theirs not seen has no insurances. */
  private readonly employers = new Set<string>()
  /** How to take back each change, newest last, for a document that fails half-way (a batch RLFO). */
  private readonly undo: (() => void)[] = []
  /** Processed claims by `environment|employer`, loaded and added in this batch; only employers loaded have a list. */
  private readonly claimLists = new Map<string, Claim[]>()
  private readonly addedClaims: Claim[] = []

  private constructor(private readonly trx: Db) {}

  /** Every insurance of the given employers (the register check compares a report with all of them). */
  /** `forUpdate`: the batch will change these relationships; a register check only reads them. */
  static async loadEmployers(trx: Db, country: string, employers: readonly { environment: string; employer: string }[], forUpdate = true): Promise<RegisterSession> {
    const session = new RegisterSession(trx)
    const unique = [...new Map(employers.map(e => [`${e.environment}|${e.employer}`, e])).values()]
    for (const e of unique) session.employers.add(`${e.environment}|${e.employer}`)
    if (unique.length === 0) return session
    const query = trx.selectFrom('insurances').selectAll()
      .where('country', '=', country)
      .where(eb => eb(sql`(environment, employer)`, 'in', sql`(${sql.join(unique.map(e => sql`(${e.environment}, ${e.employer})`))})`))
      .orderBy('id')
    for (const row of await insuranceRows(trx, forUpdate ? query.forUpdate() : query)) session.listFor(row).push(row)
    return session
  }

  /** All insurances of one kind of a loaded employer, with this batch's changes so far. */
  ofEmployer(environment: string, employer: string, kind: string): InsuranceRow[] {
    if (!this.employers.has(`${environment}|${employer}`)) throw new Error('employer not loaded for this batch')
    const prefix = `${environment}|${employer}|`
    return [...this.rows.entries()].filter(([key]) => key.startsWith(prefix)).flatMap(([, rows]) => rows.filter(r => r.kind === kind))
  }

  /** A point to return to with `rollbackTo`. */
  mark(): number {
    return this.undo.length
  }

  /** Takes back every change made since `mark`. */
  rollbackTo(mark: number): void {
    while (this.undo.length > mark) this.undo.pop()!()
  }

  private listFor(key: RegisterKey): InsuranceRow[] {
    const k = keyOf(key)
    let list = this.rows.get(k)
    if (!list) {
      if (!this.employers.has(`${key.environment}|${key.employer}`)) throw new Error('register key not loaded for this batch')
      list = []
      this.rows.set(k, list)
    }
    return list
  }

  static async load(trx: Db, country: string, keys: readonly RegisterKey[]): Promise<RegisterSession> {
    const session = new RegisterSession(trx)
    const unique = [...new Map(keys.map(k => [keyOf(k), k])).values()]
    for (const k of unique) session.rows.set(keyOf(k), [])
    if (unique.length === 0) return session
    const found = await insuranceRows(trx, trx.selectFrom('insurances').selectAll()
      .where('country', '=', country)
      .where(eb => eb(sql`(environment, employer, person, kind)`, 'in',
        sql`(${sql.join(unique.map(k => sql`(${k.environment}, ${k.employer}, ${k.person}, ${k.kind})`))})`))
      .orderBy('id')
      .forUpdate())
    for (const row of found) session.rows.get(keyOf(row))?.push(row)
    return session
  }

  /** The insurances under a key, with the changes of this batch so far; the caller may not mutate them. */
  find(environment: string, employer: string, person: string, kind: string): InsuranceRow[] {
    return [...this.listFor({ environment, employer, person, kind })]
  }

  insert(row: Insurance): void {
    const list = this.listFor(row)
    list.push(row)
    this.inserted.set(row.id, row)
    this.undo.push(() => {
      list.splice(list.indexOf(row), 1)
      this.inserted.delete(row.id)
    })
  }

  update(row: Insurance, changes: Pick<Insurance, 'status' | 'end_date' | 'data'>): InsuranceRow {
    const list = this.listFor(row)
    const index = list.findIndex(r => r.id === row.id)
    const before = list[index]!
    const next = { ...before, ...changes }
    const target = this.inserted.has(row.id) ? this.inserted : this.updated
    const previous = target.get(row.id)
    list[index] = next
    target.set(row.id, next)
    this.undo.push(() => {
      list[index] = before
      if (previous) target.set(row.id, previous)
      else target.delete(row.id)
    })
    return next
  }

  /**
   * Loads the processed claims the batch's claims are checked against: per employer, those of the persons and those
   * citing any of the eBOL numbers asked for. Locked, as insurances are, until the batch's transaction ends.
   */
  async loadClaims(keys: readonly ClaimsKey[]): Promise<void> {
    for (const k of keys) if (!this.claimLists.has(`${k.environment}|${k.employer}`)) this.claimLists.set(`${k.environment}|${k.employer}`, [])
    if (keys.length === 0) return
    const found = await this.trx.selectFrom('endm_claims as c').innerJoin('documents as d', 'd.id', 'c.document_id')
      .select(['c.document_id', 'd.number', 'c.environment', 'c.employer', 'c.person', 'c.absence_from', 'c.absence_to', 'c.ebol_numbers', 'c.created_at'])
      .where(eb => eb.or(keys.map(k => eb.and([
        eb('c.environment', '=', k.environment),
        eb('c.employer', '=', k.employer),
        eb.or([eb('c.person', '=', k.person), eb(sql`c.ebol_numbers`, '&&', sql`${sql.val([...k.ebolNumbers])}::text[]`)]),
      ]))))
      .orderBy('c.document_id')
      .forUpdate()
      .execute()
    for (const row of found) {
      const list = this.claimLists.get(`${row.environment}|${row.employer}`)!
      if (!list.some(c => c.document_id === row.document_id)) list.push(row)
    }
  }

  claims(environment: string, employer: string): Claim[] {
    const list = this.claimLists.get(`${environment}|${employer}`)
    if (!list) throw new Error('claims not loaded for this batch')
    return [...list]
  }

  addClaim(claim: Claim): void {
    const list = this.claimLists.get(`${claim.environment}|${claim.employer}`)
    if (!list) throw new Error('claims not loaded for this batch')
    list.push(claim)
    this.addedClaims.push(claim)
    this.undo.push(() => {
      list.splice(list.indexOf(claim), 1)
      this.addedClaims.splice(this.addedClaims.indexOf(claim), 1)
    })
  }

  addEvent(event: InsuranceEvent): void {
    this.events.push(event)
    this.undo.push(() => { this.events.pop() })
  }

  async flush(): Promise<void> {
    const json = (value: unknown): string => JSON.stringify(value)
    for (const inserted of chunks([...this.inserted.values()])) {
      await insertColumns(this.trx, 'insurances', {
        id: ['text', inserted.map(r => r.id)], environment: ['text', inserted.map(r => r.environment)], country: ['text', inserted.map(r => r.country)],
        employer: ['text', inserted.map(r => r.employer)], person: ['text', inserted.map(r => r.person)], kind: ['text', inserted.map(r => r.kind)],
        insurance_key: ['jsonb', inserted.map(r => json(r.insurance_key))], start_date: ['date', inserted.map(r => r.start_date)],
        end_date: ['date', inserted.map(r => r.end_date)], status: ['text', inserted.map(r => r.status)], data: ['jsonb', inserted.map(r => json(r.data))],
        created_at: ['timestamptz', inserted.map(r => r.created_at)],
      })
    }
    for (const updated of chunks([...this.updated.values()])) {
      await sql`update insurances set status = u.status, end_date = u.end_date, data = u.data
        from unnest(${updated.map(r => r.id)}::text[], ${updated.map(r => r.status)}::text[], ${updated.map(r => r.end_date)}::date[],
          ${updated.map(r => json(r.data))}::jsonb[]) as u (id, status, end_date, data)
        where insurances.id = u.id`.execute(this.trx)
    }
    for (const events of chunks(this.events)) {
      await insertColumns(this.trx, 'insurance_events', {
        insurance_id: ['text', events.map(e => e.insurance_id)], document_id: ['text', events.map(e => e.document_id)], at: ['timestamptz', events.map(e => e.at)],
        event: ['text', events.map(e => e.event)], status: ['text', events.map(e => e.status)], end_date: ['date', events.map(e => e.end_date)],
        data: ['jsonb', events.map(e => e.data)],
      })
    }
    for (const rows of chunks(this.addedClaims)) {
      await this.trx.insertInto('endm_claims').values(rows.map(({ number: _number, ...claim }) => ({ ...claim, ebol_numbers: [...claim.ebol_numbers] }))).execute()
    }
  }
}

/**
 * Inserts rows given as one array per column, in order, through `unnest`: a statement of a few parameters whatever
 * the number of rows. On PGlite 20,000 insurances took 0.8 s as VALUES lists of 2,000 rows, which PostgreSQL parses
 * and plans 24,000 parameters at a time, and take 0.5 s so.
 */
async function insertColumns(trx: Db, table: 'insurances' | 'insurance_events', columns: Record<string, readonly [type: string, values: readonly unknown[]]>): Promise<void> {
  const entries = Object.entries(columns)
  await sql`insert into ${sql.table(table)} (${sql.join(entries.map(([name]) => sql.ref(name)))})
    select * from unnest(${sql.join(entries.map(([, [type, values]]) => sql`${sql.val(values)}::${sql.raw(type)}[]`))})`.execute(trx)
}

/**
 * The rows of a query of insurances, as one JSON text: on PGlite, whose driver parses each field of each row in
 * JavaScript, a large employer's register (20,000 rows) took 0.46 s to load row by row, and takes 0.22 s so.
 */
async function insuranceRows(trx: Db, query: Compilable<InsuranceRow>): Promise<InsuranceRow[]> {
  const { rows } = await sql<{ rows: string | null }>`select json_agg(i order by i.id)::text as rows from (${query}) as i`.execute(trx)
  const parsed = JSON.parse(rows[0]?.rows ?? '[]') as (Omit<InsuranceRow, 'created_at'> & { created_at: string })[]
  return parsed.map(row => ({ ...row, created_at: new Date(row.created_at) }))
}

// A statement carries at most 65,535 parameters (ENDM claims go as VALUES lists); the others are kept to a few MB each.
const rowsPerInsert = 2000

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += rowsPerInsert) out.push(rows.slice(i, i + rowsPerInsert))
  return out
}
