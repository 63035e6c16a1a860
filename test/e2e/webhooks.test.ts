import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { reopenableDb } from '../helpers/db.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { startReceiver, type TestReceiver } from '../helpers/receiver.js'
import { projectRoot } from '../../src/lib/index.js'
import { addMandate, revokeMandate } from '../../src/operator/index.js'
import type { Pem } from '../../src/pki/index.js'

// Webhooks (SPEC.md §4b) end to end: real TLS to the gateway, real HTTP receivers on 127.0.0.1, nothing mocked.
// Time is the gateway's clock, moved by the test; the worker is driven with runDue() as the poll would drive it.
// The clock starts now, because a receiver checks `webhook-timestamp` against its own clock (Standard Webhooks).

const pki = testPki()
const PRIMER = '45678138'
const VZOR = '2021234501'
const SOLE_TRADER = '38172658'
const m1 = readFileSync(join(projectRoot, 'examples', 'si', 'm1.xml'), 'utf8')
const sk = (name: string): string => readFileSync(join(projectRoot, 'examples', 'sk', name), 'utf8')
/** The example M1 with its own external id: a document of its own (the same bytes would be a duplicate). */
const m1As = (externalId: string): string => m1.replace('<ZunanjiId>HR-2025-0117</ZunanjiId>', `<ZunanjiId>${externalId}</ZunanjiId>`)
const json = { 'content-type': 'application/json' }
const HOUR = 3_600_000

function settableClock() {
  let now = Date.now()
  return { now: () => new Date(now), advance: (ms: number) => { now += ms } }
}

async function subscribe(gw: TestGateway, as: Pem, url: string, types?: string[]): Promise<{ id: string; secret: string }> {
  const res = await gw.call({ path: '/api/v1/webhooks', as, body: JSON.stringify({ url, ...(types ? { types } : {}) }), headers: json })
  if (res.status !== 201) throw new Error(`subscribing answered ${res.status}: ${res.text}`)
  return res.json
}

