import t, { type Test } from 'tap'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { envelope, readAnswer, soapCall } from '../helpers/soap.js'
import { type Pem } from '../../src/pki/index.js'

// SPEC.md §3 and §4: a read-only inspection client (a labour office or inspectorate) over mutual TLS.

const pki = testPki()
const PRIMER = '45678138'
const NOVAK = '38172658'
const ANA = '1204990505126' // Ana Žagar, of valid-basic.xml
const since2024 = (commonName: string): Pem => issueCertificate(pki.ca, {
  commonName, kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})
// The stories are filed in March 2025 on the gateway's clock.
const primerProgram = since2024('Primer payroll program')
const novakProgram = since2024('Novak payroll program')
const thirdProgram = since2024('another payroll program')
const inspectorCert = since2024('labour inspectorate')
const productionInspectorCert = since2024('labour office, production')

const anaAtPrimer = fixture('si/m1/valid-basic.xml')
// Ana also works for Marko Novak s.p.: the same M1 with his employer block and unit.
const anaAtNovak = Buffer.from(anaAtPrimer.toString('utf8')
  .replace(/<ZunanjiId>[^<]*<\/ZunanjiId>\s*/, '')
  .replace(/<Naziv>Primer d\.o\.o\.<\/Naziv><Naslov>[^<]*<\/Naslov>/, '<Naziv>Marko Novak s.p.</Naziv><Naslov>Glavni trg 4, 2000 Maribor</Naslov>')
  .replace('<RegistrskaStevilka>5023456789</RegistrskaStevilka><MaticnaStevilka>5812348</MaticnaStevilka>',
    '<RegistrskaStevilka>5034567891</RegistrskaStevilka><MaticnaStevilka>6428177</MaticnaStevilka>')
  .replace(`<DavcnaStevilka>${PRIMER}</DavcnaStevilka>`, `<DavcnaStevilka>${NOVAK}</DavcnaStevilka>`)
  .replace('<MaticnaStevilkaEnote>5812348000</MaticnaStevilkaEnote>', '<MaticnaStevilkaEnote>6428177</MaticnaStevilkaEnote>'))

const json = { 'content-type': 'application/json' }
const search = (gw: TestGateway, as: Pem, body: unknown) =>
  gw.call({ method: 'POST', path: '/api/v1/insurances/search', as, body: typeof body === 'string' ? body : JSON.stringify(body), headers: json })
const employersOf = (res: { json: { items: { employer: string }[] } }): string[] => res.json.items.map(i => i.employer).sort()

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, set: (at: string) => { now = new Date(at) } }
}

/** Two payroll programs, each filing Ana's M1 for its own employer into its own sandbox, both processed. */
async function twoEmployers(t: Test) {
  const clock = settableClock('2025-03-12T08:00:00.000Z')
  const gw = await startGateway(t, { clock, env: { LOG_LEVEL: 'trace' } })
  await gw.register(primerProgram, { taxNumber: PRIMER, name: 'Primer d.o.o.' })
  await gw.register(novakProgram, { taxNumber: NOVAK, name: 'Marko Novak s.p.' })
  // The inspectorate's own tax number is an employer's: it still files nothing, not even for that one.
  const inspectorId = await gw.register(inspectorCert, { taxNumber: PRIMER, name: 'Inšpektorat za delo', role: 'inspector' })
  const atPrimer = await gw.call({ path: '/api/v1/documents', as: primerProgram, body: anaAtPrimer, headers: xmlHeaders })
  const atNovak = await gw.call({ path: '/api/v1/documents', as: novakProgram, body: anaAtNovak, headers: xmlHeaders })
  t.same([atPrimer.status, atNovak.status], [201, 201], 'each program files for its own employer')
  clock.set('2025-03-12T08:01:00.000Z')
  await gw.services.lifecycle.timers.runDue()
  const audited = async () => gw.services.db.selectFrom('audit_log').select(['actor', 'at', 'details'])
    .where('action', '=', 'insurances.searched').orderBy('seq').execute()
  return { gw, clock, inspectorId, primerDocument: atPrimer.json.id as string, audited }
}

