/**
 * Reading the money of a report (DOCUMENTS.md §3.1): the attachment rows, their funds and amounts. Amounts
 * are exact decimals with two places; they are compared as BigInt cents, because the sum of a large report
 * can pass 2^53 cents, where a float is no longer exact.
 */
import { child, type XmlElement } from '../../../xml/index.js'

/** The funds of the summary page and of every row, in document order (sk-ezu §8.3). */
export const FUNDS: readonly string[] = Object.freeze(['Np', 'Sp', 'Ip', 'Pvn', 'Up', 'Gp', 'Rfs'])
const funds: ReadonlySet<string> = new Set(FUNDS)

/** A fund's contributions: the employer's share, and the employee's (in Np, Sp, Ip, Pvn only). */
export const CONTRIBUTIONS: ReadonlySet<string> = new Set(['PoistneZamestnavatel', 'PoistneZamestnanec'])

/** What sk-ezu §8.2 requires to be ≥ 0 in a row: the assessment base and both contributions. */
const rowAmounts: ReadonlySet<string> = new Set(['Vz', ...CONTRIBUTIONS])

const SUMA = /^(-?)([0-9]{1,11})\.([0-9]{2})$/

/** The amount in cents, or undefined when the text is not a `Suma` (admission rules see any input). */
export function cents(text: string): bigint | undefined {
  const m = SUMA.exec(text)
  if (!m) return undefined
  const value = BigInt(m[2]! + m[3]!)
  return m[1] ? -value : value
}

/** Below zero: `-0.00` is zero, not negative. */
export function isNegative(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && SUMA.test(text) && /[1-9]/.test(text)
}

/** The attachment rows (`Priloha/Riadok`), in document order. */
export function rowsOf(root: XmlElement): XmlElement[] {
  return child(root, 'Priloha')?.children.filter(c => c.name === 'Riadok') ?? []
}

/** Calls `visit` for every fund of a row or of the summary. */
export function forEachFund(parent: XmlElement, visit: (fund: XmlElement) => void): void {
  for (const c of parent.children) if (funds.has(c.name)) visit(c)
}

/** Calls `visit` for every base and contribution of a row (`Vz`, `PoistneZamestnavatel`, `PoistneZamestnanec`). */
export function forEachRowAmount(row: XmlElement, visit: (amount: XmlElement, fund: XmlElement) => void): void {
  forEachFund(row, fund => {
    for (const c of fund.children) if (rowAmounts.has(c.name)) visit(c, fund)
  })
}

/** The row numbers of the rows that carry at least one negative amount. */
export function rowsWithNegativeAmounts(root: XmlElement): Set<string> {
  const numbers = new Set<string>()
  for (const row of rowsOf(root)) {
    const number = child(row, 'PoradoveCislo')?.text
    if (number === undefined || numbers.has(number)) continue
    forEachRowAmount(row, amount => {
      if (isNegative(amount.text)) numbers.add(number)
    })
  }
  return numbers
}

/** True when any row of the attachment has a negative amount. */
export function hasNegativeAmount(root: XmlElement): boolean {
  for (const row of rowsOf(root)) {
    let negative = false
    forEachRowAmount(row, amount => { negative ||= isNegative(amount.text) })
    if (negative) return true
  }
  return false
}
