/** PREG's own plain rules (DOCUMENTS.md §3.7); the person is checked by sk/common. */
import { child } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { daysBetween } from '../../../lib/index.js'
import { checkCode, checkPersons } from '../common/rules.js'
import { pregFindings as F } from './findings.js'

/** How far from the filing date, either way, the start or end of insurance may lie (DOCUMENTS §3.7). */
export const maxDaysFromFiling = 30

/** DOCUMENTS §3.7: `Datum` is within 30 days of the filing date, before or after it. */
export const checkDateNearFiling: Rule = (root, report, ctx) => {
  const date = child(root, 'Datum')
  if (date && Math.abs(daysBetween(ctx.filingDate, date.text)) > maxDaysFromFiling) report(F['001'], date)
}

/** The employee type against the typZec list, on the registration's date (as on the RLFO). */
export const checkEmployeeType: Rule = (root, report, ctx) => {
  const type = child(root, 'TypZamestnanca')
  const date = child(root, 'Datum')
  if (type && date) checkCode(report, ctx, type, 'sk/typ-zamestnanca', date.text, F['002'])
}

export const pregRules: readonly Rule[] = Object.freeze([checkPersons, checkEmployeeType, checkDateNearFiling])
