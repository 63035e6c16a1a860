/**
 * The Slovak register of insured persons as the built-in back office keeps it (sk-ezu §2.1, §5): an RLFO
 * prihláška (PA) opens an insurance relationship, odhláška (OD) closes it, prerušenie (PE) records an
 * interruption, zmena (ZM) a maternity or parental leave, zrušenie prihlásenia (ZP) cancels it. Only
 * processed RLFOs change it; reports are checked against it (KNR), ELDPs and RLZECs are compared with it.
 */
import type { FormRegister, Insurance, Register, RegisterDocument } from '../../register.js'
import { missingChild } from '../../form-module.js'
import { makeFinding, type Finding, type FindingDef, type FindingLocation, type FindingParams } from '../../../validation/index.js'
import { child, childText, type XmlElement } from '../../../xml/index.js'
import { rlfoRegisterFindings as RLFO } from '../rlfo/register-findings.js'

/** Relationships are kept under this kind: the RLFO opened them. */
export const relationshipKind = 'RLFO'

/** What a Slovak form's register code works with: one document, its register, and the findings so far. */
export interface SkRegisterContext {
  readonly register: Register
  readonly document: RegisterDocument
  readonly fieldOf: (path: string) => string
  readonly now: Date
  readonly findings: Finding[]
}

export function report(ctx: SkRegisterContext, def: FindingDef, at: FindingLocation, params?: FindingParams): void {
  ctx.findings.push(makeFinding(def, at, ctx.fieldOf(at.path), params))
}

/** A finding on a place of an official document no element of ours stands for: its path is official, its field the finding's own. */
export function reportOfficial(ctx: SkRegisterContext, def: FindingDef, at: FindingLocation, params?: FindingParams): void {
  ctx.findings.push(makeFinding(def, at, def.field, params))
}

export const hasError = (ctx: SkRegisterContext): boolean => ctx.findings.some(f => f.severity === 'error')

/** The person's number: rodné číslo, or the temporary one an SP branch gave a foreigner. */
export function personOf(el: XmlElement | undefined): string {
  return childText(el, 'RodneCislo') ?? childText(el, 'DocasneRodneCislo') ?? ''
}

export function relationships(ctx: SkRegisterContext, person?: string): Insurance[] {
  const { environment, employer } = ctx.document
  return person === undefined
    ? ctx.register.ofEmployer(environment, employer, relationshipKind)
    : ctx.register.find(environment, employer, person, relationshipKind)
}

export function addEvent(ctx: SkRegisterContext, insurance: string, event: string, status: Insurance['status'], endDate: string | null, data: Record<string, unknown>): void {
  ctx.register.addEvent({ insurance_id: insurance, document_id: ctx.document.id, at: ctx.now, event, status, end_date: endDate, data: JSON.stringify(data) })
}

/** The entry's own values, as the event records them. */
export function entryData(osoba: XmlElement): Record<string, string> {
  const data: Record<string, string> = {}
  for (const name of ['Typ', 'Icpv', 'DatumOd', 'DatumDo', 'DatumZmeny', 'DovodZmeny', 'DovodPrerusenia']) {
    const value = childText(osoba, name)
    if (value !== undefined) data[name] = value
  }
  return data
}

export const covers = (row: Insurance, date: string): boolean => row.start_date <= date && (row.end_date === null || date <= row.end_date)

/**
 * The relationship an OD, PE, ZM or ZP refers to (DOCUMENTS §3.4): by IČPV, else by person and type among
 * those without another IČPV. `fits` narrows the candidates (OD: open ones; PE, ZM: those covering the date).
 * Reports the finding and returns undefined when none or several match: SK-RLFO-020 when the person has no
 * relationship of the type, `outside` when none fits; `unknown` instead of both, on an official document's place.
 */
export function referred(
  ctx: SkRegisterContext, osoba: XmlElement, fits: (row: Insurance) => boolean, outside: FindingDef, unknown?: { readonly def: FindingDef; readonly at: FindingLocation },
): Insurance | undefined {
  const type = childText(osoba, 'TypZamestnanca')
  const icpv = child(osoba, 'Icpv')
  const ofType = relationships(ctx, personOf(osoba)).filter(r => r.status !== 'annulled' && r.insurance_key.TypZamestnanca === type)
  const byIcpv = icpv ? ofType.filter(r => r.data.Icpv === icpv.text) : []
  // An IČPV the register does not know yet may belong to a relationship that has none.
  const candidates = !icpv ? ofType : byIcpv.length > 0 ? byIcpv : ofType.filter(r => !r.data.Icpv)
  const fitting = candidates.filter(fits)
  const at = child(osoba, 'RodneCislo') ?? child(osoba, 'DocasneRodneCislo') ?? osoba
  if (unknown && fitting.length === 0) return reportOfficial(ctx, unknown.def, unknown.at), undefined
  if (candidates.length === 0) return report(ctx, RLFO['020'], at), undefined
  if (fitting.length === 0) {
    // The registered dates the filer has to match, of the most recent candidate.
    const nearest = candidates.reduce((a, b) => (b.start_date > a.start_date ? b : a))
    const dated = child(osoba, 'DatumOd') ?? child(osoba, 'DatumDo') ?? osoba
    return report(ctx, outside, dated, { start: nearest.start_date, end: nearest.end_date ? ` – ${nearest.end_date}` : '' }), undefined
  }
  if (fitting.length > 1) return report(ctx, RLFO['021'], icpv ?? missingChild(osoba, 'Icpv')), undefined
  const found = fitting[0]!
  if (found.data.Icpv && !icpv) report(ctx, RLFO['023'], missingChild(osoba, 'Icpv'))
  return found
}

/**
 * A Slovak form's register behaviour: every relationship of the document's employer, and `apply`, its rules
 * and changes (sk-ezu §2.1, §7), run in filing order.
 */
export function skRegister(fieldOf: (path: string) => string, apply: (ctx: SkRegisterContext, root: XmlElement) => void, failedAs?: 'faulty'): FormRegister {
  return {
    scope: () => ({ kind: relationshipKind }),
    apply(register, document, root, now) {
      const ctx: SkRegisterContext = { register, document, fieldOf, now, findings: [] }
      apply(ctx, root)
      return ctx.findings
    },
    ...(failedAs ? { failedAs } : {}),
  }
}
