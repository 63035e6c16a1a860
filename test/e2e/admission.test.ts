import t from 'tap'
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'
import { envelope, readAnswer, soapCall } from '../helpers/soap.js'
import { holdRequest } from '../helpers/held.js'
import type { Pem } from '../../src/pki/index.js'

// Admission control (SPEC.md §8) and the message log's rows for refusals, on PGlite and, with DATABASE_URL, PostgreSQL.

const pki = testPki()
const [a, b] = [pki.client, pki.otherClient]
const PRIMER = '45678138'
const basic = fixture('si/m1/valid-basic.xml')
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

function settableClock() {
  let now = Date.now()
  return { now: () => new Date(now), advance: (ms: number) => { now += ms } }
}

/** Two clients of the same employer, each filing for it; processing is held off. */
async function gateway(t: Parameters<typeof startGateway>[0], env: Record<string, string>, clock = settableClock(), ownWorkers = false) {
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h', ...env }, ownWorkers })
  const ids = { a: await gw.register(a, { taxNumber: PRIMER }), b: await gw.register(b, { taxNumber: PRIMER }) }
  return { gw, clock, ids, file: (as: Pem, body: Uint8Array | string = basic) => gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders }) }
}

const metric = (gw: TestGateway, line: string): RegExp => new RegExp(`^${line.replace(/[{}]/g, '\\$&')}$`, 'm')
const metrics = (gw: TestGateway): Promise<string> => gw.services.metrics.render()

/** Message-log rows with this problem code, oldest first. */
const logRows = (gw: TestGateway, code: string) =>
  gw.services.db.selectFrom('message_log').selectAll().where('problem_code', '=', code).orderBy('received_at').orderBy('id').execute()

/** A submission held after its headers (see holdRequest). */
const heldSubmission = (gw: TestGateway, as: Pem, headers: string) =>
  holdRequest(gw, as, '/api/v1/documents', `Content-Type: application/xml\r\n${headers}`)

/** Waits (in short steps, without asserting any time) until the gateway's in-flight gauges are back at zero. */
async function drained(gw: TestGateway): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const text = await metrics(gw)
    if (metric(gw, 'ehrs_inflight_requests 0').test(text) && metric(gw, 'ehrs_inflight_bytes 0').test(text)) return true
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  return false
}

t.test('a client over its rate is refused 429 RATE_LIMITED with Retry-After; another client and reads are not', async t => {
  const { gw, clock, ids, file } = await gateway(t, { RATE_LIMIT: '5/s' })
  // Two seconds' worth at 5/s: a burst of ten.
  const burst = []
  for (let i = 0; i < 10; i++) burst.push((await file(a)).status)
  t.same(burst, [201, 200, 200, 200, 200, 200, 200, 200, 200, 200])
  const refused = await file(a)
  t.same([refused.status, refused.json.code, refused.headers['retry-after']], [429, 'RATE_LIMITED', '1'])
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.equal((await file(b)).status, 201, 'the other client files')
  t.equal((await gw.call({ path: '/api/v1/documents', as: a })).status, 200, 'reading is not a submission')

  // Over SOAP, SubmitDocument is refused as a Fault with the same code: before its body is read when its SOAPAction
  // does not say it is another call, else once its envelope shows it. A call that says what it is passes.
  const submit = Buffer.from(envelope('SubmitDocument', `<e:document>${basic.toString('utf8').trimEnd()}</e:document>`))
  clock.advance(1)
  const early = await soapCall(gw, a, submit)
  t.same([early.status, readAnswer(early.text).fault?.problem.code, early.headers['retry-after']], [500, 'RATE_LIMITED', '1'])
  clock.advance(1)
  const late = await soapCall(gw, a, submit, { soapaction: '"urn:ehrs:soap:1#GetDocumentStatus"' })
  t.same([late.status, readAnswer(late.text).fault?.problem.code, late.headers['retry-after']], [500, 'RATE_LIMITED', '1'])
  const poll = await soapCall(gw, a, envelope('ListDocuments', '<e:limit>1</e:limit>'), { soapaction: '"urn:ehrs:soap:1#ListDocuments"' })
  t.equal(poll.status, 200, 'a SOAP call announced as ListDocuments is not held to the submission rate')

  clock.advance(248)
  t.equal((await file(a)).status, 200, 'a token a fifth of a second later')
  t.equal((await file(a)).status, 429)

  const rows = await logRows(gw, 'RATE_LIMITED')
  t.same(rows.map(r => [r.client_id, r.transport, r.status, r.size, r.sha256, r.body && Buffer.from(r.body).equals(submit)]), [
    [ids.a, 'rest', 429, basic.byteLength, null, null],
    [ids.a, 'soap', 429, submit.byteLength, null, null],
    [ids.a, 'soap', 429, submit.byteLength, sha256(submit), true],
    [ids.a, 'rest', 429, basic.byteLength, null, null],
  ], 'every refusal has its row: refused unread with the declared size, or read with its SHA-256 and bytes')
  t.match(await metrics(gw), metric(gw, 'ehrs_admission_refused_total{reason="rate"} 4'))
})

