import { sql, type RawBuilder } from 'kysely'
import { sha256Hex } from '../lib/index.js'

/** The `prev_hash` of the first entry. */
export const GENESIS = '0'.repeat(64)

/** The hash version new entries are written with (migration 0005). */
export const CURRENT_HASH_VERSION = 2

/** Key-sorted JSON, so a jsonb round trip (which reorders keys) hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/**
 * An instant as `timestamptz` stores it, to the microsecond: `2025-03-03T08:00:00.123456Z`. A JavaScript Date
 * carries milliseconds, so the entries the gateway writes end in `000`; any other digits were put there by hand.
 */
export function microsecondTime(at: Date): string {
  return at.toISOString().replace(/Z$/, '000Z')
}

/** The same text made by the database from the stored value, without a round trip through Date (which drops µs). */
export function storedTime(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

export interface HashedFields {
  readonly actor: string
  readonly action: string
  readonly subject: string | null
  readonly details: unknown
}

/**
 * An entry's hash. Version 2 hashes one canonical JSON array, with the time to the microsecond. Version 1 (entries
 * written before migration 0005) joined the fields with newlines and the time to the millisecond: such an entry is
 * only sound when its stored microseconds end in `000`, which verification checks separately.
 */
export function entryHash(version: number, prevHash: string, seq: number, at: string, e: HashedFields): string {
  if (version === 1) {
    const millis = `${at.slice(0, 23)}Z`
    return sha256Hex([prevHash, seq, millis, e.actor, e.action, e.subject ?? '', canonicalJson(e.details)].join('\n'))
  }
  return sha256Hex(canonicalJson(['ehrs-audit-entry/2', prevHash, seq, at, e.actor, e.action, e.subject, e.details]))
}
