import t, { type Test } from 'tap'
import { channel } from 'node:diagnostics_channel'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { startGateway, xmlHeaders, type CallOptions, type CallResult, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { testDb } from '../helpers/db.js'
import { fixture } from '../helpers/paths.js'
import { holdRequest } from '../helpers/held.js'
import { conformanceErrors, openapi, operations, schemaErrors, type HttpMethod } from '../helpers/openapi.js'
import { projectRoot } from '../../src/lib/index.js'
import { fingerprint, type Pem } from '../../src/pki/index.js'
import { addMandate, revokeCertificate } from '../../src/operator/index.js'

// openapi.yaml against the running gateway: the routes it registers, and what each answers, status by status.

const pki = testPki()
const PRIMER = '45678138'
const VZOR = '2021234501'
// The stories are filed in 2025 on the gateway's clock, so their programs hold certificates valid since 2024.
const since2024 = (commonName: string): Pem => issueCertificate(pki.ca, {
  commonName, kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})
const payroll = since2024('payroll program')
const production = since2024('production payroll program')
const retired = since2024('retired payroll program')
const sandboxed = since2024('another test client')
const m1 = readFileSync(join(projectRoot, 'examples', 'si', 'm1.xml'))
const example = (name: string): any => openapi.components.examples![name].value

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, set: (at: string) => { now = new Date(at) } }
}

interface Route { readonly method: string; readonly url: string }

/**
 * A gateway whose routes are recorded as Fastify registers them, through Fastify's documented
 * `fastify.initialization` diagnostics channel (onRoute hooks must exist before the first route).
 * `closing` settles when shutdown has begun: the routes then answer 503.
 */
async function recordedGateway(t: Test, options: Parameters<typeof startGateway>[1] = {}) {
  const routes: Route[] = []
  let closingBegun!: () => void
  const closing = new Promise<void>(resolve => { closingBegun = resolve })
  const initialization = channel('fastify.initialization')
  const onInstance = (message: unknown): void => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', route => { for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? route.path }) })
    fastify.addHook('preClose', async () => closingBegun())
  }
  initialization.subscribe(onInstance)
  try {
    return { gw: await startGateway(t, options), routes, closing }
  } finally {
    initialization.unsubscribe(onInstance)
  }
}

// The Swagger UI's own assets and its copies of the description (/docs/static/*, /docs/json, /docs/yaml) are the
// UI's inside; openapi.yaml describes the UI's page, /docs.
const isDocsAsset = (url: string): boolean => url.startsWith('/docs/')
const asTemplate = (url: string): string => url.replace(/:(\w+)/g, '{$1}')
const described = (): Set<string> => new Set(operations().map(o => `${o.method.toUpperCase()} ${o.path}`))

function registeredOperations(routes: readonly Route[]): Set<string> {
  return new Set(routes.filter(r => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !isDocsAsset(r.url)).map(r => `${r.method} ${asTemplate(r.url)}`))
}

/** `METHOD path status` of every answer checked against openapi.yaml, to prove at the end that each documented status occurs. */
const answered = new Set<string>()

interface Expected extends CallOptions {
  readonly status: number
  readonly code?: string
}

/** Calls the gateway and checks the answer against openapi.yaml's description of `method template`. */
async function check(t: Test, gw: TestGateway, method: HttpMethod, template: string, expected: Expected): Promise<CallResult> {
  const { status, code, ...options } = expected
  const res = await gw.call({ ...options, method: method.toUpperCase() })
  const name = `${method.toUpperCase()} ${options.path} → ${status}${code ? ` ${code}` : ''}`
  t.equal(res.status, status, name)
  if (code) t.equal(res.json?.code, code, `${name}: code`)
  t.same(conformanceErrors(method, template, res), [], `${name}: as openapi.yaml describes ${method.toUpperCase()} ${template}`)
  answered.add(`${method.toUpperCase()} ${template} ${res.status}`)
  return res
}

