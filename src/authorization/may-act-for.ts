import { sql, type RawBuilder } from 'kysely'
import type { Caller } from '../identity/index.js'

/**
 * SQL condition: the row's employer (`employerColumn`) is the caller's own, or gave the caller a mandate that
 * is active on `today` and covers one of `types` (an SQL text[]). What a client may see follows what it may file.
 */
export function mayActFor(caller: Caller, employerColumn: string, today: string, types: RawBuilder<string[]>): RawBuilder<boolean> {
  const employer = sql.ref(employerColumn)
  return sql<boolean>`(${employer} = ${caller.taxNumber} or exists (
    select 1 from mandates m
    where m.employer = ${employer} and m.client_id = ${caller.clientId} and m.revoked_at is null
      and (m.valid_from is null or m.valid_from <= ${today}) and (m.valid_to is null or m.valid_to >= ${today})
      and (m.document_types is null or m.document_types && ${types})))`
}
