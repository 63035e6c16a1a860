import type { Db } from '../db/index.js'
import type { Caller } from '../identity/index.js'
import { readEvents } from '../events/index.js'

const pageSize = 500

/**
 * Turns the events after each active subscription's cursor into deliveries (SPEC.md §4b): those of the documents
 * its client may see at this moment (readEvents, the feed's own rule) and of the types it asked for. Each
 * subscription is dispatched in a transaction of its own that holds its row, so that with several instances one
 * of them does it and the others skip it; the cursor moves in the same transaction as the rows it stands for.
 * Returns how many deliveries were added.
 */
export async function dispatchEvents(db: Db, now: Date): Promise<number> {
  const head = await db.selectFrom('events').select(eb => eb.fn.max('seq').as('seq')).executeTakeFirst()
  const latest = Number(head?.seq ?? 0)
  const behind = await db.selectFrom('webhook_subscriptions').select('id')
    .where('disabled_at', 'is', null).where('last_seq', '<', latest).orderBy('id').execute()
  let added = 0
  for (const { id } of behind) {
    for (;;) {
      const page = await dispatchPage(db, id, now)
      added += page.added
      if (!page.more) break
    }
  }
  return added
}

async function dispatchPage(db: Db, subscriptionId: string, now: Date): Promise<{ added: number; more: boolean }> {
  return db.transaction().execute(async trx => {
    const sub = await trx.selectFrom('webhook_subscriptions')
      .innerJoin('clients', 'clients.id', 'webhook_subscriptions.client_id')
      .select(['webhook_subscriptions.id', 'webhook_subscriptions.last_seq', 'webhook_subscriptions.types',
        'clients.id as client_id', 'clients.name', 'clients.tax_number', 'clients.environment', 'clients.role',
        'clients.software_vendor', 'clients.software_product', 'clients.software_version'])
      .where('webhook_subscriptions.id', '=', subscriptionId).where('webhook_subscriptions.disabled_at', 'is', null)
      .forUpdate('webhook_subscriptions').skipLocked()
      .executeTakeFirst()
    if (!sub) return { added: 0, more: false }
    // Read before the page: an event committed after it has a higher seq (seq follows commit order, see
    // lifecycle's state writer), so a cursor moved up to it never passes an event the page could not see.
    const head = await trx.selectFrom('events').select(eb => eb.fn.max('seq').as('seq')).executeTakeFirst()
    const page = await readEvents(trx, callerOf(sub), { after: String(sub.last_seq), limit: pageSize }, now)
    // A subscription's own failing (or recovery) is told to the client's feed and other receivers, not to itself.
    const wanted = page.items.filter(e => (sub.types === null || sub.types.includes(e.type)) && !('subscription' in e && e.subscription.id === sub.id))
    if (wanted.length > 0) {
      await trx.insertInto('webhook_deliveries').values(wanted.map(e => ({
        subscription_id: sub.id, event_id: e.id, event_seq: Number(e.seq), event_at: new Date(e.at), document_id: 'document' in e ? e.document.id : null,
        body: JSON.stringify(e), created_at: now, due_at: now,
      }))).onConflict(oc => oc.columns(['subscription_id', 'event_id']).doNothing()).execute()
    }
    const more = page.items.length === pageSize
    const cursor = more ? Number(page.nextAfter) : Math.max(Number(page.nextAfter), Number(head?.seq ?? 0), Number(sub.last_seq))
    if (cursor !== Number(sub.last_seq)) await trx.updateTable('webhook_subscriptions').set({ last_seq: cursor }).where('id', '=', sub.id).execute()
    return { added: wanted.length, more }
  })
}

/** The subscription's client as the feed's visibility rule takes it; no certificate is involved. */
function callerOf(row: {
  client_id: string; name: string; tax_number: string; environment: 'test' | 'production'; role: 'filer' | 'inspector'
  software_vendor: string | null; software_product: string | null; software_version: string | null
}): Caller {
  return {
    clientId: row.client_id, name: row.name, taxNumber: row.tax_number, environment: row.environment, role: row.role, fingerprint: '',
    software: row.software_vendor && row.software_product && row.software_version
      ? { vendor: row.software_vendor, product: row.software_product, version: row.software_version } : null,
  }
}

