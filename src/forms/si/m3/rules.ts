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

/** r.6–r.11: the insured person's rubrike that an M3 may carry to change them (DOCUMENTS §2.2). */
const CHANGEABLE_INSURED = ['Drzavljanstvo', 'Priimek', 'Ime', 'PrebivalisceVTujini'] as const

/**
 * r.6 and r.9–r.11, carried only when they change; r.7 and r.8 may be given on every M3 (the M-3 instructions ask
 * for them without a condition), so whether they changed is a register rule (DOCUMENTS §2.2, §2.6).
 */
const CHANGED_ONLY_INSURED = ['Drzavljanstvo', 'PrebivalisceVTujini'] as const

/** Bases on which r.28 is the state of work or of the employer's seat, changed only by M2 + M1 (si-forms §5.3). */
const SEAT_STATE_BASES: ReadonlySet<string> = new Set(['113', '114', '115', '119', '120'])

/** r.13, the day on which M3's code lists are read (DOCUMENTS §1.5); the XSD makes it present. */
export function changeDate(root: XmlElement): string {
  return descend(root, 'Sprememba', 'DatumSpremembeZavarovanja')?.text ?? ''
}

function reasonCode(root: XmlElement): string | undefined {
  return descend(root, 'Sprememba', 'VzrokSpremembeZavarovanja')?.text
}

/** Those of `names` present under `Zavarovanec`. */
function insuredData(root: XmlElement, names: readonly string[]): XmlElement[] {
  const insured = child(root, 'Zavarovanec')
  return names.flatMap(name => child(insured, name) ?? [])
}

/*
 * No order between r.13 and r.14 (DOCUMENTS §2.6, seed 004 §III rubrika 13): a correction's r.13 is the day the
 * error was found, which may precede an insurance registered up to 30 days ahead. SI-M3-001, which asked for
 * r.13 ≥ r.14, was withdrawn with that correction.
 */

/**
 * DOCUMENTS §2.6, si-forms §5.3–5.4: code 01 carries at least one possible change (r.6–r.11 or r.18–29; whether
 * a repeated r.7/r.8 is one, the register decides: SI-M3-026); code 16 carries none, but may repeat r.7/r.8
 * (compared with the register: SI-M3-027). A present but empty r.18–29 block is left to SI-COMMON-016, which
 * already tells to fill it or leave it out.
 */
export const checkChangesMatchReason: Rule = (root, report) => {
  const block = child(root, 'ZavarovanjeSpremenljivo')
  const code = descend(root, 'Sprememba', 'VzrokSpremembeZavarovanja')
  if (code?.text === CHANGE && !block && insuredData(root, CHANGEABLE_INSURED).length === 0) report(F['002'], code)
  if (code?.text === STORNO) {
    const insured = insuredData(root, CHANGED_ONLY_INSURED)
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
  checkChangesMatchReason,
  checkPostingChange,
  checkPreviousName,
  checkFilingDeadline,
])
