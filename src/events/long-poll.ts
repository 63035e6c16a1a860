import type { Db } from '../db/index.js'
import type { Caller } from '../identity/index.js'
import type { Clock } from '../lib/index.js'
import { GatewayError } from '../problems.js'
import { eventQuery, readEvents, type EventPage, type EventQuery } from './feed.js'
import type { EventSignal } from './signal.js'

/** The longest a feed request may wait (SPEC.md §4). */
export const maxWaitMs = 30_000

const units = { ms: 1, s: 1000, m: 60_000 } as const

/** `wait` as the API takes it: `0`, or a duration in `ms`, `s` or `m` of at most 30 s. Throws INVALID_REQUEST naming `wait`. */
export function parseWait(text: string | undefined): number {
  if (text === undefined) return 0
  const match = /^(0|[0-9]{1,6}(ms|s|m))$/.exec(text)
  const ms = match ? (match[2] ? Number.parseInt(text, 10) * units[match[2] as keyof typeof units] : 0) : NaN
  if (!(ms >= 0 && ms <= maxWaitMs)) throw new GatewayError('INVALID_REQUEST', 'wait must be a duration of at most 30s, such as 30s, 500ms or 0')
  return ms
}

export interface EventFeed {
  /**
   * A page of the caller's events (readEvents). With `waitMs`, an empty page is held until an event the caller may
   * see is committed, the wait ends, the caller goes (`signal`) or the gateway closes; then it is read once more.
   * A client already holding `maxWaitsPerClient` waits is answered at once. Throws INVALID_REQUEST.
   */
  read(caller: Caller, query: EventQuery, wait?: { readonly ms: number; readonly signal?: AbortSignal }): Promise<EventPage>
  /** Ends every wait now, and answers later ones at once: the server is closing. */
  endWaits(): Promise<void>
  /** How many requests are waiting now, all clients together. */
  waiting(): number
}

export interface EventFeedOptions {
  /** Waits one client may hold at once; beyond them its requests are answered without waiting. */
  readonly maxWaitsPerClient: number
}

export function createEventFeed(db: Db, clock: Clock, signal: EventSignal, options: EventFeedOptions): EventFeed {
  const waiting = new Map<string, number>()
  let isEnding = false
  const read = (caller: Caller, query: EventQuery): Promise<EventPage> => readEvents(db, caller, query, clock.now())

  return {
    async read(caller, query, wait) {
      eventQuery(query)
      const held = waiting.get(caller.clientId) ?? 0
      if (!wait || wait.ms <= 0 || isEnding || held >= options.maxWaitsPerClient) return read(caller, query)
      waiting.set(caller.clientId, held + 1)
      // Measured on the process's own clock: the application clock may be a test's, standing still.
      const deadline = performance.now() + wait.ms
      try {
        for (;;) {
          const ticket = signal.next()
          // No connection is held between reads: each read takes one from the pool and gives it back.
          const page = await read(caller, query)
          const remainingMs = deadline - performance.now()
          if (page.items.length > 0 || remainingMs <= 0 || isEnding || wait.signal?.aborted) {
            ticket.cancel()
            return page
          }
          await until(ticket, remainingMs, wait.signal)
        }
      } finally {
        const left = (waiting.get(caller.clientId) ?? 1) - 1
        if (left > 0) waiting.set(caller.clientId, left)
        else waiting.delete(caller.clientId)
      }
    },
    waiting: () => [...waiting.values()].reduce((sum, n) => sum + n, 0),
    async endWaits() {
      isEnding = true
      await signal.close()
    },
  }
}

/** Settles at the ticket, after `ms`, or when `abort` fires, whichever comes first; leaves no timer or listener behind. */
function until(ticket: { settled: Promise<void>; cancel(): void }, ms: number, abort: AbortSignal | undefined): Promise<void> {
  return new Promise<void>(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      abort?.removeEventListener('abort', done)
      ticket.cancel()
      resolve()
    }
    const timer = setTimeout(done, ms)
    abort?.addEventListener('abort', done)
    void ticket.settled.then(done)
  })
}
