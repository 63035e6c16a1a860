import { easterSunday } from './easter.js'

/**
 * A work-free public holiday as a law lists it: a fixed day of the year (`MM-DD`) or a day counted from Easter
 * Sunday, valid from and to the dates the law (or its amendment) gives. Dates are YYYY-MM-DD.
 */
export type Holiday = ({ readonly day: string } | { readonly easterOffset: number }) & {
  /** Its name in the country's language (for people reading the data; the rules never look at it). */
  readonly name: string
  readonly validFrom?: string
  readonly validTo?: string
}

/** A country's working days: Monday to Friday, except its work-free holidays valid on the day. */
export interface WorkingDayCalendar {
  readonly holidays: readonly Holiday[]
  isHoliday(date: string): boolean
  isWorkingDay(date: string): boolean
  /** The first working day strictly after `date`. */
  nextWorkingDayAfter(date: string): string
}

const dayMs = 86_400_000

/** `date` (YYYY-MM-DD) plus `days` calendar days (negative: back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)
}

function holidayOn(holiday: Holiday, date: string): boolean {
  if ((holiday.validFrom !== undefined && date < holiday.validFrom) || (holiday.validTo !== undefined && date > holiday.validTo)) return false
  if ('day' in holiday) return date.slice(5) === holiday.day
  return addDays(easterSunday(Number(date.slice(0, 4))), holiday.easterOffset) === date
}

/** A calendar over the given holidays; weekends are Saturday and Sunday. */
export function workingDayCalendar(holidays: readonly Holiday[]): WorkingDayCalendar {
  const isHoliday = (date: string): boolean => holidays.some(h => holidayOn(h, date))
  const isWorkingDay = (date: string): boolean => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
    return weekday !== 0 && weekday !== 6 && !isHoliday(date)
  }
  return Object.freeze({
    holidays,
    isHoliday,
    isWorkingDay,
    nextWorkingDayAfter(date: string): string {
      // At most a weekend and a few holidays in a row: the loop ends within days.
      let next = addDays(date, 1)
      while (!isWorkingDay(next)) next = addDays(next, 1)
      return next
    },
  })
}
