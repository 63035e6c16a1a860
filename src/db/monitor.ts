import { databaseFaultCause } from './faults.js'

/**
 * What the gateway knows of its database's health, from the faults its queries meet and the probes that pass.
 * An outage lasts from the first fault until a probe passes (`/readyz`, a timer run) with no fault for `quietMs`;
 * within it each cause is reported once, so that 200 requests failing on one restart are one line in the log, not
 * 200, and a lock that times out one statement after another, with probes passing in between, is one outage.
 */
export interface DatabaseMonitor {
  /** Counts `error` when it is a database fault (see databaseFaultCause), reporting its cause once per outage; returns the cause. */
  fault(error: unknown): string | undefined
  /** The database answered: ends the outage, if any. */
  ok(): void
  isAvailable(): boolean
}

export interface DatabaseMonitorHooks {
  /** Every fault, for a counter. */
  readonly count?: (cause: string) => void
  /** The first fault of each cause in an outage, for the log. */
  readonly onFault?: (error: unknown, cause: string) => void
  /** The end of an outage: how long since its first fault, and its causes. */
  readonly onRecovered?: (downMs: number, causes: readonly string[]) => void
  readonly onChange?: (isAvailable: boolean) => void
}

export function createDatabaseMonitor(hooks: DatabaseMonitorHooks = {}, quietMs = 2_000): DatabaseMonitor {
  let downSince: number | undefined
  let lastFaultAt = 0
  const causes = new Set<string>()
  return {
    fault(error) {
      const cause = databaseFaultCause(error)
      if (!cause) return undefined
      hooks.count?.(cause)
      lastFaultAt = Date.now()
      if (downSince === undefined) {
        downSince = Date.now()
        hooks.onChange?.(false)
      }
      if (!causes.has(cause)) {
        causes.add(cause)
        hooks.onFault?.(error, cause)
      }
      return cause
    },
    ok() {
      if (downSince === undefined || Date.now() - lastFaultAt < quietMs) return
      const downMs = Date.now() - downSince
      const seen = [...causes]
      downSince = undefined
      causes.clear()
      hooks.onChange?.(true)
      hooks.onRecovered?.(downMs, seen)
    },
    isAvailable: () => downSince === undefined,
  }
}
