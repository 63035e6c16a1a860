import t from 'tap'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { startGateway, xmlHeaders, type CallOptions, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { envelope, readAnswer, soapCall } from '../helpers/soap.js'
import { projectRoot } from '../../src/lib/index.js'
import { type Pem } from '../../src/pki/index.js'

// SPEC.md §4 "HTTP conventions": every answer carries X-Request-Id, which is in the log and in a problem's
// `instance`; SPEC.md §8: the log names requests, documents and timed transitions, never their content.

const pki = testPki()
const PRIMER = '45678138'
const VZOR = '2021234501'
const basic = fixture('si/m1/valid-basic.xml')
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const soapXml = { 'content-type': 'text/xml; charset=utf-8' }

interface RawAnswer { status: number; head: string; requestIds: string[]; body: string }

/** Bytes sent as they are over TLS (headers a well-behaved client would refuse to send), and the whole answer. */
async function raw(gw: TestGateway, request: string | Buffer, as?: Pem): Promise<RawAnswer> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(gw.url).port), ca: pki.ca.cert, ...(as ? { cert: as.cert, key: as.key } : {}) })
  const chunks: Buffer[] = []
  socket.on('data', chunk => chunks.push(chunk))
  socket.on('error', () => undefined)
  const closed = once(socket, 'close')
  await once(socket, 'secureConnect')
  socket.write(request)
  await closed
  const text = Buffer.concat(chunks).toString('latin1')
  const head = text.slice(0, text.indexOf('\r\n\r\n'))
  const requestIds = [...head.matchAll(/^x-request-id: ?(.*)$/gim)].map(m => m[1]!)
  return { status: Number(head.split(' ')[1]), head, requestIds, body: text.slice(head.length + 4) }
}

const logLines = (gw: TestGateway): Record<string, any>[] => gw.logs().split('\n').filter(Boolean).map(line => JSON.parse(line))

