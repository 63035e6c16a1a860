/** M2's own plain rules (DOCUMENTS.md §2.5, si-forms §6); the shared blocks are checked by si/common. */
import { daysBetween } from '../../../lib/index.js'
import { descend, type XmlElement } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { checkCode, checkFixedBlock, checkInsuredEmso, checkObligor } from '../common/rules.js'
import { m2Findings as F } from './findings.js'

/** r.32, the day on which M2's code lists are read (DOCUMENTS §1.5); the XSD makes it present. */
export function changeDate(root: XmlElement): string {
  return descend(root, 'Odjava', 'DatumSpremembeZavarovanja')?.text ?? ''
}

/** r.31 against the M-2 reason list, which ships empty ([UNKNOWN]): until it is loaded, a warning only. */
export const checkReason: Rule = (root, report, ctx) => {
  const reason = descend(root, 'Odjava', 'VzrokSpremembeZavarovanja')
  if (reason) checkCode(report, ctx, reason, 'si/m2-vzrok', changeDate(root))
}

/** DOCUMENTS §2.5: r.32 ≥ r.14; an insurance that starts and ends on the same day is allowed. */
export const checkEndAfterStart: Rule = (root, report) => {
  const end = descend(root, 'Odjava', 'DatumSpremembeZavarovanja')
  const start = descend(root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')
  if (end && start && end.text < start.text) report(F['001'], end)
}

/**
 * si-forms §6: ZZZS enters an M2 at most 8 days before its end date, 30 for retirement, whose reason code is
 * not known yet; so more than 30 days ahead is refused and 9–30 days ahead only warned. The deadline is 8 days
 * after the end (warning only: ZZZS decides).
 */
export const checkFilingWindow: Rule = (root, report, ctx) => {
  const end = descend(root, 'Odjava', 'DatumSpremembeZavarovanja')
  if (!end) return
  const ahead = daysBetween(ctx.filingDate, end.text)
  if (ahead > 30) report(F['002'], end)
  else if (ahead > 8) report(F['003'], end)
  if (daysBetween(end.text, ctx.filingDate) > 8) report(F['004'], end)
}

/** M2 has no country rubrike and no r.18–29, so of the shared rules only these apply. */
export const m2Rules: readonly Rule[] = Object.freeze([
  checkObligor,
  checkInsuredEmso,
  checkFixedBlock(changeDate),
  checkReason,
  checkEndAfterStart,
  checkFilingWindow,
])
