/** M12's own plain rules (DOCUMENTS.md §2.7, si-forms §7); the shared blocks are checked by si/common. */
import { child, childText, descend, type XmlElement } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { checkCode, checkInsuredEmso, checkObligor, missingChild } from '../common/rules.js'
import { m12Fields, m12Findings as F } from './findings.js'

/** Field of an M12 element: M12's own names, else the rubrika of the shared SI block. */
export const m12FieldOf = siFieldOf('M12', m12Fields)

/** Start of insurance, the day on which M12's code lists are read (DOCUMENTS §1.5); the XSD makes it present. */
export function startDate(root: XmlElement): string {
  return descend(root, 'Zavarovanje', 'DatumPricetkaZavarovanja')?.text ?? ''
}

/** si-forms §7: the current M12 is in use since 1. 2. 2014. */
const M12_IN_USE_FROM = '2014-02-01'

/** DOCUMENTS §2.7, si-forms §7: a side-occupation sole trader ("popoldanski s.p.") files basis 050 with reason 10. */
const SIDE_OCCUPATION = { basis: '050', reason: '10' } as const

/** Basis (as r.15) and reason against their lists on the start date; M12 has no fixed block for checkFixedBlock. */
export const checkInsuranceCodes: Rule = (root, report, ctx) => {
  const insurance = child(root, 'Zavarovanje')
  const onDate = startDate(root)
  const basis = child(insurance, 'PodlagaZaZavarovanje')
  if (basis) checkCode(report, ctx, basis, 'si/podlaga', onDate)
  const reason = child(insurance, 'VzrokZavarovanja')
  if (reason) checkCode(report, ctx, reason, 'si/m12-vzrok', onDate)
}

/**
 * Start not before the form existed; end required on odjava (optional on prijava when already known) and not
 * before the start: a one-day insurance ends on its start date. ISO dates compare correctly as strings.
 * No filing deadline: si-forms §7 states none for M12 (M-1's 8 and 30 days are not carried over).
 */
export const checkInsuranceDates: Rule = (root, report) => {
  const insurance = child(root, 'Zavarovanje')
  if (!insurance) return
  const start = child(insurance, 'DatumPricetkaZavarovanja')
  const end = child(insurance, 'DatumPrenehanjaZavarovanja')
  if (start && start.text < M12_IN_USE_FROM) report(F['001'], start)
  if (!end && childText(root, 'VrstaPrijave') === 'odjava') report(F['002'], missingChild(insurance, 'DatumPrenehanjaZavarovanja'))
  if (start && end && end.text < start.text) report(F['003'], end)
}

/** DOCUMENTS §2.7: basis 050 requires reason 10. */
export const checkSideOccupation: Rule = (root, report) => {
  const insurance = child(root, 'Zavarovanje')
  const reason = child(insurance, 'VzrokZavarovanja')
  if (childText(insurance, 'PodlagaZaZavarovanje') === SIDE_OCCUPATION.basis && reason && reason.text !== SIDE_OCCUPATION.reason) {
    report(F['004'], reason)
  }
}

/** Plain rules only: the register rules (open M12 insurance for prijava/odjava) run when the document is processed. */
export const m12Rules: readonly Rule[] = Object.freeze([
  checkObligor,
  checkInsuredEmso,
  checkInsuranceCodes,
  checkInsuranceDates,
  checkSideOccupation,
])
