/**
 * Tiny helpers that know nothing of the gateway: each file stands alone and imports nothing of ours.
 * worker-host.ts is not here: it is the entry module of a worker thread, started by worker-pool.ts.
 */

/** The application's clock, passed in so tests can set the time; the real one. */
export { systemClock } from './clock.js'
export type { Clock } from './clock.js'

/** Calendar dates (YYYY-MM-DD) in Central European time, periods (YYYY-MM) and ISO 8601 instants. */
export { localDate, daysBetween, lastDayOfMonth, isCalendarDate, parseInstant, isPeriod } from './dates.js'

/** Working-day calendars as data with validity dates (Slovenia's public holidays, Slovakia's days of rest), Easter computed. */
export { addDays, easterSunday, workingDayCalendar, slovakCalendar, slovakHolidays, slovenianCalendar, slovenianHolidays } from './calendar/index.js'
export type { Holiday, WorkingDayCalendar } from './calendar/index.js'

/** `30s` → milliseconds and `32MiB` → bytes, with the patterns config.ts checks against. */
export { durationPattern, parseDuration, sizePattern, parseSize } from './durations.js'

/** Lower-case hexadecimal SHA-256 of a string (UTF-8) or bytes. */
export { sha256Hex } from './hash.js'

/** Time-ordered UUIDs for new rows, and the pattern any UUID matches. */
export { newId, uuidPattern } from './ids.js'

/** Root of the project tree (package.json, xsd/, codelists/), also when running from dist/. */
export { projectRoot } from './paths.js'

/** A promise raced against a timer. */
export { within } from './timeout.js'

/** Gathers concurrent single-key loads into one batched load. */
export { createBatcher } from './batcher.js'
export type { Batcher, BatcherOptions } from './batcher.js'

/** A pool of worker threads running handler modules, with the size above which a task counts as large. */
export { createWorkerPool, largeTaskBytes } from './worker-pool.js'
export { startWorker, workerEnv } from './threads.js'
export type { WorkerPool, WorkerPoolOptions, PoolTask, Refusal } from './worker-pool.js'

/** The shape of a process's background work: run what is due, nudge, start, stop. */
export type { BackgroundWork } from './background.js'