t.test('a client with MAX_INFLIGHT_PER_CLIENT submissions under way is refused 429; the slots come back, also from aborted requests', async t => {
  const { gw, clock, ids, file } = await gateway(t, { MAX_INFLIGHT_PER_CLIENT: '2' })
  const length = `Content-Length: ${basic.byteLength}\r\n`
  const held = [await heldSubmission(gw, a, length), await heldSubmission(gw, a, length)]
  t.same(held.map(h => h.admitted), [true, true], 'two admitted before sending their bodies')
  t.match(await metrics(gw), metric(gw, 'ehrs_inflight_requests 2'))
  t.match(await metrics(gw), metric(gw, `ehrs_inflight_bytes ${2 * basic.byteLength}`))

  const refused = await file(a)
  t.same([refused.status, refused.json.code, refused.headers['retry-after']], [429, 'RATE_LIMITED', '1'])
  clock.advance(1)
  const third = await heldSubmission(gw, a, length)
  t.notOk(third.admitted, 'a client that asks first is refused before it sends its body')
  t.match(third.first, /^HTTP\/1\.1 429 /)
  t.equal((await file(b)).status, 201, 'the other client files')

  t.equal((await held[0]!.finish(basic)).status, 201)
  t.equal((await file(a)).status, 200, 'a slot is free once the answer is sent')

  // Aborted while its body was awaited, and aborted half-way through it: neither keeps its slot or its bytes.
  held[1]!.abort()
  const half = await heldSubmission(gw, a, length)
  t.ok(half.admitted)
  await half.write(basic.subarray(0, 100))
  half.abort()
  t.ok(await drained(gw), 'nothing in flight after the clients went away')
  const again = [await heldSubmission(gw, a, length), await heldSubmission(gw, a, length)]
  t.same(again.map(h => h.admitted), [true, true], 'both slots are free again')
  for (const h of again) h.abort()
  t.ok(await drained(gw))

  const rows = await logRows(gw, 'RATE_LIMITED')
  t.same(rows.map(r => [r.client_id, r.status, r.size, r.body]), [[ids.a, 429, basic.byteLength, null], [ids.a, 429, basic.byteLength, null]])
  t.match(await metrics(gw), metric(gw, 'ehrs_admission_refused_total{reason="client_concurrency"} 2'))
})

