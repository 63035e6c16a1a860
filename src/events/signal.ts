import type { Listener, ListenHooks } from '../db/index.js'

/**
 * One per process: tells waiting feed readers that an event may have been committed, so that a thousand
 * long-polls cost one LISTEN connection (or one poll), not one each. It never reads events itself; each waiter
 * reads its own page again.
 */
export interface EventSignal {
  /**
   * A wake-up to come: settles at the next notification, poll that sees a new `seq`, or close. Take it before
   * reading, so that an event committed between the read and the wait is not missed.
   */
  next(): Ticket
  /** Settles every ticket now and every later one at once; stops listening. */
  close(): Promise<void>
}

export interface Ticket {
  readonly settled: Promise<void>
  /** Gives the ticket back unsettled (the reader stopped waiting). */
  cancel(): void
}

export interface EventSignalOptions {
  /** Starts hearing notifications of new events (with the first waiter, so that the CLI never listens). */
  readonly listen: (hooks: ListenHooks) => Listener
  /** The highest `seq` committed: the fallback poll's question while no notification channel is live. */
  readonly latestSeq: () => Promise<number>
  readonly pollMs: number
}

export function createEventSignal(options: EventSignalOptions): EventSignal {
  const waiters = new Set<() => void>()
  let listener: Listener | undefined
  let isLive = false
  let isClosed = false
  let pollTimer: NodeJS.Timeout | undefined
  let lastSeq: number | undefined

  const wake = (): void => {
    const woken = [...waiters]
    waiters.clear()
    for (const w of woken) w()
  }

  // Polls only while someone waits and nothing is heard: PGlite reopening, PostgreSQL's LISTEN connection lost.
  const poll = (): void => {
    if (isClosed || isLive || pollTimer || waiters.size === 0) return
    pollTimer = setTimeout(() => {
      options.latestSeq().then(seq => {
        // A first answer has nothing to compare with: every waiter reads once more.
        if (lastSeq === undefined || seq > lastSeq) wake()
        lastSeq = seq
      }, () => undefined).finally(() => {
        pollTimer = undefined
        poll()
      })
    }, options.pollMs)
    pollTimer.unref()
  }

  const start = (): void => {
    if (listener || isClosed) return
    listener = options.listen({
      onNotify: wake,
      onLive: live => {
        isLive = live
        if (!live) lastSeq = undefined
        poll()
      },
    })
  }

  return {
    next() {
      if (isClosed) return { settled: Promise.resolve(), cancel: () => undefined }
      let settle!: () => void
      const settled = new Promise<void>(resolve => { settle = resolve })
      waiters.add(settle)
      start()
      poll()
      return { settled, cancel: () => { waiters.delete(settle) } }
    },
    async close() {
      isClosed = true
      clearTimeout(pollTimer)
      wake()
      await listener?.close()
    },
  }
}
