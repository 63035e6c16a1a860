import { EventEmitter } from 'node:events'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { DatabaseUnavailableError } from './faults.js'
import type { Database } from './schema.js'
import type { Db, DbFault } from './index.js'

/**
 * The channel a topic is sent on: the topic with the schema the connection works in, so that gateways (and test
 * runs) sharing one PostgreSQL database in separate schemas hear only their own. Computed by the server on both
 * sides, from the same search_path; at most 63 bytes, as PostgreSQL identifiers are (a shared prefix of two long
 * schema names makes a wake-up that was not needed, never a missed one).
 */
const channelOf = (topic: string) => sql<string>`left(${topic} || '_' || current_schema(), 63)`

/**
 * Sends `topic` (NOTIFY) in the caller's transaction: listeners hear it once the transaction commits, never when it
 * rolls back, and several in one transaction are heard as one.
 */
export async function notify(trx: Db, topic: string): Promise<void> {
  await sql`select pg_notify(${channelOf(topic)}, '')`.execute(trx)
}

export interface ListenHooks {
  /** A notification of the topic arrived, or may have been missed (the channel was (re)established). */
  readonly onNotify: () => void
  /** Whether notifications are being heard now: while not, the listener's owner must look for itself. */
  readonly onLive: (isLive: boolean) => void
}

export interface Listener {
  close(): Promise<void>
}

const retryMs = { first: 500, max: 10_000 }

/**
 * LISTEN on a connection of its own, outside the pool (a listening connection cannot be shared, and the pool's
 * statement timeouts must not end it). A lost connection is reported as a fault, then opened again with back-off.
 */
export function listenPostgres(config: pg.ClientConfig, topic: string, hooks: ListenHooks, faults: EventEmitter<{ fault: [DbFault] }>): Listener {
  let client: pg.Client | undefined
  let isClosed = false
  let delayMs = retryMs.first
  let timer: NodeJS.Timeout | undefined
  const schedule = (): void => {
    if (isClosed) return
    timer = setTimeout(() => void open(), delayMs)
    timer.unref()
    delayMs = Math.min(retryMs.max, delayMs * 2)
  }
  const open = async (): Promise<void> => {
    const c = new pg.Client(config)
    client = c
    let isLost = false
    const lost = (error: Error): void => {
      if (isLost) return
      isLost = true
      hooks.onLive(false)
      c.end().catch(() => undefined)
      if (isClosed) return
      faults.emit('fault', { error })
      schedule()
    }
    // Without these listeners pg would emit an unhandled 'error' and end the process.
    c.on('error', lost)
    c.on('end', () => lost(new DatabaseUnavailableError('the listening connection ended', 'connection_lost')))
    c.on('notification', () => hooks.onNotify())
    try {
      await c.connect()
      const { rows } = await c.query<{ channel: string }>(`select left($1 || '_' || current_schema(), 63) as channel`, [topic])
      await c.query(`listen "${rows[0]!.channel.replace(/"/g, '""')}"`)
    } catch (error) {
      lost(error as Error)
      return
    }
    if (isClosed) {
      await c.end().catch(() => undefined)
      return
    }
    delayMs = retryMs.first
    hooks.onLive(true)
    hooks.onNotify()
  }
  void open()
  return {
    async close() {
      isClosed = true
      clearTimeout(timer)
      await client?.end().catch(() => undefined)
    },
  }
}

/**
 * LISTEN on PGlite's one connection, as an ordinary statement (so never inside another caller's transaction); its
 * notifications come from the worker thread. After the embedded database is reopened it listens again.
 */
export function listenEmbedded(
  db: Kysely<Database>, topic: string, hooks: ListenHooks,
  notifications: EventEmitter<{ notification: [string] }>, faults: EventEmitter<{ fault: [DbFault] }>,
): Listener {
  let channel: string | undefined
  let isClosed = false
  let delayMs = retryMs.first
  let timer: NodeJS.Timeout | undefined
  const onNotification = (name: string): void => { if (name === channel) hooks.onNotify() }
  const schedule = (): void => {
    if (isClosed) return
    clearTimeout(timer)
    timer = setTimeout(() => void open(), delayMs)
    timer.unref()
    delayMs = Math.min(retryMs.max, delayMs * 2)
  }
  const onFault = (): void => {
    hooks.onLive(false)
    schedule()
  }
  const open = async (): Promise<void> => {
    try {
      const { rows } = await sql<{ channel: string }>`select ${channelOf(topic)} as channel`.execute(db)
      channel = rows[0]!.channel
      await sql`listen ${sql.id(channel)}`.execute(db)
    } catch {
      schedule()
      return
    }
    if (isClosed) return
    delayMs = retryMs.first
    hooks.onLive(true)
    hooks.onNotify()
  }
  notifications.on('notification', onNotification)
  faults.on('fault', onFault)
  void open()
  return {
    async close() {
      isClosed = true
      clearTimeout(timer)
      notifications.off('notification', onNotification)
      faults.off('fault', onFault)
    },
  }
}
