import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { testDb } from '../helpers/db.js'
import { openDb } from '../../src/db/index.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { conformanceErrors } from '../helpers/openapi.js'
import { at, envelope, readAnswer, soapCall, wsdlSchema } from '../helpers/soap.js'
import { projectRoot } from '../../src/lib/index.js'
import { addMandate } from '../../src/operator/index.js'
import { type Pem } from '../../src/pki/index.js'

// The event feed (SPEC.md §4b): every history row of every document the client may see, once, in order.

const pki = testPki()
const longValid = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') }
const slovenian = issueCertificate(pki.ca, { commonName: 'payroll program', kind: 'client', ...longValid })
const slovak = issueCertificate(pki.ca, { commonName: 'mzdový program', kind: 'client', ...longValid })
const PRIMER = '45678138'
const VZOR = '2021234501'
const FORWARD = 30_000
const sk = (name: string): Buffer => readFileSync(join(projectRoot, 'examples', 'sk', name))
const schema = wsdlSchema()
t.teardown(() => schema.close())

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, advance: (ms: number) => { now = new Date(now.getTime() + ms) } }
}

async function filed(gw: TestGateway, as: Pem, body: Buffer | string): Promise<any> {
  const res = await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })
  if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${res.text}`)
  await gw.services.lifecycle.timers.runDue()
  return res.json
}

/** Every page of the caller's feed from `after`, each checked against openapi.yaml. */
async function feed(t: Test, gw: TestGateway, as: Pem, limit = 3, after = '0'): Promise<{ items: any[]; nextAfter: string }> {
  const items: any[] = []
  for (;;) {
    const res = await gw.call({ path: `/api/v1/events?after=${after}&limit=${limit}`, as })
    t.same(conformanceErrors('get', '/api/v1/events', res), [], `page after ${after} as openapi.yaml describes it`)
    if (res.status !== 200) throw new Error(`feed answered ${res.status}: ${res.text}`)
    items.push(...res.json.items)
    if (res.json.items.length === 0) {
      t.equal(res.json.nextAfter, after, 'an empty page gives the cursor back')
      return { items, nextAfter: after }
    }
    t.equal(res.json.nextAfter, res.json.items.at(-1).seq, 'nextAfter is the last seq')
    after = res.json.nextAfter
  }
}

/** The feed's events of each document are its history rows, in order; and each appears once. */
async function checkAgainstHistories(t: Test, gw: TestGateway, as: Pem, events: readonly any[], documentIds: readonly string[]): Promise<void> {
  const seqs = events.map(e => BigInt(e.seq))
  t.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), 'seq increases')
  t.equal(new Set(events.map(e => e.id)).size, events.length, 'each event once')
  t.same([...new Set(events.map(e => e.document.id))].sort(), [...documentIds].sort(), 'the events are of exactly these documents')
  for (const id of documentIds) {
    const view = (await gw.call({ path: `/api/v1/documents/${id}`, as })).json
    const mine = events.filter(e => e.document.id === id)
    t.same(mine.map(e => ({ at: e.at, acceptance: e.acceptance, processing: e.processing, reason: e.reason })), view.history, `${view.type} ${view.number}: its history, row by row`)
    t.same(mine.map(e => e.document), mine.map(() => ({ id, number: view.number, type: view.type, employer: view.employer, ...(view.externalId ? { externalId: view.externalId } : {}) })), `${view.type}: the document as its view names it`)
    t.ok(mine.every(e => e.type === 'document.state_changed'), 'document.state_changed')
  }
}

t.test('the feed has every history row of each lifecycle once, in order: SI processed and refused, SK register check, forwarding and storno', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  const clientId = await gw.register(slovenian, { taxNumber: PRIMER })
  await addMandate(gw.services.db, { employer: VZOR, clientId }, clock.now())
  const as = slovenian

  // Slovenian: Ana's M1 processed; the same insurance again refused by the register.
  const ana = await filed(gw, as, fixture('si/register/m1-ana.xml'))
  const twice = await filed(gw, as, fixture('si/m1/register/SI-M1-020.xml'))
  // Slovak: registrations forwarded and processed, a report through its register check, a bonus report cancelled.
  const peter = await filed(gw, as, sk('rlfo-peter.xml'))
  clock.advance(FORWARD)
  await gw.services.lifecycle.timers.runDue()
  const batch = await filed(gw, as, sk('rlfo.xml'))
  clock.advance(FORWARD)
  await gw.services.lifecycle.timers.runDue()
  const report = await filed(gw, as, sk('mvp.xml'))
  clock.advance(FORWARD)
  await gw.services.lifecycle.timers.runDue()
  const bonus = await filed(gw, as, sk('vpp.xml'))
  const storno = await gw.call({ method: 'POST', path: `/api/v1/documents/${bonus.id}/storno`, as })
  t.equal(storno.status, 200, 'the bonus report is cancelled')

  const states = async (id: string) => (await gw.call({ path: `/api/v1/documents/${id}`, as })).json.status
  t.match(await states(ana.id), { processing: 'processed' })
  t.match(await states(twice.id), { processing: 'refused' })
  t.match(await states(report.id), { acceptance: 'accepted', processing: 'processed' })
  t.match(await states(bonus.id), { acceptance: 'cancelled', processing: 'returned' })

  const { items, nextAfter } = await feed(t, gw, as)
  const ids = [ana.id, twice.id, peter.id, batch.id, report.id, bonus.id]
  await checkAgainstHistories(t, gw, as, items, ids)
  t.same(items.filter(e => e.document.id === report.id).map(e => e.reason), ['received', 'register_check_started', 'register_check', 'forwarded', 'processed'])
  t.same(items.filter(e => e.document.id === bonus.id).map(e => e.reason).at(-1), 'storno')
  t.same(items.filter(e => e.document.id === twice.id).map(e => e.processing), ['unprocessed', 'refused'])

  // Read on from the end: nothing, until a new state change.
  t.same((await gw.call({ path: `/api/v1/events?after=${nextAfter}`, as })).json, { items: [], nextAfter })
  const m3 = await filed(gw, as, readFileSync(join(projectRoot, 'examples', 'si', 'm3-change.xml')))
  const more = await feed(t, gw, as, 100, nextAfter)
  t.same(more.items.map(e => e.document.id), [m3.id, m3.id], 'only the new document\'s states')

  await t.test('SOAP GetEvents answers the same events as REST', async t => {
    const soapItems: any[] = []
    let after = '0'
    for (;;) {
      const res = await soapCall(gw, as, envelope('GetEvents', `<e:after>${after}</e:after><e:limit>4</e:limit>`))
      t.equal(res.status, 200)
      const answer = readAnswer(res.text)
      t.same(await schema.validate(answer.xml), [], 'valid against the WSDL')
      const events = answer.element.children.find(c => c.name === 'items')!.children
      soapItems.push(...events.map(e => ({
        id: at(e, 'id'), seq: at(e, 'seq'), at: at(e, 'at'), type: at(e, 'type'),
        document: {
          id: at(e, 'document', 'id'), number: at(e, 'document', 'number'), type: at(e, 'document', 'type'), employer: at(e, 'document', 'employer'),
          ...(at(e, 'document', 'externalId') !== undefined ? { externalId: at(e, 'document', 'externalId') } : {}),
        },
        acceptance: at(e, 'acceptance'), processing: at(e, 'processing'), reason: at(e, 'reason') ?? null,
      })))
      const next = at(answer.element, 'nextAfter')!
      if (events.length === 0) {
        t.equal(next, after)
        break
      }
      after = next
    }
    t.same(soapItems, [...items, ...more.items])
    const bad = readAnswer((await soapCall(gw, as, envelope('GetEvents', '<e:after>-1</e:after>'))).text)
    t.equal(bad.fault?.problem.code, 'INVALID_REQUEST')
  })
})

t.test('a client sees another\'s events only through an active mandate, never another client\'s own employer, and always its own filings', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  // A is Vzor's own program; B, an accounting service of Primer's, files for Vzor under a mandate ending on 30 April.
  const a = slovak
  const b = slovenian
  await gw.register(a, { taxNumber: VZOR })
  const bId = await gw.register(b, { taxNumber: PRIMER })
  await addMandate(gw.services.db, { employer: VZOR, clientId: bId, to: '2025-04-30' }, clock.now())

  const byA = await filed(gw, a, sk('rlfo-peter.xml'))
  const byB = await filed(gw, b, sk('rlfo.xml'))
  const bOwn = await filed(gw, b, readFileSync(join(projectRoot, 'examples', 'si', 'm1.xml')))
  clock.advance(FORWARD)
  await gw.services.lifecycle.timers.runDue()

  const docsIn = async (as: Pem) => new Set((await feed(t, gw, as, 500)).items.map(e => e.document.id))
  t.same([...await docsIn(b)].sort(), [byA.id, byB.id, bOwn.id].sort(), 'B, under its mandate: Vzor\'s documents and its own')
  t.same([...await docsIn(a)].sort(), [byA.id, byB.id].sort(), 'A: Vzor\'s documents, whoever filed them; never Primer\'s')

  clock.advance(16 * 86_400_000)
  const lateByA = await filed(gw, a, sk('rlzec.xml'))
  t.same([...await docsIn(b)].sort(), [byB.id, bOwn.id].sort(), 'B, its mandate ended: only its own filings')
  t.ok((await docsIn(a)).has(lateByA.id), 'A sees its new filing')
})

t.test('a long-poll returns at once when an event comes, and empty when the wait ends', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(slovak, { taxNumber: VZOR })
  const other = issueCertificate(pki.ca, { commonName: 'another program', kind: 'client', ...longValid })
  await gw.register(other, { taxNumber: '12345679' })
  const { nextAfter } = (await gw.call({ path: '/api/v1/events', as: slovak })).json

  // Another client's filing does not end the wait; Vzor's own does, within a second.
  const started = performance.now()
  const waiting = gw.call({ path: `/api/v1/events?after=${nextAfter}&wait=10s`, as: slovak })
  await until(() => gw.services.events.waiting() === 1)
  const doc = await filed(gw, slovak, sk('rlfo-peter.xml'))
  const filedAt = performance.now()
  const res = await waiting
  const answeredAt = performance.now()
  t.equal(res.status, 200)
  t.same(res.json.items.map((e: any) => e.document.id), [doc.id], 'the new event')
  t.ok(answeredAt - filedAt < 1000, `answered ${Math.round(answeredAt - filedAt)} ms after the filing`)
  t.ok(answeredAt - started < 9000, 'well before the wait ended')

  // A state change by a timer wakes it too.
  const next = gw.call({ path: `/api/v1/events?after=${res.json.nextAfter}&wait=10s`, as: slovak })
  await until(() => gw.services.events.waiting() === 1)
  clock.advance(FORWARD)
  const changedAt = performance.now()
  await gw.services.lifecycle.timers.runDue()
  const forwarded = await next
  t.ok(performance.now() - changedAt < 1000, 'the forwarding ended the wait within a second')
  // Forwarding and processing are two transactions: the wait ends with the first, the next page has the other.
  t.equal(forwarded.json.items[0].reason, 'forwarded')
  const rest = await feed(t, gw, slovak, 100, forwarded.json.nextAfter)
  t.same([...forwarded.json.items, ...rest.items].map((e: any) => e.reason), ['forwarded', 'processed'])
  const after = rest.nextAfter

  // Nothing comes: an empty page once the (short) wait is over.
  const quietFrom = performance.now()
  const quiet = await gw.call({ path: `/api/v1/events?after=${after}&wait=300ms`, as: slovak })
  t.same([quiet.status, quiet.json], [200, { items: [], nextAfter: after }])
  t.ok(performance.now() - quietFrom >= 290, 'it waited')

  // Four waits per client: a fifth is answered at once; another client still waits.
  const four = [1, 2, 3, 4].map(() => gw.call({ path: `/api/v1/events?after=${after}&wait=30s`, as: slovak }))
  await until(() => gw.services.events.waiting() === 4)
  const fifthFrom = performance.now()
  const fifth = await gw.call({ path: `/api/v1/events?after=${after}&wait=30s`, as: slovak })
  t.same([fifth.status, fifth.json.items], [200, []], 'the fifth is answered without waiting')
  t.ok(performance.now() - fifthFrom < 1000, 'at once')
  const theirs = gw.call({ path: '/api/v1/events?wait=30s', as: other })
  await until(() => gw.services.events.waiting() === 5)

  // Closing ends every wait at once, with what it has.
  const stopFrom = performance.now()
  await gw.stop()
  t.ok(performance.now() - stopFrom < 5000, 'the gateway closed without waiting out the long-polls')
  for (const res of await Promise.all([...four, theirs])) t.same([res.status, res.json.items], [200, []], 'a wait ended by closing: 200, empty')
})

t.test('a long-poll on one instance returns within a second of a filing on another sharing the PostgreSQL schema', { skip: process.env.DATABASE_URL ? false : 'runs in the PostgreSQL pass' }, async t => {
  const shared = await testDb(t)
  const second = await openDb({ databaseUrl: process.env.DATABASE_URL!, schema: shared.schema!, poolSize: 2 })
  t.teardown(() => second.close())
  const one = await startGateway(t, { db: shared })
  const two = await startGateway(t, { db: second })
  await one.register(slovak, { taxNumber: VZOR })
  const { nextAfter } = (await two.call({ path: '/api/v1/events', as: slovak })).json

  const waiting = two.call({ path: `/api/v1/events?after=${nextAfter}&wait=10s`, as: slovak })
  await until(() => two.services.events.waiting() === 1)
  const doc = await filed(one, slovak, sk('rlfo-peter.xml'))
  const filedAt = performance.now()
  const res = await waiting
  t.ok(performance.now() - filedAt < 1000, `answered ${Math.round(performance.now() - filedAt)} ms after the filing on the other instance`)
  t.same(res.json.items.map((e: any) => e.document.id), [doc.id])
})

t.test('wait, after and limit are checked: 400 INVALID_REQUEST naming the parameter', async t => {
  const gw = await startGateway(t)
  await gw.register(slovak, { taxNumber: VZOR })
  await filed(gw, slovak, sk('rlfo-peter.xml'))
  for (const good of ['wait=0', 'wait=30s', 'wait=30000ms', 'wait=500ms', 'limit=1', 'limit=500', 'after=0', 'after=9223372036854775807']) {
    const res = await gw.call({ path: `/api/v1/events?${good}`, as: slovak })
    t.equal(res.status, 200, good)
  }
  for (const [bad, name] of [['wait=31s', 'wait'], ['wait=1m', 'wait'], ['wait=30001ms', 'wait'], ['wait=soon', 'wait'], ['wait=30', 'wait'], ['wait=-1s', 'wait'],
    ['wait=1s&wait=2s', 'wait'], ['after=-1', 'after'], ['after=9223372036854775808', 'after'], ['after=99999999999999999999', 'after'], ['after=x', 'after'],
    ['after=01', 'after'], ['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=ten', 'limit'], ['limit=1.5', 'limit']] as const) {
    const res = await gw.call({ path: `/api/v1/events?${bad}`, as: slovak })
    t.same([res.status, res.json.code], [400, 'INVALID_REQUEST'], bad)
    t.match(res.json.detail, name, `${bad}: names ${name}`)
    t.same(conformanceErrors('get', '/api/v1/events', res), [], `${bad}: as openapi.yaml describes it`)
  }
})

/** Resolves once `condition` holds (a request has reached its wait), looking every few milliseconds for up to 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('the condition never held')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