t.test('an inspector finds a person\'s insurances across two employers, and each search is in the audit log', async t => {
  const { gw, inspectorId, audited } = await twoEmployers(t)
  const found = await search(gw, inspectorCert, { person: ANA })
  t.equal(found.status, 200, found.text)
  t.same(employersOf(found), [NOVAK, PRIMER], 'Ana with both employers, from both programs\' registers')
  t.ok(found.json.items.every((i: { person: string; status: string; type: string }) => i.person === ANA && i.status === 'open' && i.type === 'M1'))
  t.equal(found.json.nextCursor, null)

  const byEmployer = await search(gw, inspectorCert, { employer: NOVAK, period: '2025-03' })
  t.same(employersOf(byEmployer), [NOVAK])
  t.same((await search(gw, inspectorCert, { person: ANA, period: '2025-02' })).json.items, [], 'not insured in February')
  const listed = await gw.call({ path: `/api/v1/insurances?employer=${PRIMER}`, as: inspectorCert })
  t.same(employersOf(listed), [PRIMER], 'GET /insurances searches the same register')
  const paged = await search(gw, inspectorCert, { person: ANA, limit: 1 })
  t.equal(paged.json.items.length, 1)
  const rest = await search(gw, inspectorCert, { person: ANA, limit: 1, cursor: paged.json.nextCursor })
  t.same([...employersOf(paged), ...employersOf(rest)].sort(), [NOVAK, PRIMER], 'paged by cursor')

  const entries = await audited()
  t.same(entries.map(e => [e.actor, e.details]), [
    [`client:${inspectorId}`, { employer: null, person: ANA, period: null, results: 2 }],
    [`client:${inspectorId}`, { employer: NOVAK, person: null, period: '2025-03', results: 1 }],
    [`client:${inspectorId}`, { employer: null, person: ANA, period: '2025-02', results: 0 }],
    [`client:${inspectorId}`, { employer: PRIMER, person: null, period: null, results: 1 }],
    [`client:${inspectorId}`, { employer: null, person: ANA, period: null, results: 1 }],
    [`client:${inspectorId}`, { employer: null, person: ANA, period: null, results: 1 }],
  ], 'every search, GET or POST: who, for which person or employer, and how much it found')
  t.ok(entries.every(e => e.at.toISOString() === '2025-03-12T08:01:00.000Z'), 'when, on the gateway\'s clock')

  // A bad search is refused before the register is read, and leaves nothing to audit.
  t.equal((await search(gw, inspectorCert, { person: 1204990505126 })).status, 400)
  t.equal((await audited()).length, 6)

  // No personal number in the application log: not from the POST body, not from the GET's person= either.
  await gw.call({ path: `/api/v1/insurances?person=${ANA}`, as: inspectorCert })
  t.equal((await audited()).length, 7, 'the GET with person= is audited too')
  const logs = gw.logs()
  t.ok(logs.includes('"route":"/api/v1/insurances/search"'), 'searches are logged by route pattern')
  t.notOk(logs.includes(ANA), 'Ana\'s EMŠO is not in the log')
  t.notOk(logs.includes('person'), 'nor the word person (no query string, no body)')
})

