import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { t1 } from './index.js'
import { loadConfig } from '../../../../src/config.js'
import { createServices, type Services } from '../../../../src/services.js'
import { buildServer } from '../../../../src/transport/server.js'
import { addClient, addMandate } from '../../../../src/operator/index.js'
import type { Caller } from '../../../../src/identity/index.js'
import { getDocumentView } from '../../../../src/documents/index.js'
import { listInsurances } from '../../../../src/register/index.js'
import { findForm, forms, formOf } from '../../../../src/forms/index.js'
import { problems, type GatewayError } from '../../../../src/problems.js'
import { projectRoot } from '../../../../src/lib/index.js'
import { systemClock, type Clock } from '../../../../src/lib/clock.js'
import { testDb } from '../../../helpers/db.js'
import { formGaps } from '../../../helpers/form-gaps.js'
import { testPki } from '../../../helpers/pki.js'
import { settle } from '../../../helpers/settle.js'
import { call, xmlHeaders } from '../../../helpers/gateway.js'

// Read from the source tree: tests run from dist/, which holds no XML.
const fixtures = join(projectRoot, 'test/forms/zz/t1/fixtures')
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8')
const formModules = [new URL('./index.js', import.meta.url).href]
const filingDay = new Date('2025-03-03T09:00:00Z')
const PRIMER = '45678138'
const ANA = '1204990505126'
const pki = testPki()

interface Gateway {
  readonly services: Services
  readonly caller: Caller
  /** Submits a T1 and waits for the back office's answer. */
  file(xml: string): Promise<{ id: string; number: string; processing: string; codes: string[] }>
}

async function gateway(t: { teardown(fn: () => unknown): void }, clock: Clock = { now: () => filingDay }): Promise<Gateway> {
  const handle = await testDb(t)
  const services = createServices(loadConfig({ LOG_LEVEL: 'silent' }), handle, clock, {
    validatorWorkers: 1, signing: { certPem: pki.signing.cert, keyPem: pki.signing.key }, formModules,
  })
  t.teardown(() => services.close())
  const { id, fingerprint } = await addClient(handle.db, { name: 'Payroll', taxNumber: PRIMER, environment: 'test', certPem: pki.client.cert }, clock.now())
  const caller: Caller = { clientId: id, name: 'Payroll', taxNumber: PRIMER, environment: 'test', role: 'filer', fingerprint, software: null }
  return {
    services, caller,
    async file(xml) {
      const { view } = await services.intake.submit({ caller, transport: 'rest', bytes: Buffer.from(xml), contentType: 'application/xml' })
      const state = await settle(services, view.id)
      const done = await getDocumentView(services.db, caller, view.id, clock.now())
      return { id: view.id, number: view.number, processing: state.processing, codes: done.findings.map(f => f.code) }
    },
  }
}

t.test('importing the module registers T1 beside the shipped forms', async t => {
  t.equal(formOf('T1'), t1)
  t.equal(findForm('urn:ehrs:test:t1:1', 'T1'), t1)
  t.ok(forms.some(f => f.type === 'M1'), 'the shipped forms are there too')
})

t.test('T1 is whole: its schema, a fixture per finding code, both languages', async t => {
  t.same(formGaps(t1, fixtures), [], 'the architecture test\'s check of a shipped form: schema, fixtures, register behaviour')
  const all = [...Object.values(t1.findings), ...Object.values(t1.registerFindings ?? {})]
  t.same(all.map(d => d.code), ['SI-T1-001', 'SI-T1-002', 'SI-T1-003', 'SI-T1-020'])
  for (const d of all) {
    t.match(d.code, /^SI-T1-\d{3}$/)
    t.equal(d.language, 'sl')
    t.ok(d.en.trim() && d.local.trim(), `${d.code} has English and Slovenian text`)
  }
})

t.test('a valid T1 is accepted, numbered and processed by the built-in back office into a T1 insurance', async t => {
  const gw = await gateway(t)
  const filed = await gw.file(read('valid-basic.xml'))
  t.match(filed.number, /^T2503\d{8}$/, 'numbered with its prefix, YYMM and a sequence')
  t.equal(filed.processing, 'processed')
  t.same(filed.codes, [])
  const { items } = await listInsurances(gw.services.db, gw.caller, { person: ANA }, filingDay)
  t.match(items, [{ country: 'SI', type: 'T1', employer: PRIMER, status: 'open', startDate: '2025-03-03', documents: [{ id: filed.id, event: 'opened' }] }])
})

t.test('a T1 with a known end opens a closed insurance', async t => {
  const gw = await gateway(t)
  t.equal((await gw.file(read('valid-known-end.xml'))).processing, 'processed')
  const { items } = await listInsurances(gw.services.db, gw.caller, { person: '1402995506127' }, filingDay)
  t.match(items, [{ type: 'T1', status: 'closed', startDate: '2025-03-10', endDate: '2025-03-31', documents: [{ event: 'opened' }, { event: 'closed' }] }])
})

