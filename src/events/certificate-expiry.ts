import { sql } from 'kysely'
import type { Db } from '../db/index.js'
import { lockAuditChain } from '../audit/index.js'
import { localDate, type BackgroundWork, type Clock } from '../lib/index.js'
import { appendEvents } from './append.js'

/** The event type of a client whose certificate ends within CERT_EXPIRY_WARN (SPEC.md §3). */
export const certificateExpiringType = 'client.certificate_expiring'

/**
 * Appends one `client.certificate_expiring` event for each client that has an unrevoked certificate ending within
 * `warnMs` of `now` and none valid beyond it (a client that added its next certificate has done what the warning
 * asks), unless it had one already on this local day. Exactly once a day per client, also with several instances
 * on one database: each client's check and append run under the lock every event writer takes (held to commit),
 * and a partial unique index stands behind it. Resolves with the number of events written.
 */
export async function warnExpiringCertificates(db: Db, now: Date, warnMs: number): Promise<number> {
  const warnUntil = new Date(now.getTime() + warnMs)
  const rows = await db.selectFrom('client_certificates')
    .select(['client_id', 'fingerprint', 'not_after'])
    .where('revoked_at', 'is', null).where('not_after', '>', now)
    .orderBy('client_id').orderBy('not_after')
    .execute()
  const renewed = new Set(rows.filter(r => r.not_after > warnUntil).map(r => r.client_id))
  const soonest = new Map<string, { fingerprint: string; notAfter: Date }>()
  for (const r of rows) {
    if (r.not_after <= warnUntil && !renewed.has(r.client_id) && !soonest.has(r.client_id)) soonest.set(r.client_id, { fingerprint: r.fingerprint, notAfter: r.not_after })
  }
  const day = localDate(now)
  let written = 0
  for (const [clientId, certificate] of soonest) {
    const added = await db.transaction().execute(async trx => {
      await lockAuditChain(trx)
      const already = await trx.selectFrom('events').select('seq')
        .where('type', '=', certificateExpiringType).where('client_id', '=', clientId).where(sql<string>`data ->> 'day'`, '=', day)
        .executeTakeFirst()
      if (already) return false
      await appendEvents(trx, [{
        at: now, type: certificateExpiringType, clientId,
        data: { day, fingerprint: certificate.fingerprint, notAfter: certificate.notAfter.toISOString() },
      }])
      return true
    })
    if (added) written++
  }
  return written
}

/** Checks hourly (and at start) so that a client hears of it on the first hour of each day, calls or no calls. */
export function createExpiryWarnings(db: Db, clock: Clock, options: { readonly warnMs: number; readonly everyMs?: number; readonly onError?: (error: unknown) => void }): BackgroundWork {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined
  const runDue = (): Promise<number> => (running ??= warnExpiringCertificates(db, clock.now(), options.warnMs).finally(() => { running = undefined }))
  const tick = (): void => { runDue().catch(error => options.onError?.(error)) }
  return {
    runDue,
    nudge: tick,
    start() {
      if (timer) return
      tick()
      timer = setInterval(tick, options.everyMs ?? 3_600_000)
      timer.unref()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running?.catch(() => undefined)
    },
  }
}
