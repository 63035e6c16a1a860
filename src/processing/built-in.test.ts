import t from 'tap'
import { loadConfig } from '../config.js'
import { createServices } from '../services.js'
import { addClient } from '../operator/index.js'
import type { Caller } from '../identity/index.js'
import { loadCodeLists } from '../forms/index.js'
import { currentStates, type ProcessingRequest } from '../lifecycle/index.js'
import { createBuiltInBackOffice } from './index.js'
import { testDb } from '../../test/helpers/db.js'
import { testWorkers } from '../../test/helpers/gateway.js'
import { testPki } from '../../test/helpers/pki.js'
import { fixture } from '../../test/helpers/paths.js'
import { syntheticM1 } from '../../bench/documents.js'
import type { KyselyPlugin } from 'kysely'

const filingDay = new Date('2025-03-03T09:00:00Z')
const pki = testPki()

/** A gateway whose own processing waits an hour, a second back office on the same database, and a clock to move. */
async function gateway(t: Parameters<typeof testDb>[0], plugin?: KyselyPlugin) {
  const opened = await testDb(t)
  const handle = plugin ? { ...opened, db: opened.db.withPlugin(plugin) } : opened
  let now = filingDay
  const clock = { now: () => now }
  const services = createServices(loadConfig({ LOG_LEVEL: 'silent', PROCESSING_DELAY: '1h' }), handle, clock, {
    workers: testWorkers(), signing: { certPem: pki.signing.cert, keyPem: pki.signing.key },
  })
  t.teardown(() => services.close())
  const { id, fingerprint } = await addClient(handle.db, { name: 'Payroll', taxNumber: '45678138', environment: 'test', certPem: pki.client.cert }, filingDay)
  const caller: Caller = { clientId: id, name: 'Payroll', taxNumber: '45678138', environment: 'test', role: 'filer', fingerprint, software: null }
  const db = handle.db
  return {
    db, services, caller,
    backOffice: createBuiltInBackOffice(db, clock, loadCodeLists()),
    advance: (ms: number) => { now = new Date(now.getTime() + ms) },
    async file(path: string): Promise<ProcessingRequest> {
      const { view } = await services.intake.submit({ caller, transport: 'rest', bytes: fixture(path), contentType: 'application/xml' })
      return { id: view.id, number: view.number, type: view.type, register: `sandbox:${caller.clientId}`, sandbox: true, externalId: null, employer: view.employer, content: async () => fixture(path) }
    },
    events: (documentId: string) => db.selectFrom('insurance_events').select('event').where('document_id', '=', documentId).execute(),
  }
}

t.test('a document asked about again gets the same answer and changes the register once', async t => {
  const g = await gateway(t)
  const m1 = await g.file('si/m1/valid-basic.xml')
  const first = await g.backOffice.process([m1])
  t.match(first, [{ processing: 'processed', findings: [] }])
  t.same(await g.backOffice.process([m1]), first, 'the same answer')
  t.same(await g.events(m1.id), [{ event: 'opened' }], 'the insurance is opened once')
  // The gateway's own turn comes later and records the answer given, without applying the M1 again.
  g.advance(3_600_000)
  await g.services.lifecycle.timers.runDue()
  t.match((await currentStates(g.db, [m1.id])).get(m1.id), { acceptance: 'accepted', processing: 'processed' })
  t.same(await g.events(m1.id), [{ event: 'opened' }])
})

t.test('a storno decides against a back office that already answered, and a withdrawn document is never processed', async t => {
  const g = await gateway(t)
  const answered = await g.file('si/m1/valid-basic.xml')
  await g.backOffice.process([answered])
  await t.rejects(g.services.lifecycle.storno(g.caller, answered.id), { code: 'STORNO_NOT_ALLOWED' }, 'too late: the back office has processed it')
  t.equal(await g.backOffice.withdraw(answered.id), false)

  const withdrawn = await g.file('si/m1/valid-foreigner.xml')
  const view = await g.services.lifecycle.storno(g.caller, withdrawn.id)
  t.match(view.status, { acceptance: 'cancelled', processing: 'returned' })
  t.equal(await g.backOffice.withdraw(withdrawn.id), true, 'withdrawing again answers the same')
  t.match(await g.backOffice.process([withdrawn]), [{ processing: 'withdrawn', findings: [] }])
  t.same(await g.events(withdrawn.id), [], 'the register never saw it')
  g.advance(3_600_000)
  await g.services.lifecycle.timers.runDue()
  t.match((await currentStates(g.db, [withdrawn.id])).get(withdrawn.id), { acceptance: 'cancelled', processing: 'returned' })
  t.match((await currentStates(g.db, [answered.id])).get(answered.id), { acceptance: 'accepted', processing: 'processed' })
})