async function file(gw: TestGateway, as: Pem, body: string): Promise<any> {
  const res = await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })
  if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${res.text}`)
  return res.json
}

const view = async (gw: TestGateway, as: Pem, id: string): Promise<any> => (await gw.call({ path: `/api/v1/documents/${id}`, as })).json

/** Waits (briefly, polling) until the receiver holds `count` requests; for the tests that watch the real poll. */
async function receivedAtLeast(receiver: TestReceiver, count: number, withinMs = 10_000): Promise<void> {
  const until = Date.now() + withinMs
  while (receiver.received.length < count) {
    if (Date.now() > until) throw new Error(`the receiver got ${receiver.received.length} of ${count} requests within ${withinMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** The deliveries of one subscription, in the order the receiver got them. */
function byDocument(events: any[]): Map<string, any[]> {
  const map = new Map<string, any[]>()
  for (const e of events) map.set(e.document.id, [...(map.get(e.document.id) ?? []), e])
  return map
}

const metric = async (gw: TestGateway, series: string): Promise<number | undefined> => {
  const text = (await gw.call({ path: '/metrics' })).text
  const line = text.split('\n').find(l => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('every history row of documents of several lifecycles arrives once, signed, in order per document', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock })
  const as = pki.client
  const clientId = await gw.register(as, { taxNumber: PRIMER })
  await addMandate(gw.services.db, { employer: VZOR, clientId }, clock.now())
  const receiver = await startReceiver(t)
  const { id: subscriptionId, secret } = await subscribe(gw, as, receiver.url)

  // Slovenian forms are processed at once (PROCESSING_DELAY 0s): the second M1 of Ana's insurance is refused.
  const processedM1 = await file(gw, as, m1)
  await gw.services.lifecycle.timers.runDue()
  const refusedM1 = await file(gw, as, m1As('HR-2025-0117-again'))
  // Slovak documents are forwarded 30 s after acceptance (TEST_FORWARD_DELAY): one is cancelled before that.
  const cancelled = await file(gw, as, sk('rlfo.xml'))
  t.equal((await gw.call({ method: 'POST', path: `/api/v1/documents/${cancelled.id}/storno`, as })).status, 200)
  const rlfo = await file(gw, as, sk('rlfo-peter.xml'))
  const report = await file(gw, as, sk('mvp.xml'))
  // The poll delivers as events arrive; runDue finishes what is under way.
  await gw.services.lifecycle.timers.runDue()
  await gw.services.webhooks.runDue()
  clock.advance(30_000)
  await gw.services.lifecycle.timers.runDue()
  clock.advance(30_000)
  await gw.services.lifecycle.timers.runDue()
  await gw.services.webhooks.runDue()

  const events = receiver.verified(secret)
  t.equal(events.length, receiver.received.length, 'every request carries a valid signature')
  const ids = events.map(e => e.id)
  t.equal(new Set(ids).size, ids.length, 'no event twice')
  t.same(receiver.received.map(r => r.headers['webhook-id']), events.map(e => e.id), 'webhook-id is the event id')
  t.ok(receiver.received.every(r => /^v1,[A-Za-z0-9+/]+=*$/.test(String(r.headers['webhook-signature'])) && r.headers['content-type'] === 'application/json'),
    'webhook-signature v1, JSON bodies')
  const documents = [processedM1, refusedM1, cancelled, rlfo, report]
  const received = byDocument(events)
  t.same([...received.keys()].sort(), documents.map(d => d.id).sort(), 'events of exactly the filed documents')
  for (const doc of documents) {
    const history = (await view(gw, as, doc.id)).history
    const got = received.get(doc.id) ?? []
    t.same(got.map(e => [e.acceptance, e.processing, e.reason]), history.map((h: any) => [h.acceptance, h.processing, h.reason]), `${doc.type} ${doc.id}: each history row once, in order`)
    t.same(got.map(e => Number(e.seq)), got.map(e => Number(e.seq)).sort((a, b) => a - b), 'in seq order')
    t.match(got[0], { type: 'document.state_changed', document: { id: doc.id, number: doc.number, type: doc.type, employer: doc.employer } })
  }
  t.match((received.get(processedM1.id) ?? []).at(-1), { processing: 'processed' })
  t.match((received.get(refusedM1.id) ?? []).at(-1), { processing: 'refused' })
  t.match((received.get(cancelled.id) ?? []).at(-1), { acceptance: 'cancelled' })
  t.ok((received.get(rlfo.id) ?? []).some(e => e.processing === 'forwarded'), 'the RLFO was forwarded')
  t.ok((received.get(report.id) ?? []).length >= 2, 'the report went through its register check')

  // The pull feed and the pushes are the same events.
  const rows = await gw.services.db.selectFrom('webhook_deliveries').select(['event_id', 'delivered_at', 'attempts']).where('subscription_id', '=', subscriptionId).execute()
  t.equal(rows.length, events.length)
  t.ok(rows.every(r => r.delivered_at !== null && r.attempts === 1), 'each delivered at the first attempt')
  t.equal(await metric(gw, 'ehrs_webhook_deliveries_total{outcome="delivered"}'), events.length)
  t.notMatch(gw.logs(), /\/hook|Žagar|1204990505126/, 'no receiver URL and no personal data in the log')
})

t.test('a receiver that answers 500 three times, then 200, gets each event once the 200 comes', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h' } })
  await gw.services.webhooks.stop()
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  const receiver = await startReceiver(t, n => (n < 3 ? 500 : 200))
  const { secret } = await subscribe(gw, as, receiver.url)
  const doc = await file(gw, as, m1)

  t.equal(await gw.services.webhooks.runDue(), 1, 'the first attempt')
  t.equal(await gw.services.webhooks.runDue(), 0, 'nothing is due again before its back-off')
  for (const waitMs of [1_000, 2_000, 4_000]) {
    clock.advance(waitMs)
    t.equal(await gw.services.webhooks.runDue(), 1, `retried after ${waitMs} ms at the latest`)
  }
  t.equal(await gw.services.webhooks.runDue(), 0, 'delivered: nothing more')
  t.same(receiver.received.map(r => r.headers['webhook-id']), Array(4).fill(receiver.received[0]!.headers['webhook-id']), 'the same message each time')
  t.same(new Set(receiver.received.map(r => r.body)).size, 1, 'byte for byte')
  const [event] = receiver.verified(secret).slice(-1)
  t.match(event, { document: { id: doc.id }, reason: 'received' })
  clock.advance(HOUR)
  t.equal(await gw.services.webhooks.runDue(), 0, 'a delivered event is never sent again')
  t.equal(await metric(gw, 'ehrs_webhook_deliveries_total{outcome="failed"}'), 3)
  t.equal(await metric(gw, 'ehrs_webhook_deliveries_total{outcome="delivered"}'), 1)
})

