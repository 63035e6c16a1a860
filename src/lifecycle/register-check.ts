import { daysBetween, slovakCalendar } from '../lib/index.js'

/**
 * The acceptance rule of a report's register check (sk-ezu §5.4): the first check accepts only a report
 * without registration errors; a repeated one accepts it once at least half of the errors were fixed.
 * The baseline is the first check's error count, or a later check's when that found more.
 */
export interface RegisterCheckDecision {
  readonly accepted: boolean
  readonly baseline: number
  /** How many errors the filer still has to fix before the report is accepted (0 when accepted). */
  readonly needed: number
  /** Which of the three messages of §5.4 tells the filer so: none when accepted. */
  readonly message: 'first' | 'repeated' | 'more_than_before' | null
}

export function decideRegisterCheck(previousBaseline: number | undefined, errors: number): RegisterCheckDecision {
  if (previousBaseline === undefined) {
    return errors === 0
      ? { accepted: true, baseline: 0, needed: 0, message: null }
      : { accepted: false, baseline: errors, needed: errors - Math.floor(errors / 2), message: 'first' }
  }
  if (errors > previousBaseline) return { accepted: false, baseline: errors, needed: errors - Math.floor(errors / 2), message: 'more_than_before' }
  const allowed = Math.floor(previousBaseline / 2)
  return errors <= allowed
    ? { accepted: true, baseline: previousBaseline, needed: 0, message: null }
    : { accepted: false, baseline: previousBaseline, needed: errors - allowed, message: 'repeated' }
}

const dayMs = 86_400_000
const bratislava = 'Europe/Bratislava'
const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: bratislava, year: 'numeric', month: '2-digit', day: '2-digit' })

/**
 * When a requested repeated check runs (sk-ezu §5.3 B): after the delay, "or later so that it runs on the next
 * working day" — a check that would fall on a Saturday, a Sunday or a Slovak day of rest moves on by whole days to
 * the next working day in Bratislava (the calendar is data: lib/calendar/sk.ts). Delays under a day
 * (test clients) run when they are due: §5.3 sets the working-day rule for the 48 h of production only.
 */
export function repeatedCheckDue(requestedAt: Date, delayMs: number): Date {
  const due = new Date(requestedAt.getTime() + delayMs)
  if (delayMs < dayMs) return due
  const day = localDay.format(due)
  if (slovakCalendar.isWorkingDay(day)) return due
  const target = slovakCalendar.nextWorkingDayAfter(day)
  const moved = new Date(due.getTime() + daysBetween(day, target) * dayMs)
  // Across a change to or from summer time the same instant plus whole days can land an hour off the day
  // (only near midnight); step back or on by that hour.
  const landed = localDay.format(moved)
  return landed < target ? new Date(moved.getTime() + 3_600_000) : landed > target ? new Date(moved.getTime() - 3_600_000) : moved
}
