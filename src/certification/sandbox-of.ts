import type { Db } from '../db/index.js'

/**
 * A test client's current sandbox, read from the database (a caller's may be a moment old): the newest reset's, or
 * the client's own id before its first reset; and since when it exists (null: since the client was registered).
 */
export async function currentSandbox(db: Db, clientId: string): Promise<{ sandbox: string; since: Date | null }> {
  const reset = await db.selectFrom('sandbox_resets').select(['id', 'at']).where('client_id', '=', clientId)
    .orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()
  return reset ? { sandbox: reset.id, since: reset.at } : { sandbox: clientId, since: null }
}
