import t from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture, fixturesDir } from '../helpers/paths.js'
import { at, envelope, findingsOf, readAnswer, soapCall, wsdlSchema, type FindingJson } from '../helpers/soap.js'
import { settle } from '../helpers/settle.js'
import { createCrl } from '../helpers/trust.js'
import { verifyReceipt } from '../../src/receipts/index.js'
import { addMandate } from '../../src/operator/index.js'
import { parseXml, type XmlElement } from '../../src/xml/index.js'
import { findForm } from '../../src/forms/index.js'
import type { Pem } from '../../src/pki/index.js'

const pki = testPki()
const as = pki.client
const PRIMER = '45678138'
const basic = fixture('si/m1/valid-basic.xml')
const schema = wsdlSchema()
t.teardown(() => schema.close())

/** A gateway with the client registered for PRIMER, and mandated by `employers` for the Slovenian forms. */
async function gateway(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}, employers: readonly string[] = []): Promise<TestGateway> {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h', ...env } })
  const clientId = await gw.register(as, { taxNumber: PRIMER })
  for (const employer of employers) await addMandate(gw.services.db, { employer, clientId, types: ['M1', 'M2', 'M3', 'M12'] }, new Date())
  return gw
}

/** The M1 file as a PHP or hand-written client embeds it: the whole text, declaration and comments included. */
const embedded = (bytes: Buffer): string => `<e:document>${bytes.toString('utf8').trimEnd()}</e:document>`

