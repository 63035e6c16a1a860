import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type CallResult, type TestGateway } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { envelope, readAnswer, soapCall, at } from '../helpers/soap.js'
import { localDate, projectRoot } from '../../src/lib/index.js'
import type { Pem } from '../../src/pki/index.js'
import { addMandate, certifySoftware, listCertifiedSoftware } from '../../src/operator/index.js'
import { formatResult } from '../../src/cli/output.js'
import { scenarios } from '../../src/certification/index.js'

const pki = testPki()
const PRIMER = '45678138'
const VZOR = '2021234501'
const NOVAK = '38172658'
const SOFTWARE = { vendor: 'Acme', product: 'Plače', version: '4.2.1' }
const example = (path: string): string => readFileSync(join(projectRoot, 'examples', path), 'utf8')
const json = { 'content-type': 'application/json' }

/** A test client as the README's vendor guide sets it up: its own employer, and mandates from the M12 and Slovak ones. */
async function vendor(gw: TestGateway, cert: Pem, software = SOFTWARE): Promise<string> {
  const id = await gw.register(cert, { taxNumber: PRIMER, software })
  for (const employer of [VZOR, NOVAK]) await addMandate(gw.services.db, { employer, clientId: id }, new Date())
  return id
}

function client(gw: TestGateway, as: Pem) {
  return {
    file: (xml: string, headers: Record<string, string> = {}) => gw.call({ path: '/api/v1/documents', as, body: xml, headers: { ...xmlHeaders, ...headers } }),
    get: (path: string) => gw.call({ path, as }),
    post: (path: string, body?: unknown) => gw.call({ method: 'POST', path, as, ...(body !== undefined ? { body: JSON.stringify(body), headers: json } : {}) }),
    advance: async (by: string) => {
      const answer = await gw.call({ method: 'POST', path: '/api/v1/sandbox/advance', as, body: JSON.stringify({ by }), headers: json })
      if (answer.status !== 200) throw new Error(`advance: ${answer.status} ${answer.text}`)
      return answer.json as { advancedBy: string; transitions: { document: { id: string }; acceptance: string; processing: string }[]; pending: unknown[] }
    },
    state: async (id: string) => {
      const view = (await gw.call({ path: `/api/v1/documents/${id}`, as })).json
      return `${view.status.acceptance}/${view.status.processing}`
    },
    report: async () => (await gw.call({ path: '/api/v1/certification', as })).json as {
      complete: boolean; software: unknown; scenarios: { id: string; status: string; evidence: string[]; passedAt: string | null }[]
    },
  }
}

const status = (report: { scenarios: { id: string; status: string }[] }, id: string): string | undefined => report.scenarios.find(s => s.id === id)?.status
const pending = (report: { scenarios: { id: string; status: string }[] }): string[] => report.scenarios.filter(s => s.status === 'pending').map(s => s.id)
const created = (answer: CallResult): string => {
  if (answer.status !== 201) throw new Error(`expected 201, got ${answer.status}: ${answer.text.slice(0, 600)}`)
  return answer.json.id as string
}

