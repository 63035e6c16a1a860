/**
 * Check algorithms for Slovak identifiers (domain/identifiers.md §5–6) and the IBAN (ISO 13616). The XSD
 * has already enforced the digit patterns, but each check repeats it so that it is safe on any input.
 */
import { isCalendarDate } from '../../../lib/index.js'

export interface RodneCisloCheck {
  /** Why the number cannot be a rodné číslo; null when it can. */
  readonly problem: 'format' | 'date' | 'nine_digits_after_1953' | 'checksum' | null
  /** Accepted, but worth a second look: the Czech +20 month offset, or the historic check digit 0. */
  readonly warnings: readonly ('month_plus_20' | 'historic_check_digit')[]
  /** The birth date it encodes (YYYY-MM-DD), when the date part is valid. */
  readonly birthDate?: string
}

/**
 * Rodné číslo without a slash: YYMMDD, month +50 for women (+20/+70 accepted with a warning), then a 3-digit
 * suffix until 1953 or a 4-digit one from 1954 with the whole number divisible by 11, except the historic
 * numbers whose 9-digit prefix leaves remainder 10 and whose check digit is 0 (identifiers §5).
 */
export function checkRodneCislo(s: string): RodneCisloCheck {
  if (!/^[0-9]{9,10}$/.test(s)) return { problem: 'format', warnings: [] }
  const yy = Number(s.slice(0, 2))
  let month = Number(s.slice(2, 4))
  const day = Number(s.slice(4, 6))
  const warnings: ('month_plus_20' | 'historic_check_digit')[] = []
  if (month > 50) month -= 50
  if (month > 20) {
    month -= 20
    warnings.push('month_plus_20')
  }
  const year = s.length === 9 ? 1900 + yy : yy < 54 ? 2000 + yy : 1900 + yy
  if (!isCalendarDate(year, month, day)) return { problem: 'date', warnings: [] }
  const birthDate = `${year}-${String(month).padStart(2, '0')}-${s.slice(4, 6)}`
  if (s.length === 9) return year <= 1953 ? { problem: null, warnings, birthDate } : { problem: 'nine_digits_after_1953', warnings: [], birthDate }
  if (BigInt(s) % 11n !== 0n) {
    const historic = BigInt(s.slice(0, 9)) % 11n === 10n && s[9] === '0'
    if (!historic) return { problem: 'checksum', warnings: [], birthDate }
    warnings.push('historic_check_digit')
  }
  return { problem: null, warnings, birthDate }
}

/** IČO: 8 digits, weights 8…2, m = S mod 11, C = (11 − m) mod 10 (m = 0 ⇒ 1, m = 1 ⇒ 0); longer IČOs are not checked. */
export function checkIco(s: string): 'format' | 'checksum' | null {
  if (!/^[0-9]{8,12}$/.test(s)) return 'format'
  if (s.length !== 8) return null
  let sum = 0
  for (let i = 0; i < 7; i++) sum += Number(s[i]) * (8 - i)
  const c = (11 - (sum % 11)) % 10
  return Number(s[7]) === c ? null : 'checksum'
}

/**
 * DIČ, the Slovak tax number, as the gateway's employer key (DOCUMENTS.md §1.7): 10 digits, no leading 0, the
 * whole number divisible by 11, the rule of the IČ DPH that is "SK" + DIČ (DOCUMENTS.md §1.8: 2021234501 =
 * 11 × 183748591). Forms carry it unchecked (identifiers.md §7); the operator's CLI checks it on registration.
 */
export function checkDic(s: string): 'format' | 'checksum' | null {
  if (!/^[1-9][0-9]{9}$/.test(s)) return 'format'
  return BigInt(s) % 11n === 0n ? null : 'checksum'
}

/** IBAN: the first four characters moved to the end, letters as 10–35, the number mod 97 is 1. */
export function checkIban(s: string): 'format' | 'checksum' | null {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(s)) return 'format'
  let remainder = 0
  for (const ch of s.slice(4) + s.slice(0, 4)) {
    const value = ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch)
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97
  }
  return remainder === 1 ? null : 'checksum'
}