/** Calls the operation, checks the answer against the WSDL's schema, and returns it. */
async function operation(t: Tap, gw: TestGateway, name: string, content: string, who: Pem | null = as) {
  const res = await soapCall(gw, who ?? undefined, envelope(name, content))
  t.match(res.headers['content-type'], /^text\/xml; charset=utf-8/)
  const answer = readAnswer(res.text)
  t.same(await schema.validate(answer.xml), [], `${name}: the answer conforms to the WSDL`)
  t.equal(res.status, answer.fault ? 500 : 200, 'a Fault comes with HTTP 500, an answer with 200')
  if (!answer.fault) t.equal(answer.element.name, `${name}Response`)
  return answer
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

t.test('the WSDL is served without a client certificate, with the address it was fetched at', async t => {
  const gw = await gateway(t)
  const res = await gw.call({ path: '/soap?wsdl' })
  t.equal(res.status, 200)
  t.match(res.headers['content-type'], /^text\/xml/)
  const port = new URL(gw.url).port
  t.match(res.text, `<soap:address location="https://127.0.0.1:${port}/soap"/>`)
  const wsdl = parseXml(res.text)
  const operations = wsdl.root.children.find(c => c.name === 'portType')!.children.filter(c => c.name === 'operation').map(c => c.attributes.name)
  t.same(operations, ['SubmitDocument', 'GetDocumentStatus', 'ListDocuments', 'GetReceipt', 'StornoDocument', 'RequestRegisterCheck', 'GetEvents', 'GetCertificationReport', 'GetMe'])
})

t.test('GetMe answers what GET /api/v1/me does, field by field', async t => {
  const crlDir = t.testdir()
  const gw = await gateway(t, { CRL_DIR: crlDir })
  const who = pki.otherClient
  const clientId = await gw.register(who, { name: 'Plače d.o.o.', taxNumber: '38172658', software: { vendor: 'Acme', product: 'Payroll', version: '4.2' } })
  await addMandate(gw.services.db, { employer: '2021234501', clientId, types: ['MVP', 'RLFO'], from: '2025-01-01' }, new Date())
  await addMandate(gw.services.db, { employer: PRIMER, clientId }, new Date())
  writeFileSync(join(crlDir, 'ca.crl'), await createCrl(pki.ca, []))
  await gw.services.trust.crls.reload()

  const rest = await gw.call({ path: '/api/v1/me', as: who })
  t.equal(rest.status, 200)
  const soap = await operation(t, gw, 'GetMe', '', who)
  t.notOk(soap.fault, 'no Fault')
  t.strictSame(plain(soap.element), rest.json, 'the same facts; booleans and lists as XML writes them')

  const plainCaller = await operation(t, gw, 'GetMe', '')
  t.equal(at(plainCaller.element, 'software'), undefined, 'no software declared: no element')
  t.equal(at(plainCaller.element, 'certificate', 'qualifiedBy'), undefined, 'not qualified: no qualifiedBy')
  t.equal(at(plainCaller.element, 'certificate', 'qualified'), 'false')
  const extra = await operation(t, gw, 'GetMe', '<e:clientId>x</e:clientId>')
  t.equal(extra.fault?.problem.code, 'INVALID_REQUEST', 'GetMe takes no parameters')
  const nobody = await operation(t, gw, 'GetMe', '', pki.strangerClient)
  t.equal(nobody.fault?.problem.code, 'CLIENT_CERT_UNKNOWN')
})

/** GetMeResponse read back into the JSON of GET /api/v1/me: absent elements as null, xs:boolean as boolean, lists as arrays. */
function plain(response: XmlElement): unknown {
  const lists: Record<string, string> = { mandates: 'mandate', types: 'type' }
  const value = (el: XmlElement): unknown => {
    if (el.name in lists) return el.children.map(value)
    if (el.children.length === 0) return el.text === 'true' ? true : el.text === 'false' ? false : el.text
    return Object.fromEntries(el.children.map(c => [c.name, value(c)]))
  }
  const me = value(response) as Record<string, Record<string, unknown>>
  me.software ??= null as never
  me.certificate!.qualifiedBy ??= null
  for (const mandate of me.mandates as unknown as Record<string, unknown>[]) for (const name of ['types', 'from', 'to']) mandate[name] ??= null
  return me
}

t.test('a valid M1 over SOAP: stored as sent, status, list, receipt, storno; the same views as REST', async t => {
  const gw = await gateway(t)
  const submitted = await operation(t, gw, 'SubmitDocument', embedded(basic))
  const id = at(submitted.element, 'document', 'id')!
  t.equal(at(submitted.element, 'document', 'status', 'acceptance'), 'accepted')
  t.equal(at(submitted.element, 'document', 'type'), 'M1')

  const content = await gw.call({ path: `/api/v1/documents/${id}/content`, as })
  t.equal(content.text, basic.toString('utf8').trimEnd(), 'the document is stored byte for byte as it stood in the body')
  const rest = await gw.call({ path: `/api/v1/documents/${id}`, as })
  t.equal(at(submitted.element, 'document', 'sha256'), rest.json.sha256)
  t.equal(at(submitted.element, 'document', 'number'), rest.json.number)
  t.equal(at(submitted.element, 'document', 'receivedAt'), rest.json.receivedAt)

  const status = await operation(t, gw, 'GetDocumentStatus', `<e:id>${id}</e:id>`)
  t.equal(at(status.element, 'document', 'status', 'label', 'sl'), rest.json.status.label.sl)
  t.equal(at(status.element, 'document', 'history', 'entry', 'reason'), 'received')

  const again = await operation(t, gw, 'SubmitDocument', embedded(basic))
  t.equal(at(again.element, 'document', 'duplicateOf'), id, 'the same bytes again answer the original')
  const viaRest = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  t.equal(viaRest.status, 201, 'REST bytes differ (trailing newline): a document of its own')

  const page = await operation(t, gw, 'ListDocuments', '<e:type>M1</e:type><e:limit>1</e:limit>')
  const items = page.element.children.find(c => c.name === 'items')!
  t.equal(items.children.length, 1)
  t.equal(at(items.children[0]!, 'id'), viaRest.json.id, 'newest first')
  const cursor = at(page.element, 'nextCursor')!
  const next = await operation(t, gw, 'ListDocuments', `<e:type>M1</e:type><e:limit>1</e:limit><e:cursor>${cursor}</e:cursor>`)
  t.equal(at(next.element, 'items', 'document', 'id'), id)
  t.equal(at(next.element, 'nextCursor'), undefined, 'the last page has no cursor')
  const badLimit = await operation(t, gw, 'ListDocuments', '<e:limit>0</e:limit>')
  t.equal(badLimit.fault?.problem.code, 'INVALID_REQUEST')

  const receipt = await operation(t, gw, 'GetReceipt', `<e:id>${id}</e:id>`)
  const receiptXml = Buffer.from(at(receipt.element, 'receipt')!, 'base64').toString('utf8')
  t.match(receiptXml, `<DocumentId>${id}</DocumentId>`)
  t.ok(verifyReceipt(receiptXml, pki.ca.cert), 'the receipt arrives byte-exact, its signature verifies')

  const cancelled = await operation(t, gw, 'StornoDocument', `<e:id>${id}</e:id>`)
  t.equal(at(cancelled.element, 'document', 'status', 'acceptance'), 'cancelled')
  t.equal(at(cancelled.element, 'document', 'status', 'processing'), 'returned')
  const late = await operation(t, gw, 'StornoDocument', `<e:id>${id}</e:id>`)
  t.equal(late.fault?.problem.code, 'STORNO_NOT_ALLOWED')
  t.equal(late.fault?.faultcode, 'soap:Client')
  t.equal(late.fault?.problem.status, 409, 'the detail gives the status REST answers with')
  const check = await operation(t, gw, 'RequestRegisterCheck', `<e:id>${id}</e:id>`)
  t.equal(check.fault?.problem.code, 'REGISTER_CHECK_NOT_ALLOWED')

  const variant = (externalId: string): string => `<e:document>${basic.toString('utf8').replace('HR-2025-0117', externalId)}</e:document>`
  const keyed = await operation(t, gw, 'SubmitDocument', `${variant('HR-2025-0118')}<e:idempotencyKey>k-78</e:idempotencyKey>`)
  t.notOk(keyed.fault)
  const reused = await operation(t, gw, 'SubmitDocument', `${variant('HR-2025-0119')}<e:idempotencyKey>k-78</e:idempotencyKey>`)
  t.equal(reused.fault?.problem.code, 'IDEMPOTENCY_KEY_REUSED')
})

t.test('a document may use namespace declarations of the envelope around it', async t => {
  const gw = await gateway(t)
  const dir = join(fixturesDir, 'soap', 'valid')
  for (const name of readdirSync(dir)) {
    const res = await soapCall(gw, as, readFileSync(join(dir, name)))
    const answer = readAnswer(res.text)
    t.equal(res.status, 200, name)
    t.same(await schema.validate(answer.xml), [], name)
    const id = at(answer.element, 'document', 'id')!
    const stored = await gw.call({ path: `/api/v1/documents/${id}/content`, as })
    t.match(stored.text, /^<(m1:)?M1 xmlns(:m1)?="urn:ehrs:si:m1:1" verzija="1">/, `${name}: the inherited declaration is added to the stored root`)
    t.equal(parseXml(stored.text).root.ns, 'urn:ehrs:si:m1:1')
  }
})

t.test('every failure is a Fault with the REST problem code, checked against the WSDL', async t => {
  const gw = await gateway(t, { MAX_BODY: '64KiB' })
  const invalid = fixture('si/m1/invalid/SI-M1-001.xml')
  const rejected = await operation(t, gw, 'SubmitDocument', embedded(invalid))
  const rest = await gw.call({ path: '/api/v1/documents', as, body: invalid, headers: xmlHeaders })
  t.equal(rest.status, 422)
  t.equal(rejected.fault?.faultcode, 'soap:Client')
  t.equal(rejected.fault?.faultstring, rest.json.detail)
  const { instance: restInstance, ...problem } = rest.json
  const { instance: soapInstance, ...soapProblem } = rejected.fault!.problem
  t.same(soapProblem, problem, 'the same problem as REST: code, status, detail, findings with their lines')
  t.match([restInstance, soapInstance], [/^\/api\/v1\/documents#request=/, /^\/soap#request=/], 'each names its own path and request')

  const noCert = await operation(t, gw, 'GetDocumentStatus', '<e:id>x</e:id>', null)
  t.equal(noCert.fault?.problem.code, 'CLIENT_CERT_REQUIRED')
  const stranger = await operation(t, gw, 'GetDocumentStatus', '<e:id>x</e:id>', pki.strangerClient)
  t.equal(stranger.fault?.problem.code, 'CLIENT_CERT_UNKNOWN')
  await gw.register(pki.expiredClient, { taxNumber: PRIMER })
  const expired = await operation(t, gw, 'GetDocumentStatus', '<e:id>x</e:id>', pki.expiredClient)
  t.equal(expired.fault?.problem.code, 'CLIENT_CERT_EXPIRED')
  const notFound = await operation(t, gw, 'GetReceipt', '<e:id>01a1fda3-0000-7000-8000-000000000000</e:id>')
  t.equal(notFound.fault?.problem.code, 'DOCUMENT_NOT_FOUND')
  t.equal(notFound.fault?.problem.status, 404)

  const other = await gw.register(pki.otherClient, { taxNumber: '72604158' })
  t.ok(other)
  const foreign = await operation(t, gw, 'SubmitDocument', embedded(basic), pki.otherClient)
  t.equal(foreign.fault?.problem.code, 'NOT_AUTHORIZED_FOR_EMPLOYER')

  const wrongType = await soapCall(gw, as, envelope('GetDocumentStatus', '<e:id>x</e:id>'), { 'content-type': 'application/soap+xml' })
  t.equal(readAnswer(wrongType.text).fault?.problem.code, 'UNSUPPORTED_MEDIA_TYPE')
  const large = await soapCall(gw, as, envelope('SubmitDocument', `<e:document><M1 xmlns="urn:ehrs:si:m1:1"><!--${'x'.repeat(70_000)}--></M1></e:document>`))
  t.equal(large.status, 500)
  t.equal(readAnswer(large.text).fault?.problem.code, 'BODY_TOO_LARGE')

  const log = await gw.services.db.selectFrom('message_log').selectAll().where('transport', '=', 'soap').orderBy('received_at').execute()
  t.same(log.map(m => m.problem_code), ['DOCUMENT_INVALID', 'NOT_AUTHORIZED_FOR_EMPLOYER', 'BODY_TOO_LARGE'], 'every submission is in the message log, the refused ones too')
  t.equal(Buffer.from(log[0]!.body!).toString('utf8'), invalid.toString('utf8').trimEnd(), 'the refused document is kept as it stood in the body')
  const findings = log[0]!.findings
  t.same((typeof findings === 'string' ? JSON.parse(findings) : findings).map((f: FindingJson) => f.code), ['SI-M1-001'])
})

// fixture → [faultcode, problem code]
const envelopeRejections: Record<string, [string, string]> = {
  'doctype.xml': ['Client', 'XML_DOCTYPE_FORBIDDEN'],
  'malformed.xml': ['Client', 'XML_MALFORMED'],
  'soap12-envelope.xml': ['VersionMismatch', 'INVALID_REQUEST'],
  'not-an-envelope.xml': ['Client', 'INVALID_REQUEST'],
  'must-understand.xml': ['MustUnderstand', 'INVALID_REQUEST'],
  'two-operations.xml': ['Client', 'INVALID_REQUEST'],
  'unknown-operation.xml': ['Client', 'INVALID_REQUEST'],
  'prototype-operation.xml': ['Client', 'INVALID_REQUEST'],
  'prototype-parameter.xml': ['Client', 'INVALID_REQUEST'],
  'operation-outside-namespace.xml': ['Client', 'INVALID_REQUEST'],
  'unknown-parameter.xml': ['Client', 'INVALID_REQUEST'],
  'repeated-parameter.xml': ['Client', 'INVALID_REQUEST'],
  'missing-id.xml': ['Client', 'INVALID_REQUEST'],
  'document-missing.xml': ['Client', 'INVALID_REQUEST'],
  'document-empty.xml': ['Client', 'INVALID_REQUEST'],
  'document-as-text.xml': ['Client', 'INVALID_REQUEST'],
  'document-two-elements.xml': ['Client', 'INVALID_REQUEST'],
  'document-declaration-after-comment.xml': ['Client', 'XML_MALFORMED'],
  'document-not-utf8.xml': ['Client', 'XML_MALFORMED'],
  'document-unknown-type.xml': ['Client', 'UNKNOWN_DOCUMENT_TYPE'],
  'too-many-namespaces.xml': ['Client', 'XML_MALFORMED'],
}

t.test('envelopes that cannot be served are refused with a Fault naming the problem', async t => {
  const gw = await gateway(t)
  const dir = join(fixturesDir, 'soap')
  const files = readdirSync(dir).filter(name => name.endsWith('.xml'))
  t.same(files.sort(), Object.keys(envelopeRejections).sort(), 'every fixture has its expected fault')
  for (const name of files) {
    const bytes = readFileSync(join(dir, name))
    const res = await soapCall(gw, as, bytes)
    t.equal(res.status, 500, name)
    const answer = readAnswer(res.text)
    t.same(await schema.validate(answer.xml), [], `${name}: the fault detail conforms to the WSDL`)
    t.same([answer.fault?.faultcode, answer.fault?.problem.code], [`soap:${envelopeRejections[name]![0]}`, envelopeRejections[name]![1]], name)
    t.notMatch(res.text, /root:|passwd/, `${name}: nothing from outside is read`)
  }
  // A submission whose envelope or document cannot be read is still in the message log, byte-exact.
  const log = await gw.services.db.selectFrom('message_log').select(['body', 'problem_code']).where('transport', '=', 'soap').execute()
  const logged = new Set(log.map(m => Buffer.from(m.body!).toString('utf8')))
  for (const name of ['doctype.xml', 'malformed.xml', 'document-missing.xml', 'document-two-elements.xml']) {
    t.ok(logged.has(readFileSync(join(dir, name), 'utf8')), `${name} is in the message log as sent`)
  }
})

t.test('the same documents over SOAP and REST: the same answers, findings and states', async t => {
  const files = [
    ...readdirSync(join(fixturesDir, 'si', 'm1')).filter(n => n.endsWith('.xml')).map(n => `si/m1/${n}`),
    ...readdirSync(join(fixturesDir, 'si', 'm1', 'invalid')).map(n => `si/m1/invalid/${n}`),
  ]
  t.ok(files.length > 20, 'every valid M1 and one invalid M1 per finding code')
  // The fixtures' other employers (a wrong tax number is an employer too: its finding comes after authorization).
  const employerOf = (file: string): string | undefined => {
    const { root } = parseXml(fixture(file).toString('utf8'))
    return findForm(root.ns, root.name)?.facts(root).employer
  }
  const employers = [...new Set(files.map(employerOf))].filter((e): e is string => e !== undefined && e !== PRIMER)
  const restGw = await gateway(t, { PROCESSING_DELAY: '0s' }, employers)
  const soapGw = await gateway(t, { PROCESSING_DELAY: '0s' }, employers)
  for (const file of files) {
    const bytes = fixture(file)
    const rest = await restGw.call({ path: '/api/v1/documents', as, body: Buffer.from(bytes.toString('utf8').trimEnd()), headers: xmlHeaders })
    const soap = await operation(t, soapGw, 'SubmitDocument', embedded(bytes))
    if (rest.status === 201) {
      t.notOk(soap.fault, `${file}: stored over both`)
      const soapFindings = findingsOf(soap.element.children[0]!.children.find(c => c.name === 'findings')!)
      t.same(soapFindings, rest.json.findings, `${file}: the same warnings`)
      t.equal(at(soap.element, 'document', 'sha256'), rest.json.sha256, `${file}: the same bytes stored`)
      const soapId = at(soap.element, 'document', 'id')!
      const [restState, soapState] = await Promise.all([settleState(restGw, rest.json.id), settleState(soapGw, soapId)])
      t.same(soapState, restState, `${file}: the same states after processing`)
    } else {
      const { instance: _restInstance, ...problem } = rest.json
      const { instance: _soapInstance, ...soapProblem } = soap.fault!.problem
      t.same(soapProblem, problem, `${file}: the same problem (${rest.json.code})`)
    }
  }
})

async function settleState(gw: TestGateway, id: string): Promise<unknown> {
  await settle(gw.services, id)
  const view = await gw.call({ path: `/api/v1/documents/${id}`, as })
  return { status: view.json.status, findings: view.json.findings, reasons: view.json.history.map((h: { reason: string }) => h.reason) }
}
