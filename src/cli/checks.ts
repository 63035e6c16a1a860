import { readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkDavcna, checkDic, forms } from '../forms/index.js'
import { isCalendarDate, uuidPattern } from '../lib/index.js'
import { normalizeFingerprint } from '../pki/index.js'
import { UsageError } from './args.js'

/**
 * Checks of operator input, made before the database is opened: each returns the value to use or throws a
 * UsageError naming the option (or argument) and the value.
 */

/** A client's or employer's tax number: a Slovenian davčna številka (8 digits) or a Slovak DIČ (10 digits), check digit included. */
export function taxNumber(option: string, value: string): string {
  const text = value.trim()
  const problem = text.length === 10 ? checkDic(text) : checkDavcna(text)
  if (problem === 'checksum') {
    throw new UsageError(`${option} ${text}: the check digit is wrong (${text.length === 10 ? 'a Slovak DIČ is divisible by 11' : 'Slovenian davčna številka, mod 11'})`)
  }
  if (problem) throw new UsageError(`${option} ${text}: not a tax number (a Slovenian davčna številka has 8 digits, a Slovak DIČ 10, neither begins with 0)`)
  return text
}

/** A calendar date YYYY-MM-DD that exists, in the years 1900–9999. */
export function calendarDate(option: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim())
  if (!m) throw new UsageError(`${option} ${value}: not a date (YYYY-MM-DD)`)
  if (Number(m[1]) < 1900 || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new UsageError(`${option} ${value}: no such day`)
  return m[0]
}

/** A client or mandate id as the CLI printed it (a UUID). */
export function id(name: string, value: string): string {
  const text = value.trim().toLowerCase()
  if (!uuidPattern.test(text)) throw new UsageError(`${name} ${value}: not an id (ids look like 01a1fcbf-f440-7e95-9732-aa93878a22dd)`)
  return text
}

export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} ${value}: must be ${allowed.join(' or ')}`)
  return value as T
}

/** VENDOR/PRODUCT/VERSION, each part present. */
export function software(option: string, value: string): string {
  const parts = value.split('/').map(p => p.trim())
  if (parts.length !== 3 || parts.some(p => p === '')) throw new UsageError(`${option} ${value}: must be VENDOR/PRODUCT/VERSION, e.g. "Acme/Payroll/4.2.1"`)
  return parts.join('/')
}

/** A comma-separated list of the document types of src/forms (any case), each once. */
export function documentTypes(option: string, value: string): string[] {
  const known = forms.map(f => f.type as string)
  const types = value.split(',').map(t => t.trim().toUpperCase())
  for (const type of types) {
    if (type === '') throw new UsageError(`${option} ${value}: an empty document type; separate types with single commas (M1,M2)`)
    if (!known.includes(type)) throw new UsageError(`${option} ${value}: unknown document type ${type}; known: ${known.join(', ')}`)
  }
  return [...new Set(types)]
}

export function fingerprint(name: string, value: string): string {
  try {
    return normalizeFingerprint(value)
  } catch {
    throw new UsageError(`${name} ${value}: not a SHA-256 fingerprint (64 hex digits, colons allowed)`)
  }
}

export function nonBlank(option: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${option} must not be empty`)
  return value.trim()
}

/** An existing folder, named relative to `cwd`; returns its absolute path. */
export function directory(option: string, path: string, cwd: string): string {
  const absolute = resolve(cwd, path)
  let isDirectory = false
  try {
    isDirectory = statSync(absolute).isDirectory()
  } catch {
    throw new UsageError(`${option} ${path}: no such folder`)
  }
  if (!isDirectory) throw new UsageError(`${option} ${path}: not a folder`)
  return absolute
}

/** A folder to write into: one that does not exist yet (it is created), or an empty one; returns its absolute path. */
export function emptyOrNewDirectory(name: string, path: string, cwd: string): string {
  const absolute = resolve(cwd, path)
  let entries: string[]
  try {
    entries = readdirSync(absolute)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return absolute
    throw new UsageError(`${name} ${path}: ${code === 'ENOTDIR' ? 'not a folder' : 'cannot be read'}`)
  }
  if (entries.length > 0) throw new UsageError(`${name} ${path}: the folder is not empty; give a new or empty folder`)
  return absolute
}