t.test('an inspector files nothing, over REST and SOAP, cancels nothing and sees no documents', async t => {
  const { gw, primerDocument } = await twoEmployers(t)
  const as = inspectorCert
  const filed = await gw.call({ path: '/api/v1/documents', as, body: anaAtPrimer, headers: xmlHeaders })
  t.equal(filed.status, 403)
  t.equal(filed.json.code, 'NOT_AUTHORIZED_FOR_EMPLOYER')
  t.match(filed.json.detail, /inspection client files nothing/)
  // Refused before the document is read: not even malformed XML or a wrong media type gets further.
  const malformed = await gw.call({ path: '/api/v1/documents', as, body: '<M1', headers: { 'content-type': 'text/plain' } })
  t.same([malformed.status, malformed.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'])

  const soapSubmit = readAnswer((await soapCall(gw, as, envelope('SubmitDocument', `<e:document>${anaAtPrimer.toString('utf8').trimEnd()}</e:document>`))).text)
  t.equal(soapSubmit.fault?.problem.code, 'NOT_AUTHORIZED_FOR_EMPLOYER', 'SOAP SubmitDocument: a Fault with the same code')
  const soapStorno = readAnswer((await soapCall(gw, as, envelope('StornoDocument', `<e:id>${primerDocument}</e:id>`))).text)
  t.equal(soapStorno.fault?.problem.code, 'NOT_AUTHORIZED_FOR_EMPLOYER', 'SOAP StornoDocument')

  for (const action of ['storno', 'register-check']) {
    const res = await gw.call({ method: 'POST', path: `/api/v1/documents/${primerDocument}/${action}`, as })
    t.same([res.status, res.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'], `${action} refused`)
  }
  t.same((await gw.call({ path: '/api/v1/documents', as })).json.items, [], 'no documents listed')
  t.equal((await gw.call({ path: `/api/v1/documents/${primerDocument}`, as })).status, 404, 'not even its own employer\'s')
  const attempts = await gw.services.db.selectFrom('message_log').select(['status', 'problem_code'])
    .where('client_id', '=', (await gw.services.db.selectFrom('clients').select('id').where('role', '=', 'inspector').executeTakeFirstOrThrow()).id)
    .execute()
  t.equal(attempts.length, 3, 'each refused submission is in the message log')
  t.ok(attempts.every(a => a.status === 403 && a.problem_code === 'NOT_AUTHORIZED_FOR_EMPLOYER'))
})

t.test('a filer\'s search reaches no further than GET: its own employers; filers\' searches are not audited', async t => {
  const { gw, audited } = await twoEmployers(t)
  const own = await search(gw, primerProgram, { person: ANA })
  t.equal(own.status, 200)
  t.same(employersOf(own), [PRIMER], 'Primer\'s program finds Ana at Primer only')
  t.same(own.json, (await gw.call({ path: `/api/v1/insurances?person=${ANA}`, as: primerProgram })).json, 'exactly what GET shows')
  t.same((await search(gw, primerProgram, { employer: NOVAK })).json.items, [], 'another employer\'s register is not searched')
  t.same(employersOf(await search(gw, novakProgram, { person: ANA })), [NOVAK])
  t.same(await audited(), [])
})

t.test('bad search bodies are refused with 400 INVALID_REQUEST', async t => {
  const { gw } = await twoEmployers(t)
  const bodies: [string, string | undefined][] = [
    ['{"person": "1204990505126"', 'application/json'],
    ['[]', 'application/json'],
    ['"1204990505126"', 'application/json'],
    ['null', 'application/json'],
    ['{"person": "1204990505126"}', 'text/plain'],
    ['{"person": "1204990505126"}', undefined],
    ['{"emso": "1204990505126"}', 'application/json'],
    ['{"person": 1204990505126}', 'application/json'],
    ['{"person": ""}', 'application/json'],
    ['{"person": null}', 'application/json'],
    ['{"employer": ["45678138"]}', 'application/json'],
    ['{"period": "March"}', 'application/json'],
    ['{"status": "maybe"}', 'application/json'],
    ['{"limit": "5"}', 'application/json'],
    ['{"limit": 0}', 'application/json'],
    ['{"limit": 1.5}', 'application/json'],
    ['{"cursor": "xyz"}', 'application/json'],
    [`{"person": "${'1'.repeat(300)}"}`, 'application/json'],
    ['{"person": "12\\u000004990505126"}', 'application/json'],
  ]
  for (const as of [inspectorCert, primerProgram]) {
    for (const [body, type] of bodies) {
      const res = await gw.call({ method: 'POST', path: '/api/v1/insurances/search', as, body, headers: type ? { 'content-type': type } : {} })
      t.same([res.status, res.json?.code], [400, 'INVALID_REQUEST'], `${type ?? 'no type'} ${body.slice(0, 40)}: ${res.json?.detail}`)
    }
  }
  const empty = await gw.call({ method: 'POST', path: '/api/v1/insurances/search', as: inspectorCert, body: '{}', headers: json })
  t.same(employersOf(empty), [NOVAK, PRIMER], 'an empty search lists the whole register')
})

t.test('a test inspector leaves out a reset sandbox\'s register; a production inspector searches production only', async t => {
  const { gw } = await twoEmployers(t)
  // A third program files Ana again for Primer in its own sandbox, then resets the sandbox.
  await gw.register(thirdProgram, { taxNumber: PRIMER })
  t.equal((await gw.call({ path: '/api/v1/documents', as: thirdProgram, body: anaAtPrimer, headers: xmlHeaders })).status, 201)
  await gw.services.lifecycle.timers.runDue()
  t.equal((await search(gw, inspectorCert, { person: ANA })).json.items.length, 3, 'three sandboxes, three registrations')
  t.equal((await gw.call({ method: 'POST', path: '/api/v1/sandbox/reset', as: thirdProgram })).status, 204)
  t.same(employersOf(await search(gw, inspectorCert, { person: ANA })), [NOVAK, PRIMER], 'the reset sandbox is left out')

  await gw.register(productionInspectorCert, { taxNumber: NOVAK, environment: 'production', role: 'inspector' })
  const production = await search(gw, productionInspectorCert, { person: ANA })
  t.equal(production.status, 200)
  t.same(production.json.items, [], 'the test environment\'s registers are not production\'s')
})
