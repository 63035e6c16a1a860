import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/index.js'
import type { Caller } from '../identity/index.js'

/**
 * Who may act for an employer, the one rule for filing, cancelling, register checks and seeing: the employer is
 * the caller's own (its tax number), or gave the caller a mandate ("pooblastilo" / "splnomocnenie") that is not
 * revoked, is valid on `day` and covers one of `types` (an SQL text[]; a mandate without types covers all).
 */
function actingRule(caller: Caller, employer: RawBuilder<string>, day: string, types: RawBuilder<string[]>): RawBuilder<boolean> {
  // An inspection client acts for no employer, its own tax number included (SPEC.md §3), so it sees no documents.
  if (caller.role === 'inspector') return sql<boolean>`false`
  return sql<boolean>`(${employer} = ${caller.taxNumber} or exists (
    select 1 from mandates m
    where m.employer = ${employer} and m.client_id = ${caller.clientId} and m.revoked_at is null
      and (m.valid_from is null or m.valid_from <= ${day}) and (m.valid_to is null or m.valid_to >= ${day})
      and (m.document_types is null or m.document_types && ${types})))`
}

/**
 * SQL condition: the caller may act for the row's employer (`employerColumn`) on `today` for one of `types`.
 * What a client may see follows what it may file.
 */
export function mayActFor(caller: Caller, employerColumn: string, today: string, types: RawBuilder<string[]>): RawBuilder<boolean> {
  return actingRule(caller, sql.ref(employerColumn), today, types)
}

/** The same rule for one employer and one document type on `day`. */
export async function canActFor(db: Db, caller: Caller, employer: string, type: string, day: string): Promise<boolean> {
  if (caller.role === 'inspector') return false
  // The rule's first half needs no database: filing for its own employer costs no query.
  if (employer === caller.taxNumber) return true
  const { rows } = await sql<{ allowed: boolean }>`select ${actingRule(caller, sql`cast(${employer} as text)`, day, sql`${sql.val([type])}::text[]`)} as allowed`
    .execute(db)
  return rows[0]!.allowed
}