t.test('over MAX_INFLIGHT_BYTES gateway-wide a submission is refused 503 OVERLOADED with Retry-After', async t => {
  const { gw, clock, ids, file } = await gateway(t, { MAX_BODY: '64KiB', MAX_INFLIGHT_BYTES: '64KiB' })
  const big = await heldSubmission(gw, a, `Content-Length: ${60 * 1024}\r\n`)
  t.ok(big.admitted)
  t.match(await metrics(gw), metric(gw, `ehrs_inflight_bytes ${60 * 1024}`))

  const refused = await file(b, Buffer.alloc(5000, 0x20))
  t.same([refused.status, refused.json.code, refused.headers['retry-after']], [503, 'OVERLOADED', '1'])
  t.equal((await file(b, Buffer.alloc(4000, 0x20))).status, 400, 'what still fits is worked on (here: refused as malformed)')
  t.equal((await gw.call({ path: '/api/v1/documents', as: b })).status, 200, 'a request without a body is admitted')
  clock.advance(1)
  const soap = await soapCall(gw, b, Buffer.alloc(5000, 0x20))
  t.same([soap.status, readAnswer(soap.text).fault?.problem.code, soap.headers['retry-after']], [500, 'OVERLOADED', '1'])

  // A body without Content-Length is counted as it arrives.
  clock.advance(1)
  const chunked = await heldSubmission(gw, b, 'Transfer-Encoding: chunked\r\n')
  t.ok(chunked.admitted, 'nothing declared, nothing refused yet')
  const chunk = Buffer.alloc(5000, 0x20)
  const answer = await chunked.finish(Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from('\r\n0\r\n\r\n')]))
  t.equal(answer.status, 503)
  t.match(answer.text, /"code":"OVERLOADED"/)

  const rows = await logRows(gw, 'OVERLOADED')
  t.same(rows.map(r => [r.client_id, r.transport, r.status, r.size, r.sha256, r.body]), [
    [ids.b, 'rest', 503, 5000, null, null], [ids.b, 'soap', 503, 5000, null, null], [ids.b, 'rest', 503, 5000, null, null],
  ], 'refused unread: the declared (or counted) size, no body')
  t.match(await metrics(gw), metric(gw, 'ehrs_admission_refused_total{reason="gateway_bytes"} 3'))

  big.abort()
  t.ok(await drained(gw), 'the bytes come back when the client goes away')
  t.equal((await file(b, basic)).status, 201)
  t.ok(await drained(gw), 'and when the answer is sent')
})

t.test('a refused body over 1 MiB keeps its size, the SHA-256 of the whole and its first 1 MiB; up to 1 MiB it is whole', async t => {
  const { gw, clock } = await gateway(t, {})
  const MiB = 1024 * 1024
  const opening = Buffer.from('<M1 xmlns="urn:ehrs:si:m1:1"><Opombe>')
  const large = Buffer.concat([opening, Buffer.alloc(MiB + MiB / 2, 0x78)])
  const exact = Buffer.concat([opening, Buffer.alloc(MiB - opening.byteLength, 0x79)])
  for (const body of [large, exact]) {
    t.equal((await gw.call({ path: '/api/v1/documents', as: a, body, headers: xmlHeaders })).json.code, 'XML_MALFORMED')
    clock.advance(1)
  }
  const [cut, whole] = await logRows(gw, 'XML_MALFORMED')
  t.match(cut, { size: large.byteLength, sha256: sha256(large), truncated: true })
  t.ok(Buffer.from(cut!.body!).equals(large.subarray(0, MiB)), 'the first 1 MiB')
  t.match(whole, { size: MiB, sha256: sha256(exact), truncated: false })
  t.ok(Buffer.from(whole!.body!).equals(exact), 'byte-exact')
  const filed = await gw.call({ path: '/api/v1/documents', as: a, body: basic, headers: xmlHeaders })
  const stored = await gw.services.db.selectFrom('message_log').selectAll().where('document_id', '=', filed.json.id).executeTakeFirstOrThrow()
  t.match(stored, { status: 201, truncated: false, size: basic.byteLength })
})

t.test('an unexpected failure answers 500 INTERNAL_ERROR and still has its message-log row', async t => {
  const { gw, ids, file } = await gateway(t, {}, settableClock(), true)
  // The document pool's workers are gone: intake fails with an error that is no problem of the caller's.
  await gw.services.documents.close()
  const res = await file(a)
  t.same([res.status, res.json.code], [500, 'INTERNAL_ERROR'])
  const [row] = await logRows(gw, 'INTERNAL_ERROR')
  t.match(row, { client_id: ids.a, status: 500, size: basic.byteLength, sha256: sha256(basic) })
  t.ok(Buffer.from(row!.body!).equals(basic))
})

