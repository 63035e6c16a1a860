/** ENDM's own plain rules (DOCUMENTS.md §2.8, domain/si-endm.md); the shared blocks are checked by si/common. */
import { child, childText, descend, type XmlElement } from '../../../xml/index.js'
import type { Rule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { checkCode, checkInsuredEmso, checkObligor } from '../common/rules.js'
import { slovenianCalendar } from '../../../lib/index.js'
import { day91 } from './day-91.js'
import { employerBorneDaysOn } from './parameters.js'
import { endmFields, endmFindings as F } from './findings.js'

/** Field of an ENDM element: ENDM's own names, else the rubrika of the shared SI block. */
export const endmFieldOf = siFieldOf('ENDM', endmFields)

/** The first day of the absence: the day on which ENDM's code lists are read. */
export function absenceStart(root: XmlElement): string {
  return descend(root, 'Zadrzanost', 'DatumOd')?.text ?? ''
}

/** Children of `parent` with the name, in document order. */
function all(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent?.children.filter(c => c.name === name) ?? []
}

/**
 * A decimal as a whole number of its smallest unit (`places` decimals): money and hours compare exactly, never as
 * floating point (DOCUMENTS.md §1.6). The schema has checked the shape.
 */
export function units(text: string, places = 2): bigint {
  const negative = text.startsWith('-')
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.')
  const value = BigInt(whole!) * 10n ** BigInt(places) + BigInt(fraction.padEnd(places, '0') || '0')
  return negative ? -value : value
}

/** si-endm §2.1 [SEED 002]: natural-person employers for basis 016, and claims under art. 33 ZZVZZ, file on paper. */
const PAPER_ONLY_BASIS = '016'

/** Basis (the r.15 list) and reason of absence (list unknown, shipped empty) on the first day of the absence. */
export const checkCodes: Rule = (root, report, ctx) => {
  const onDate = absenceStart(root)
  const basis = child(root, 'PodlagaZaZavarovanje')
  if (basis) checkCode(report, ctx, basis, 'si/podlaga', onDate)
  const reason = descend(root, 'Zadrzanost', 'RazlogZadrzanosti')
  if (reason) checkCode(report, ctx, reason, 'si/endm-razlog', onDate)
}

/** The paper-only exceptions the document shows (si-endm §2.1, items 1 and 4); items 2 and 3 it cannot show. */
export const checkPaperOnly: Rule = (root, report) => {
  const natural = descend(root, 'Zavezanec', 'FizicnaOseba')
  if (natural?.text === 'true' && childText(root, 'PodlagaZaZavarovanje') === PAPER_ONLY_BASIS) report(F['001'], natural)
  const article33 = descend(root, 'Zadrzanost', 'Clen33')
  if (article33) report(F['002'], article33)
}

/** The day `years` years before `date`; 29 February falls back to the 28th. */
function yearsBefore(date: string, years: number): string {
  const year = String(Number(date.slice(0, 4)) - years).padStart(4, '0')
  const monthDay = date.slice(5)
  const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return `${year}-${monthDay === '02-29' && !leap(Number(year)) ? '02-28' : monthDay}`
}

/** si-endm §5: claims become time-barred 3 years after the absence ended. */
const LIMITATION_YEARS = 3

/** The absence: not ended more than 3 years before filing, dates in order, no eBOL number twice. */
export const checkAbsence: Rule = (root, report, ctx) => {
  const absence = child(root, 'Zadrzanost')
  const from = child(absence, 'DatumOd')
  const to = child(absence, 'DatumDo')
  if (to && to.text < yearsBefore(ctx.filingDate, LIMITATION_YEARS)) report(F['003'], to)
  if (from && to && to.text < from.text) report(F['004'], to)
  const seen = new Set<string>()
  for (const ebol of all(absence, 'StevilkaEBol')) {
    if (seen.has(ebol.text)) report(F['005'], ebol)
    seen.add(ebol.text)
  }
}

/** The worker's monthly obligation is at most the employer's average one. */
export const checkObligations: Rule = (root, report) => {
  const calc = child(root, 'Obracun')
  const worker = child(calc, 'MesecnaObveznostDelavcaUr')
  const employer = child(calc, 'MesecnaObveznostZavezancaUr')
  if (worker && employer && units(worker.text) > units(employer.text)) report(F['006'], worker)
}

/** The base: distinct months, all before the month the absence began; gross pay above 0. */
export const checkBase: Rule = (root, report) => {
  const base = descend(root, 'Obracun', 'Osnova')
  const startMonth = absenceStart(root).slice(0, 7)
  const seen = new Set<string>()
  for (const month of all(base, 'MesecOsnove')) {
    if (seen.has(month.text)) report(F['007'], month)
    else if (month.text >= startMonth) report(F['008'], month)
    seen.add(month.text)
  }
  const gross = child(base, 'BrutoOsnova')
  if (gross && units(gross.text) <= 0n) report(F['009'], gross)
}

interface Line { readonly at: XmlElement; readonly from: XmlElement; readonly to: XmlElement; readonly rate: bigint }

function linesOf(root: XmlElement): Line[] {
  return all(child(root, 'Obracun'), 'Vrstica').flatMap(at => {
    const from = child(at, 'DatumOd')
    const to = child(at, 'DatumDo')
    const rate = child(at, 'Odstotek')
    return from && to && rate ? [{ at, from, to, rate: units(rate.text) }] : []
  })
}

/**
 * The lines: inside the absence, each after the one before it, none over a month end or over the first working
 * day after the 91st day (from which the higher rate applies, si-endm §3.3); a lower rate from that day on than
 * before it is a warning.
 */
export const checkLines: Rule = (root, report) => {
  const absence = child(root, 'Zadrzanost')
  const start = childText(absence, 'DatumOd') ?? ''
  const end = childText(absence, 'DatumDo') ?? ''
  const higherRateFrom = day91(start)?.higherRateFrom
  const lines = linesOf(root)
  let previous: Line | undefined
  for (const line of lines) {
    const from = line.from.text
    const to = line.to.text
    if (from < start) report(F['010'], line.from)
    else if (to > end || to < from) report(F['010'], line.to)
    else if (from.slice(0, 7) !== to.slice(0, 7)) report(F['012'], line.to)
    if (previous && from <= previous.to.text) report(F['011'], line.from)
    if (higherRateFrom && from < higherRateFrom && to >= higherRateFrom) report(F['013'], line.at)
    previous = line
  }
  if (!higherRateFrom) return
  const before = lines.filter(l => l.to.text < higherRateFrom).map(l => l.rate)
  if (before.length === 0) return
  const highestBefore = before.reduce((a, b) => (a > b ? a : b))
  for (const line of lines) {
    if (line.from.text >= higherRateFrom && line.rate < highestBefore) report(F['014'], child(line.at, 'Odstotek')!)
  }
}

/** `numerator / denominator` rounded half up to a whole number (both positive). */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator)
}

