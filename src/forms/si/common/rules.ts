/**
 * Plain rules of the SI blocks shared by M1, M2, M3 and M12 (DOCUMENTS.md §1.4, §1.5, §2.1–2.3).
 * Rules run on XSD-valid documents only, so required elements are present and values have their shape.
 */
import type { FindingDef } from '../../../validation/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import type { Report, Rule, RuleContext } from '../../form-module.js'
import { siCommonFindings as F } from './findings.js'
import { checkDavcna, checkEmso, checkMaticna, checkMaticnaEnote } from './identifiers.js'

/** The day on which code lists are read (DOCUMENTS §1.5): r.14 on M1 and M12, r.13 on M3, r.32 on M2. */
export type EventDate = (root: XmlElement) => string

import { missingChild } from '../../form-module.js'

export { missingChild }

/** Checks a code against a list valid on `onDate`; a complete list proves it wrong, a partial one cannot. */
export function checkCode(
  report: Report, ctx: RuleContext, at: XmlElement, list: string, onDate: string, unknown: FindingDef = F['007'],
): void {
  switch (ctx.codeLists.check(list, at.text, onDate)) {
    case 'valid': return
    case 'unknown': report(unknown, at); return
    case 'not_valid_on_date': report(F['008'], at); return
    case 'unverified': report(F['009'], at)
  }
}

/** True when the insurance basis (r.15) is in the basis list on `onDate` with `flag` (e.g. `employment`). */
export function basisHasFlag(root: XmlElement, ctx: RuleContext, onDate: string, flag: string): boolean {
  const basis = descend(root, 'ZavarovanjeNespremenljivo', 'PodlagaZaZavarovanje')
  if (!basis) return false
  return ctx.codeLists.entry('si/podlaga', basis.text, onDate)?.flags?.includes(flag) ?? false
}

function checkEmsoAt(report: Report, at: XmlElement): void {
  const problem = checkEmso(at.text)
  if (problem === 'date') report(F['002'], at)
  else if (problem !== null) report(F['003'], at)
}

/** r.3 or r.4, and the obligor's tax number (identifiers §1–3). */
export const checkObligor: Rule = (root, report) => {
  const obligor = child(root, 'Zavezanec')
  const maticna = child(obligor, 'MaticnaStevilka')
  if (maticna && checkMaticna(maticna.text) !== null) report(F['001'], maticna)
  const emso = child(obligor, 'Emso')
  if (emso) checkEmsoAt(report, emso)
  const davcna = child(obligor, 'DavcnaStevilka')
  if (davcna && checkDavcna(davcna.text) !== null) report(F['004'], davcna)
}

/** r.5. */
export const checkInsuredEmso: Rule = (root, report) => {
  const emso = descend(root, 'Zavarovanec', 'Emso')
  if (emso) checkEmsoAt(report, emso)
}

/** r.6 and r.11: country codes of the insured person. */
export function checkInsuredCountries(eventDate: EventDate): Rule {
  return (root, report, ctx) => {
    const insured = child(root, 'Zavarovanec')
    const onDate = eventDate(root)
    for (const at of [child(insured, 'Drzavljanstvo'), descend(insured, 'PrebivalisceVTujini', 'Drzava')]) {
      if (at) checkCode(report, ctx, at, 'si/drzave', onDate, F['006'])
    }
  }
}

/** Working time in hundredths of an hour: `Ure` has at most two decimals, so the comparison is exact. */
export function hundredths(ure: string): number {
  const [whole, fraction = ''] = ure.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

/** r.15 from the basis list; r.16 ≤ r.17 (warning). */
export function checkFixedBlock(eventDate: EventDate): Rule {
  return (root, report, ctx) => {
    const block = child(root, 'ZavarovanjeNespremenljivo')
    const basis = child(block, 'PodlagaZaZavarovanje')
    if (basis) checkCode(report, ctx, basis, 'si/podlaga', eventDate(root))
    const hours = child(block, 'DelovniCasZavarovanca')
    const fullTime = child(block, 'PolniDelovniCasZavezanca')
    if (hours && fullTime && hundredths(hours.text) > hundredths(fullTime.text)) report(F['010'], hours)
  }
}

/** Lists of the coded rubrike 23–29 (DOCUMENTS §2.3); countries have their own finding for an unknown code. */
const CODED: readonly (readonly [element: string, list: string])[] = [
  ['VrstaIzobrazbe', 'si/klasius-srv'],
  ['PodrocjeIzobrazbe', 'si/klasius-p'],
  ['Poklic', 'si/skp-08'],
  ['DelovnoRazmerje', 'si/delovno-razmerje'],
  ['IzmenskoDelo', 'si/izmensko-delo'],
  ['PoslanVDrzavo', 'si/drzave'],
  ['VrstaInvalidnosti', 'si/vrsta-invalidnosti'],
]

/** EU Blue Card number in r.20 (si-forms §5.5). */
const BLUE_CARD = /^MK[0-9]{9}$/

/** Rubrike 18–29 (DOCUMENTS §2.3). */
export function checkVariableBlock(eventDate: EventDate): Rule {
  return (root, report, ctx) => {
    const block = child(root, 'ZavarovanjeSpremenljivo')
    if (!block) return
    // DOCUMENTS §1.2: an optional element is absent or has content; the XSD cannot say so for this block.
    if (block.children.length === 0) report(F['016'], block)
    const onDate = eventDate(root)

    const unit = child(block, 'MaticnaStevilkaEnote')
    if (unit && checkMaticnaEnote(unit.text) !== null) report(F['005'], unit)

    const permit = child(block, 'StevilkaDelovnegaDovoljenja')
    if (permit?.text.startsWith('MK') && !BLUE_CARD.test(permit.text)) report(F['011'], permit)
    if (permit && !child(block, 'IztekZavarovalnihPogojev')) report(F['012'], missingChild(block, 'IztekZavarovalnihPogojev'))

    const hasType = child(block, 'VrstaIzobrazbe') !== undefined
    const hasField = child(block, 'PodrocjeIzobrazbe') !== undefined
    if (hasType && !hasField) report(F['013'], missingChild(block, 'PodrocjeIzobrazbe'))
    if (hasField && !hasType) report(F['013'], missingChild(block, 'VrstaIzobrazbe'))

    for (const [name, list] of CODED) {
      const at = child(block, name)
      if (at) checkCode(report, ctx, at, list, onDate, list === 'si/drzave' ? F['006'] : F['007'])
    }

    // The posting and disability basis sets are stated in full by the M-3 navodilo (si-forms §3.1, §3.2),
    // so a basis missing from the partial list is outside them.
    const posted = child(block, 'PoslanVDrzavo')
    if (posted && !basisHasFlag(root, ctx, onDate, 'posting')) report(F['014'], posted)
    const disability = child(block, 'VrstaInvalidnosti')
    if (disability && !basisHasFlag(root, ctx, onDate, 'disability')) report(F['015'], disability)
  }
}

/** Every shared rule, for a form whose blocks follow DOCUMENTS §2.1–2.3. */
export function siCommonRules(eventDate: EventDate): Rule[] {
  return [checkObligor, checkInsuredEmso, checkInsuredCountries(eventDate), checkFixedBlock(eventDate), checkVariableBlock(eventDate)]
}
