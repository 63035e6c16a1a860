const centralEuropean = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Ljubljana', year: 'numeric', month: '2-digit', day: '2-digit' })

/** Calendar date (YYYY-MM-DD) of an instant in Central European time, the zone of both authorities. */
export function localDate(at: Date): string {
  return centralEuropean.format(at)
}

/** Whole days from date `a` to date `b` (both YYYY-MM-DD); positive when b is later. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

/** The last calendar day (YYYY-MM-DD) of a period YYYY-MM. */
export function lastDayOfMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
}

/** True when YYYY-MM-DD names a real calendar day. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

// The instants and periods a request may name: years 1900 to 9999, which ISO 8601's four digits, JavaScript's
// Date and both databases' timestamptz all hold (PostgreSQL has no year 0; Date goes to 275760).
const earliestInstant = Date.UTC(1900, 0, 1)
const latestInstant = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
const instantPattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/

/**
 * An ISO 8601 date (`2025-03-01`: midnight UTC) or date-time with its zone (`2025-03-01T08:00:00Z`,
 * `…T09:00+01:00`); undefined for anything else, a day that does not exist, or an instant outside 1900–9999.
 */
export function parseInstant(text: string): Date | undefined {
  const m = instantPattern.exec(text)
  if (!m) return undefined
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z', zoneHour = '00', zoneMinute = '00'] = m
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(zoneHour) > 23 || Number(zoneMinute) > 59) return undefined
  const at = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone}`)
  return at >= earliestInstant && at <= latestInstant ? new Date(at) : undefined
}

/** True for a period `YYYY-MM` of the years 1900–9999. */
export function isPeriod(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text) && Number(text.slice(0, 4)) >= 1900
}