t.test('a receiver that never answers slows neither submissions nor another receiver', async t => {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h', WEBHOOK_TIMEOUT: '2s', RATE_LIMIT: '1000/s' } })
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  const rounds = 20
  const latencies = async (prefix: string): Promise<number[]> => {
    const ms: number[] = []
    for (let i = 0; i < rounds; i++) {
      const started = performance.now()
      await file(gw, as, m1As(`${prefix}-${i}`))
      ms.push(performance.now() - started)
    }
    return ms.sort((a, b) => a - b)
  }
  await latencies('warm-up')
  await gw.services.webhooks.runDue()
  const without = await latencies('without')

  const dead = await startReceiver(t, () => 'hang')
  const alive = await startReceiver(t)
  await subscribe(gw, as, dead.url)
  await subscribe(gw, as, alive.url)
  const started = performance.now()
  const withDead = await latencies('with')
  await receivedAtLeast(alive, rounds)
  const aliveMs = performance.now() - started
  const median = (ms: number[]): number => ms[Math.floor(ms.length / 2)]!
  t.comment(`submission latency without a subscription: median ${median(without).toFixed(1)} ms, max ${without.at(-1)!.toFixed(1)} ms`)
  t.comment(`with a receiver that never answers: median ${median(withDead).toFixed(1)} ms, max ${withDead.at(-1)!.toFixed(1)} ms`)
  t.comment(`the other receiver had all ${rounds} events ${aliveMs.toFixed(0)} ms after the first submission`)
  t.ok(median(withDead) < median(without) * 3 + 50, 'submissions are not slowed by the dead receiver')
  t.ok(withDead.at(-1)! < 2_000, 'no submission waited for a webhook attempt (WEBHOOK_TIMEOUT 2s)')
  // Attempts that timed out are retried later (more of them on a slow machine), but never more than 4 at once.
  t.ok(dead.received.length >= 1 && dead.peakOpen() <= 4, `at most 4 attempts at once to one receiver (${dead.peakOpen()} of ${dead.received.length})`)
  t.equal(new Set(alive.received.map(r => r.headers['webhook-id'])).size, rounds, 'the other receiver got every event, once')
})

t.test('a delivery claimed by a gateway killed mid-attempt is attempted again once its lease is over', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h', WEBHOOK_TIMEOUT: '5s' } })
  await gw.services.webhooks.stop()
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  const receiver = await startReceiver(t, () => 503)
  const { secret } = await subscribe(gw, as, receiver.url)
  const doc = await file(gw, as, m1)
  await gw.services.webhooks.runDue()
  t.equal(receiver.received.length, 1, 'attempted once, refused')
  // What a claim leaves when its gateway dies before the outcome is written: the lease, and one attempt more.
  const leaseEnd = new Date(clock.now().getTime() + 5_000 + 60_000)
  await gw.services.db.updateTable('webhook_deliveries').set(eb => ({ due_at: leaseEnd, attempts: eb('attempts', '+', 1) })).execute()
  receiver.answer(() => 200)
  clock.advance(60_000)
  t.equal(await gw.services.webhooks.runDue(), 0, 'not while another gateway may still be attempting it')
  clock.advance(5_000)
  t.equal(await gw.services.webhooks.runDue(), 1, 'attempted once the lease is over')
  t.same(receiver.verified(secret).map(e => e.document.id), [doc.id, doc.id], 'the same event, refused before the kill and accepted after the lease')
  const [row] = await gw.services.db.selectFrom('webhook_deliveries').select(['delivered_at', 'attempts']).execute()
  t.ok(row!.delivered_at, 'delivered')
})

