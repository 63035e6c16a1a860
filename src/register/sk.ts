/**
 * The Slovak register of insured persons as the built-in back office keeps it (sk-ezu §2.1, §5): an RLFO
 * prihláška (PA) opens an insurance relationship, odhláška (OD) closes it, prerušenie (PE) records an
 * interruption, zmena (ZM) a maternity or parental leave, zrušenie prihlásenia (ZP) cancels it. Only
 * processed RLFOs change it; reports are checked against it (KNR), ELDPs and RLZECs are compared with it.
 */
import type { InsuranceRow } from '../db/index.js'
import type { RegisterDocument, RegisterSession } from './session.js'
import type { CodeLists, FormModule } from '../forms/index.js'
import { missingChild } from '../forms/form-module.js'
import type { ProcessingResult, RegisterCheckResult } from '../lifecycle/index.js'
import { makeFinding, type Finding, type FindingDef, type FindingLocation, type FindingParams } from '../validation/index.js'
import { child, childText, descend, type XmlElement } from '../xml/index.js'
import { newId } from '../lib/ids.js'
import { lastDayOfMonth } from '../lib/dates.js'
import { registerCheckFindingsOf } from '../forms/sk/common/register-check.js'
import { rlfoRegisterFindings as RLFO } from '../forms/sk/rlfo/register-findings.js'
import { rlzecRegisterFindings as RLZEC } from '../forms/sk/rlzec/register-findings.js'
import { eldpRegisterFindings as ELDP } from '../forms/sk/eldp/register-findings.js'

/** Relationships are kept under this kind: the RLFO opened them. */
export const relationshipKind = 'RLFO'

interface Context {
  readonly register: RegisterSession
  readonly document: RegisterDocument
  readonly form: FormModule
  readonly now: Date
  readonly findings: Finding[]
}

function report(ctx: Context, def: FindingDef, at: FindingLocation, params?: FindingParams): void {
  ctx.findings.push(makeFinding(def, at, ctx.form.fieldOf(at.path), params))
}

const hasError = (ctx: Context): boolean => ctx.findings.some(f => f.severity === 'error')

/** The person's number: rodné číslo, or the temporary one an SP branch gave a foreigner. */
function personOf(el: XmlElement | undefined): string {
  return childText(el, 'RodneCislo') ?? childText(el, 'DocasneRodneCislo') ?? ''
}

function relationships(ctx: Context, person?: string): InsuranceRow[] {
  const { environment, employer } = ctx.document
  return person === undefined
    ? ctx.register.ofEmployer(environment, employer, relationshipKind)
    : ctx.register.find(environment, employer, person, relationshipKind)
}

function addEvent(ctx: Context, insurance: string, event: string, status: InsuranceRow['status'], endDate: string | null, data: Record<string, unknown>): void {
  ctx.register.addEvent({ insurance_id: insurance, document_id: ctx.document.id, at: ctx.now, event, status, end_date: endDate, data: JSON.stringify(data) })
}

/** The entry's own values, as the event records them. */
function entryData(osoba: XmlElement): Record<string, string> {
  const data: Record<string, string> = {}
  for (const name of ['Typ', 'Icpv', 'DatumOd', 'DatumDo', 'DatumZmeny', 'DovodZmeny', 'DovodPrerusenia']) {
    const value = childText(osoba, name)
    if (value !== undefined) data[name] = value
  }
  return data
}

const covers = (row: InsuranceRow, date: string): boolean => row.start_date <= date && (row.end_date === null || date <= row.end_date)

/**
 * The relationship an OD, PE, ZM or ZP refers to (DOCUMENTS §3.4): by IČPV, else by person and type among
 * those without another IČPV. `fits` narrows the candidates (OD: open ones; PE, ZM: those covering the date).
 * Reports the finding and returns undefined when none or several match.
 */
