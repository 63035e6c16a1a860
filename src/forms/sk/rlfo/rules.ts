/** RLFO's own plain rules (DOCUMENTS.md §3.4, sk-ezu §2.1–2.2); persons are checked by sk/common. */
import { child, type XmlElement } from '../../../xml/index.js'
import { missingChild, type Rule } from '../../form-module.js'
import { checkCode, checkPersons } from '../common/rules.js'
import { rlfoFindings as F } from './findings.js'

/** The dates and reasons whose presence depends on `Typ`. */
const TYPED = ['DatumOd', 'DatumDo', 'DatumZmeny', 'DovodZmeny', 'DovodPrerusenia'] as const
type Typed = typeof TYPED[number]

/** DOCUMENTS §3.4, table of `Typ`: what each type needs, what it may carry; everything else must be absent ("—"). */
const carries: Readonly<Record<string, { readonly required: readonly Typed[]; readonly optional: readonly Typed[] }>> = {
  PA: { required: ['DatumOd'], optional: [] },
  OD: { required: ['DatumDo'], optional: [] },
  PE: { required: ['DatumOd', 'DovodPrerusenia'], optional: ['DatumDo'] },
  ZM: { required: ['DatumOd', 'DatumZmeny', 'DovodZmeny'], optional: ['DatumDo'] },
  ZP: { required: ['DatumOd'], optional: [] },
}

/** The registration lists of the document: one for a single RLFO, up to 300 in a batch. */
export function entries(root: XmlElement): XmlElement[] {
  return root.children.filter(c => c.name === 'Osoba')
}

/**
 * The day an entry's code lists are read on (DOCUMENTS §1.5): `DatumOd`, else `DatumDo`. Every type needs
 * one of them, so an entry without either already has SK-RLFO-002 and its codes are not judged.
 */
export function eventDate(osoba: XmlElement): string | undefined {
  return child(osoba, 'DatumOd')?.text ?? child(osoba, 'DatumDo')?.text
}

/** sk-ezu §13: SP assigns the IČPV when it processes the registration, so a PA cannot know it yet. */
export const checkIcpvOnRegistration: Rule = (root, report) => {
  for (const osoba of entries(root)) {
    const icpv = child(osoba, 'Icpv')
    if (icpv && child(osoba, 'Typ')?.text === 'PA') report(F['001'], icpv)
  }
}

/** The dates and reasons each `Typ` needs (002) and those it must not carry (003). */
export const checkTypedElements: Rule = (root, report) => {
  for (const osoba of entries(root)) {
    const typ = carries[child(osoba, 'Typ')?.text ?? '']
    if (!typ) continue
    for (const name of TYPED) {
      const el = child(osoba, name)
      if (!el && typ.required.includes(name)) report(F['002'], missingChild(osoba, name))
      else if (el && !typ.required.includes(name) && !typ.optional.includes(name)) report(F['003'], el)
    }
  }
}

/** `DatumOd` ≤ `DatumDo`; an interruption or leave of a single day is allowed. */
export const checkPeriod: Rule = (root, report) => {
  for (const osoba of entries(root)) {
    const from = child(osoba, 'DatumOd')
    const to = child(osoba, 'DatumDo')
    if (from && to && to.text < from.text) report(F['004'], to)
  }
}

/**
 * The employee type against the typZec list (complete; several codes end on 31.12.2022) and the reason for
 * interruption against its list, whose codes 4, 12 and 13 depend on the date (sk-ezu §2.2).
 */
export const checkCodes: Rule = (root, report, ctx) => {
  for (const osoba of entries(root)) {
    const onDate = eventDate(osoba)
    if (onDate === undefined) continue
    const typ = child(osoba, 'TypZamestnanca')
    if (typ) checkCode(report, ctx, typ, 'sk/typ-zamestnanca', onDate, F['006'])
    const reason = child(osoba, 'DovodPrerusenia')
    if (reason) checkCode(report, ctx, reason, 'sk/dovod-prerusenia', onDate, F['005'])
  }
}

/** What makes two entries of a batch the same registration event. */
const IDENTITY = ['Typ', 'RodneCislo', 'DocasneRodneCislo', 'TypZamestnanca', 'DatumOd', 'DatumDo', 'DatumZmeny'] as const

/** A batch that repeats an entry would register the event twice; the repetition is reported, not the first. */
export const checkRepeatedEntries: Rule = (root, report) => {
  const seen = new Set<string>()
  for (const osoba of entries(root)) {
    const key = IDENTITY.map(name => `${name}=${child(osoba, name)?.text ?? ''}`).join('|')
    if (seen.has(key)) report(F['007'], osoba)
    seen.add(key)
  }
}

export const rlfoRules: readonly Rule[] = Object.freeze([
  checkPersons,
  checkIcpvOnRegistration,
  checkTypedElements,
  checkPeriod,
  checkCodes,
  checkRepeatedEntries,
])
