/**
 * The Slovenian insurance register ("zavarovanja") as the built-in back office keeps it: M1 opens an insurance,
 * M3 code 01 changes it, M2 closes it, M3 code 16 annuls a closed one; M12 keeps injury-at-work insurances.
 * The stateful rules of DOCUMENTS.md §2.4–2.7 (si-forms §4–7) are checked here, in filing order.
 */
import type { InsuranceRow } from '../db/index.js'
import type { RegisterDocument, RegisterKey, RegisterSession } from './session.js'
import type { FormModule } from '../forms/index.js'
import type { ProcessingResult } from '../lifecycle/index.js'
import { makeFinding, type Finding, type FindingDef, type FindingLocation } from '../validation/index.js'
import { child, childText, descend, type XmlElement } from '../xml/index.js'
import { newId } from '../lib/ids.js'
import { hundredths } from '../forms/si/common/rules.js'
import { m1RegisterFindings as M1 } from '../forms/si/m1/register-findings.js'
import { m2RegisterFindings as M2 } from '../forms/si/m2/register-findings.js'
import { m3RegisterFindings as M3 } from '../forms/si/m3/register-findings.js'
import { m12RegisterFindings as M12 } from '../forms/si/m12/register-findings.js'

type Status = InsuranceRow['status']

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

interface Context {
  readonly register: RegisterSession
  readonly document: RegisterDocument
  readonly root: XmlElement
  readonly form: FormModule
  readonly now: Date
  readonly findings: Finding[]
}

function report(ctx: Context, def: FindingDef, at: FindingLocation): void {
  ctx.findings.push(makeFinding(def, at, ctx.form.fieldOf(at.path)))
}

function result(ctx: Context): ProcessingResult {
  return { processing: ctx.findings.some(f => f.severity === 'error') ? 'refused' : 'processed', findings: ctx.findings }
}

