/**
 * Coalesces work: keys asked for while a run is in progress wait and go together into the next run.
 * With one database connection (PGlite) every query costs a round trip and a turn in the queue, so one
 * query or transaction for many concurrent requests is what keeps throughput up; an idle caller is served at once.
 */
export interface Batcher<K, V> { load(key: K): Promise<V> }

export interface BatcherOptions {
  /**
   * An error that the keys waiting meanwhile would meet too (the database went away): they fail with it at once
   * instead of waiting for a run of their own, so that no caller waits through two timeouts.
   */
  readonly isFault?: (error: unknown) => boolean
}

export function createBatcher<K, V>(loadMany: (keys: readonly K[]) => Promise<readonly V[]>, maxBatch = 512, options: BatcherOptions = {}): Batcher<K, V> {
  let waiting: { key: K; resolve(v: V): void; reject(e: unknown): void }[] = []
  let running = false

  async function run(): Promise<void> {
    if (running) return
    running = true
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, maxBatch)
        waiting = waiting.slice(batch.length)
        try {
          const values = await loadMany(batch.map(w => w.key))
          batch.forEach((w, i) => w.resolve(values[i]!))
        } catch (error) {
          for (const w of batch) w.reject(error)
          if (options.isFault?.(error)) {
            for (const w of waiting) w.reject(error)
            waiting = []
          }
        }
      }
    } finally {
      running = false
    }
  }

  return {
    load(key) {
      return new Promise<V>((resolve, reject) => {
        waiting.push({ key, resolve, reject })
        void run()
      })
    },
  }
}