t.test('register fixtures: a second T1 while one is open is refused (SI-T1-020), and the register keeps one', async t => {
  for (const name of readdirSync(join(fixtures, 'register'))) {
    const code = name.replace(/\.xml$/, '')
    const gw = await gateway(t)
    const xml = read(`register/${name}`)
    // `<!-- given: a.xml b.xml -->`: the documents filed (and processed) before the fixture, as in src/register/si.test.ts.
    for (const given of /<!-- given:([^>]*)-->/.exec(xml)![1]!.trim().split(/\s+/)) t.equal((await gw.file(read(given))).processing, 'processed', given)
    const { processing, codes } = await gw.file(xml)
    t.equal(processing, 'refused', name)
    t.same(codes, [code], name)
  }
  const gw = await gateway(t)
  await gw.file(read('valid-basic.xml'))
  await gw.file(read('register/SI-T1-020.xml'))
  t.equal((await listInsurances(gw.services.db, gw.caller, { person: ANA }, filingDay)).items.length, 1)
})

t.test('each invalid fixture is refused at submission with exactly its finding (DOCUMENT_INVALID, 422)', async t => {
  const gw = await gateway(t)
  t.equal(problems.DOCUMENT_INVALID.status, 422)
  for (const name of readdirSync(join(fixtures, 'invalid'))) {
    const code = name.replace(/\.xml$/, '')
    const error = await gw.services.intake.submit({ caller: gw.caller, transport: 'rest', bytes: Buffer.from(read(`invalid/${name}`)), contentType: 'application/xml' })
      .then(() => undefined, (e: GatewayError) => e)
    t.equal(error?.code, 'DOCUMENT_INVALID', name)
    t.same(error?.findings.map(f => f.code), [code], name)
    t.match(error?.findings[0], { severity: 'error', field: /^datum /, path: /^\/T1\/Datum/, line: Number, message: { en: String, sl: String } }, name)
  }
})

t.test('the schema is T1\'s own, with the shared SI blocks included from xsd/', async t => {
  const gw = await gateway(t)
  const refused = (xml: string) => gw.services.intake.submit({ caller: gw.caller, transport: 'rest', bytes: Buffer.from(xml), contentType: 'application/xml' })
    .then(() => [] as object[], (e: GatewayError) => e.findings)
  const basic = read('valid-basic.xml')
  t.match(await refused(basic.replace(/<Priimek>[^<]*<\/Priimek>/, '')), [{ code: 'SI-XSD-002', path: '/T1/Zavarovanec/Priimek', field: 'rubrika 7' }])
  t.match(await refused(basic.replace('>2025-03-03<', '>2025-02-30<')), [{ code: 'SI-XSD-003', path: '/T1/DatumPricetka', field: 'datum pričetka' }])
})

t.test('a mandate for T1 shows T1 insurances; a mandate for M1 only does not', async t => {
  const gw = await gateway(t)
  await gw.file(read('valid-basic.xml'))
  const agent = async (types: string[]): Promise<Caller> => {
    const cert = types.includes('T1') ? pki.otherClient.cert : pki.outsideClient.cert
    const { id, fingerprint } = await addClient(gw.services.db, { name: `Agent ${types}`, taxNumber: types.includes('T1') ? '38172658' : '52739147', environment: 'test', certPem: cert }, filingDay)
    await addMandate(gw.services.db, { employer: PRIMER, clientId: id, types }, filingDay)
    // Each test client has a sandbox register of its own (SPEC.md §7): the agent looks into the filer's, as it would
    // into the one production register.
    return { clientId: id, name: 'Agent', taxNumber: '', environment: 'test', role: 'filer', fingerprint, software: null, sandbox: gw.caller.clientId }
  }
  t.equal((await listInsurances(gw.services.db, await agent(['T1']), {}, filingDay)).items.length, 1)
  t.equal((await listInsurances(gw.services.db, await agent(['M1']), {}, filingDay)).items.length, 0)
})

t.test('over REST with mutual TLS: 201 with a T number, 422 with the finding', async t => {
  const gw = await gateway(t, systemClock)
  const app = await buildServer(gw.services, { cert: pki.server.cert, key: pki.server.key, ca: [pki.ca.cert] }, pino({ level: 'silent' }))
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const today = new Date().toISOString().slice(0, 10)
  const post = (body: string) => call(url, pki.ca.cert, { path: '/api/v1/documents', as: pki.client, body, headers: xmlHeaders })
  const accepted = await post(read('valid-basic.xml').replace('>2025-03-03<', `>${today}<`))
  t.equal(accepted.status, 201, accepted.text)
  t.match(accepted.json, { type: 'T1', number: /^T\d{12}$/, employer: PRIMER })
  const refused = await post(read('invalid/SI-T1-001.xml'))
  t.equal(refused.status, 422)
  t.match(refused.json, { code: 'DOCUMENT_INVALID', findings: [{ code: 'SI-T1-001', path: '/T1/DatumPricetka' }] })
  t.equal(refused.json.findings.length, 1)
})
