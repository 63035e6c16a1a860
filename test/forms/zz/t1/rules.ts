import { child } from '../../../../src/xml/index.js'
import { siFieldOf, type Rule } from '../../../../src/forms/index.js'
import { t1Fields, t1Findings as F } from './findings.js'

/** Field of a T1 element: T1's own names, else the rubrika of the shared SI block. */
export const t1FieldOf = siFieldOf('T1', t1Fields)

const T1_IN_USE_FROM = '2020-01-01'
const MAX_DAYS_AHEAD = 30

/** ISO dates compare as strings; the XSD makes DatumPricetka present. */
export const checkDates: Rule = (root, report) => {
  const start = child(root, 'DatumPricetka')
  const end = child(root, 'DatumKonca')
  if (start && start.text < T1_IN_USE_FROM) report(F['001'], start)
  if (start && end && end.text < start.text) report(F['002'], end)
}

/** Filed at most 30 days ahead of the start, counted from the filing date the gateway gives. */
export const checkFiledInTime: Rule = (root, report, ctx) => {
  const start = child(root, 'DatumPricetka')
  const latest = new Date(Date.parse(`${ctx.filingDate}T00:00:00Z`) + MAX_DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10)
  if (start && start.text > latest) report(F['003'], start)
}

export const t1Rules: readonly Rule[] = Object.freeze([checkDates, checkFiledInTime])
