import { addDays, isCalendarDate, slovenianCalendar } from '../../../lib/index.js'

/** The 91st calendar day of an absence and the day the higher rate of compensation applies from (si-endm §3.3). */
export interface Day91 {
  /** The first day of the continuous absence (day 1). */
  readonly from: string
  /** Day 91: `from` + 90 calendar days. */
  readonly day91: string
  /** The first Slovenian working day strictly after day 91 (Monday–Friday, not a public holiday, si-endm §3.3a). */
  readonly higherRateFrom: string
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/

/**
 * The one 91st-day calculator: the ENDM rules, `ehrs endm day-91` and `GET /api/v1/endm/day-91` all call it.
 * Undefined for anything but an existing YYYY-MM-DD of the years 1900 to 9998 (so that the result stays a
 * four-digit year).
 */
export function day91(from: string): Day91 | undefined {
  const m = DATE.exec(from)
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[1]) < 1900 || Number(m[1]) > 9998) return undefined
  // si-endm §3.3 [ASSUMPTION]: day 1 is the first day of the absence, so day 91 is 90 days later; the higher rate
  // applies from the first working day after it ("od prvega delovnega dne po tem datumu").
  const day = addDays(from, 90)
  return { from, day91: day, higherRateFrom: slovenianCalendar.nextWorkingDayAfter(day) }
}
