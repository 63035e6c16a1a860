import t from 'tap'
import { createHash } from 'node:crypto'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture } from '../helpers/paths.js'

const pki = testPki()
const as = pki.client
const PRIMER = '45678138'
const basic = fixture('si/m1/valid-basic.xml')
const foreigner = fixture('si/m1/valid-foreigner.xml')

// Processing is held off, so that what these tests look at stays `unprocessed`.
async function gateway(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}) {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h', ...env } })
  await gw.register(as, { taxNumber: PRIMER })
  return gw
}

t.test('a valid M1 is stored: 201, Location, view, content byte-exact', async t => {
  const gw = await gateway(t)
  const res = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  t.equal(res.status, 201)
  const view = res.json
  t.equal(res.headers.location, `/api/v1/documents/${view.id}`)
  t.match(view, {
    type: 'M1', employer: PRIMER, sha256: createHash('sha256').update(basic).digest('hex'), size: basic.byteLength,
    status: { acceptance: 'accepted', processing: 'unprocessed', label: { en: String, sl: String } },
  })
  t.match(view.number, /^P\d{12}$/)
  t.equal(view.receiptNumber, view.number)
  t.equal(view.history.length, 1)
  t.notOk(view.findings.some((f: { severity: string }) => f.severity === 'error'))

  const got = await gw.call({ path: `/api/v1/documents/${view.id}`, as })
  t.equal(got.status, 200)
  t.same(got.json, view)
  const content = await gw.call({ path: `/api/v1/documents/${view.id}/content`, as })
  t.equal(content.status, 200)
  t.match(content.headers['content-type'], /application\/xml/)
  t.ok(content.bytes.equals(basic), 'the submitted bytes, unchanged')
})

t.test('a repeat of the same bytes, or of the same Idempotency-Key, answers 200 with the original', async t => {
  const gw = await gateway(t)
  const first = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: { ...xmlHeaders, 'idempotency-key': 'k-1' } })
  t.equal(first.status, 201)
  const again = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  t.equal(again.status, 200)
  t.equal(again.json.duplicateOf, first.json.id)
  t.equal(again.json.id, first.json.id)
  const sameKey = await gw.call({ path: '/api/v1/documents', as, body: basic, headers: { ...xmlHeaders, 'idempotency-key': 'k-1' } })
  t.equal(sameKey.status, 200)
  t.equal(sameKey.json.duplicateOf, first.json.id)
  const reused = await gw.call({ path: '/api/v1/documents', as, body: foreigner, headers: { ...xmlHeaders, 'idempotency-key': 'k-1' } })
  t.equal(reused.status, 409)
  t.equal(reused.json.code, 'IDEMPOTENCY_KEY_REUSED')
  const count = await gw.services.db.selectFrom('documents').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 1, 'no second document')

  // Concurrent identical submissions still make one document.
  const racing = await Promise.all(Array.from({ length: 6 }, () => gw.call({ path: '/api/v1/documents', as, body: foreigner, headers: xmlHeaders })))
  t.same(racing.map(r => r.status).sort(), [200, 200, 200, 200, 200, 201])
  t.equal(new Set(racing.map(r => r.json.id)).size, 1)
})

