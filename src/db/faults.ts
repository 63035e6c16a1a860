/**
 * Which database errors mean "the database is not available right now" (SPEC.md §8), as opposed to errors of a
 * query itself (a unique violation, a syntax error). Every caller that must survive a fault asks here: the
 * transports answer `503 DATABASE_UNAVAILABLE`, the timers back off, `/readyz` answers 503.
 */

/** Raised by our own drivers when they give up on the database: a wait for the connection or a statement that ran too long. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, readonly reason: 'connect_timeout' | 'statement_timeout' | 'restarting' | 'connection_lost', options?: ErrorOptions) {
    super(message, options)
  }
}

// Server-sent SQLSTATEs: class 08 connection exceptions and 53 insufficient resources (53100 disk full, 53300 too many
// connections) in full; 57P01 admin shutdown (pg_terminate_backend, pg_ctl stop -m fast), 57P02 crash shutdown (another
// backend died, pg_ctl stop -m immediate), 57P03 cannot connect now (starting up, shutting down, in recovery), 57014 query
// canceled (statement_timeout), 55P03 lock not available (lock_timeout), 25P03 idle-in-transaction timeout, 58030 I/O error.
const unavailableStates = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '25P03', '58030'])
const unavailableClasses = new Set(['08', '53'])
// 08P01 protocol violation is the server refusing a message the client built (more than 65,535 bind parameters): a
// bug to be found, not a connection to wait for.
const notUnavailable = new Set(['08P01'])

// Socket errors of a connection that could not be made or was cut.
const socketErrors: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection_refused', ECONNRESET: 'connection_lost', EPIPE: 'connection_lost', ETIMEDOUT: 'connection_lost',
  EHOSTUNREACH: 'connection_refused', ENETUNREACH: 'connection_refused', EAI_AGAIN: 'connection_refused', ENOTFOUND: 'connection_refused',
}

// pg reports a lost connection, and a pool that gave up waiting, by message only.
const pgMessages: readonly [RegExp, string][] = [
  [/timeout exceeded when trying to connect|connection timeout/i, 'connect_timeout'],
  [/Connection terminated|Client has encountered a connection error|is not queryable|server closed the connection/i, 'connection_lost'],
]

/**
 * A short, stable label when `error` is a database fault: the SQLSTATE the server sent (`57P01`, `57014`, `53100`, …)
 * or `connection_refused`, `connection_lost`, `connect_timeout`, `statement_timeout`, `restarting`; else undefined.
 */
export function databaseFaultCause(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return e.reason
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(code) && !notUnavailable.has(code) && (unavailableStates.has(code) || unavailableClasses.has(code.slice(0, 2)))) return code
      if (socketErrors[code]) return socketErrors[code]
    }
    // Node reports a refused connection to a name with several addresses as an AggregateError of socket errors.
    if (e instanceof AggregateError) {
      const inner = e.errors.map(databaseFaultCause).find(Boolean)
      if (inner) return inner
    }
    for (const [pattern, cause] of pgMessages) if (pattern.test(e.message)) return cause
  }
  return undefined
}