function keyOf(root: XmlElement): SiInsuranceKey {
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
function differences(root: XmlElement, key: SiInsuranceKey): XmlElement[] {
  const obligor = child(root, 'Zavezanec')!
  const fixed = child(root, 'ZavarovanjeNespremenljivo')!
  const doc = keyOf(root)
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
function byRelevance(a: InsuranceRow, b: InsuranceRow): number {
  return statusOrder[a.status] - statusOrder[b.status] || (a.id < b.id ? 1 : -1)
}

function candidates(ctx: Context, kind: 'M1' | 'M12'): InsuranceRow[] {
  const person = descend(ctx.root, 'Zavarovanec', 'Emso')?.text ?? ''
  return ctx.register.find(ctx.document.environment, ctx.document.employer, person, kind).sort(byRelevance)
}

/** The insurance an M2 or M3 refers to, or, when none matches its key, the closest one and what differs. */
function match(root: XmlElement, rows: readonly InsuranceRow[]): { insurance?: InsuranceRow; closest?: InsuranceRow; differing: XmlElement[] } {
  const scored = rows.map(insurance => ({ insurance, differing: differences(root, insurance.insurance_key as unknown as SiInsuranceKey) }))
  const exact = scored.find(s => s.differing.length === 0)
  if (exact) return { insurance: exact.insurance, differing: [] }
  // Fewest differences wins; among equals the order of `rows` (open first, newest first) decides.
  const closest = scored.reduce<(typeof scored)[number] | undefined>((best, s) => (!best || s.differing.length < best.differing.length ? s : best), undefined)
  return closest ? { closest: closest.insurance, differing: closest.differing } : { differing: [] }
}

function addEvent(ctx: Context, insurance: string, event: string, status: Status, endDate: string | null, data: Record<string, unknown> = {}): void {
  ctx.register.addEvent({ insurance_id: insurance, document_id: ctx.document.id, at: ctx.now, event, status, end_date: endDate, data: JSON.stringify(data) })
}

function setStatus(ctx: Context, insurance: InsuranceRow, status: Status, endDate: string | null, data = insurance.data): void {
  ctx.register.update(insurance, { status, end_date: endDate, data })
}

function open(ctx: Context, kind: 'M1' | 'M12', key: object, start: string, data: Record<string, unknown>): InsuranceRow {
  const row: InsuranceRow = {
    id: newId(ctx.now.getTime()), environment: ctx.document.environment, country: 'SI', employer: ctx.document.employer,
    person: descend(ctx.root, 'Zavarovanec', 'Emso')?.text ?? '', kind, insurance_key: key as Record<string, unknown>,
    start_date: start, end_date: null, status: 'open', data, created_at: ctx.now,
  }
  ctx.register.insert(row)
  addEvent(ctx, row.id, 'opened', 'open', null, data)
  return row
}

/**
 * The values an M1 or M3 gives for what M3 code 01 may change: r.6, r.9–11 and r.18–29, and with `names`
 * r.7 and r.8 (the register keeps no names; an M3 event records a changed one).
 */
function variableData(root: XmlElement, { names }: { names: boolean }): Record<string, string> {
  const values: Record<string, string> = {}
  const insured = child(root, 'Zavarovanec')
  for (const name of names ? ['Drzavljanstvo', 'Priimek', 'Ime'] : ['Drzavljanstvo']) {
    const value = childText(insured, name)
    if (value !== undefined) values[name] = value
  }
  for (const e of child(insured, 'PrebivalisceVTujini')?.children ?? []) values[`PrebivalisceVTujini/${e.name}`] = e.text
  for (const e of child(root, 'ZavarovanjeSpremenljivo')?.children ?? []) values[e.name] = e.text
  return values
}

/** M1 (DOCUMENTS §2.4): no open insurance with the same r.2, r.3/r.4, r.5, r.14 and r.15. */
function applyM1(ctx: Context): void {
  const key = keyOf(ctx.root)
  const already = candidates(ctx, 'M1').find(row => {
    const k = row.insurance_key as unknown as SiInsuranceKey
    return row.status === 'open' && k.RegistrskaStevilka === key.RegistrskaStevilka && k.MaticnaStevilka === key.MaticnaStevilka
      && k.Emso === key.Emso && k.DatumPricetkaZavarovanja === key.DatumPricetkaZavarovanja && k.PodlagaZaZavarovanje === key.PodlagaZaZavarovanje
  })
  if (already) return report(ctx, M1['020'], descend(ctx.root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')!)
  open(ctx, 'M1', key, key.DatumPricetkaZavarovanja, variableData(ctx.root, { names: false }))
}

/** M2 (DOCUMENTS §2.5, si-forms §6): the key identifies an open insurance, which it closes on r.32. */
function applyM2(ctx: Context): void {
  const { insurance, differing } = match(ctx.root, candidates(ctx, 'M1'))
  if (!insurance) {
    if (differing.length > 0) for (const at of differing) report(ctx, M2['021'], at)
    else report(ctx, M2['022'], descend(ctx.root, 'Zavarovanec', 'Emso')!)
    return
  }
  if (insurance.status === 'closed') return report(ctx, M2['020'], child(ctx.root, 'ZavarovanjeNespremenljivo')!)
  if (insurance.status === 'annulled') return report(ctx, M2['023'], child(ctx.root, 'ZavarovanjeNespremenljivo')!)
  const reason = descend(ctx.root, 'Odjava', 'VzrokSpremembeZavarovanja')?.text ?? ''
  const end = descend(ctx.root, 'Odjava', 'DatumSpremembeZavarovanja')?.text ?? ''
  setStatus(ctx, insurance, 'closed', end)
  addEvent(ctx, insurance.id, 'closed', 'closed', end, { VzrokSpremembeZavarovanja: reason, DatumSpremembeZavarovanja: end })
}

/** Rubrike 6–11, which M3 changes only for a foreigner without residence in Slovenia (si-forms §5.3). */
const foreignerData = ['Drzavljanstvo', 'Priimek', 'Ime', 'PrebivalisceVTujini']

/** M3 (DOCUMENTS §2.6, si-forms §5): code 01 changes an open insurance, code 16 annuls a closed one. */
function applyM3(ctx: Context): void {
  const code = descend(ctx.root, 'Sprememba', 'VzrokSpremembeZavarovanja')!
  const { insurance, differing } = match(ctx.root, candidates(ctx, 'M1'))
  if (!insurance) {
    if (differing.length > 0) for (const at of differing) report(ctx, M3['022'], at)
    else report(ctx, M3['023'], descend(ctx.root, 'Zavarovanec', 'Emso')!)
    return
  }
  if (insurance.status === 'annulled') return report(ctx, M3['024'], code)
  const date = descend(ctx.root, 'Sprememba', 'DatumSpremembeZavarovanja')?.text ?? ''
  if (code.text === '16') {
    if (insurance.status === 'open') return report(ctx, M3['021'], code)
    setStatus(ctx, insurance, 'annulled', insurance.end_date)
    addEvent(ctx, insurance.id, 'annulled', 'annulled', insurance.end_date, { DatumSpremembeZavarovanja: date })
    return
  }
  if (insurance.status === 'closed') return report(ctx, M3['020'], code)
  const changes = variableData(ctx.root, { names: true })
  const previous = insurance.data as Record<string, string>
  const insured = child(ctx.root, 'Zavarovanec')!
  const foreignerChange = insured.children.find(e => foreignerData.includes(e.name))
  if (foreignerChange && !Object.keys(previous).some(k => k.startsWith('PrebivalisceVTujini/'))) report(ctx, M3['025'], foreignerChange)
  setStatus(ctx, insurance, 'open', null, { ...previous, ...variableData(ctx.root, { names: false }) })
  addEvent(ctx, insurance.id, 'changed', 'open', null, { ...changes, DatumSpremembeZavarovanja: date })
}

function m12KeyOf(root: XmlElement): M12Key {
  const insurance = child(root, 'Zavarovanje')
  return {
    RegistrskaStevilka: descend(root, 'Zavezanec', 'RegistrskaStevilka')?.text ?? '',
    PodlagaZaZavarovanje: childText(insurance, 'PodlagaZaZavarovanje') ?? '',
    DatumPricetkaZavarovanja: childText(insurance, 'DatumPricetkaZavarovanja') ?? '',
  }
}

/** M12 (DOCUMENTS §2.7): `prijava` needs no open M12 insurance with the same key, `odjava` exactly one. */
function applyM12(ctx: Context): void {
  const key = m12KeyOf(ctx.root)
  const kind = child(ctx.root, 'VrstaPrijave')!
  const end = descend(ctx.root, 'Zavarovanje', 'DatumPrenehanjaZavarovanja')?.text ?? null
  const sameKey = candidates(ctx, 'M12').filter(row => {
    const k = row.insurance_key as unknown as M12Key
    return row.status === 'open' && k.RegistrskaStevilka === key.RegistrskaStevilka
      && k.PodlagaZaZavarovanje === key.PodlagaZaZavarovanje && k.DatumPricetkaZavarovanja === key.DatumPricetkaZavarovanja
  })
  if (kind.text === 'prijava') {
    if (sameKey.length > 0) return report(ctx, M12['020'], kind)
    const reason = descend(ctx.root, 'Zavarovanje', 'VzrokZavarovanja')?.text ?? ''
    const opened = open(ctx, 'M12', key, key.DatumPricetkaZavarovanja, { VzrokZavarovanja: reason })
    // si-forms §7: when the duration is known, the deregistration comes with the registration.
    if (end !== null) {
      setStatus(ctx, opened, 'closed', end)
      addEvent(ctx, opened.id, 'closed', 'closed', end)
    }
    return
  }
  if (sameKey.length !== 1) return report(ctx, M12['021'], kind)
  setStatus(ctx, sameKey[0]!, 'closed', end)
  addEvent(ctx, sameKey[0]!.id, 'closed', 'closed', end)
}

const apply: Record<string, (ctx: Context) => void> = { M1: applyM1, M2: applyM2, M3: applyM3, M12: applyM12 }

/** Who an SI document is about, so that a batch can read the register for all of its documents at once. */
export function siRegisterKey(document: RegisterDocument, root: XmlElement): RegisterKey {
  return {
    environment: document.environment, employer: document.employer,
    person: descend(root, 'Zavarovanec', 'Emso')?.text ?? '', kind: document.type === 'M12' ? 'M12' : 'M1',
  }
}

/** Applies one SI document to the register session; refused when a register rule gives an error. */
export function processSiDocument(register: RegisterSession, document: RegisterDocument, form: FormModule, root: XmlElement, now: Date): ProcessingResult {
  const ctx: Context = { register, document, root, form, now, findings: [] }
  const rule = apply[document.type]
  if (!rule) throw new Error(`no register rules for ${document.type}`)
  rule(ctx)
  return result(ctx)
}
