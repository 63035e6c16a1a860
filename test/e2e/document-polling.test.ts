import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { conformanceErrors } from '../helpers/openapi.js'
import { projectRoot } from '../../src/lib/index.js'
import { type Pem } from '../../src/pki/index.js'

// Polling conventions of the document view (SPEC.md §4): ETag / If-None-Match → 304, Retry-After while not final.

const pki = testPki()
const longValid = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') }
const as = issueCertificate(pki.ca, { commonName: 'mzdový program', kind: 'client', ...longValid })
const VZOR = '2021234501'
const FORWARD = 30_000
const sk = (name: string): string => readFileSync(join(projectRoot, 'examples', 'sk', name), 'utf8')

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, advance: (ms: number) => { now = new Date(now.getTime() + ms) } }
}

async function filed(gw: TestGateway, body: string, who: Pem = as): Promise<any> {
  const res = await gw.call({ path: '/api/v1/documents', as: who, body, headers: xmlHeaders })
  if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${res.text}`)
  await gw.services.lifecycle.timers.runDue()
  return res.json
}

t.test('If-None-Match gives 304 until the state changes; Retry-After is present exactly on views that are not final', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: VZOR })
  const view = (id: string, headers: Record<string, string> = {}) => gw.call({ path: `/api/v1/documents/${id}`, as, headers })
  const described = (res: Awaited<ReturnType<typeof view>>, name: string) => t.same(conformanceErrors('get', '/api/v1/documents/{id}', res), [], `${name}: as openapi.yaml describes it`)

  // An RLFO accepted on receipt, to be forwarded in 30 s.
  const peter = await filed(gw, sk('rlfo-peter.xml'))
  const first = await view(peter.id)
  described(first, '200')
  const etag = first.headers.etag as string
  t.match(etag, /^"[A-Za-z0-9_-]+"$/, 'a strong ETag')
  t.equal(first.headers['retry-after'], '30', 'Retry-After: seconds until the forwarding')

  const unchanged = await view(peter.id, { 'if-none-match': etag })
  t.same([unchanged.status, unchanged.text, unchanged.headers.etag], [304, '', etag], '304 without a body')
  described(unchanged, '304')
  t.equal((await view(peter.id, { 'if-none-match': `W/${etag}` })).status, 304, 'a weak comparison')
  t.equal((await view(peter.id, { 'if-none-match': `"other", ${etag}` })).status, 304, 'one of a list')
  t.equal((await view(peter.id, { 'if-none-match': '*' })).status, 304, '*')
  t.equal((await view(peter.id, { 'if-none-match': '"other"' })).status, 200, 'another tag')

  clock.advance(10_000)
  await gw.services.lifecycle.timers.runDue()
  const later = await view(peter.id, { 'if-none-match': etag })
  t.same([later.status, later.headers['retry-after']], [304, '20'], 'still 304, ten seconds nearer')

  clock.advance(FORWARD)
  await gw.services.lifecycle.timers.runDue()
  const done = await view(peter.id, { 'if-none-match': etag })
  t.equal(done.status, 200, 'the state changed: the view again')
  t.equal(done.json.status.processing, 'processed')
  t.not(done.headers.etag, etag, 'with a new ETag')
  t.equal(done.headers['retry-after'], undefined, 'processed is final: no Retry-After')
  described(done, '200 final')
  t.equal((await view(peter.id, { 'if-none-match': done.headers.etag as string })).status, 304, 'and 304 with the new one')

  // A report whose register check found errors waits for the client: a few seconds, as nothing is scheduled.
  const report = await filed(gw, sk('mvp.xml'))
  const refused = await view(report.id)
  t.equal(refused.json.status.acceptance, 'not_accepted_registration_errors')
  t.equal(refused.headers['retry-after'], '5', 'not final, nothing scheduled: 5 s')
  // Cancelled: final.
  const bonus = await filed(gw, sk('rlfo.xml'))
  const before = await view(bonus.id)
  t.ok(Number(before.headers['retry-after']) >= 1, 'unprocessed: Retry-After')
  t.equal((await gw.call({ method: 'POST', path: `/api/v1/documents/${bonus.id}/storno`, as })).status, 200)
  const cancelled = await view(bonus.id, { 'if-none-match': before.headers.etag as string })
  t.same([cancelled.status, cancelled.json.status.acceptance, cancelled.headers['retry-after']], [200, 'cancelled', undefined], 'cancelled: a new view, final')
})

t.test('?externalId= finds the caller\'s documents by its program\'s reference, newest first', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: VZOR })
  const other = issueCertificate(pki.ca, { commonName: 'another program', kind: 'client', ...longValid })
  await gw.register(other, { taxNumber: '2020000013' })
  const list = (query: string, who: Pem = as) => gw.call({ path: `/api/v1/documents?${query}`, as: who })

  const peter = await filed(gw, sk('rlfo-peter.xml'))
  clock.advance(1000)
  const again = await filed(gw, sk('rlfo-peter.xml').replace('<Priezvisko>Kováč</Priezvisko>', '<Priezvisko>Kováčik</Priezvisko>'))
  await filed(gw, sk('rlfo.xml'))
  const found = await list('externalId=HR-2024-0601')
  t.same(found.json.items.map((d: any) => d.id), [again.id, peter.id], 'both filings with that reference, newest first')
  t.same(conformanceErrors('get', '/api/v1/documents', found), [], 'as openapi.yaml describes it')
  t.same((await list('externalId=HR-2099-0001')).json, { items: [], nextCursor: null }, 'no match: an empty page')
  t.same((await list('externalId=HR-2024-0601', other)).json.items, [], 'another client does not find them')
  t.same((await list('externalId=HR-2024-0601&type=MVP')).json.items, [], 'combined with other filters')
  t.equal((await list(`externalId=${'x'.repeat(64)}`)).status, 200, '64 characters')
  const tooLong = await list(`externalId=${'x'.repeat(65)}`)
  t.same([tooLong.status, tooLong.json.code], [400, 'INVALID_REQUEST'], '65 characters: 400')
  t.match(tooLong.json.detail, /externalId/)
  t.same(conformanceErrors('get', '/api/v1/documents', tooLong), [], '400 as openapi.yaml describes it')
  t.notMatch(gw.logs(), 'HR-2024-0601', 'the reference is not logged')
})
