/** M1's own plain rules (DOCUMENTS.md §2.2–2.4, si-forms §4); the shared blocks are checked by si/common. */
import { daysBetween } from '../../../lib/index.js'
import type { FindingDef } from '../../../validation/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { basisHasFlag, missingChild, siCommonRules } from '../common/rules.js'
import { m1Findings as F } from './findings.js'

/** r.14, the day on which M1's code lists are read (DOCUMENTS §1.5); the XSD makes it present. */
export function startDate(root: XmlElement): string {
  return descend(root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')?.text ?? ''
}

/** si-forms §4: at most 30 days in advance; deadline 8 days after the start (warning only: ZZZS decides). */
export const checkFilingWindow: Rule = (root, report, ctx) => {
  const start = descend(root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')
  if (!start) return
  if (daysBetween(ctx.filingDate, start.text) > 30) report(F['001'], start)
  if (daysBetween(start.text, ctx.filingDate) > 8) report(F['002'], start)
}

/** DOCUMENTS §2.2: r.6 expected with a permanent address abroad (r.9–11). */
export const checkCitizenship: Rule = (root, report) => {
  const insured = child(root, 'Zavarovanec')
  if (insured && child(insured, 'PrebivalisceVTujini') && !child(insured, 'Drzavljanstvo')) {
    report(F['003'], missingChild(insured, 'Drzavljanstvo'))
  }
}

/**
 * Expected children of ZavarovanjeSpremenljivo: r.18 when r.3 is given (DOCUMENTS §2.3), r.26 and r.27 on an
 * employment basis (§2.4), r.21 on a basis needing a school certificate (si-forms §5.5, bases 078 and 079).
 * When the whole block is absent, the finding points where it would be.
 */
export const checkExpectedVariableData: Rule = (root, report, ctx) => {
  const block = child(root, 'ZavarovanjeSpremenljivo')
  const expect = (name: string, def: FindingDef): void => {
    if (!block) report(def, missingChild(root, `ZavarovanjeSpremenljivo/${name}`))
    else if (!child(block, name)) report(def, missingChild(block, name))
  }
  if (descend(root, 'Zavezanec', 'MaticnaStevilka')) expect('MaticnaStevilkaEnote', F['004'])
  const onDate = startDate(root)
  if (basisHasFlag(root, ctx, onDate, 'employment')) {
    expect('DelovnoRazmerje', F['005'])
    expect('IzmenskoDelo', F['006'])
  }
  if (basisHasFlag(root, ctx, onDate, 'school-certificate')) expect('IztekZavarovalnihPogojev', F['007'])
}

export const m1Rules: readonly Rule[] = Object.freeze([
  ...siCommonRules(startDate),
  checkFilingWindow,
  checkCitizenship,
  checkExpectedVariableData,
])