/** The view as an example shows it: the id, and when the back office got to it, are each run's own. */
function likeExample(view: any, exampleView: any): any {
  return {
    ...view, id: exampleView.id, ...(view.duplicateOf ? { duplicateOf: exampleView.duplicateOf } : {}),
    history: view.history.map((h: any, i: number) => (i === 0 ? h : { ...h, at: exampleView.history[i]?.at })),
  }
}

t.test('the examples of openapi.yaml are what the gateway answers', async t => {
  const M1 = example('M1Document')
  t.equal(M1, m1.toString('utf8'), 'the M1 request example is examples/si/m1.xml')

  // Filed on the example's date, eleven days after rubrika 14 (hence the SI-M1-002 warning), with the default PROCESSING_DELAY.
  const clock = settableClock('2025-03-12T08:15:02.481Z')
  const gw = await startGateway(t, { clock })
  const clientId = await gw.register(payroll, { taxNumber: PRIMER })
  const as = payroll
  const filed = await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as, body: m1, headers: xmlHeaders, status: 201 })
  t.same(likeExample(filed.json, example('M1View')), example('M1View'), '201: M1View')
  t.equal(filed.headers.location, `/api/v1/documents/${filed.json.id}`)

  await gw.services.lifecycle.timers.runDue()
  const processed = await check(t, gw, 'get', '/api/v1/documents/{id}', { path: `/api/v1/documents/${filed.json.id}`, as, status: 200 })
  t.same(likeExample(processed.json, example('M1ProcessedView')), example('M1ProcessedView'), '200: M1ProcessedView')
  const again = await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as, body: m1, headers: xmlHeaders, status: 200 })
  t.equal(again.json.duplicateOf, filed.json.id)
  t.same(likeExample(again.json, example('M1DuplicateView')), example('M1DuplicateView'), '200: M1DuplicateView')

  const examples422 = openapi.paths['/api/v1/documents']!.post!.responses['422'].content['application/problem+json'].examples
  // The examples' problems name the request id their program sent (X-Request-Id).
  const requestId = /#request=(.+)$/.exec(examples422.ruleFindings.value.instance)![1]!
  const refusedHeaders = { ...xmlHeaders, 'x-request-id': requestId }
  const invalid = await check(t, gw, 'post', '/api/v1/documents', {
    path: '/api/v1/documents', as, body: fixture('si/m1/invalid/SI-COMMON-003.xml'), headers: refusedHeaders, status: 422, code: 'DOCUMENT_INVALID',
  })
  t.same(invalid.json, examples422.ruleFindings.value, '422: the findings of test/fixtures/si/m1/invalid/SI-COMMON-003.xml')
  t.equal(invalid.headers['x-request-id'], requestId)
  const withoutRubrika17 = m1.toString('utf8').replace('<PolniDelovniCasZavezanca>40</PolniDelovniCasZavezanca>', '')
  const schema = await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as, body: withoutRubrika17, headers: refusedHeaders, status: 422 })
  t.same(schema.json, examples422.schemaFinding.value, '422: an XSD finding')
  const unknown = await check(t, gw, 'post', '/api/v1/documents', {
    path: '/api/v1/documents', as, body: '<M1 xmlns="urn:ehrs:si:m1:2" verzija="1"/>', headers: refusedHeaders, status: 422,
  })
  t.same(unknown.json, examples422.unknownType.value, '422: UNKNOWN_DOCUMENT_TYPE')

  // The register then holds Ana's insurance and, once an RLFO is forwarded and processed, a Slovak relationship.
  await addMandate(gw.services.db, { employer: VZOR, clientId }, clock.now())
  await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as, body: readFileSync(join(projectRoot, 'examples', 'sk', 'rlfo-peter.xml')), headers: xmlHeaders, status: 201 })
  clock.set('2025-03-12T08:16:00.000Z')
  await gw.services.lifecycle.timers.runDue()
  await gw.services.lifecycle.timers.runDue()
  const register = await check(t, gw, 'get', '/api/v1/insurances', { path: '/api/v1/insurances', as, status: 200 })
  t.same(register.json.items.map((i: { type: string }) => i.type).sort(), ['M1', 'RLFO'], 'an SI insurance and an SK relationship')

  // Cancelled before processing, which the operator has put off by five minutes.
  const delayedClock = settableClock('2025-03-12T08:15:02.481Z')
  const delayed = await startGateway(t, { clock: delayedClock, env: { PROCESSING_DELAY: '5m' } })
  await delayed.register(payroll, { taxNumber: PRIMER })
  const kept = await check(t, delayed, 'post', '/api/v1/documents', { path: '/api/v1/documents', as, body: m1, headers: xmlHeaders, status: 201 })
  delayedClock.set('2025-03-12T08:16:40.117Z')
  const cancelled = await check(t, delayed, 'post', '/api/v1/documents/{id}/storno', { path: `/api/v1/documents/${kept.json.id}/storno`, as, status: 200 })
  t.same(likeExample(cancelled.json, example('M1CancelledView')), example('M1CancelledView'), '200: M1CancelledView')
})

