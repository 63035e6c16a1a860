import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { projectRoot } from '../lib/index.js'
import type { CodeCheck, CodeList, CodeListEntry, CodeLists } from './code-lists.js'

/**
 * Reads every `*.json` below `dir` once; a list is named by its path relative to `dir` without `.json`
 * (`si/podlaga`). Throws on a malformed file, so a bad list stops the start-up instead of passing codes.
 */
export function loadCodeLists(dir = join(projectRoot, 'codelists')): CodeLists {
  const lists = new Map<string, CodeList>()
  for (const file of jsonFilesBelow(dir)) {
    const name = relative(dir, file).slice(0, -'.json'.length).split(sep).join('/')
    lists.set(name, parseList(name, readFileSync(file, 'utf8')))
  }
  return codeListsOf(lists)
}

/** The lookups over lists already in memory (also what tests build lists with). */
export function codeListsOf(lists: ReadonlyMap<string, CodeList>): CodeLists {
  const listNamed = (name: string): CodeList => {
    const list = lists.get(name)
    // A rule asking for a list that is not shipped is a programming error, not a document error.
    if (!list) throw new Error(`code list not found: ${name}`)
    return list
  }
  const entry = (name: string, code: string, onDate: string): CodeListEntry | undefined =>
    listNamed(name).entries.find(e => e.code === code && isValidOn(e, onDate))
  return {
    entry,
    check(name: string, code: string, onDate: string): CodeCheck {
      const list = listNamed(name)
      const withCode = list.entries.filter(e => e.code === code)
      if (withCode.some(e => isValidOn(e, onDate))) return 'valid'
      // A code the list knows, with dates that exclude the day, is wrong even on a partial list.
      if (withCode.length > 0) return 'not_valid_on_date'
      return list.complete ? 'unknown' : 'unverified'
    },
  }
}

/** Both bounds are inclusive calendar days; ISO dates compare correctly as strings. */
function isValidOn(e: CodeListEntry, onDate: string): boolean {
  return (e.validFrom === undefined || e.validFrom <= onDate) && (e.validTo === undefined || onDate <= e.validTo)
}

function jsonFilesBelow(dir: string): string[] {
  const out: string[] = []
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name)
    if (d.isDirectory()) out.push(...jsonFilesBelow(path))
    else if (d.isFile() && d.name.endsWith('.json')) out.push(path)
  }
  return out.sort()
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/

function parseList(name: string, text: string): CodeList {
  const fail = (why: string): never => { throw new Error(`code list ${name}: ${why}`) }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new Error(`code list ${name}: not JSON`, { cause: err })
  }
  if (!isRecord(raw)) return fail('not an object')
  if (raw.name !== name) fail(`"name" must equal the file path "${name}"`)
  if (typeof raw.complete !== 'boolean') fail('"complete" must be true or false')
  if (typeof raw.source !== 'string' || raw.source === '') fail('"source" is required')
  if (!Array.isArray(raw.entries)) return fail('"entries" must be an array')
  const entries = raw.entries.map((e: unknown, i: number): CodeListEntry => {
    if (!isRecord(e) || typeof e.code !== 'string' || e.code === '') return fail(`entry ${i}: "code" is required`)
    for (const key of ['validFrom', 'validTo'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || !DATE.test(e[key]))) fail(`entry ${i}: "${key}" must be YYYY-MM-DD`)
    }
    for (const key of ['label', 'labelEn'] as const) {
      if (e[key] !== undefined && typeof e[key] !== 'string') fail(`entry ${i}: "${key}" must be a string`)
    }
    if (e.flags !== undefined && !(Array.isArray(e.flags) && e.flags.every(f => typeof f === 'string'))) {
      fail(`entry ${i}: "flags" must be an array of strings`)
    }
    return Object.freeze({ ...e } as unknown as CodeListEntry)
  })
  return Object.freeze({ name, complete: raw.complete as boolean, source: raw.source as string, entries: Object.freeze(entries) })
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
