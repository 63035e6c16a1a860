import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { reopenableDb, testDb } from '../helpers/db.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { projectRoot } from '../../src/lib/index.js'
import { type Pem } from '../../src/pki/index.js'
import { verifyAudit } from '../../src/audit/index.js'
import type { DbHandle } from '../../src/db/index.js'

const pki = testPki()
const cert = (commonName: string): Pem => issueCertificate(pki.ca, {
  commonName, kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})
const payroll = cert('mzdový program')
const VZOR = '2021234501'
// Filed on 2025-03-03 (09:00 in Bratislava): Jana's PREG and RLFO (PA of 2025-03-01) are within 30 days of it.
const FILED = '2025-03-03T08:00:00Z'
// 2025-03-01 00:00 CET plus the default PRELIMINARY_DEADLINE of 7 days.
const DEADLINE = '2025-03-07T23:00:00.000Z'
const preg = (): string => fixture('sk/preg/valid-pa.xml').toString()
const rlfo = (): string => fixture('sk/rlfo/valid-single-pa.xml').toString()

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, advance: (ms: number) => { now = new Date(now.getTime() + ms) }, set: (at: string) => { now = new Date(at) } }
}

function driver(gw: TestGateway, as: Pem = payroll) {
  return {
    view: async (id: string) => (await gw.call({ path: `/api/v1/documents/${id}`, as })).json,
    get: (path: string) => gw.call({ path, as }),
    post: (path: string) => gw.call({ method: 'POST', path, as }),
    async filed(body: string): Promise<any> {
      const res = await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })
      if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${JSON.stringify(res.json)}`)
      return res.json
    },
  }
}

const reasons = (view: any): string[] => view.history.map((h: any) => h.reason)
const ids = (page: any): string[] => page.items.map((d: any) => d.id)

t.test('PREG → RLFO: the RLFO filed after the preliminary registration pairs it (DOCUMENTS.md §3.7)', async t => {
  const clock = settableClock(FILED)
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw)

  const filed = await d.filed(preg())
  t.match(filed.number, /^B2503[0-9]{8}$/, 'numbered B')
  t.match(filed, { type: 'PREG', employer: VZOR, externalId: 'PREG-2025-03-001', status: { acceptance: 'accepted', processing: 'unprocessed', label: { sk: 'akceptovaný / nespracovaný' } } })
  t.same(filed.pairing, { state: 'received', deadline: DEADLINE }, 'received, with its deadline')
  t.same(filed.scheduled, { transition: 'expiry', at: DEADLINE })
  t.same((await d.view(filed.id)).pairing, filed.pairing, 'the view says the same as the answer to the filing')
  t.same(ids((await d.get('/api/v1/documents?type=PREG&pairing=received')).json), [filed.id], 'listed among the unpaired ones')
  t.same(ids((await d.get('/api/v1/documents?pairing=paired')).json), [])
  const bad = await d.get('/api/v1/documents?type=PREG&pairing=unknown')
  t.match(bad, { status: 400, json: { code: 'INVALID_REQUEST', detail: /pairing must be one of received, paired, expired/ } })

  clock.advance(60_000)
  const confirming = await d.filed(rlfo())
  t.notOk('pairing' in confirming, 'the RLFO itself has no pairing state')
  const paired = await d.view(filed.id)
  t.match(paired.status, { acceptance: 'accepted', processing: 'processed', label: { sk: 'akceptovaný / spracovaný' } })
  t.same(reasons(paired), ['received', 'paired'])
  t.same(paired.pairing, { state: 'paired', pairedWith: confirming.id, pairedAt: confirming.receivedAt, deadline: DEADLINE })
  t.notOk(paired.scheduled, 'its expiry is off')
  t.same(ids((await d.get('/api/v1/documents?type=PREG&pairing=received')).json), [], 'no longer unpaired')
  t.same(ids((await d.get('/api/v1/documents?type=PREG&pairing=paired')).json), [filed.id])

  const events = (await d.get('/api/v1/events')).json.items.filter((e: any) => e.document?.id === filed.id)
  t.match(events, [
    { reason: 'received', processing: 'unprocessed', pairing: { state: 'received', deadline: DEADLINE } },
    { reason: 'paired', acceptance: 'accepted', processing: 'processed', pairing: { state: 'paired', pairedWith: confirming.id, pairedAt: confirming.receivedAt } },
  ], 'each pairing state is an event')
  const receipt = (await d.get(`/api/v1/documents/${filed.id}/receipt`)).text
  t.match(receipt, `<Pairing state="paired" deadline="${DEADLINE}" pairedWith="${confirming.id}" pairedAt="${confirming.receivedAt}"/>`)
  const storno = await d.post(`/api/v1/documents/${filed.id}/storno`)
  t.match(storno, { status: 409, json: { code: 'STORNO_NOT_ALLOWED', detail: /paired with a registration list or has expired/ } })

  // Past the deadline nothing more happens to it; the RLFO goes its own way (forwarded, processed).
  clock.set('2025-03-10T08:00:00Z')
  await gw.services.lifecycle.timers.runDue()
  t.same(reasons(await d.view(filed.id)), ['received', 'paired'], 'a paired one never expires')
  t.match((await d.view(confirming.id)).status, { processing: 'processed' })

  const certification = (await d.get('/api/v1/certification')).json
  t.match(certification.scenarios.find((s: any) => s.id === 'file-PREG'), { status: 'passed', evidence: [filed.id] }, 'a paired PREG passes file-PREG')
})

t.test('RLFO → PREG does not pair: the RLFO must come after the preliminary registration (sk-ezu §10)', async t => {
  const clock = settableClock(FILED)
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw)
  const first = await d.filed(rlfo())
  clock.advance(60_000)
  const late = await d.filed(preg())
  t.same(late.pairing, { state: 'received', deadline: DEADLINE }, 'an RLFO filed before it does not pair it')
  t.same(reasons(await d.view(late.id)), ['received'])
  t.not(first.id, late.id)
  t.same(ids((await d.get('/api/v1/documents?type=PREG&pairing=received')).json), [late.id])
})

t.test('pairing needs the same type, person, employee type and date, and stays within one register', async t => {
  const clock = settableClock(FILED)
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const other = cert('iný program')
  await gw.register(other, { taxNumber: VZOR })
  const producer = cert('produkčný program')
  const software = { vendor: 'Vzor', product: 'Mzdy', version: '1.0' }
  const producerId = await gw.register(producer, { taxNumber: VZOR, environment: 'production', software })
  // As if a test client of that version had passed certification (test/e2e/certification.test.ts walks it whole).
  await gw.services.db.insertInto('software_certifications').values({ ...software, certified_at: clock.now(), client_id: producerId, report: null }).execute()
  const d = driver(gw)
  const waiting = await d.filed(preg())
  const cancelled = await d.filed(preg().replace('PREG-2025-03-001', 'PREG-2025-03-002'))
  t.equal((await d.post(`/api/v1/documents/${cancelled.id}/storno`)).status, 200, 'storno while received')
  clock.advance(60_000)
  await driver(gw, other).filed(rlfo())
  await driver(gw, producer).filed(rlfo())
  await d.filed(rlfo().replace('<DatumOd>2025-03-01', '<DatumOd>2025-03-02').replace('RL-2025-03-001', 'RL-other-date'))
  await d.filed(rlfo().replace('>ZEC<', '>ZECN<').replace('RL-2025-03-001', 'RL-other-type'))
  t.same(reasons(await d.view(waiting.id)), ['received'], 'another sandbox, production, another date or employee type pair nothing')
  t.same(ids((await d.get('/api/v1/documents?type=PREG&pairing=received')).json), [waiting.id], 'a cancelled one is not listed as waiting')
  const confirming = await d.filed(rlfo())
  t.match(await d.view(waiting.id), { pairing: { state: 'paired', pairedWith: confirming.id } })
  t.same(reasons(await d.view(cancelled.id)), ['received', 'storno'], 'a cancelled one is not paired')
})

/** Two gateway instances on one database: on PostgreSQL two connections, on PGlite one handle both services use. */
async function twoInstances(t: Test): Promise<[DbHandle, DbHandle]> {
  if (!process.env.DATABASE_URL) {
    const handle = await testDb(t)
    return [handle, handle]
  }
  const database = await reopenableDb(t)
  const [a, b] = [await database.open(), await database.open()]
  t.teardown(() => Promise.all([a.close(), b.close()]))
  return [a, b]
}

t.test('an unpaired PREG expires at its deadline, exactly once with two gateway instances running', async t => {
  const clock = settableClock(FILED)
  const [a, b] = await twoInstances(t)
  const one = await startGateway(t, { clock, db: a })
  const two = await startGateway(t, { clock, db: b })
  await one.register(payroll, { taxNumber: VZOR })
  const filed = [
    await driver(one).filed(preg()),
    await driver(two).filed(fixture('sk/preg/valid-od.xml').toString()),
  ]
  t.same(filed.map(f => f.pairing.deadline), [DEADLINE, '2025-03-06T23:00:00.000Z'], 'each from its own date')
  const both = () => Promise.all([one.services.lifecycle.timers.runDue(), two.services.lifecycle.timers.runDue()])
  clock.set('2025-03-07T22:59:59.999Z')
  await both()
  t.same(reasons(await driver(one).view(filed[0].id)), ['received'], 'not a moment early')
  clock.set(DEADLINE)
  for (let round = 0; round < 3; round++) await both()
  for (const doc of filed) {
    const view = await driver(two).view(doc.id)
    t.same(reasons(view), ['received', 'expired'], `${view.number}: expired once`)
    t.match(view, { status: { acceptance: 'accepted', processing: 'refused' }, pairing: { state: 'expired', deadline: doc.pairing.deadline } })
    t.notOk(view.pairing.pairedWith)
    t.match(view.findings, [{ code: 'SK-PREG-020', severity: 'warning', path: '/PREG', message: { en: /expired/, sk: String } }])
  }
  const expiredEvents = (await driver(one).get('/api/v1/events')).json.items.filter((e: any) => e.reason === 'expired')
  t.equal(expiredEvents.length, 2, 'one event each')
  t.match(expiredEvents[0], { processing: 'refused', pairing: { state: 'expired' } })
  const timers = await a.db.selectFrom('timers').select(['kind', 'outcome']).where('document_id', 'in', filed.map(f => f.id)).execute()
  t.same(timers, [{ kind: 'expire', outcome: 'done' }, { kind: 'expire', outcome: 'done' }])
  t.same(ids((await driver(one).get('/api/v1/documents?pairing=expired')).json).sort(), filed.map(f => f.id).sort())
  t.match((await driver(one).get(`/api/v1/documents/${filed[0].id}/receipt`)).text, `<Pairing state="expired" deadline="${DEADLINE}"/>`)

  // Too late: an RLFO filed after the expiry pairs nothing.
  await driver(one).filed(rlfo())
  t.same(reasons(await driver(one).view(filed[0].id)), ['received', 'expired'])
  t.match(await verifyAudit(a.db), { ok: true }, 'the audit chain is intact')
})

t.test('the README example of a PREG is the fixture Jana\'s RLFO confirms', async t => {
  t.equal(readFileSync(join(projectRoot, 'examples', 'sk', 'preg.xml'), 'utf8'), preg().replace(/<!--[\s\S]*?-->\n/, ''))
})