t.test('deliveries pending when the gateway stops are delivered after it starts again', async t => {
  const clock = settableClock()
  const database = await reopenableDb(t)
  const first = await database.open()
  const before = await startGateway(t, { clock, db: first, env: { PROCESSING_DELAY: '1h' } })
  const as = pki.client
  await before.register(as, { taxNumber: PRIMER })
  const receiver = await startReceiver(t, () => 503)
  const { secret } = await subscribe(before, as, receiver.url)
  const docs = [await file(before, as, m1), await file(before, as, m1As('HR-restart-2'))]
  await before.services.webhooks.runDue()
  t.ok(receiver.received.length >= 2, 'attempted, and refused by the receiver')
  await before.stop()
  await first.close()

  receiver.answer(() => 200)
  const accepted = receiver.received.length
  clock.advance(60_000)
  const second = await database.open()
  t.teardown(() => second.close())
  const after = await startGateway(t, { clock, db: second })
  await after.services.webhooks.runDue()
  const events = receiver.verified(secret).slice(accepted)
  t.same(events.map(e => e.document.id).sort(), docs.map(d => d.id).sort(), 'each pending event delivered after the restart, once')
  const pending = await second.db.selectFrom('webhook_deliveries').select('id').where('delivered_at', 'is', null).execute()
  t.equal(pending.length, 0, 'none left')
})

t.test('a receiver gets only its own client\'s events: two clients, and a mandate that ends', async t => {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
  await gw.services.webhooks.stop()
  const own = pki.client
  const agent = pki.otherClient
  const ownId = await gw.register(own, { taxNumber: PRIMER })
  const agentId = await gw.register(agent, { taxNumber: SOLE_TRADER })
  const mandate = await addMandate(gw.services.db, { employer: PRIMER, clientId: agentId }, new Date())
  const ownReceiver = await startReceiver(t)
  const agentReceiver = await startReceiver(t)
  const ownHook = await subscribe(gw, own, ownReceiver.url)
  const agentHook = await subscribe(gw, agent, agentReceiver.url, ['document.state_changed'])
  t.not(ownHook.secret, agentHook.secret, 'a secret per subscription')

  const byEmployer = await file(gw, own, m1)
  const byAgent = await file(gw, agent, fixture('si/m1/valid-sole-trader.xml').toString('utf8'))
  await gw.services.webhooks.runDue()
  t.same(ownReceiver.verified(ownHook.secret).map(e => e.document.id), [byEmployer.id], 'the employer\'s program: its own filing only')
  t.same(agentReceiver.verified(agentHook.secret).map(e => e.document.id).sort(), [byEmployer.id, byAgent.id].sort(), 'the agent: its own, and the employer\'s it holds a mandate for')

  await revokeMandate(gw.services.db, mandate.id, new Date())
  const afterMandate = await file(gw, own, m1As('HR-after-mandate'))
  await gw.services.webhooks.runDue()
  t.same(ownReceiver.verified(ownHook.secret).map(e => e.document.id), [byEmployer.id, afterMandate.id])
  t.notOk(agentReceiver.verified(agentHook.secret).some(e => e.document.id === afterMandate.id), 'once the mandate ends, the agent gets none of the employer\'s events')
  t.equal(ownReceiver.received.length + agentReceiver.received.length, 4, 'nothing else was sent')
})

