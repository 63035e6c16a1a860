/** ELDP's own rules (DOCUMENTS.md §3.6, sk-ezu §7); the person is checked by sk/common. */
import { daysBetween } from '../../../lib/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import type { EarlierDocument, Rule } from '../../form-module.js'
import { checkCode, checkPersons, isCancelled } from '../common/rules.js'
import { eldpFindings as F } from './findings.js'

/** The periods of insurance, in document order. */
export function periods(root: XmlElement): XmlElement[] {
  return root.children.filter(c => c.name === 'ObdobiePoistenia')
}

/**
 * The series of the "documents" rules (sk-ezu §7): the person's number and the start of the relationship.
 * It is read before validation, so a document without either has no series.
 */
export function eldpSeries(root: XmlElement): string | undefined {
  const person = child(root, 'Poistenec')
  const number = (child(person, 'RodneCislo') ?? child(person, 'DocasneRodneCislo'))?.text
  const start = descend(root, 'PoistnyVztah', 'DatumVzniku')?.text
  return number && start ? `${number}|${start}` : undefined
}

/** Processing states from which a corrective ELDP can be made: "odoslaný na spracovanie", "spracovaný", "chybný". */
const correctable: ReadonlySet<string> = new Set(['forwarded', 'processed', 'faulty'])

function canBeCorrected(doc: EarlierDocument): boolean {
  return doc.acceptance === 'accepted' && correctable.has(doc.processing)
}

/**
 * Step 3 of the input check (sk-ezu §6.3, §7), a "documents" rule: an O corrects an ELDP that SP already has;
 * an R beside a regular one not cancelled is most likely a correction sent as R (warning only). It runs before
 * the schema is known to be satisfied, so it reads nothing but the kind; offline it cannot know the earlier ELDPs.
 */
export const checkKind: Rule = (root, report, ctx) => {
  if (!ctx.earlier) return
  const kind = child(root, 'DruhEldp')
  if (kind?.text === 'O' && !ctx.earlier.some(canBeCorrected)) report(F['008'], kind)
  if (kind?.text === 'R') {
    const standing = ctx.earlier.filter(doc => doc.kind === 'R' && !isCancelled(doc)).at(-1)
    if (standing) report(F['009'], kind, { number: standing.number })
  }
}

/** `DatumVzniku` ≤ `DatumZaniku`; a relationship of one day is allowed. */
export const checkRelationship: Rule = (root, report) => {
  const start = descend(root, 'PoistnyVztah', 'DatumVzniku')
  const end = descend(root, 'PoistnyVztah', 'DatumZaniku')
  if (start && end && end.text < start.text) report(F['007'], end)
}

/**
 * Each period: od ≤ do (001), both in its year (002), inside the relationship (003); a lasting one has no end.
 * A relationship that ends before it starts (007) is no frame to judge the periods by.
 */
export const checkPeriodDates: Rule = (root, report) => {
  const start = descend(root, 'PoistnyVztah', 'DatumVzniku')?.text
  const end = descend(root, 'PoistnyVztah', 'DatumZaniku')?.text
  const hasFrame = !(start !== undefined && end !== undefined && end < start)
  for (const period of periods(root)) {
    const year = child(period, 'Rok')?.text
    const from = child(period, 'DatumOd')
    const to = child(period, 'DatumDo')
    if (!from || !to) continue
    if (to.text < from.text) report(F['001'], to)
    for (const date of [from, to]) if (year !== undefined && !date.text.startsWith(`${year}-`)) report(F['002'], date)
    if (hasFrame && start !== undefined && from.text < start) report(F['003'], from)
    if (hasFrame && end !== undefined && to.text > end) report(F['003'], to)
  }
}

/** Periods ascend without overlap: each starts after every earlier one has ended. */
export const checkPeriodOrder: Rule = (root, report) => {
  let lastDay: string | undefined
  for (const period of periods(root)) {
    const from = child(period, 'DatumOd')
    const to = child(period, 'DatumDo')
    if (!from || !to) continue
    if (lastDay !== undefined && from.text <= lastDay) report(F['004'], from)
    // A reversed period (001) still occupies its later date.
    const ends = to.text > from.text ? to.text : from.text
    if (lastDay === undefined || ends > lastDay) lastDay = ends
  }
}

/** A `Suma` below zero; "-0.00" is zero. */
function isNegative(amount: string): boolean {
  return amount.startsWith('-') && /[1-9]/.test(amount)
}

/** Assessment bases are ≥ 0 (DOCUMENTS §3.6): a lower base is corrected by a corrective ELDP, not a negative row. */
export const checkAmounts: Rule = (root, report) => {
  for (const period of periods(root)) {
    for (const name of ['Vz', 'VzVylucene']) {
      const amount = child(period, name)
      if (amount && isNegative(amount.text)) report(F['005'], amount)
    }
  }
}

/** Excluded days fit in the period, both ends included; a reversed period has SK-ELDP-001 instead. */
export const checkExcludedDays: Rule = (root, report) => {
  for (const period of periods(root)) {
    const days = child(period, 'DniVylucene')
    const from = child(period, 'DatumOd')?.text
    const to = child(period, 'DatumDo')?.text
    if (!days || from === undefined || to === undefined || to < from) continue
    if (Number(days.text) > daysBetween(from, to) + 1) report(F['006'], days)
  }
}

/** The insurance sign against its list on the period's first day (DOCUMENTS §1.5); the list is partial. */
export const checkSigns: Rule = (root, report, ctx) => {
  for (const period of periods(root)) {
    const sign = child(period, 'ZnakPoistenia')
    const from = child(period, 'DatumOd')
    if (sign && from) checkCode(report, ctx, sign, 'sk/znak-poistenia', from.text, F['010'])
  }
}

export const eldpRules: readonly Rule[] = Object.freeze([
  checkPersons,
  checkRelationship,
  checkPeriodDates,
  checkPeriodOrder,
  checkAmounts,
  checkExcludedDays,
  checkSigns,
])
