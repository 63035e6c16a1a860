import type { FormRegister, Insurance, Register, RegisterCheck, RegisterDocument } from '../../register.js'
import type { CodeLists } from '../../code-lists.js'
import { missingChild } from '../../form-module.js'
import { makeFinding, type Finding } from '../../../validation/index.js'
import { child, childText, type XmlElement } from '../../../xml/index.js'
import { lastDayOfMonth } from '../../../lib/index.js'
import { registerCheckFindingsOf } from '../common/register-check.js'
import { personOf, relationshipKind, relationships, report, type SkRegisterContext } from '../common/register.js'

/** The only elements of a report that its processing and its register check read. */
const reportOutline: readonly string[] = ['Obdobie', 'Priloha', 'Riadok', 'RodneCislo', 'DocasneRodneCislo', 'Icpv']

/**
 * The register check (KNR, sk-ezu §5.2) of a report: each row needs a relationship valid in the period
 * (for a VPP one that began by the period's end: it also reports income paid after the employment
 * ended); an MVP lists every relationship with regular income, once per concurrent relationship.
 */
function checkReport(register: Register, document: RegisterDocument, root: XmlElement, codeLists: CodeLists, now: Date, fieldOf: (path: string) => string): RegisterCheck {
  const ctx: SkRegisterContext = { register, document, fieldOf, now, findings: [] }
  const F = registerCheckFindingsOf(document.type)
  const warnings: Finding[] = []
  const period = childText(root, 'Obdobie') ?? ''
  const first = `${period}-01`
  const last = lastDayOfMonth(period)
  const isMvp = document.type === 'MVP'
  const valid = relationships(ctx).filter(r => r.status !== 'annulled' && r.start_date <= last && (!isMvp || r.end_date === null || r.end_date >= first))
  const byPerson = new Map<string, Insurance[]>()
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
      else if (!child(row, 'Icpv') && held.some(r => r.data.Icpv)) warnings.push(makeFinding(F['023'], missingChild(row, 'Icpv'), fieldOf(`${row.path}/Icpv`)))
    })
  }
  if (isMvp) {
    const isRegular = (r: Insurance): boolean =>
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

/**
 * A report's register behaviour: it is checked against every relationship of its employer (KNR) and, once
 * forwarded, processed as filed (it changes no register), so the back office reads only its outline.
 */
export function reportRegister(type: 'MVP' | 'VPP', fieldOf: (path: string) => string): FormRegister {
  const F = registerCheckFindingsOf(type)
  return {
    checkSummary: { at: `/${type}/Priloha`, first: F['024'], repeated: F['025'], moreThanBefore: F['026'], acceptedWithErrors: F['027'] },
    scope: () => ({ kind: relationshipKind }),
    check: (register, document, root, codeLists, now) => checkReport(register, document, root, codeLists, now, fieldOf),
    outline: reportOutline,
  }
}