t.test('a test client passes every scenario over mutual TLS, is certified, and its version then files in production', async t => {
  const gw = await startGateway(t)
  const id = await vendor(gw, pki.client)
  const c = client(gw, pki.client)

  const fresh = await c.report()
  t.match(fresh, { software: SOFTWARE, complete: false })
  t.same(fresh.scenarios.map(s => s.id), scenarios().map(s => s.id), 'every scenario of the catalogue, in its order')
  t.ok(fresh.scenarios.every(s => s.status === 'pending' && s.evidence.length === 0 && s.passedAt === null), 'nothing passed before anything was filed')
  const before = await certifySoftware(gw.services.db, id, new Date())
  t.match(before, { certified: false, software: SOFTWARE })
  t.same(before.pending, fresh.scenarios.map(s => s.id), 'software certify names every pending scenario')
  t.match(formatResult('software.certify', before), /^not certified: Acme\/Plače\/4\.2\.1 has \d+ scenario\(s\) pending: file-M1, /)

  // Refusals first: each recovery is a valid document of the same type filed after it.
  const m1 = example('si/m1.xml')
  const malformed = await c.file(m1.slice(0, 200))
  t.same([malformed.status, malformed.json.code], [400, 'XML_MALFORMED'])
  const schema = await c.file(m1.replace('<ZunanjiId>HR-2025-0117</ZunanjiId>', '<Oznaka>HR-2025-0117</Oznaka>'))
  t.same([schema.status, schema.json.code], [422, 'DOCUMENT_INVALID'])
  t.ok(schema.json.findings.some((f: { code: string }) => /^SI-XSD-/.test(f.code)), 'a schema finding')
  const rule = await c.file(m1.replace('1204990505126', '1204990505127'))
  t.same([rule.status, rule.json.code], [422, 'DOCUMENT_INVALID'])
  t.ok(rule.json.findings.some((f: { code: string; severity: string }) => f.severity === 'error' && !/-XSD-/.test(f.code)), 'a rule finding')
  t.equal(status(await c.report(), 'recover-malformed'), 'pending', 'a refusal alone passes nothing')

  // A refusal by the back office, on request (fault injection), then the same type processed.
  const refusedId = created(await c.file(m1.replace('HR-2025-0117', 'HR-2025-0117#REFUSE')))
  await c.advance('1s')
  const refused = (await c.get(`/api/v1/documents/${refusedId}`)).json
  t.match(refused.status, { acceptance: 'accepted', processing: 'refused' })
  t.match(refused.findings.filter((f: { code: string }) => f.code === 'SI-SANDBOX-001'),
    [{ severity: 'error', field: 'ZunanjiId', path: '/M1/ZunanjiId', message: { en: /#REFUSE/, sl: /#REFUSE/ } }])
  const m1Id = created(await c.file(m1))
  const advanced = await c.advance('1s')
  t.match(advanced.transitions, [{ document: { id: m1Id }, acceptance: 'accepted', processing: 'processed' }], 'advance answers with the transitions it ran')
  const repeat = await c.file(m1)
  t.same([repeat.status, repeat.json.duplicateOf], [200, m1Id])
  t.equal(await c.state(m1Id), 'accepted/processed')
  t.equal((await c.get(`/api/v1/documents/${m1Id}/receipt`)).status, 200)
  const late = await c.post(`/api/v1/documents/${m1Id}/storno`)
  t.same([late.status, late.json.code], [409, 'STORNO_NOT_ALLOWED'])

  for (const file of ['si/m3-change.xml', 'si/m2.xml', 'si/endm.xml']) {
    const filed = created(await c.file(example(file)))
    await c.advance('1s')
    t.equal(await c.state(filed), 'accepted/processed', `${file} processed`)
  }
  // M12 over SOAP: the soap scenario and its file- scenario at once.
  const soap = readAnswer((await soapCall(gw, pki.client, envelope('SubmitDocument', `<e:document>${example('si/m12.xml').replace(/^<\?xml[^>]*\?>\s*/, '')}</e:document>`))).text)
  t.notOk(soap.fault, 'SubmitDocument over SOAP')
  const m12Id = at(soap.element, 'document', 'id')!
  await c.advance('1s')
  t.equal(await c.state(m12Id), 'accepted/processed')

  // Slovakia: a report filed before its person's registration is not accepted; the registration, a repeated check.
  const mvp = example('sk/mvp.xml')
  const mvpId = created(await c.file(mvp))
  await c.advance('1s')
  t.equal(await c.state(mvpId), 'not_accepted_registration_errors/unprocessed')
  const peter = created(await c.file(example('sk/rlfo-peter.xml')))
  const jana = created(await c.file(example('sk/rlfo.xml')))
  await c.advance('5m')
  t.same([await c.state(peter), await c.state(jana)], ['accepted/processed', 'accepted/processed'], 'RLFOs forwarded and processed without waiting')
  t.equal((await c.post(`/api/v1/documents/${mvpId}/register-check`)).status, 202)
  const recheck = await c.advance('1h')
  t.ok(recheck.transitions.some(x => x.document.id === mvpId && x.acceptance === 'accepted' && x.processing === 'processed'), 'checked, accepted, forwarded and processed in one advance')
  for (const file of ['sk/vpp.xml', 'sk/rlzec.xml', 'sk/eldp.xml']) {
    const filed = created(await c.file(example(file)))
    await c.advance('1h')
    t.equal(await c.state(filed), 'accepted/processed', `${file} processed`)
  }
  created(await c.file(mvp.replace('<DruhVykazu>R</DruhVykazu>', '<DruhVykazu>O</DruhVykazu>').replace('MZDY-2025-03', 'MZDY-2025-03-O')))
  const early = created(await c.file(example('sk/rlzec.xml').replace('2025-04-01', '2025-04-02')))
  const storno = await c.post(`/api/v1/documents/${early}/storno`)
  t.same([storno.status, storno.json.status.acceptance], [200, 'cancelled'])

  // file-PREG: a preliminary registration of today, paired by a later RLFO of the same person and day.
  const today = localDate(new Date())
  const preg = created(await c.file(example('sk/preg.xml').replace('2025-03-01', today)))
  created(await c.file(example('sk/rlfo.xml').replace('2025-03-01', today)))
  t.equal(await c.state(preg), 'accepted/processed', 'paired')

  t.same(pending(await c.report()), ['events'], 'all but the event feed')
  t.equal((await c.get('/api/v1/events?limit=5')).status, 200)
  const report = await c.report()
  t.same(pending(report), [], 'every scenario passed')
  t.equal(report.complete, true)
  t.ok(report.scenarios.every(s => s.evidence.length > 0 && s.passedAt !== null), 'each with its evidence and time')
  const evidence = (scenario: string): string[] => report.scenarios.find(s => s.id === scenario)!.evidence
  t.same(evidence('recover-register-refusal'), [refusedId, m1Id])
  t.same(evidence('recover-registration-errors'), [mvpId, peter], 'the report, and the first registration filed after its refusal')
  t.same(evidence('soap'), [m12Id])
  t.same(evidence('storno-in-time'), [early])
  t.same(evidence('file-M1'), [m1Id])

  // The same report over SOAP.
  const overSoap = readAnswer((await soapCall(gw, pki.client, envelope('GetCertificationReport', ''))).text)
  t.notOk(overSoap.fault)
  t.equal(at(overSoap.element, 'complete'), 'true')
  t.equal(overSoap.element.children.find(e => e.name === 'scenarios')!.children.length, report.scenarios.length)

  const certified = await certifySoftware(gw.services.db, id, new Date())
  t.match(certified, { certified: true, software: SOFTWARE, pending: [] })
  t.equal(formatResult('software.certify', certified), 'certified Acme/Plače/4.2.1\n')
  t.match(await listCertifiedSoftware(gw.services.db), [{ ...SOFTWARE, clientId: id, report: { complete: true } }])
  const audit = await gw.services.db.selectFrom('audit_log').select('details').where('action', '=', 'software.certified').execute()
  t.match(audit, [{ details: { ...SOFTWARE, report: { complete: true, scenarios: report.scenarios.map(s => ({ id: s.id, status: 'passed' })) } } }], 'the report as it stood, in the audit log')

  // Production: the certified version files; another version does not; fault injection is the sandbox's alone.
  await gw.register(pki.otherClient, { taxNumber: PRIMER, environment: 'production', software: SOFTWARE })
  await gw.register(pki.outsideClient, { taxNumber: PRIMER, environment: 'production', software: { ...SOFTWARE, version: '4.2.2' } })
  const production = created(await gw.call({ path: '/api/v1/documents', as: pki.otherClient, body: m1.replace('HR-2025-0117', 'HR-2025-0117#REFUSE'), headers: xmlHeaders }))
  const other = await gw.call({ path: '/api/v1/documents', as: pki.outsideClient, body: m1, headers: xmlHeaders })
  t.same([other.status, other.json.code], [403, 'SOFTWARE_NOT_CERTIFIED'])
  await gw.services.lifecycle.timers.runDue()
  t.equal(await client(gw, pki.otherClient).state(production), 'accepted/processed', '#REFUSE means nothing in production')
  for (const [method, path] of [['GET', '/api/v1/certification'], ['POST', '/api/v1/sandbox/reset']] as const) {
    const answer = await gw.call({ method, path, as: pki.otherClient })
    t.same([answer.status, answer.json.code], [403, 'TEST_CLIENTS_ONLY'], `${method} ${path} is for test clients`)
  }
  const advanceProd = await gw.call({ method: 'POST', path: '/api/v1/sandbox/advance', as: pki.otherClient, body: '{"by":"5h"}', headers: json })
  t.same([advanceProd.status, advanceProd.json.code], [403, 'TEST_CLIENTS_ONLY'])
  const soapProd = readAnswer((await soapCall(gw, pki.otherClient, envelope('GetCertificationReport', ''))).text)
  t.equal(soapProd.fault?.problem.code, 'TEST_CLIENTS_ONLY')

  // A reset starts the sandbox afresh: the report, lists and register are empty; the message log keeps everything.
  const logged = async () => Number((await gw.services.db.selectFrom('message_log').select(eb => eb.fn.countAll().as('n')).where('client_id', '=', id).executeTakeFirstOrThrow()).n)
  const kept = await logged()
  t.equal((await c.post('/api/v1/sandbox/reset')).status, 204)
  const after = await c.report()
  t.equal(after.complete, false)
  t.same(pending(after), report.scenarios.map(s => s.id), 'every scenario pending again')
  t.same((await c.get('/api/v1/documents')).json.items, [], 'gone from lists')
  t.equal((await c.get(`/api/v1/documents/${m1Id}`)).status, 404)
  t.same((await c.get(`/api/v1/insurances?employer=${PRIMER}`)).json.items, [], 'gone from the register')
  t.same((await c.get('/api/v1/events')).json.items, [], 'and from the event feed')
  t.equal(await logged(), kept, 'still in the message log')
  t.equal((await gw.call({ path: `/api/v1/documents/${production}`, as: pki.otherClient })).status, 200, 'production documents untouched')
  const again = await c.file(m1)
  t.equal(again.status, 201, 'the same file is filed anew, not answered as a repeat')
  t.equal((await gw.services.db.selectFrom('audit_log').select('action').where('action', 'in', ['sandbox.reset', 'sandbox.advanced']).execute()).length > 10, true, 'resets and advances are audited')
})

t.test('an official MVP passes file-MVP like ours, and the report names the format it passed by', async t => {
  const gw = await startGateway(t)
  await vendor(gw, pki.client)
  const c = client(gw, pki.client)
  const registrations = [created(await c.file(example('sk/rlfo-peter.xml'))), created(await c.file(example('sk/rlfo.xml')))]
  await c.advance('5m')
  const official = created(await c.file(example('sk/mvpp-official.xml')))
  await c.advance('1h')
  t.equal(await c.state(official), 'accepted/processed')
  t.equal((await c.get('/api/v1/events?limit=1')).status, 200)

  const report = await c.report() as { scenarios: { id: string; status: string; evidence: string[]; format?: string }[] }
  const scenario = (id: string) => report.scenarios.find(s => s.id === id)!
  t.match(scenario('file-MVP'), { status: 'passed', evidence: [official], format: 'sp' })
  t.match(scenario('file-RLFO'), { status: 'passed', evidence: [registrations[0]], format: 'ehrs' })
  t.equal(scenario('events').status, 'passed')
  t.notOk('format' in scenario('events'), 'a scenario passed by a read of no document names no format')
  t.notOk('format' in scenario('file-VPP'), 'nor does a pending one')

  const overSoap = readAnswer((await soapCall(gw, pki.client, envelope('GetCertificationReport', ''))).text)
  const soapScenario = overSoap.element.children.find(e => e.name === 'scenarios')!.children.find(s => at(s, 'id') === 'file-MVP')!
  t.equal(at(soapScenario, 'format'), 'sp', 'GetCertificationReport names it too')
})

t.test('one test client\'s advance and reset touch neither another test client, nor production, nor their timers', async t => {
  const gw = await startGateway(t)
  // A second instance on the same database, with its own timers.
  const second = await startGateway(t, { db: gw.services.dbHandle })
  await vendor(gw, pki.client)
  const b = await vendor(gw, pki.otherClient, { ...SOFTWARE, product: 'Mzdy' })
  const a = client(gw, pki.client)
  const other = client(second, pki.otherClient)
  const theirs = created(await other.file(example('sk/rlzec.xml')))
  const dueBefore = await gw.services.db.selectFrom('timers').select(['id', 'due_at']).where('document_id', '=', theirs).execute()
  const mine = created(await a.file(example('sk/rlzec.xml')))
  const ran = await a.advance('1d')
  t.same(ran.transitions.map(x => x.document.id), [mine, mine], 'only the caller\'s own document moved (forwarded, processed)')
  t.equal(await other.state(theirs), 'accepted/unprocessed', 'the other client\'s document still waits')
  t.same(await gw.services.db.selectFrom('timers').select(['id', 'due_at']).where('document_id', '=', theirs).execute(), dueBefore, 'its timer is as it was')
  t.equal((await a.post('/api/v1/sandbox/reset')).status, 204)
  t.equal((await other.get(`/api/v1/documents/${theirs}`)).status, 200)
  t.same((await other.get('/api/v1/documents')).json.items.map((d: { id: string }) => d.id), [theirs])
  const theirTimer = await gw.services.db.selectFrom('timers').select(['done_at']).where('document_id', '=', theirs).executeTakeFirstOrThrow()
  t.equal(theirTimer.done_at, null, 'its timer still pending')
  t.equal(status(await other.report(), 'rest'), 'passed', 'its report is its own')
  t.equal((await gw.services.db.selectFrom('clients').select('id').where('id', '=', b).execute()).length, 1)
})

t.test('advance takes {"by": DURATION} and nothing else', async t => {
  const gw = await startGateway(t)
  await vendor(gw, pki.client)
  for (const [body, headers, why] of [
    ['{"by": "-5h"}', json, /by/], ['{"by": "0s"}', json, /more than 0/], ['{"by": "367d"}', json, /366d/],
    ['{"by": 5}', json, /DURATION/], ['{"by": "5 hours"}', json, /DURATION/], ['{"by": "99999999999999999999d"}', json, /DURATION/],
    ['{}', json, /DURATION/], ['[]', json, /JSON object/], ['{"by": "5h", "for": "all"}', json, /Unknown field for/],
    ['{"by": ', json, /not JSON/], ['by=5h', { 'content-type': 'application/x-www-form-urlencoded' }, /application\/json/],
  ] as const) {
    const answer = await gw.call({ method: 'POST', path: '/api/v1/sandbox/advance', as: pki.client, body, headers })
    t.same([answer.status, answer.json.code], [400, 'INVALID_REQUEST'], `${body} refused`)
    t.match(answer.json.detail, why)
  }
  const nothing = await gw.call({ method: 'POST', path: '/api/v1/sandbox/advance', as: pki.client, body: '{"by":"5h"}', headers: json })
  t.match(nothing, { status: 200, json: { advancedBy: '5h', transitions: [], pending: [] } })
})
