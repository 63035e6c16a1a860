/**
 * The Slovenian insurance register ("zavarovanja") as the built-in back office keeps it: M1 opens an insurance,
 * M3 code 01 changes it, M2 closes it, M3 code 16 annuls a closed one; M12 keeps injury-at-work insurances.
 * The stateful rules of DOCUMENTS.md §2.4–2.7 (si-forms §4–7) are checked here, in filing order.
 */
import type { Insurance, Register, RegisterDocument, FormRegister } from '../../register.js'
import { makeFinding, type Finding, type FindingDef, type FindingLocation } from '../../../validation/index.js'
import { child, childText, descend, type XmlElement } from '../../../xml/index.js'
import { newId } from '../../../lib/index.js'
import { hundredths } from './rules.js'

type Status = Insurance['status']

/** The key of an insurance period (DOCUMENTS §2.3): r.2, r.3 or r.4, r.14–r.17, as the M1 gave them. */
export interface SiInsuranceKey {
  readonly RegistrskaStevilka: string
  readonly MaticnaStevilka?: string
  readonly Emso?: string
  readonly DatumPricetkaZavarovanja: string
  readonly PodlagaZaZavarovanje: string
  readonly DelovniCasZavarovanca: string
  readonly PolniDelovniCasZavezanca: string
}

/** The M12 key (DOCUMENTS §2.7): r.2, basis and start, with the person. */
export interface M12Key {
  readonly RegistrskaStevilka: string
  readonly PodlagaZaZavarovanje: string
  readonly DatumPricetkaZavarovanja: string
}

/** What a Slovenian form's register code works with: one document, its register, and the findings so far. */
export interface SiRegisterContext {
  readonly register: Register
  readonly document: RegisterDocument
  readonly root: XmlElement
  readonly fieldOf: (path: string) => string
  readonly now: Date
  readonly findings: Finding[]
}

export function report(ctx: SiRegisterContext, def: FindingDef, at: FindingLocation): void {
  ctx.findings.push(makeFinding(def, at, ctx.fieldOf(at.path)))
}

export function siKeyOf(root: XmlElement): SiInsuranceKey {
  const obligor = child(root, 'Zavezanec')
  const fixed = child(root, 'ZavarovanjeNespremenljivo')
  const maticna = childText(obligor, 'MaticnaStevilka')
  const emso = childText(obligor, 'Emso')
  return {
    RegistrskaStevilka: childText(obligor, 'RegistrskaStevilka') ?? '',
    ...(maticna !== undefined ? { MaticnaStevilka: maticna } : {}),
    ...(emso !== undefined ? { Emso: emso } : {}),
    DatumPricetkaZavarovanja: childText(fixed, 'DatumPricetkaZavarovanja') ?? '',
    PodlagaZaZavarovanje: childText(fixed, 'PodlagaZaZavarovanje') ?? '',
    DelovniCasZavarovanca: childText(fixed, 'DelovniCasZavarovanca') ?? '',
    PolniDelovniCasZavezanca: childText(fixed, 'PolniDelovniCasZavezanca') ?? '',
  }
}

/**
 * The elements of a document whose values differ from the M1 of an insurance: r.2, r.3/r.4 and r.14–r.17
 * (r.5 selects the candidates). An empty list means the document refers to that insurance.
 */
export function differences(root: XmlElement, key: SiInsuranceKey): XmlElement[] {
  const obligor = child(root, 'Zavezanec')!
  const fixed = child(root, 'ZavarovanjeNespremenljivo')!
  const doc = siKeyOf(root)
  const differ: XmlElement[] = []
  if (doc.RegistrskaStevilka !== key.RegistrskaStevilka) differ.push(child(obligor, 'RegistrskaStevilka')!)
  if (doc.MaticnaStevilka !== key.MaticnaStevilka || doc.Emso !== key.Emso) differ.push((child(obligor, 'MaticnaStevilka') ?? child(obligor, 'Emso'))!)
  if (doc.DatumPricetkaZavarovanja !== key.DatumPricetkaZavarovanja) differ.push(child(fixed, 'DatumPricetkaZavarovanja')!)
  if (doc.PodlagaZaZavarovanje !== key.PodlagaZaZavarovanje) differ.push(child(fixed, 'PodlagaZaZavarovanje')!)
  if (hundredths(doc.DelovniCasZavarovanca) !== hundredths(key.DelovniCasZavarovanca)) differ.push(child(fixed, 'DelovniCasZavarovanca')!)
  if (hundredths(doc.PolniDelovniCasZavezanca) !== hundredths(key.PolniDelovniCasZavezanca)) differ.push(child(fixed, 'PolniDelovniCasZavezanca')!)
  return differ
}

