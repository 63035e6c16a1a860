import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.js'

export interface StatisticsKeeperOptions {
  /** How often the tables' sizes are compared with those their statistics were taken at. */
  readonly intervalMs?: number
  /** The first look, after the start (a data folder of an older version may never have been analyzed). */
  readonly firstAfterMs?: number
  /** Submissions are in flight: the look waits for a quiet moment, but never longer than `maxLagMs`. */
  readonly busy?: () => boolean
  readonly maxLagMs?: number
  /** After each look, with the tables it analyzed. */
  readonly onRun?: (analyzed: readonly string[]) => void
  readonly onError?: (error: unknown) => void
}

export interface StatisticsKeeper {
  /** Analyzes each table never analyzed, or grown by a fifth since its statistics were taken; resolves with their names. */
  run(): Promise<string[]>
  start(): void
  stop(): Promise<void>
}

/** A table this small is read whole whatever the planner thinks of it. */
const minPages = 8
/** Growth in pages that makes a table's statistics stale (autovacuum's default is a tenth of the rows changed). */
const staleGrowth = 1.2

/**
 * The embedded database has no autovacuum daemon (PGlite is PostgreSQL in a single process), so nothing would ever
 * take statistics of its tables: every query would be planned from the tables' sizes alone, and some of them (the
 * events feed, the states of a page of documents) would then read whole tables. This does the part of autovacuum
 * that planning needs: a table never analyzed, or whose size has grown by a fifth since ANALYZE last counted it, is
 * analyzed. ANALYZE reads a sample of at most 30,000 rows, so it costs about the same on a table of any size, and
 * it runs one table at a time, between submissions.
 */
export function createStatisticsKeeper(db: Kysely<Database>, options: StatisticsKeeperOptions = {}): StatisticsKeeper {
  const intervalMs = options.intervalMs ?? 60_000
  const maxLagMs = options.maxLagMs ?? 10 * 60_000
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false
  let dueSince: number | undefined

  async function run(): Promise<string[]> {
    const { rows } = await sql<{ name: string; counted: number; tuples: number; pages: number }>`
      select c.relname as name, c.relpages as counted, c.reltuples as tuples, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r'
      order by c.relname`.execute(db)
    // Never analyzed (reltuples -1): the planner takes even an empty table for ten pages of rows.
    const stale = rows.filter(t => Number(t.tuples) < 0 || (Number(t.pages) >= minPages && Number(t.pages) > Number(t.counted) * staleGrowth)).map(t => t.name)
    for (const name of stale) {
      if (stopped) break
      await sql`analyze ${sql.table(name)}`.execute(db)
    }
    return stale
  }

  function schedule(delayMs: number): void {
    if (stopped) return
    timer = setTimeout(tick, delayMs)
    timer.unref()
  }

  function tick(): void {
    dueSince ??= performance.now()
    if (options.busy?.() && performance.now() - dueSince < maxLagMs) return schedule(1_000)
    dueSince = undefined
    running = run().then(analyzed => options.onRun?.(analyzed), error => options.onError?.(error)).finally(() => {
      running = undefined
      schedule(intervalMs)
    })
  }

  return {
    run,
    start: () => schedule(options.firstAfterMs ?? 10_000),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