/** Raw answers on one connection, in order, without the interim 100 Continue. */
function parseAnswers(raw: Buffer): { status: number; headers: Record<string, string>; text: string }[] {
  const answers = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) break
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).trim().toLowerCase()] = line.slice(line.indexOf(':') + 1).trim()
    const length = Number(headers['content-length'] ?? 0)
    const status = Number(statusLine!.split(' ')[1])
    if (status !== 100) answers.push({ status, headers, text: rest.subarray(end + 4, end + 4 + length).toString('utf8') })
    rest = rest.subarray(end + 4 + length)
  }
  return answers
}

/**
 * A connection that shutdown has to leave open: it holds a request whose body has not arrived yet (the server's
 * 100 Continue shows the request is under way). The function it gives sends that body and, behind it, the request
 * to be answered while the gateway closes; it resolves with every answer on the connection.
 */
async function heldConnection(url: string): Promise<(method: string, path: string) => Promise<ReturnType<typeof parseAnswers>>> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port), ca: pki.ca.cert })
  const chunks: Buffer[] = []
  socket.on('data', chunk => chunks.push(chunk))
  const closed = once(socket, 'close')
  closed.catch(() => undefined) // awaited below; a socket error surfaces there
  await once(socket, 'secureConnect')
  socket.write('POST /held HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n')
  await once(socket, 'data')
  return async (method, path) => {
    socket.write(`<a/>${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`)
    await closed
    return parseAnswers(Buffer.concat(chunks))
  }
}