function referred(ctx: Context, osoba: XmlElement, fits: (row: InsuranceRow) => boolean, outside: FindingDef): InsuranceRow | undefined {
  const type = childText(osoba, 'TypZamestnanca')
  const icpv = child(osoba, 'Icpv')
  const ofType = relationships(ctx, personOf(osoba)).filter(r => r.status !== 'annulled' && r.insurance_key.TypZamestnanca === type)
  const byIcpv = icpv ? ofType.filter(r => r.data.Icpv === icpv.text) : []
  // An IČPV the register does not know yet may belong to a relationship that has none.
  const candidates = !icpv ? ofType : byIcpv.length > 0 ? byIcpv : ofType.filter(r => !r.data.Icpv)
  const fitting = candidates.filter(fits)
  const at = child(osoba, 'RodneCislo') ?? child(osoba, 'DocasneRodneCislo') ?? osoba
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

function applyEntry(ctx: Context, osoba: XmlElement): void {
  const typ = childText(osoba, 'Typ')
  const from = childText(osoba, 'DatumOd') ?? ''
  const to = childText(osoba, 'DatumDo') ?? null
  const type = childText(osoba, 'TypZamestnanca') ?? ''
  const person = personOf(osoba)
  const data = entryData(osoba)
  if (typ === 'PA') {
    const twice = relationships(ctx, person).some(r => r.status !== 'annulled' && r.insurance_key.TypZamestnanca === type && r.start_date === from)
    if (twice) return report(ctx, RLFO['024'], child(osoba, 'DatumOd') ?? osoba)
    const row: InsuranceRow = {
      id: newId(ctx.now.getTime()), environment: ctx.document.environment, country: 'SK', employer: ctx.document.employer, person,
      kind: relationshipKind, insurance_key: { TypZamestnanca: type, DatumOd: from }, start_date: from, end_date: null, status: 'open',
      data: { ...(childText(osoba, 'Cudzinec') === 'true' ? { Cudzinec: true } : {}) }, created_at: ctx.now,
    }
    ctx.register.insert(row)
    addEvent(ctx, row.id, 'opened', 'open', null, data)
    return
  }
  const withIcpv = (row: InsuranceRow): Record<string, unknown> => {
    const icpv = childText(osoba, 'Icpv')
    return icpv && !row.data.Icpv ? { ...row.data, Icpv: icpv } : row.data
  }
  if (typ === 'OD') {
    const closed = relationships(ctx, person).some(r => r.status === 'closed' && r.insurance_key.TypZamestnanca === type)
    const row = referred(ctx, osoba, r => r.status === 'open', closed ? RLFO['025'] : RLFO['020'])
    if (!row || !to) return
    if (to < row.start_date) return report(ctx, RLFO['026'], child(osoba, 'DatumDo')!, { start: row.start_date, end: '' })
    ctx.register.update(row, { status: 'closed', end_date: to, data: withIcpv(row) })
    addEvent(ctx, row.id, 'closed', 'closed', to, data)
    return
  }
  if (typ === 'PE' || typ === 'ZM') {
    const row = referred(ctx, osoba, r => covers(r, from), RLFO['026'])
    if (!row) return
    const list = typ === 'PE' ? 'Prerusenia' : 'Zmeny'
    const { Typ: _typ, Icpv: _icpv, ...entry } = data
    ctx.register.update(row, { status: row.status, end_date: row.end_date, data: { ...withIcpv(row), [list]: [...((row.data[list] as unknown[]) ?? []), entry] } })
    addEvent(ctx, row.id, typ === 'PE' ? 'interrupted' : 'changed', row.status, row.end_date, data)
    return
  }
  if (typ === 'ZP') {
    // DOCUMENTS §3.4: the cancellation's date is the registered start of the relationship it cancels.
    const row = referred(ctx, osoba, r => r.start_date === from, RLFO['022'])
    if (!row) return
    ctx.register.update(row, { status: 'annulled', end_date: row.end_date, data: withIcpv(row) })
    addEvent(ctx, row.id, 'annulled', 'annulled', row.end_date, data)
  }
}

/** An RLFO, single or batch: every entry in order; one failing entry refuses the whole list, which then changes nothing. */
function processRlfo(ctx: Context, root: XmlElement): void {
  const mark = ctx.register.mark()
  for (const osoba of root.children.filter(c => c.name === 'Osoba')) applyEntry(ctx, osoba)
  if (hasError(ctx)) ctx.register.rollbackTo(mark)
}

/** RLZEC odhláška (DOCUMENTS §3.5): a warning for relationships still open after the employer ceases. */
function processRlzec(ctx: Context, root: XmlElement): void {
  const end = descend(root, 'Odhlaska', 'DatumZaniku')
  if (!end) return
  // DatumZaniku is the first day the employer employs no one: a relationship lasting into it is still open then.
  const open = relationships(ctx).filter(r => r.status !== 'annulled' && (r.end_date === null || r.end_date >= end.text))
  if (open.length > 0) report(ctx, RLZEC['020'], end, { count: open.length })
}

/** ELDP (sk-ezu §7): the relationship it records must be in the register as the sheet gives it; else "chybný". */
function processEldp(ctx: Context, root: XmlElement): void {
  const start = descend(root, 'PoistnyVztah', 'DatumVzniku')!
  const end = descend(root, 'PoistnyVztah', 'DatumZaniku')
  const row = relationships(ctx, personOf(child(root, 'Poistenec'))).find(r => r.status !== 'annulled' && r.start_date === start.text)
  if (!row) return report(ctx, ELDP['020'], start)
  if ((end?.text ?? null) !== row.end_date) {
    report(ctx, ELDP['021'], end ?? missingChild(child(root, 'PoistnyVztah')!, 'DatumZaniku'), { end: row.end_date ?? 'trvá' })
  }
}

/** Applies one SK document; RLFO errors make it `refused`, ELDP errors `faulty`. Reports are processed as filed. */
export function processSkDocument(register: RegisterSession, document: RegisterDocument, form: FormModule, root: XmlElement, now: Date): ProcessingResult {
  const ctx: Context = { register, document, form, now, findings: [] }
  if (document.type === 'RLFO') processRlfo(ctx, root)
  else if (document.type === 'RLZEC') processRlzec(ctx, root)
  else if (document.type === 'ELDP') processEldp(ctx, root)
  const failed = hasError(ctx)
  return { processing: failed ? (document.type === 'ELDP' ? 'faulty' : 'refused') : 'processed', findings: ctx.findings }
}

/** The only elements of a report that its processing and its register check read. */
export const reportOutline: readonly string[] = ['Obdobie', 'Priloha', 'Riadok', 'RodneCislo', 'DocasneRodneCislo', 'Icpv']

/**
 * The register check (KNR, sk-ezu §5.2) of a report: each row needs a relationship valid in the period
 * (for a VPP one that began by the period's end: it also reports income paid after the employment
 * ended); an MVP lists every relationship with regular income, once per concurrent relationship.
 */
export function checkReport(register: RegisterSession, document: RegisterDocument, form: FormModule, root: XmlElement, codeLists: CodeLists, now: Date): RegisterCheckResult {
  const ctx: Context = { register, document, form, now, findings: [] }
  const F = registerCheckFindingsOf(document.type)
  const warnings: Finding[] = []
  const period = childText(root, 'Obdobie') ?? ''
  const first = `${period}-01`
  const last = lastDayOfMonth(period)
  const isMvp = document.type === 'MVP'
  const valid = relationships(ctx).filter(r => r.status !== 'annulled' && r.start_date <= last && (!isMvp || r.end_date === null || r.end_date >= first))
  const byPerson = new Map<string, InsuranceRow[]>()
  for (const r of valid) byPerson.set(r.person, [...(byPerson.get(r.person) ?? []), r])
  const rowsOf = new Map<string, XmlElement[]>()
  for (const row of child(root, 'Priloha')?.children ?? []) {
    const person = personOf(row)
    rowsOf.set(person, [...(rowsOf.get(person) ?? []), row])
  }
  for (const [person, rows] of rowsOf) {
    const held = byPerson.get(person) ?? []
    rows.forEach((row, i) => {
      const at = child(row, 'RodneCislo') ?? child(row, 'DocasneRodneCislo') ?? row
      if (i >= held.length) report(ctx, F['020'], at)
      else if (!child(row, 'Icpv') && held.some(r => r.data.Icpv)) warnings.push(makeFinding(F['023'], missingChild(row, 'Icpv'), form.fieldOf(`${row.path}/Icpv`)))
    })
  }
  if (isMvp) {
    const isRegular = (r: InsuranceRow): boolean =>
      !(codeLists.entry('sk/typ-zamestnanca', String(r.insurance_key.TypZamestnanca), last)?.flags ?? []).includes('irregular')
    for (const [person, held] of byPerson) {
      const regular = held.filter(isRegular)
      const listed = rowsOf.get(person)?.length ?? 0
      for (const missing of regular.slice(listed)) {
        const params = { person, start: missing.start_date, type: String(missing.insurance_key.TypZamestnanca), relations: regular.length, rows: listed }
        report(ctx, listed === 0 ? F['021'] : F['022'], { path: `/${document.type}/Priloha`, line: child(root, 'Priloha')?.line }, params)
      }
    }
  }
  return { errors: ctx.findings, warnings }
}