t.test('an event undelivered after WEBHOOK_MAX_AGE is given up: the subscription is failing, counted, audited', async t => {
  const clock = settableClock()
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h', WEBHOOK_MAX_AGE: '2h' } })
  // One event only: the document stays unprocessed while the clock moves on.
  await gw.services.lifecycle.timers.stop()
  await gw.services.webhooks.stop()
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  const receiver = await startReceiver(t, () => 500)
  const hook = await subscribe(gw, as, receiver.url)
  await file(gw, as, m1)
  await gw.services.webhooks.runDue()
  for (let i = 0; i < 30 && clock.now().getTime() - Date.now() < 2 * HOUR + 60_000; i++) {
    clock.advance(10 * 60_000)
    await gw.services.webhooks.runDue()
  }
  const attempts = receiver.received.length
  t.ok(attempts >= 3, `retried with back-off until the event was 2 h old (${attempts} attempts)`)
  const [row] = await gw.services.db.selectFrom('webhook_deliveries').selectAll().execute()
  t.ok(row!.given_up_at, 'given up')
  t.equal(row!.last_status, 500)
  clock.advance(24 * HOUR)
  t.equal(await gw.services.webhooks.runDue(), 0, 'never tried again')
  t.match((await gw.call({ path: '/api/v1/webhooks', as })).json.items, [{ id: hook.id, status: 'failing' }])
  t.equal(await metric(gw, 'ehrs_webhook_subscriptions_failing'), 1)
  t.equal(await metric(gw, 'ehrs_webhook_deliveries_total{outcome="given_up"}'), 1)
  const audit = await gw.services.db.selectFrom('audit_log').select(['action', 'subject']).where('action', 'like', 'webhook.%').orderBy('seq').execute()
  t.same(audit, [{ action: 'webhook.subscribed', subject: hook.id }, { action: 'webhook.failing', subject: hook.id }])
  const feed = await gw.call({ path: '/api/v1/events?limit=500', as })
  t.match(feed.json.items.filter((e: { type: string }) => e.type !== 'document.state_changed'),
    [{ type: 'webhook.subscription_failing', subscription: { id: hook.id } }], 'the client\'s feed has the failing event')

  // A later event delivered: the subscription is active again.
  receiver.answer(() => 200)
  await file(gw, as, m1As('HR-later'))
  await gw.services.webhooks.runDue()
  t.match((await gw.call({ path: '/api/v1/webhooks', as })).json.items, [{ id: hook.id, status: 'active' }])
  t.equal(await metric(gw, 'ehrs_webhook_subscriptions_failing'), 0)
  const after = await gw.call({ path: '/api/v1/events?limit=500', as })
  t.match(after.json.items.filter((e: { type: string }) => e.type !== 'document.state_changed').map((e: { type: string }) => e.type),
    ['webhook.subscription_failing', 'webhook.subscription_recovered'])
  await gw.register(pki.otherClient, { taxNumber: SOLE_TRADER })
  t.same((await gw.call({ path: '/api/v1/events?limit=500', as: pki.otherClient })).json.items, [], 'another client never sees them')
})

t.test('a redirect is not followed: a 3xx is a failed attempt', async t => {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
  await gw.services.webhooks.stop()
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  const elsewhere = await startReceiver(t)
  const redirecting = await startReceiver(t, () => ({ status: 307, headers: { location: elsewhere.url } }))
  await subscribe(gw, as, redirecting.url)
  await file(gw, as, m1)
  await gw.services.webhooks.runDue()
  t.equal(redirecting.received.length, 1)
  t.equal(elsewhere.received.length, 0, 'nothing reached the redirect\'s target')
  const [row] = await gw.services.db.selectFrom('webhook_deliveries').selectAll().execute()
  t.match(row, { delivered_at: null, given_up_at: null, last_status: 307, last_error: 'redirect 307 not followed' })
})

