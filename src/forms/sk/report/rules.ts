/**
 * The rules of MVP and VPP (DOCUMENTS.md §3.2–3.3, sk-ezu §8). The plain rules run on schema-valid
 * documents; each walks the attachment once, so a 20,000-row report costs a few linear passes.
 */
import type { FindingDef } from '../../../validation/index.js'
import { child, type XmlElement } from '../../../xml/index.js'
import type { EarlierDocument, Rule } from '../../form-module.js'
import { checkCode, checkEmployer, checkIbans, checkPersons, wasForwarded } from '../common/rules.js'
import { checkKindAdmissible, checkPeriod, FIRST_EUR_PERIOD, periodOf } from './admission.js'
import { CONTRIBUTIONS, cents, forEachFund, forEachRowAmount, isNegative, rowsOf, rowsWithNegativeAmounts } from './amounts.js'
import type { ReportFindings } from './findings.js'

/** Every row number (Poradové číslo) appears once; the second and later uses are reported. */
export function checkRowNumbers(F: ReportFindings): Rule {
  return (root, report) => {
    const seen = new Set<string>()
    for (const row of rowsOf(root)) {
      const number = child(row, 'PoradoveCislo')
      if (!number) continue
      if (seen.has(number.text)) report(F['008'], number)
      else seen.add(number.text)
    }
  }
}

/**
 * sk-ezu §8.2: bases and contributions of a row are ≥ 0, also with Oprava (appendix 1, the stricter reading of
 * [CONFLICT] 5). Exception ("documents"): a row whose number had a negative amount in an earlier report of
 * the period that was accepted and forwarded. Without the earlier reports no row is excepted.
 */
export function checkNonNegative(F: ReportFindings): Rule {
  return (root, report, ctx) => {
    const excepted = rowsExceptedFromNonNegative(ctx.earlier)
    for (const row of rowsOf(root)) {
      const number = child(row, 'PoradoveCislo')?.text
      if (number !== undefined && excepted.has(number)) continue
      forEachRowAmount(row, amount => {
        if (isNegative(amount.text)) report(F['009'], amount)
      })
    }
  }
}

/** The row numbers that carried a negative amount in the period's accepted and forwarded reports. */
function rowsExceptedFromNonNegative(earlier: readonly EarlierDocument[] | undefined): Set<string> {
  const excepted = new Set<string>()
  for (const doc of earlier ?? []) {
    // The gateway loads `root` only for accepted, forwarded reports; checking again keeps the rule honest alone.
    if (!doc.root || !wasForwarded(doc)) continue
    for (const number of rowsWithNegativeAmounts(doc.root)) excepted.add(number)
  }
  return excepted
}

/**
 * sk-ezu §8.1: from 01/2009 contributions are rounded down to whole 10 euro cents, in the rows and in the
 * summary, so the second decimal is 0. Bases are rounded up to the cent, which the schema's two decimals hold.
 */
export function checkRounding(F: ReportFindings): Rule {
  return (root, report) => {
    const period = periodOf(root)
    if (period === undefined || period < FIRST_EUR_PERIOD) return
    const checkFund = (fund: XmlElement): void => {
      for (const c of fund.children) if (CONTRIBUTIONS.has(c.name) && !c.text.endsWith('0')) report(F['010'], c)
    }
    const summary = child(root, 'Suhrn')
    if (summary) forEachFund(summary, checkFund)
    for (const row of rowsOf(root)) forEachFund(row, checkFund)
  }
}

/** DOCUMENTS §3.2: each contribution of the summary is the sum of the same contribution over all rows. */
export function checkFundSums(F: ReportFindings): Rule {
  return (root, report) => {
    const summary = child(root, 'Suhrn')
    if (!summary) return
    // fund → contribution → sum over the rows
    const sums = new Map<string, Map<string, bigint>>()
    for (const row of rowsOf(root)) {
      forEachFund(row, fund => {
        let ofFund = sums.get(fund.name)
        if (!ofFund) sums.set(fund.name, ofFund = new Map())
        for (const c of fund.children) {
          const value = CONTRIBUTIONS.has(c.name) ? cents(c.text) : undefined
          if (value !== undefined) ofFund.set(c.name, (ofFund.get(c.name) ?? 0n) + value)
        }
      })
    }
    forEachFund(summary, fund => {
      for (const c of fund.children) {
        const value = CONTRIBUTIONS.has(c.name) ? cents(c.text) : undefined
        if (value !== undefined && value !== (sums.get(fund.name)?.get(c.name) ?? 0n)) report(F['011'], c)
      }
    })
  }
}

/** DOCUMENTS §3.2: "Poistné a príspevky k úhrade" is the sum of all contributions of the summary. */
export function checkTotal(F: ReportFindings): Rule {
  return (root, report) => {
    const summary = child(root, 'Suhrn')
    const total = child(summary, 'PoistneSpolu')
    const stated = total && cents(total.text)
    if (!summary || !total || stated === undefined) return
    let sum = 0n
    forEachFund(summary, fund => {
      for (const c of fund.children) sum += (CONTRIBUTIONS.has(c.name) ? cents(c.text) : undefined) ?? 0n
    })
    if (sum !== stated) report(F['012'], total)
  }
}

/** Výnimka VZ against SP's exceptions list valid on the period's first day (DOCUMENTS §1.5, §3.2). */
export function checkExceptionCodes(F: ReportFindings): Rule {
  return (root, report, ctx) => {
    const period = periodOf(root)
    if (period === undefined) return
    for (const row of rowsOf(root)) {
      const code = child(row, 'VynimkaVz')
      if (code) checkCode(report, ctx, code, 'sk/vynimka-vz', `${period}-01`, F['013'])
    }
  }
}

/** VPP (DOCUMENTS §3.3, sk-ezu §5.2 item 4): a row has an assessment base above 0 in at least one fund. */
export function checkRowHasBase(def: FindingDef): Rule {
  return (root, report) => {
    for (const row of rowsOf(root)) {
      let hasBase = false
      forEachFund(row, fund => {
        const base = child(fund, 'Vz')
        if (base && (cents(base.text) ?? 0n) > 0n) hasBase = true
      })
      if (!hasBase) report(def, row)
    }
  }
}

/** Steps 1–3 of the input check (sk-ezu §6.3): employer, period, and the R/O combination. */
export function reportAdmission(F: ReportFindings): readonly Rule[] {
  return Object.freeze([checkEmployer, checkPeriod(F), checkKindAdmissible(F)])
}

/** Step 5: the persons, the IBAN and the money of a schema-valid report. */
export function reportRules(F: ReportFindings): readonly Rule[] {
  return Object.freeze([
    checkPersons,
    checkIbans,
    checkRowNumbers(F),
    checkNonNegative(F),
    checkRounding(F),
    checkFundSums(F),
    checkTotal(F),
    checkExceptionCodes(F),
  ])
}