/** The log lines that `pick` selects, once there are `count` of them: a request's line is written after its answer. */
async function logged(gw: TestGateway, pick: (line: Record<string, any>) => boolean, count = 1): Promise<Record<string, any>[]> {
  for (let i = 0; i < 200; i++) {
    const lines = logLines(gw).filter(pick)
    if (lines.length >= count) return lines
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  return logLines(gw).filter(pick)
}

t.test('every answer carries a new X-Request-Id when the caller sent none; a problem names it in instance', async t => {
  const gw = await startGateway(t, { env: { MAX_BODY: '4KiB', MAX_INFLIGHT_BYTES: '4KiB' } })
  await gw.register(pki.client, { taxNumber: PRIMER })
  const as = pki.client
  const filed = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  t.equal(filed.status, 201)
  const id = filed.json.id
  const missing = '0195896b-dd51-7c3a-9e42-5b1f0d7a2c68'
  const calls: [string, CallOptions, number][] = [
    ['a submission', { path: '/api/v1/documents', as, body: basic, headers: xmlHeaders }, 200],
    ['a document view', { path: `/api/v1/documents/${id}`, as }, 200],
    ['a receipt', { path: `/api/v1/documents/${id}/receipt`, as }, 200],
    ['an unknown document', { path: `/api/v1/documents/${missing}`, as }, 404],
    ['an unknown route', { path: '/nowhere?x=1', as }, 404],
    ['a path that is not percent-encoding', { path: '/api/v1/documents/%zz', as }, 400],
    ['a wrong media type', { path: '/api/v1/documents', as, body: basic, headers: { 'content-type': 'application/json' } }, 415],
    ['a body over MAX_BODY', { path: '/api/v1/documents', as, body: Buffer.alloc(5000, 0x20), headers: xmlHeaders }, 413],
    ['no client certificate', { path: '/api/v1/documents?person=1204990505126' }, 401],
    ['an unregistered certificate', { path: '/api/v1/documents', as: pki.strangerClient }, 403],
    ['an expired certificate', { path: '/api/v1/documents', as: pki.expiredClient }, 403],
    ['a certificate from outside TRUST_CA\'s registry', { path: '/api/v1/documents', as: pki.outsideClient }, 403],
    ['liveness', { path: '/healthz' }, 200],
    ['readiness', { path: '/readyz' }, 200],
    ['metrics', { path: '/metrics' }, 200],
    ['the API description', { path: '/openapi.yaml' }, 200],
    ['the Swagger UI', { path: '/docs' }, 200],
    ['the WSDL', { path: '/soap?wsdl' }, 200],
    ['a SOAP call', { path: '/soap', method: 'POST', as, body: envelope('GetDocumentStatus', `<e:id>${id}</e:id>`), headers: soapXml }, 200],
    ['a SOAP Fault', { path: '/soap', method: 'POST', as, body: envelope('GetDocumentStatus', `<e:id>${missing}</e:id>`), headers: soapXml }, 500],
    ['a SOAP call without a certificate', { path: '/soap', method: 'POST', body: envelope('GetDocumentStatus', `<e:id>${id}</e:id>`), headers: soapXml }, 500],
  ]
  const seen = new Set<string>()
  for (const [what, options, status] of calls) {
    const res = await gw.call(options)
    t.equal(res.status, status, `${what}: ${status}`)
    const requestId = String(res.headers['x-request-id'])
    t.match(requestId, uuid, `${what}: X-Request-Id is a new UUID`)
    seen.add(requestId)
    const path = options.path.split('?')[0]
    if (String(res.headers['content-type']).startsWith('application/problem+json')) {
      t.equal(res.json.instance, `${path}#request=${requestId}`, `${what}: instance is the path requested, without its query, and the request id`)
    }
    if (status === 500) t.equal(readAnswer(res.text).fault?.problem.instance, `/soap#request=${requestId}`, `${what}: the Fault's problem has the same instance`)
  }
  t.equal(seen.size, calls.length, 'each answer has its own id')

  const garbage = await raw(gw, 'NOT HTTP AT ALL\r\n\r\n')
  t.equal(garbage.status, 400, 'a request that is not HTTP is answered 400')
  t.match(garbage.requestIds, [uuid], 'with an X-Request-Id')
  t.equal((await logged(gw, l => l.requestId === garbage.requestIds[0] && l.msg === 'request not readable as HTTP')).length, 1, 'which the log names')
  t.notOk(gw.logs().includes('1204990505126'), 'the query string is not logged')
})

t.test('a sane X-Request-Id of the caller is kept: in the answer, the problem and every log line of the request', async t => {
  const gw = await startGateway(t)
  await gw.register(pki.client, { taxNumber: PRIMER })
  const sane = [
    'abc', 'req-42', '0b7c5d3e-8f1a-4c2b-9d6e-1a2b3c4d5e6f', '01HV6N3X6K1Q2R3S4T5V6W7X8Y', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'dGVzdA==', 'a/b+c=d~e:f@g.h_i', 'x'.repeat(128), 'Z9'.repeat(64),
  ]
  for (const requestId of sane) {
    const res = await gw.call({ path: '/api/v1/documents/0195896b-dd51-7c3a-9e42-5b1f0d7a2c68', as: pki.client, headers: { 'x-request-id': requestId } })
    t.equal(res.headers['x-request-id'], requestId, `${requestId.slice(0, 40)} (${requestId.length} characters) is kept`)
    t.equal(res.json.instance, `/api/v1/documents/0195896b-dd51-7c3a-9e42-5b1f0d7a2c68#request=${requestId}`)
    const lines = await logged(gw, l => l.requestId === requestId, 2)
    t.same(lines.map(l => l.msg), ['request refused', 'request'], 'both log lines of the request carry it')
  }
})

t.test('an X-Request-Id that is not a plain token of at most 128 characters is replaced, never echoed or logged', async t => {
  const gw = await startGateway(t)
  await gw.register(pki.client, { taxNumber: PRIMER })
  const hostile = [
    '', ' ', 'a b', 'x'.repeat(129), 'y'.repeat(8000), 'a,b', 'a;b', 'quote"d', "it's", '<script>alert(1)</script>',
    '{"level":60,"msg":"forged"}', '%0d%0aX-Forged: 1', 'tab\there', 'čšž-ünïcode', '../../etc/passwd?x', 'back\\slash',
  ]
  for (const value of hostile) {
    const res = await raw(gw, Buffer.concat([
      Buffer.from('GET /api/v1/documents/0195896b-dd51-7c3a-9e42-5b1f0d7a2c68 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: '),
      Buffer.from(value, 'utf8'), Buffer.from('\r\n\r\n'),
    ]), pki.client)
    const label = `${JSON.stringify(value.slice(0, 30))} (${Buffer.byteLength(value)} bytes)`
    t.equal(res.status, 404, `${label}: the request is served`)
    t.match(res.requestIds, [uuid], `${label}: replaced by a new UUID`)
    t.equal(JSON.parse(res.body).instance, `/api/v1/documents/0195896b-dd51-7c3a-9e42-5b1f0d7a2c68#request=${res.requestIds[0]}`)
    t.equal((await logged(gw, l => l.requestId === res.requestIds[0] && l.msg === 'request')).length, 1, `${label}: the log has the new id`)
  }
  // Two headers are joined by a comma, which no sane id has.
  const twice = await raw(gw, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: one\r\nX-Request-Id: two\r\n\r\n')
  t.match(twice.requestIds, [uuid], 'two X-Request-Id headers: one new id')
  // A line break or a control character inside the value: Node's HTTP parser refuses the request itself.
  for (const broken of ['a\rb', 'a\x00b', 'a\x7fb']) {
    const res = await raw(gw, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Request-Id: ${broken}\r\n\r\n`)
    t.equal(res.status, 400, `${JSON.stringify(broken)}: 400`)
    t.match(res.requestIds, [uuid], `${JSON.stringify(broken)}: with a new X-Request-Id`)
  }
  const logs = gw.logs()
  for (const value of hostile.filter(v => v.length > 3)) t.notOk(logs.includes(value), `not in the log: ${JSON.stringify(value.slice(0, 30))}`)
  t.notOk(logs.includes('forged'), 'no forged log line')
})

// The story is filed in 2025 on the gateway's clock, so the program holds a certificate valid since 2024.
const payroll = issueCertificate(pki.ca, {
  commonName: 'payroll program', kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})

t.test('the log names the client, the document and every timed transition, without personal data', async t => {
  let now = new Date('2025-03-12T08:15:02.481Z')
  const gw = await startGateway(t, { clock: { now: () => now }, env: { TEST_FORWARD_DELAY: '10s' } })
  const clientId = await gw.register(payroll, { taxNumber: VZOR })
  const rlfo = readFileSync(join(projectRoot, 'examples', 'sk', 'rlfo-peter.xml'))
  const filed = await gw.call({ path: '/api/v1/documents', as: payroll, body: rlfo, headers: { ...xmlHeaders, 'x-request-id': 'file-rlfo' } })
  t.equal(filed.status, 201)
  const id = filed.json.id
  await gw.call({ path: `/api/v1/documents/${id}`, as: payroll, headers: { 'x-request-id': 'read-rlfo' } })
  await soapCall(gw, payroll, envelope('GetDocumentStatus', `<e:id>${id}</e:id>`), { 'x-request-id': 'read-rlfo-soap' })

  const line = async (requestId: string) => (await logged(gw, l => l.requestId === requestId && l.msg === 'request'))[0]
  t.match(await line('file-rlfo'), { method: 'POST', route: '/api/v1/documents', status: 201, clientId, documentId: id, fingerprint: /^[0-9a-f]{64}$/ })
  t.match(await line('read-rlfo'), { method: 'GET', route: '/api/v1/documents/:id', status: 200, clientId, documentId: id })
  t.match(await line('read-rlfo-soap'), { method: 'POST', route: '/soap', status: 200, clientId, documentId: id })

  // Forwarded once TEST_FORWARD_DELAY has passed, then processed by the built-in back office.
  now = new Date(now.getTime() + 10_000)
  await gw.services.lifecycle.timers.runDue()
  const transitions = logLines(gw).filter(l => l.msg === 'timed transition')
  t.match(transitions, [
    { documentId: id, type: 'RLFO', timer: 'forward', from: 'accepted/unprocessed', to: 'accepted/forwarded', level: 30 },
    { documentId: id, type: 'RLFO', timer: 'process', from: 'accepted/forwarded', to: 'accepted/processed', level: 30 },
  ], 'one line per timed transition: document, form, timer kind, states before and after')
  t.equal(transitions.length, 2)

  // A report is checked against the register as soon as it is stored.
  const report = await gw.call({ path: '/api/v1/documents', as: payroll, body: readFileSync(join(projectRoot, 'examples', 'sk', 'mvp.xml')), headers: xmlHeaders })
  t.equal(report.status, 201)
  await gw.services.lifecycle.timers.runDue()
  t.match(logLines(gw).filter(l => l.msg === 'timed transition' && l.documentId === report.json.id)[0],
    { timer: 'register-check', from: 'awaiting_first_register_check/unprocessed', to: /^(accepted|not_accepted_registration_errors)\/unprocessed$/ })

  const logs = gw.logs()
  for (const personal of ['8704122361', 'Kováč', 'Peter', '1987-04-12', '9261031472', 'Horváthová']) t.notOk(logs.includes(personal), `not in the log: ${personal}`)
})
