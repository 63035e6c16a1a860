/**
 * Check-digit tests for Slovenian identifiers (domain/identifiers.md §1–3). Each check returns why the
 * value is wrong, or null when it is valid. The XSD has already enforced the digit pattern, but the
 * checks repeat it so that they are safe on any input.
 */
import { isCalendarDate } from '../../../lib/index.js'

export type EmsoProblem = 'format' | 'date' | 'checksum' | 'remainder1'
export type CheckDigitProblem = 'format' | 'checksum'

/** Weighted digit sum over the leading digits of `s`, one weight per digit. */
function weightedSum(s: string, weights: readonly number[]): number {
  let sum = 0
  weights.forEach((w, i) => { sum += Number(s[i]) * w })
  return sum
}

const EMSO_WEIGHTS = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

/** Birth date encoded in an EMŠO (YYYY-MM-DD); century: YYY ≥ 800 ⇒ 1YYY, else 2YYY (identifiers §1). */
export function emsoBirthDate(s: string): string | undefined {
  if (!/^[0-9]{13}$/.test(s)) return undefined
  const day = Number(s.slice(0, 2))
  const month = Number(s.slice(2, 4))
  const yyy = Number(s.slice(4, 7))
  const year = yyy >= 800 ? 1000 + yyy : 2000 + yyy
  if (!isCalendarDate(year, month, day)) return undefined
  return `${year}-${s.slice(2, 4)}-${s.slice(0, 2)}`
}

/** EMŠO: real birth date and mod-11 check digit; remainder 1 is never assigned, so it is rejected (strict). */
export function checkEmso(s: string): EmsoProblem | null {
  if (!/^[0-9]{13}$/.test(s)) return 'format'
  if (emsoBirthDate(s) === undefined) return 'date'
  const m = weightedSum(s, EMSO_WEIGHTS) % 11
  if (m === 1) return 'remainder1'
  const k = m === 0 ? 0 : 11 - m
  return Number(s[12]) === k ? null : 'checksum'
}

/** Davčna številka: 8 digits, no leading 0; C = 11 − m, 10 ⇒ 0, and m = 0 gives no valid number. */
export function checkDavcna(s: string): CheckDigitProblem | null {
  if (!/^[1-9][0-9]{7}$/.test(s)) return 'format'
  const m = weightedSum(s, [8, 7, 6, 5, 4, 3, 2]) % 11
  if (m === 0) return 'checksum'
  const c = m === 1 ? 0 : 11 - m
  return Number(s[7]) === c ? null : 'checksum'
}

/** Matična številka (7 digits): C = 11 − m, 10 ⇒ 0, m = 0 invalid (identifiers §3). */
export function checkMaticna(s7: string): CheckDigitProblem | null {
  if (!/^[0-9]{7}$/.test(s7)) return 'format'
  const m = weightedSum(s7, [7, 6, 5, 4, 3, 2]) % 11
  if (m === 0) return 'checksum'
  const c = m === 1 ? 0 : 11 - m
  return Number(s7[6]) === c ? null : 'checksum'
}

/** Unit number (r.18): the 7-digit matična, alone (the seat) or followed by a 3-character unit code. */
export function checkMaticnaEnote(s: string): CheckDigitProblem | null {
  if (!/^[0-9]{7}([0-9A-Z][0-9]{2})?$/.test(s)) return 'format'
  return checkMaticna(s.slice(0, 7))
}