t.test('subscriptions: URL and types checked, the secret shown once, 10 per client, another client\'s ids are 404', async t => {
  const gw = await startGateway(t)
  const as = pki.client
  await gw.register(as, { taxNumber: PRIMER })
  await gw.register(pki.otherClient, { taxNumber: SOLE_TRADER })
  const post = (body: unknown, headers: Record<string, string> = json) =>
    gw.call({ path: '/api/v1/webhooks', as, body: typeof body === 'string' ? body : JSON.stringify(body), headers })

  const created = await post({ url: 'https://receiver.example/hooks', types: ['document.state_changed'] })
  t.equal(created.status, 201)
  t.match(created.json, { url: 'https://receiver.example/hooks', types: ['document.state_changed'], secret: /^whsec_[A-Za-z0-9+/]{43}=$/ })
  for (const url of ['http://127.0.0.1:8080/hook', 'http://127.8.9.10/hook', 'http://localhost:3000/', 'http://[::1]:9000/x?token=1']) {
    t.equal((await post({ url })).status, 201, `${url} (loopback, for development)`)
  }
  const refusals: [unknown, RegExp][] = [
    [{ url: 'http://receiver.example/hooks' }, /https/],
    [{ url: 'http://10.0.0.7/hooks' }, /https/],
    [{ url: 'http://127.0.0.1.example.com/hooks' }, /https/],
    [{ url: 'ftp://receiver.example/hooks' }, /https/],
    [{ url: 'https://user:pass@receiver.example/hooks' }, /user name or password/],
    [{ url: 'https://receiver.example/hooks#part' }, /fragment/],
    [{ url: `https://receiver.example/${'a'.repeat(2100)}` }, /at most 2048/],
    [{ url: 'not a url' }, /spaces/],
    [{ url: 'receiver.example/hooks' }, /not a URL/],
    [{ url: 42 }, /https/],
    [{}, /https/],
    [{ url: 'https://receiver.example/', types: [] }, /types/],
    [{ url: 'https://receiver.example/', types: ['document.deleted'] }, /types/],
    [{ url: 'https://receiver.example/', secret: 'mine' }, /Unknown field secret/],
    ['[1]', /JSON object/],
    ['{"url": ', /not JSON/],
  ]
  for (const [body, detail] of refusals) {
    const res = await post(body)
    t.same([res.status, res.json.code], [400, 'INVALID_REQUEST'], JSON.stringify(body).slice(0, 80))
    t.match(res.json.detail, detail)
  }
  t.match((await post({ url: 'https://receiver.example/' }, { 'content-type': 'text/plain' })).json, { status: 400, detail: /application\/json/ })

  const listed = await gw.call({ path: '/api/v1/webhooks', as })
  t.equal(listed.status, 200)
  t.equal(listed.json.items.length, 5)
  t.notOk(listed.text.includes('whsec_'), 'the secret is never shown again')
  t.match(listed.json.items[0], { id: created.json.id, status: 'active', failingSince: null, disabledAt: null })
  for (let i = listed.json.items.length; i < 10; i++) t.equal((await post({ url: `https://receiver.example/${i}` })).status, 201)
  const eleventh = await post({ url: 'https://receiver.example/11' })
  t.same([eleventh.status, eleventh.json.code], [400, 'INVALID_REQUEST'])
  t.match(eleventh.json.detail, /at most 10/)

  const other = await gw.call({ method: 'DELETE', path: `/api/v1/webhooks/${created.json.id}`, as: pki.otherClient })
  t.same([other.status, other.json.code], [404, 'ROUTE_NOT_FOUND'], 'another client\'s subscription does not exist for it')
  t.equal((await gw.call({ method: 'DELETE', path: '/api/v1/webhooks/01234567-89ab-7def-8123-456789abcdef', as })).status, 404)
  t.equal((await gw.call({ method: 'DELETE', path: '/api/v1/webhooks/nope', as })).status, 404)
  const deleted = await gw.call({ method: 'DELETE', path: `/api/v1/webhooks/${created.json.id}`, as })
  t.same([deleted.status, deleted.text], [204, ''])
  t.equal((await gw.call({ method: 'DELETE', path: `/api/v1/webhooks/${created.json.id}`, as })).status, 204, 'deleting again changes nothing')
  t.match((await gw.call({ path: '/api/v1/webhooks', as })).json.items[0], { id: created.json.id, status: 'disabled', disabledAt: /Z$/ })
  t.equal((await post({ url: 'https://receiver.example/again' })).status, 201, 'a disabled subscription leaves room for another')
  t.same((await gw.call({ path: '/api/v1/webhooks', as: pki.otherClient })).json.items, [], 'each client sees its own')
})

t.test('two gateway instances on one PostgreSQL: each event is delivered once', async t => {
  const database = await reopenableDb(t)
  if (!database.shared) {
    t.comment('runs with DATABASE_URL: PGlite serves one process')
    return
  }
  const [a, b] = [await database.open(), await database.open()]
  t.teardown(() => Promise.all([a.close(), b.close()]))
  const one = await startGateway(t, { db: a, env: { PROCESSING_DELAY: '1h' } })
  const two = await startGateway(t, { db: b, env: { PROCESSING_DELAY: '1h' } })
  const as = pki.client
  await one.register(as, { taxNumber: PRIMER })
  const receiver = await startReceiver(t)
  const { secret } = await subscribe(one, as, receiver.url)
  const filed = []
  for (let i = 0; i < 12; i++) filed.push(await file(i % 2 === 0 ? one : two, as, m1As(`HR-two-${i}`)))
  await Promise.all([one.services.webhooks.runDue(), two.services.webhooks.runDue(), one.services.webhooks.runDue(), two.services.webhooks.runDue()])
  await Promise.all([one.services.webhooks.runDue(), two.services.webhooks.runDue()])
  const ids = receiver.verified(secret).map(e => e.document.id)
  t.same([...ids].sort(), filed.map(d => d.id).sort(), 'each event once, by whichever instance claimed it')
})