t.test('every state a document passes through is an event, in order, with the same facts', async t => {
  const g = await gateway(t)
  const processed = await g.file('si/m1/valid-basic.xml')
  const cancelled = await g.file('si/m1/valid-foreigner.xml')
  await g.services.lifecycle.storno(g.caller, cancelled.id)
  g.advance(3_600_000)
  await g.services.lifecycle.timers.runDue()
  const states = await g.db.selectFrom('document_states').select(['document_id', 'at', 'acceptance', 'processing', 'reason']).orderBy('id').execute()
  const events = await g.db.selectFrom('events').select(['document_id', 'at', 'acceptance', 'processing', 'reason', 'type', 'seq', 'id']).orderBy('seq').execute()
  t.same(events.map(({ document_id, at, acceptance, processing, reason }) => ({ document_id, at, acceptance, processing, reason })), states)
  t.same(events.map(e => e.document_id), [processed.id, cancelled.id, cancelled.id, processed.id])
  t.ok(events.every(e => e.type === 'document.state_changed'))
  t.equal(new Set(events.map(e => e.id)).size, events.length, 'each event has its own id')
  t.ok(events.every((e, i) => i === 0 || BigInt(e.seq) > BigInt(events[i - 1]!.seq)), 'seq increases')
})

t.test('a report is read for its register check, never for its processing; a registration is read before the transaction', async t => {
  const g = await gateway(t)
  const { id: clientId, fingerprint } = await addClient(g.db, { name: 'Mzdy', taxNumber: '2021234501', environment: 'test', certPem: pki.otherClient.cert }, filingDay)
  const caller: Caller = { clientId, name: 'Mzdy', taxNumber: '2021234501', environment: 'test', role: 'filer', fingerprint, software: null }
  const { status, view } = await g.services.intake.submit({ caller, transport: 'rest', bytes: fixture('sk/mvp/valid-basic.xml'), contentType: 'application/xml' })
  t.equal(status, 201)
  let reads = 0
  const mvp: ProcessingRequest = {
    id: view.id, number: view.number, type: view.type, register: `sandbox:${clientId}`, sandbox: true, externalId: null, employer: view.employer,
    content: async () => { reads++; return fixture('sk/mvp/valid-basic.xml') },
  }
  t.match(await g.backOffice.process([mvp]), [{ processing: 'processed', findings: [] }])
  t.equal(reads, 0, 'processed as filed, unread')
  const [check] = await g.backOffice.checkRegister([mvp])
  t.equal(reads, 1, 'the register check reads it')
  t.match(check!.errors, [{ code: 'SK-MVP-020' }], 'its person has no relationship')

  // The read goes through the database: on PGlite, whose one connection the back office's transaction holds, a read
  // inside it would wait for that transaction for ever.
  const m1 = await g.file('si/m1/valid-basic.xml')
  const stored = async () => (await g.db.selectFrom('message_log').select('body').where('document_id', '=', m1.id).executeTakeFirstOrThrow()).body!
  t.match(await g.backOffice.process([{ ...m1, content: stored }]), [{ processing: 'processed', findings: [] }])
  t.same(await g.events(m1.id), [{ event: 'opened' }])
})

t.test('the gateway\'s processing reads a batch of registrations in one or two statements, not one each', async t => {
  let bodyReads = 0
  const counting: KyselyPlugin = {
    transformQuery({ node }) {
      if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"message_log"')) bodyReads++
      return node
    },
    transformResult: async ({ result }) => result,
  }
  const g = await gateway(t, counting)
  const ids: string[] = []
  for (let n = 1; n <= 12; n++) {
    const { view } = await g.services.intake.submit({ caller: g.caller, transport: 'rest', bytes: syntheticM1(n, '2025-03-01'), contentType: 'application/xml' })
    ids.push(view.id)
  }
  bodyReads = 0
  g.advance(3_600_000)
  await g.services.lifecycle.timers.runDue()
  const states = await currentStates(g.db, ids)
  t.ok(ids.every(id => states.get(id)?.processing === 'processed'), 'all 12 processed')
  t.ok(bodyReads >= 1 && bodyReads <= 2, `${bodyReads} statements read their bytes`)
})
