/**
 * M3's own plain rules (DOCUMENTS.md §2.6, si-forms §5); the shared blocks are checked by si/common.
 * Whether the key names an open (01) or closed (16) insurance, and equals the M1, is a register rule.
 */
import { daysBetween } from '../../../lib/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { missingChild, siCommonRules } from '../common/rules.js'
import { m3Findings as F } from './findings.js'

/** r.12: 01 changes or corrects an open insurance, 16 annuls a closed one (si-forms §5.2). */
const CHANGE = '01'
const STORNO = '16'

/** r.6–r.11: the insured person's rubrike that M3 carries only when they change (DOCUMENTS §2.2). */
const CHANGEABLE_INSURED = ['Drzavljanstvo', 'Priimek', 'Ime', 'PrebivalisceVTujini'] as const

/** Bases on which r.28 is the state of work or of the employer's seat, changed only by M2 + M1 (si-forms §5.3). */
const SEAT_STATE_BASES: ReadonlySet<string> = new Set(['113', '114', '115', '119', '120'])

/** r.13, the day on which M3's code lists are read (DOCUMENTS §1.5); the XSD makes it present. */
export function changeDate(root: XmlElement): string {
  return descend(root, 'Sprememba', 'DatumSpremembeZavarovanja')?.text ?? ''
}

function reasonCode(root: XmlElement): string | undefined {
  return descend(root, 'Sprememba', 'VzrokSpremembeZavarovanja')?.text
}

/** Rubrike 6–11 present in the document, i.e. reported as changed. */
function changedInsuredData(root: XmlElement): XmlElement[] {
  const insured = child(root, 'Zavarovanec')
  return CHANGEABLE_INSURED.flatMap(name => child(insured, name) ?? [])
}

/** DOCUMENTS §2.6: r.13 ≥ r.14, for both reasons. */
export const checkChangeAfterStart: Rule = (root, report) => {
  const date = descend(root, 'Sprememba', 'DatumSpremembeZavarovanja')
  const start = descend(root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')
  if (date && start && date.text < start.text) report(F['001'], date)
}

/**
 * DOCUMENTS §2.6, si-forms §5.3–5.4: code 01 carries at least one change; code 16 carries none. A present but
 * empty r.18–29 block is left to SI-COMMON-016, which already tells to fill it or leave it out.
 */
export const checkChangesMatchReason: Rule = (root, report) => {
  const block = child(root, 'ZavarovanjeSpremenljivo')
  const insured = changedInsuredData(root)
  const code = descend(root, 'Sprememba', 'VzrokSpremembeZavarovanja')
  if (code?.text === CHANGE && !block && insured.length === 0) report(F['002'], code)
  if (code?.text === STORNO) {
    for (const at of block ? [...insured, block] : insured) report(F['003'], at)
  }
}

/**
 * si-forms §5.3: on 113, 114, 115, 119 and 120, r.28 is not a posting and M3 may not change it. Other bases
 * without posting get SI-COMMON-014; under code 16 the block is already wrong as a whole (SI-M3-003).
 */
export const checkPostingChange: Rule = (root, report) => {
  if (reasonCode(root) !== CHANGE) return
  const posted = descend(root, 'ZavarovanjeSpremenljivo', 'PoslanVDrzavo')
  const basis = descend(root, 'ZavarovanjeNespremenljivo', 'PodlagaZaZavarovanje')?.text
  if (posted && basis !== undefined && SEAT_STATE_BASES.has(basis)) report(F['004'], posted)
}

/** si-forms §5.5: a foreigner's new name goes in r.7/r.8 and the previous one in OPOMBE (warning). */
export const checkPreviousName: Rule = (root, report) => {
  if (reasonCode(root) !== CHANGE) return
  const insured = child(root, 'Zavarovanec')
  const isNameChanged = child(insured, 'Priimek') !== undefined || child(insured, 'Ime') !== undefined
  if (isNameChanged && !child(root, 'Opombe')) report(F['005'], missingChild(root, 'Opombe'))
}

/** si-forms §5.1: deadline 8 days after the change, or after the error was found (warning only: ZZZS decides). */
export const checkFilingDeadline: Rule = (root, report, ctx) => {
  const date = descend(root, 'Sprememba', 'DatumSpremembeZavarovanja')
  if (date && daysBetween(date.text, ctx.filingDate) > 8) report(F['006'], date)
}

export const m3Rules: readonly Rule[] = Object.freeze([
  ...siCommonRules(changeDate),
  checkChangeAfterStart,
  checkChangesMatchReason,
  checkPostingChange,
  checkPreviousName,
  checkFilingDeadline,
])
