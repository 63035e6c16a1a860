/**
 * Code lists are data (domain README, assumption 1): JSON files in codelists/, versioned by validity dates,
 * replaceable by the operator. A list marked `complete: false` (partial, or [UNKNOWN] and shipped empty)
 * cannot prove a code wrong, so an unknown code there is only "not verified" (a warning).
 */
export interface CodeListEntry {
  readonly code: string
  readonly validFrom?: string
  readonly validTo?: string
  /** The source's wording (Slovenian or Slovak). */
  readonly label?: string
  /** An English label, given only where the meaning is certain. */
  readonly labelEn?: string
  /** Free-form flags a rule may read (e.g. `employment` on insurance bases). */
  readonly flags?: readonly string[]
}

export interface CodeList {
  readonly name: string
  readonly complete: boolean
  readonly source: string
  readonly entries: readonly CodeListEntry[]
}

export type CodeCheck = 'valid' | 'unknown' | 'not_valid_on_date' | 'unverified'

export interface CodeLists {
  /** `valid`, `unknown` (complete list, no such code), `not_valid_on_date`, or `unverified` (incomplete list, code not in it). */
  check(list: string, code: string, onDate: string): CodeCheck
  /** The entry valid on the date, if any. */
  entry(list: string, code: string, onDate: string): CodeListEntry | undefined
}