t.test('rejections answer with their code, store no document, and are kept in the message log', async t => {
  const gw = await gateway(t, { MAX_BODY: '2KiB' })
  const cases: [string, Uint8Array | string, Record<string, string>, number, string][] = [
    ['malformed', '<M1 xmlns="urn:ehrs:si:m1:1"><Zavezanec></M1>', xmlHeaders, 400, 'XML_MALFORMED'],
    ['not UTF-8', Buffer.from([0x3c, 0x61, 0x3e, 0xe8, 0x3c, 0x2f, 0x61, 0x3e]), xmlHeaders, 400, 'XML_MALFORMED'],
    ['doctype', '<?xml version="1.0"?><!DOCTYPE M1 [<!ENTITY x SYSTEM "file:///etc/passwd">]><M1 xmlns="urn:ehrs:si:m1:1">&x;</M1>', xmlHeaders, 400, 'XML_DOCTYPE_FORBIDDEN'],
    ['json', '{"type":"M1"}', { 'content-type': 'application/json' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['unknown root', '<M7 xmlns="urn:ehrs:si:m1:1" verzija="1"/>', xmlHeaders, 422, 'UNKNOWN_DOCUMENT_TYPE'],
    ['other version', '<M1 xmlns="urn:ehrs:si:m1:2" verzija="1"/>', xmlHeaders, 422, 'UNKNOWN_DOCUMENT_TYPE'],
    ['a root of another namespace', '<ENDM xmlns="urn:ehrs:si:m1:1" verzija="1"/>', xmlHeaders, 422, 'UNKNOWN_DOCUMENT_TYPE'],
    ['invalid', fixture('si/m1/invalid/SI-COMMON-003.xml'), xmlHeaders, 422, 'DOCUMENT_INVALID'],
  ]
  for (const [name, body, headers, status, code] of cases) {
    const res = await gw.call({ path: '/api/v1/documents', as, body, headers })
    t.equal(res.status, status, name)
    t.equal(res.json?.code, code, name)
  }
  const tooLarge = await gw.call({ path: '/api/v1/documents', as, body: Buffer.alloc(4096, 0x20), headers: xmlHeaders })
  t.same([tooLarge.status, tooLarge.json.code], [413, 'BODY_TOO_LARGE'])

  const db = gw.services.db
  const docs = await db.selectFrom('documents').select('id').execute()
  t.equal(docs.length, 0, 'nothing stored as a document')
  const log = await db.selectFrom('message_log').selectAll().orderBy('received_at').execute()
  t.same(log.map(m => m.problem_code), [...cases.map(c => c[4]), 'BODY_TOO_LARGE'])
  const invalid = log.find(m => m.problem_code === 'DOCUMENT_INVALID')!
  t.ok(Buffer.from(invalid.body!).equals(fixture('si/m1/invalid/SI-COMMON-003.xml')), 'kept byte-exact')
  t.equal(invalid.sha256, createHash('sha256').update(fixture('si/m1/invalid/SI-COMMON-003.xml')).digest('hex'))
  t.ok((invalid.findings as { code: string }[]).some(f => f.code === 'SI-COMMON-003'), 'with its findings')
})

t.test('a 422 lists findings with code, field, path, line and both languages', async t => {
  const gw = await gateway(t)
  const res = await gw.call({ path: '/api/v1/documents', as, body: fixture('si/m1/invalid/SI-COMMON-003.xml'), headers: xmlHeaders })
  t.equal(res.status, 422)
  const f = res.json.findings.find((x: { code: string }) => x.code === 'SI-COMMON-003')
  t.match(f, { severity: 'error', field: 'rubrika 5', path: '/M1/Zavarovanec/Emso', line: Number, message: { en: String, sl: String } })
  const schema = await gw.call({ path: '/api/v1/documents', as, body: basic.toString().replace(/<Priimek>[^<]*<\/Priimek>/, ''), headers: xmlHeaders })
  t.equal(schema.status, 422)
  t.match(schema.json.findings[0], { code: 'SI-XSD-002', field: 'rubrika 7', path: '/M1/Zavarovanec/Priimek' })
})

t.test('the list pages newest first with filters and a cursor', async t => {
  const gw = await gateway(t)
  const bodies = [basic, foreigner, ...[1, 2, 3].map(n => basic.toString().replace('</M1>', `<Opombe>Kopija ${n}</Opombe></M1>`))]
  const ids: string[] = []
  for (const body of bodies) ids.push((await gw.call({ path: '/api/v1/documents', as, body, headers: xmlHeaders })).json.id)
  const page1 = await gw.call({ path: '/api/v1/documents?limit=2&type=M1', as })
  t.equal(page1.status, 200)
  t.same(page1.json.items.map((d: { id: string }) => d.id), [ids[4], ids[3]])
  t.type(page1.json.nextCursor, 'string')
  const page2 = await gw.call({ path: `/api/v1/documents?limit=2&type=M1&cursor=${page1.json.nextCursor}`, as })
  t.same(page2.json.items.map((d: { id: string }) => d.id), [ids[2], ids[1]])
  const page3 = await gw.call({ path: `/api/v1/documents?limit=2&type=M1&cursor=${page2.json.nextCursor}`, as })
  t.same(page3.json.items.map((d: { id: string }) => d.id), [ids[0]])
  t.equal(page3.json.nextCursor, null)
  t.equal((await gw.call({ path: '/api/v1/documents?acceptance=accepted&processing=unprocessed', as })).json.items.length, 5)
  t.equal((await gw.call({ path: '/api/v1/documents?processing=processed', as })).json.items.length, 0)
  t.equal((await gw.call({ path: `/api/v1/documents?employer=${PRIMER}&since=2000-01-01`, as })).json.items.length, 5)
  t.equal((await gw.call({ path: '/api/v1/documents?type=MVP', as })).json.items.length, 0)
  for (const bad of ['limit=0', 'limit=501', 'acceptance=maybe', 'period=2025-13', 'since=yesterday', 'cursor=xyz']) {
    const res = await gw.call({ path: `/api/v1/documents?${bad}`, as })
    t.same([res.status, res.json.code], [400, 'INVALID_REQUEST'], bad)
  }
})

t.test('health, readiness, metrics and the OpenAPI description need no certificate', async t => {
  const gw = await gateway(t)
  t.same((await gw.call({ path: '/healthz' })).json, { status: 'ok' })
  t.match((await gw.call({ path: '/readyz' })).json, { status: 'ready', pendingMigrations: [] })
  await gw.call({ path: '/api/v1/documents', as, body: basic, headers: xmlHeaders })
  const metrics = await gw.call({ path: '/metrics' })
  t.match(metrics.text, /ehrs_submissions_total\{outcome="stored",type="M1"\} 1/)
  t.match((await gw.call({ path: '/openapi.yaml' })).text, /openapi: /)
  t.equal((await gw.call({ path: '/nowhere', as })).json.code, 'ROUTE_NOT_FOUND')
})