t.test('every route answers as openapi.yaml describes, for every status a test can bring about', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  // Processing is held off so that a Slovenian form can still be cancelled; a small MAX_BODY for 413.
  const { gw, routes, closing } = await recordedGateway(t, { clock, env: { PROCESSING_DELAY: '1h', MAX_BODY: '16KiB' } })
  const registered = registeredOperations(routes)

  await t.test('every route the gateway registers is described in openapi.yaml, and every described operation is registered', async t => {
    for (const r of registered) t.ok(described().has(r), `${r} is in openapi.yaml`)
    for (const d of described()) t.ok(registered.has(d), `${d} is registered`)
    t.ok(routes.some(r => r.method === 'GET' && r.url === '/docs/static/*'), 'the UI serves its own assets')
  })
  const db = gw.services.db
  const now = clock.now()
  const as = payroll
  const clientId = await gw.register(payroll, { taxNumber: PRIMER })
  await addMandate(db, { employer: VZOR, clientId }, now)
  await gw.register(production, { taxNumber: PRIMER, environment: 'production', software: { vendor: 'Acme', product: 'Payroll', version: '4.2' } })
  await gw.register(retired, { taxNumber: PRIMER })
  await revokeCertificate(db, fingerprint(retired.cert), now)
  await gw.register(pki.expiredClient, { taxNumber: PRIMER })
  const post = (expected: Omit<Expected, 'path'>) => check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', ...expected })

  // Filing.
  const filed = await post({ as, body: m1, headers: xmlHeaders, status: 201 })
  const id = filed.json.id as string
  await post({ as, body: m1, headers: xmlHeaders, status: 200 })
  const keyed = await post({ as, body: fixture('si/m1/valid-foreigner.xml'), headers: { ...xmlHeaders, 'idempotency-key': 'k-1' }, status: 201 })
  await post({ as, body: fixture('si/m1/valid-basic.xml'), headers: { ...xmlHeaders, 'idempotency-key': 'k-1' }, status: 409, code: 'IDEMPOTENCY_KEY_REUSED' })
  await post({ as, body: '<M1 xmlns="urn:ehrs:si:m1:1"><Zavezanec></M1>', headers: xmlHeaders, status: 400, code: 'XML_MALFORMED' })
  await post({ as, body: '<?xml version="1.0"?><!DOCTYPE M1 [<!ENTITY x SYSTEM "file:///etc/passwd">]><M1 xmlns="urn:ehrs:si:m1:1">&x;</M1>', headers: xmlHeaders, status: 400, code: 'XML_DOCTYPE_FORBIDDEN' })
  await post({ as, body: m1, headers: { ...xmlHeaders, 'idempotency-key': 'not a key' }, status: 400, code: 'INVALID_REQUEST' })
  await post({ as, body: Buffer.alloc(20 * 1024, 0x20), headers: xmlHeaders, status: 413, code: 'BODY_TOO_LARGE' })
  await post({ as, body: '{"type":"M1"}', headers: { 'content-type': 'application/json' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' })
  await post({ as, body: fixture('si/m1/invalid/SI-COMMON-003.xml'), headers: xmlHeaders, status: 422, code: 'DOCUMENT_INVALID' })
  await post({ as, body: '<M7 xmlns="urn:ehrs:si:m1:1" verzija="1"/>', headers: xmlHeaders, status: 422, code: 'UNKNOWN_DOCUMENT_TYPE' })
  await post({ as, body: fixture('si/m1/valid-sole-trader.xml'), headers: xmlHeaders, status: 403, code: 'NOT_AUTHORIZED_FOR_EMPLOYER' })
  await post({ as: production, body: m1, headers: xmlHeaders, status: 403, code: 'SOFTWARE_NOT_CERTIFIED' })
  // A Slovak report whose people are not registered: its register check finds registration errors.
  const report = await post({ as, body: readFileSync(join(projectRoot, 'examples', 'sk', 'mvp.xml')), headers: xmlHeaders, status: 201 })
  await gw.services.lifecycle.timers.runDue()

  // Reading.
  const MISSING = '01234567-89ab-7def-8123-456789abcdef'
  const list = await check(t, gw, 'get', '/api/v1/documents', { path: '/api/v1/documents?type=M1&limit=1', as, status: 200 })
  t.type(list.json.nextCursor, 'string', 'a page with a next one')
  await check(t, gw, 'get', '/api/v1/documents', { path: `/api/v1/documents?cursor=${list.json.nextCursor}`, as, status: 200 })
  for (const bad of ['limit=0', 'acceptance=maybe', 'period=2025-13', 'since=yesterday', 'cursor=xyz', 'type=M1&type=M2']) {
    await check(t, gw, 'get', '/api/v1/documents', { path: `/api/v1/documents?${bad}`, as, status: 400, code: 'INVALID_REQUEST' })
  }
  for (const sub of ['', '/content', '/receipt']) {
    await check(t, gw, 'get', `/api/v1/documents/{id}${sub}`, { path: `/api/v1/documents/${id}${sub}`, as, status: 200 })
    await check(t, gw, 'get', `/api/v1/documents/{id}${sub}`, { path: `/api/v1/documents/${MISSING}${sub}`, as, status: 404, code: 'DOCUMENT_NOT_FOUND' })
    await check(t, gw, 'get', `/api/v1/documents/{id}${sub}`, { path: `/api/v1/documents/%zz${sub}`, as, status: 400 })
  }
  const viewed = await check(t, gw, 'get', '/api/v1/documents/{id}', { path: `/api/v1/documents/${id}`, as, status: 200 })
  await check(t, gw, 'get', '/api/v1/documents/{id}', { path: `/api/v1/documents/${id}`, as, headers: { 'if-none-match': String(viewed.headers.etag) }, status: 304 })
  await check(t, gw, 'get', '/api/v1/documents', { path: '/api/v1/documents?externalId=HR-2025-0117', as, status: 200 })
  const events = await check(t, gw, 'get', '/api/v1/events', { path: '/api/v1/events?limit=2', as, status: 200 })
  await check(t, gw, 'get', '/api/v1/events', { path: `/api/v1/events?after=${events.json.nextAfter}&wait=0`, as, status: 200 })
  await check(t, gw, 'get', '/api/v1/me', { path: '/api/v1/me', as, status: 200 })
  for (const bad of ['after=-1', 'limit=501', 'wait=31s', 'wait=soon']) {
    await check(t, gw, 'get', '/api/v1/events', { path: `/api/v1/events?${bad}`, as, status: 400, code: 'INVALID_REQUEST' })
  }
  await check(t, gw, 'get', '/api/v1/insurances', { path: `/api/v1/insurances?employer=${PRIMER}&period=2025-03`, as, status: 200 })
  for (const bad of ['status=maybe', 'period=March', 'limit=x', 'person=1&person=2']) {
    await check(t, gw, 'get', '/api/v1/insurances', { path: `/api/v1/insurances?${bad}`, as, status: 400, code: 'INVALID_REQUEST' })
  }
  const searchBody = (body: string) => ({ path: '/api/v1/insurances/search', as, body, headers: { 'content-type': 'application/json' } })
  const searchExamples = openapi.paths['/api/v1/insurances/search']!.post!.requestBody.content['application/json'].examples
  for (const name of Object.keys(searchExamples)) {
    await check(t, gw, 'post', '/api/v1/insurances/search', { ...searchBody(JSON.stringify(searchExamples[name].value)), status: 200 })
  }
  for (const bad of ['{"emso": "1204990505126"}', '{"person": 1204990505126}', '{"limit": 0}', '[]', 'person=1204990505126']) {
    await check(t, gw, 'post', '/api/v1/insurances/search', { ...searchBody(bad), status: 400, code: 'INVALID_REQUEST' })
  }

  // The 91st-day calculator of refund claims.
  const day91 = await check(t, gw, 'get', '/api/v1/endm/day-91', { path: '/api/v1/endm/day-91?from=2025-01-19', as, status: 200 })
  t.same(day91.json, openapi.paths['/api/v1/endm/day-91']!.get!.responses['200'].content['application/json'].examples.saturdayBeforeEasterMonday.value, '200: the example')
  for (const bad of ['from=2025-02-29', 'from=19.01.2025', 'from=', '', 'from=2025-01-19&from=2025-01-20']) {
    await check(t, gw, 'get', '/api/v1/endm/day-91', { path: `/api/v1/endm/day-91?${bad}`, as, status: 400, code: 'INVALID_REQUEST' })
  }

  // Webhook subscriptions.
  const hookBody = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  const hook = await check(t, gw, 'post', '/api/v1/webhooks', { path: '/api/v1/webhooks', as, ...hookBody({ url: 'https://payroll.example/ehrs/events' }), status: 201 })
  await check(t, gw, 'post', '/api/v1/webhooks', { path: '/api/v1/webhooks', as, ...hookBody({ url: 'http://payroll.example/ehrs/events' }), status: 400, code: 'INVALID_REQUEST' })
  await check(t, gw, 'get', '/api/v1/webhooks', { path: '/api/v1/webhooks', as, status: 200 })
  await check(t, gw, 'delete', '/api/v1/webhooks/{id}', { path: `/api/v1/webhooks/${hook.json.id}`, as, status: 204 })
  await check(t, gw, 'delete', '/api/v1/webhooks/{id}', { path: `/api/v1/webhooks/${MISSING}`, as, status: 404, code: 'ROUTE_NOT_FOUND' })

  // The certification sandbox: test clients only; another test client's reset leaves this one's documents alone.
  await check(t, gw, 'get', '/api/v1/certification', { path: '/api/v1/certification', as, status: 200 })
  await check(t, gw, 'get', '/api/v1/certification', { path: '/api/v1/certification', as: production, status: 403, code: 'TEST_CLIENTS_ONLY' })
  await check(t, gw, 'post', '/api/v1/sandbox/advance', { path: '/api/v1/sandbox/advance', as, ...hookBody({ by: '1s' }), status: 200 })
  await check(t, gw, 'post', '/api/v1/sandbox/advance', { path: '/api/v1/sandbox/advance', as, ...hookBody({ by: 'soon' }), status: 400, code: 'INVALID_REQUEST' })
  await check(t, gw, 'post', '/api/v1/sandbox/advance', { path: '/api/v1/sandbox/advance', as: production, ...hookBody({ by: '1s' }), status: 403, code: 'TEST_CLIENTS_ONLY' })
  await gw.register(sandboxed, { taxNumber: PRIMER })
  await check(t, gw, 'post', '/api/v1/sandbox/reset', { path: '/api/v1/sandbox/reset', as: sandboxed, status: 204 })
  await check(t, gw, 'post', '/api/v1/sandbox/reset', { path: '/api/v1/sandbox/reset', as: production, status: 403, code: 'TEST_CLIENTS_ONLY' })

  // Storno and the repeated register check.
  const storno = '/api/v1/documents/{id}/storno'
  const recheck = '/api/v1/documents/{id}/register-check'
  await check(t, gw, 'post', storno, { path: `/api/v1/documents/${keyed.json.id}/storno`, as, status: 200 })
  await check(t, gw, 'post', storno, { path: `/api/v1/documents/${keyed.json.id}/storno`, as, status: 409, code: 'STORNO_NOT_ALLOWED' })
  await check(t, gw, 'post', recheck, { path: `/api/v1/documents/${id}/register-check`, as, status: 409, code: 'REGISTER_CHECK_NOT_ALLOWED' })
  t.equal((await gw.call({ path: `/api/v1/documents/${report.json.id}`, as })).json.status.acceptance, 'not_accepted_registration_errors')
  await check(t, gw, 'post', recheck, { path: `/api/v1/documents/${report.json.id}/register-check`, as, status: 202 })
  for (const template of [storno, recheck]) {
    const action = template.slice(template.lastIndexOf('/'))
    await check(t, gw, 'post', template, { path: `/api/v1/documents/${MISSING}${action}`, as, status: 404, code: 'DOCUMENT_NOT_FOUND' })
    await check(t, gw, 'post', template, { path: `/api/v1/documents/%zz${action}`, as, status: 400 })
    await check(t, gw, 'post', template, { path: `/api/v1/documents/${id}${action}`, as, body: Buffer.alloc(20 * 1024, 0x20), status: 413, code: 'BODY_TOO_LARGE' })
  }

  // Identity: the same four answers on every operation behind the client certificate.
  const soapXml = { 'content-type': 'text/xml; charset=utf-8' }
  const guarded = operations().filter(o => !(Array.isArray(o.operation.security) && o.operation.security.length === 0))
    .filter(o => registered.has(`${o.method.toUpperCase()} ${o.path}`))
  const concrete = (path: string): string => path.replace('{id}', id)
  const bodyFor = (method: HttpMethod, path: string) => (method === 'post' ? { body: m1, headers: path === '/soap' ? soapXml : xmlHeaders } : {})
  for (const { method, path } of guarded) {
    const body = bodyFor(method, path)
    for (const [cert, code, status] of [
      [undefined, 'CLIENT_CERT_REQUIRED', 401], [pki.strangerClient, 'CLIENT_CERT_UNKNOWN', 403],
      [retired, 'CLIENT_CERT_REVOKED', 403], [pki.expiredClient, 'CLIENT_CERT_EXPIRED', 403],
    ] as const) {
      // SOAP answers every failure as a Fault (HTTP 500) whose detail carries the problem code.
      const soap = path === '/soap'
      const res = await check(t, gw, method, path, { path: concrete(path), ...(cert ? { as: cert } : {}), ...body, status: soap ? 500 : status, ...(soap ? {} : { code }) })
      if (soap) t.match(res.text, `<code>${code}</code>`, `POST /soap: ${code} in the Fault`)
    }
  }

  // No client certificate needed.
  await check(t, gw, 'get', '/healthz', { path: '/healthz', status: 200 })
  await check(t, gw, 'get', '/readyz', { path: '/readyz', status: 200 })
  await check(t, gw, 'get', '/metrics', { path: '/metrics', status: 200 })
  const description = await check(t, gw, 'get', '/openapi.yaml', { path: '/openapi.yaml', status: 200 })
  t.equal(description.text, readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8'), '/openapi.yaml is the file')
  const page = await check(t, gw, 'get', '/docs', { path: '/docs', status: 200 })
  const assets = [...page.text.matchAll(/(?:href|src)="([^"]+)"/g)].map(m => m[1]!)
  t.ok(assets.length >= 5, 'the UI page links its scripts and styles')
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} is served by the gateway itself`)
    const res = await gw.call({ path: asset })
    t.equal(res.status, 200, `${asset} loads`)
  }
  t.same((await gw.call({ path: '/docs/json' })).json, openapi, 'the UI shows openapi.yaml')

  // Unknown paths: a problem, whatever the certificate.
  const nowhere = await gw.call({ path: '/nowhere', as })
  t.same([nowhere.status, nowhere.json.code, schemaErrors('#/components/schemas/Problem', nowhere.json)], [404, 'ROUTE_NOT_FOUND', []])
  t.match(nowhere.headers['content-type'], /^application\/problem\+json/)

  // SOAP: the WSDL, an answer and a Fault.
  await check(t, gw, 'get', '/soap', { path: '/soap?wsdl', status: 200 })
  const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetDocumentStatus xmlns="urn:ehrs:soap:1"><id>${id}</id></GetDocumentStatus></soap:Body></soap:Envelope>`
  const answer = await check(t, gw, 'post', '/soap', { path: '/soap', as, body: envelope, headers: soapXml, status: 200 })
  t.match(answer.text, id)
  const fault = await check(t, gw, 'post', '/soap', { path: '/soap', as, body: envelope.replace(id, MISSING), headers: soapXml, status: 500 })
  t.match(fault.text, /<code>DOCUMENT_NOT_FOUND<\/code>/)

  // The database away: its one connection (PGlite) or every pooled one (PostgreSQL) held past DB_STATEMENT_TIMEOUT.
  // Every guarded route answers 503 DATABASE_UNAVAILABLE with Retry-After; SOAP a Fault with that code.
  const away = await startGateway(t, { db: await testDb(t, { statementTimeoutMs: 300, poolSize: 1 }), env: { DB_STATEMENT_TIMEOUT: '300ms' } })
  await away.register(payroll, { taxNumber: PRIMER })
  let release!: () => void
  let isHolding!: () => void
  const holding = new Promise<void>(resolve => { isHolding = resolve })
  const holder = away.services.db.transaction().execute(async trx => {
    await sql`select 1`.execute(trx)
    isHolding()
    await new Promise<void>(resolve => { release = resolve })
  })
  await holding
  for (const { method, path } of guarded) {
    const soap = path === '/soap'
    const res = await check(t, away, method, path, { path: concrete(path), as, ...bodyFor(method, path), status: soap ? 500 : 503, ...(soap ? {} : { code: 'DATABASE_UNAVAILABLE' }) })
    t.ok(Number(res.headers['retry-after']) > 0, `${method.toUpperCase()} ${path} while the database is away: Retry-After`)
    if (soap) t.match(res.text, '<code>DATABASE_UNAVAILABLE</code>', 'POST /soap: DATABASE_UNAVAILABLE in the Fault')
  }
  release()
  await holder

  // Readiness: a migration missing, then the database gone (which every guarded route answers with 500).
  const [latest] = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db).then(r => r.rows)
  await sql`delete from kysely_migration where name = ${latest!.name}`.execute(db)
  const pending = await check(t, gw, 'get', '/readyz', { path: '/readyz', status: 503 })
  t.match(pending.json, { status: 'not ready', database: 'ok', pendingMigrations: [latest!.name] })
  await db.destroy()
  const unreachable = await check(t, gw, 'get', '/readyz', { path: '/readyz', status: 503 })
  t.match(unreachable.json, { status: 'not ready', database: 'unreachable' })
  for (const { method, path } of guarded) {
    const res = await check(t, gw, method, path, { path: concrete(path), as, ...bodyFor(method, path), status: 500, ...(path === '/soap' ? {} : { code: 'INTERNAL_ERROR' }) })
    if (path === '/soap') t.match(res.text, '<code>INTERNAL_ERROR</code>', 'POST /soap: INTERNAL_ERROR in the Fault')
  }

  // Shutdown: a request that arrives on an open connection while the gateway closes is answered 503.
  const all = operations().filter(o => registered.has(`${o.method.toUpperCase()} ${o.path}`))
  const held = await Promise.all(all.map(() => heldConnection(gw.url)))
  const stopped = gw.stop()
  await closing
  const answers = await Promise.all(all.map((o, i) => held[i]!(o.method.toUpperCase(), concrete(o.path))))
  await stopped
  all.forEach((o, i) => {
    const [first, last] = [answers[i]![0], answers[i]![answers[i]!.length - 1]]
    const name = `${o.method.toUpperCase()} ${o.path} while closing`
    t.equal(first?.status, 404, `${name}: the held request is answered first`)
    // SOAP answers every failure as a Fault, with HTTP 500.
    t.equal(last?.status, o.path === '/soap' && o.method === 'post' ? 500 : 503, name)
    if (!last) return
    t.match(last.text, /SERVICE_UNAVAILABLE/, `${name}: SERVICE_UNAVAILABLE`)
    t.same(conformanceErrors(o.method, o.path, last), [], `${name}: as openapi.yaml describes it`)
    answered.add(`${o.method.toUpperCase()} ${o.path} ${last.status}`)
  })
})

t.test('admission control answers as openapi.yaml describes: 429 RATE_LIMITED and 503 OVERLOADED with Retry-After', async t => {
  // One submission an hour per client; the gateway works on at most 8 KiB of bodies at once.
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h', RATE_LIMIT: '1/h', MAX_BODY: '8KiB', MAX_INFLIGHT_BYTES: '8KiB' } })
  await gw.register(payroll, { taxNumber: PRIMER })
  await gw.register(pki.otherClient, { taxNumber: PRIMER })
  const held = await holdRequest(gw, pki.otherClient, '/api/v1/documents', 'Content-Type: application/xml\r\nContent-Length: 8000\r\n')
  t.ok(held.admitted, 'another program is sending 8000 bytes')
  const spaces = Buffer.alloc(1000, 0x20)
  const MISSING = '01234567-89ab-7def-8123-456789abcdef'
  for (const [path, template] of [['/api/v1/documents', '/api/v1/documents'], [`/api/v1/documents/${MISSING}/storno`, '/api/v1/documents/{id}/storno'],
    [`/api/v1/documents/${MISSING}/register-check`, '/api/v1/documents/{id}/register-check']] as const) {
    const res = await check(t, gw, 'post', template, { path, as: payroll, body: spaces, headers: xmlHeaders, status: 503, code: 'OVERLOADED' })
    t.equal(res.headers['retry-after'], '1', `${template}: Retry-After`)
  }
  const fault = await check(t, gw, 'post', '/soap', { path: '/soap', as: payroll, body: spaces, headers: { 'content-type': 'text/xml; charset=utf-8' }, status: 500 })
  t.match(fault.text, '<code>OVERLOADED</code>')
  t.equal(fault.headers['retry-after'], '1', 'POST /soap: Retry-After')
  t.equal((await held.finish(Buffer.alloc(8000, 0x20))).status, 400, 'the held body is read and refused as malformed')

  await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as: payroll, body: m1, headers: xmlHeaders, status: 201 })
  const limited = await check(t, gw, 'post', '/api/v1/documents', { path: '/api/v1/documents', as: payroll, body: m1, headers: xmlHeaders, status: 429, code: 'RATE_LIMITED' })
  t.equal(limited.headers['retry-after'], '3600', 'the next token in an hour')
})

t.test('every status that openapi.yaml describes was answered above', async t => {
  for (const { method, path, operation } of operations()) {
    for (const status of Object.keys(operation.responses)) {
      t.ok(answered.has(`${method.toUpperCase()} ${path} ${status}`), `${method.toUpperCase()} ${path} ${status}`)
    }
  }
})