t.test('a message-log row that cannot be written is logged and counted, and the answer stands', async t => {
  const { gw, file } = await gateway(t, {})
  await sql`alter table message_log add constraint refusals_fail check (status < 400)`.execute(gw.services.db)
  const res = await file(a, '<M1 xmlns="urn:ehrs:si:m1:1"><Zavezanec></M1>')
  t.same([res.status, res.json.code], [400, 'XML_MALFORMED'])
  t.match(gw.logs(), /message log write failed/)
  t.match(await metrics(gw), metric(gw, 'ehrs_message_log_failures_total 1'))
})

t.test('out-of-range and impossible query values are 400 INVALID_REQUEST, on REST and SOAP alike', async t => {
  const { gw } = await gateway(t, {})
  const cursor = (text: string): string => Buffer.from(text).toString('base64url')
  const id = '01234567-89ab-7def-8123-456789abcdef'
  const documents = [
    'since=0000-01-01', 'since=1899-12-31T23:59:59Z', 'since=10000-01-01', 'since=2026-02-30', 'since=2025-03-01T24:00:00Z',
    'since=2025-03-01T10:00:00', 'since=275760-09-13', 'since=2025-03-01%00',
    `cursor=${cursor(`+275760-09-13T00:00:00.000Z|${id}`)}`, `cursor=${cursor(`0000-01-01T00:00:00.000Z|${id}`)}`,
    `cursor=${cursor(`2025-02-30T00:00:00.000Z|${id}`)}`, `cursor=${cursor('garbage')}`, `cursor=${'A'.repeat(4000)}`, 'cursor=%25%00',
    'limit=1.5', 'limit=0', 'limit=-1', 'limit=99999999999999999999', 'limit=ten',
    'period=0000-01', 'period=2025-00', 'employer=%00', `employer=${'1'.repeat(300)}`, 'type=M1%00', 'acceptance=toString', 'processing=constructor',
  ]
  for (const query of documents) {
    const res = await gw.call({ path: `/api/v1/documents?${query}`, as: a })
    t.same([res.status, res.json?.code], [400, 'INVALID_REQUEST'], `GET /api/v1/documents?${query}`)
  }
  for (const query of ['period=0000-01', 'period=1899-12', 'person=%00', 'employer=%00', 'cursor=garbage', 'limit=0', 'status=constructor']) {
    const res = await gw.call({ path: `/api/v1/insurances?${query}`, as: a })
    t.same([res.status, res.json?.code], [400, 'INVALID_REQUEST'], `GET /api/v1/insurances?${query}`)
  }
  for (const parameters of ['<e:since>0000-01-01</e:since>', '<e:since>2026-02-30</e:since>', `<e:cursor>${cursor(`+275760-09-13T00:00:00.000Z|${id}`)}</e:cursor>`,
    '<e:limit>0</e:limit>', '<e:limit>99999999999</e:limit>', '<e:period>0000-01</e:period>']) {
    const res = await soapCall(gw, a, envelope('ListDocuments', parameters))
    t.same([res.status, readAnswer(res.text).fault?.problem.code], [500, 'INVALID_REQUEST'], `ListDocuments ${parameters}`)
  }
  // The edges of the range, a zone and fractions are fine.
  for (const query of ['since=1900-01-01', 'since=9999-12-31T23:59:59.999999Z', 'since=2025-03-01T09:00%2B01:00', 'period=9999-12', `cursor=${cursor(`9999-12-31T23:59:59.999Z|${id}`)}`]) {
    t.equal((await gw.call({ path: `/api/v1/documents?${query}`, as: a })).status, 200, query)
  }
  t.equal((await gw.call({ path: '/api/v1/insurances?period=1900-01', as: a })).status, 200)
})