/**
 * Amounts: each line of an actual calculation is the hourly base × hours × rate / 100, rounded to the cent (a
 * warning: rounding rules change with the Pravilnik, si-endm §3.1); the total is the lines and the contributions
 * on the difference up to the minimum wage.
 */
export const checkAmounts: Rule = (root, report) => {
  const calc = child(root, 'Obracun')
  const base = child(calc, 'Osnova')
  const gross = childText(base, 'BrutoOsnova')
  const hours = childText(base, 'UreOsnove')
  const lines = all(calc, 'Vrstica')
  if (childText(calc, 'Nacin') === 'dejanski' && gross && hours && units(gross) > 0n) {
    for (const line of lines) {
      const amount = child(line, 'Znesek')
      const lineHours = childText(line, 'Ure')
      const rate = childText(line, 'Odstotek')
      if (!amount || !lineHours || !rate) continue
      // cents = gross(cents) / hours(1/100) × lineHours(1/100) × rate(1/100) / 100: exact, then rounded once.
      const expected = roundHalfUp(units(gross) * units(lineHours) * units(rate), units(hours) * 10_000n)
      if (units(amount.text) !== expected) report(F['015'], amount)
    }
  }
  const total = child(calc, 'Skupaj')
  if (!total) return
  const sum = lines.reduce((s, line) => s + units(childText(line, 'Znesek') ?? '0'), 0n) + units(childText(calc, 'PrispevkiRazlika') ?? '0')
  if (sum !== units(total.text)) report(F['016'], total)
}

/** The compensation was paid before the claim, not before the absence began, and the employer says so. */
export const checkPayout: Rule = (root, report, ctx) => {
  const paid = child(root, 'DatumIzplacila')
  if (paid && (paid.text > ctx.filingDate || paid.text < absenceStart(root))) report(F['017'], paid)
  const statement = child(root, 'IzjavaOIzplacilu')
  if (statement && statement.text !== 'true') report(F['018'], statement)
}

/** The `n`-th working day of an absence starting on `start` (day 1 may itself be a working day). */
function nthWorkingDay(start: string, n: number): string {
  let day = slovenianCalendar.isWorkingDay(start) ? start : slovenianCalendar.nextWorkingDayAfter(start)
  for (let i = 1; i < n; i++) day = slovenianCalendar.nextWorkingDayAfter(day)
  return day
}

/**
 * si-endm §3.5 [CONFLICT]: the first line begins before the working day from which a known source puts the
 * compensation in health insurance's burden. Dated parameters give a warning only: the sources disagree, and the
 * reason of absence, which decides it, has no known codes.
 */
export const checkEmployerBorneDays: Rule = (root, report) => {
  const first = linesOf(root)[0]
  const start = absenceStart(root)
  if (!first || !start) return
  const readings = employerBorneDaysOn(first.from.text)
  if (readings.length === 0) return
  const firstDay = Math.max(...readings.map(r => r.workingDays)) + 1
  if (first.from.text < nthWorkingDay(start, firstDay)) report(F['019'], first.from, { firstDay })
}

/** Plain rules only: overlapping claims and reused eBOL numbers are register rules, run when the claim is processed. */
export const endmRules: readonly Rule[] = Object.freeze([
  checkObligor,
  checkInsuredEmso,
  checkCodes,
  checkPaperOnly,
  checkAbsence,
  checkObligations,
  checkBase,
  checkLines,
  checkAmounts,
  checkPayout,
  checkEmployerBorneDays,
])
