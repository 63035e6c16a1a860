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
const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Bratislava', weekday: 'short' })

/**
 * When a requested repeated check runs (sk-ezu §5.3 B): after the delay, "or later so that it runs on the
 * next working day" — a check that would fall on a Saturday or Sunday moves to Monday. Delays under a day
 * (test clients) run when they are due. Public holidays are not known to the gateway.
 */
export function repeatedCheckDue(requestedAt: Date, delayMs: number): Date {
  const due = new Date(requestedAt.getTime() + delayMs)
  if (delayMs < dayMs) return due
  const day = weekday.format(due)
  return day === 'Sat' ? new Date(due.getTime() + 2 * dayMs) : day === 'Sun' ? new Date(due.getTime() + dayMs) : due
}