const statusOrder: Record<Status, number> = { open: 0, closed: 1, annulled: 2 }

/** Newest first within a status: open before closed before annulled. */
export function byRelevance(a: Insurance, b: Insurance): number {
  return statusOrder[a.status] - statusOrder[b.status] || (a.id < b.id ? 1 : -1)
}

export function candidates(ctx: SiRegisterContext, kind: 'M1' | 'M12'): Insurance[] {
  const person = descend(ctx.root, 'Zavarovanec', 'Emso')?.text ?? ''
  return ctx.register.find(ctx.document.environment, ctx.document.employer, person, kind).sort(byRelevance)
}

/** The insurance an M2 or M3 refers to, or, when none matches its key, the closest one and what differs. */
export function match(root: XmlElement, rows: readonly Insurance[]): { insurance?: Insurance; closest?: Insurance; differing: XmlElement[] } {
  const scored = rows.map(insurance => ({ insurance, differing: differences(root, insurance.insurance_key as unknown as SiInsuranceKey) }))
  const exact = scored.find(s => s.differing.length === 0)
  if (exact) return { insurance: exact.insurance, differing: [] }
  // Fewest differences wins; among equals the order of `rows` (open first, newest first) decides.
  const closest = scored.reduce<(typeof scored)[number] | undefined>((best, s) => (!best || s.differing.length < best.differing.length ? s : best), undefined)
  return closest ? { closest: closest.insurance, differing: closest.differing } : { differing: [] }
}

export function addEvent(ctx: SiRegisterContext, insurance: string, event: string, status: Status, endDate: string | null, data: Record<string, unknown> = {}): void {
  ctx.register.addEvent({ insurance_id: insurance, document_id: ctx.document.id, at: ctx.now, event, status, end_date: endDate, data: JSON.stringify(data) })
}

export function setStatus(ctx: SiRegisterContext, insurance: Insurance, status: Status, endDate: string | null, data = insurance.data): void {
  ctx.register.update(insurance, { status, end_date: endDate, data })
}

export function open(ctx: SiRegisterContext, kind: 'M1' | 'M12', key: object, start: string, data: Record<string, unknown>): Insurance {
  const row: Insurance = {
    id: newId(ctx.now.getTime()), environment: ctx.document.environment, country: 'SI', employer: ctx.document.employer,
    person: descend(ctx.root, 'Zavarovanec', 'Emso')?.text ?? '', kind, insurance_key: key as Record<string, unknown>,
    start_date: start, end_date: null, status: 'open', data, created_at: ctx.now,
  }
  ctx.register.insert(row)
  addEvent(ctx, row.id, 'opened', 'open', null, data)
  return row
}

/**
 * The values an M1 or M3 gives for what M3 code 01 may change: r.6–r.11 and r.18–29. The register keeps r.7 and
 * r.8 too, since an M3 may repeat them and is checked against them (DOCUMENTS §2.6).
 */
export function variableData(root: XmlElement): Record<string, string> {
  const values: Record<string, string> = {}
  const insured = child(root, 'Zavarovanec')
  for (const name of ['Drzavljanstvo', 'Priimek', 'Ime']) {
    const value = childText(insured, name)
    if (value !== undefined) values[name] = value
  }
  for (const e of child(insured, 'PrebivalisceVTujini')?.children ?? []) values[`PrebivalisceVTujini/${e.name}`] = e.text
  for (const e of child(root, 'ZavarovanjeSpremenljivo')?.children ?? []) values[e.name] = e.text
  return values
}

/**
 * A Slovenian form's register behaviour: the register part of one person (r.5, EMŠO) and kind, and `apply`,
 * its rules and changes (si-forms §4–7), run in filing order.
 */
export function siRegister(kind: 'M1' | 'M12', fieldOf: (path: string) => string, apply: (ctx: SiRegisterContext) => void): FormRegister {
  return {
    scope: (_document, root) => ({ kind, person: descend(root, 'Zavarovanec', 'Emso')?.text ?? '' }),
    apply(register, document, root, now) {
      const ctx: SiRegisterContext = { register, document, root, fieldOf, now, findings: [] }
      apply(ctx)
      return ctx.findings
    },
  }
}
