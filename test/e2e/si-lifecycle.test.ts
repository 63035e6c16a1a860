import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { xmlsec1For } from '../helpers/xmlsec1.js'
import { projectRoot } from '../../src/lib/index.js'
import { addMandate } from '../../src/operator/index.js'
import { verifyReceipt } from '../../src/receipts/index.js'
import { fixture } from '../helpers/paths.js'

const pki = testPki()
// The story is filed in 2025 on the gateway's clock, so its programs hold certificates valid since 2024.
const longValid = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') }
const as = issueCertificate(pki.ca, { commonName: 'payroll program', kind: 'client', ...longValid })
const accountant = issueCertificate(pki.ca, { commonName: 'accounting service program', kind: 'client', ...longValid })
const PRIMER = '45678138'
const ANA = '1204990505126'
const example = (name: string): string => readFileSync(join(projectRoot, 'examples', 'si', name), 'utf8')
const m1 = example('m1.xml')
const m3Change = example('m3-change.xml')
const m2 = example('m2.xml')
const m3Storno = example('m3-storno.xml')

/** A clock the test moves: each document is filed on the day its story says. */
function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, set: (at: string) => { now = new Date(at) }, advance: (ms: number) => { now = new Date(now.getTime() + ms) } }
}

interface Filed { status: number; json: any }

async function file(gw: TestGateway, body: string, who = as): Promise<Filed> {
  return gw.call({ path: '/api/v1/documents', as: who, body, headers: xmlHeaders })
}

/** Polls the document as a client would, until the back office has given its result. */
async function processed(gw: TestGateway, id: string, who = as): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const view = (await gw.call({ path: `/api/v1/documents/${id}`, as: who })).json
    if (view.status.processing !== 'unprocessed') return view
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  throw new Error(`${id} was never processed`)
}

async function fileAndProcess(gw: TestGateway, body: string): Promise<any> {
  const res = await file(gw, body)
  if (res.status !== 201) throw new Error(`filing answered ${res.status}: ${JSON.stringify(res.json)}`)
  return processed(gw, res.json.id)
}

const errors = (view: any): string[] => view.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.code)

t.test('Ana\'s insurance over mutual TLS: M1, M3/01, M2, M3/16, and each refusal on the way', async t => {
  const clock = settableClock('2025-03-01T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: PRIMER })
  const insurance = async () => (await gw.call({ path: `/api/v1/insurances?person=${ANA}`, as })).json.items

  const registration = await file(gw, m1)
  t.equal(registration.status, 201)
  t.match(registration.json.status, { acceptance: 'accepted', processing: 'unprocessed' })
  t.match(registration.json.receiptNumber, /^P2503\d{8}$/, 'a prevzemna številka at once')
  const opened = await processed(gw, registration.json.id)
  t.match(opened.status, { acceptance: 'accepted', processing: 'processed', label: { en: 'accepted / processed', sl: 'sprejet / potrjen' } })
  t.same(opened.history.map((h: any) => h.reason), ['received', 'processed'])
  t.match(await insurance(), [{ status: 'open', startDate: '2025-03-01', documents: [{ id: registration.json.id, event: 'opened' }] }])

  clock.set('2025-03-02T08:00:00Z')
  const again = await fileAndProcess(gw, m1.replace('</M1>', '  <Opombe>Ponovno.</Opombe>\n</M1>'))
  t.equal(again.status.processing, 'refused', 'a second M1 for the open insurance')
  t.same(errors(again), ['SI-M1-020'])
  const early16 = await fileAndProcess(gw, m3Storno)
  t.equal(early16.status.processing, 'refused', 'code 16 on an open insurance')
  t.match(early16.findings.find((f: any) => f.code === 'SI-M3-021'), { field: 'rubrika 12', path: '/M3/Sprememba/VzrokSpremembeZavarovanja', message: { en: /M2/, sl: String } })
  const basis = await fileAndProcess(gw, m3Change.replace('<PodlagaZaZavarovanje>001<', '<PodlagaZaZavarovanje>013<'))
  t.equal(basis.status.processing, 'refused', 'an M3 may not change rubrika 15')
  t.match(basis.findings.filter((f: any) => f.severity === 'error'), [{ code: 'SI-M3-022', field: 'rubrika 15', path: '/M3/ZavarovanjeNespremenljivo/PodlagaZaZavarovanje' }])

  clock.set('2025-09-01T08:00:00Z')
  const change = await fileAndProcess(gw, m3Change)
  t.equal(change.status.processing, 'processed', 'M3 code 01 changes rubrika 25')
  t.match(await insurance(), [{ status: 'open', data: { Poklic: '2421' } }])

  clock.set('2025-12-31T08:00:00Z')
  const end = await fileAndProcess(gw, m2)
  t.equal(end.status.processing, 'processed')
  t.match(await insurance(), [{ status: 'closed', endDate: '2025-12-31' }])

  clock.set('2026-01-02T08:00:00Z')
  const late01 = await fileAndProcess(gw, m3Change.replace('</M3>', '  <Opombe>Prepozno.</Opombe>\n</M3>'))
  t.equal(late01.status.processing, 'refused', 'code 01 on a closed insurance')
  t.same(errors(late01), ['SI-M3-020'])

  clock.set('2026-01-20T08:00:00Z')
  const annul = await fileAndProcess(gw, m3Storno.replace('HR-2026-0004', 'HR-2026-0005'))
  t.equal(annul.status.processing, 'processed', 'M3 code 16 annuls the closed insurance')
  const [final] = await insurance()
  t.match(final, { status: 'annulled', employer: PRIMER, person: ANA, type: 'M1' })
  t.same(final.documents.map((d: any) => [d.type, d.event]), [['M1', 'opened'], ['M3', 'changed'], ['M2', 'closed'], ['M3', 'annulled']])

  const nobody = await fileAndProcess(gw, m2.replace(`<Emso>${ANA}</Emso>`, '<Emso>0309982501238</Emso>'))
  t.equal(nobody.status.processing, 'refused', 'M2 without an open insurance')
  t.same(errors(nobody), ['SI-M2-022'])
  t.equal((await gw.call({ path: '/api/v1/documents?processing=refused', as })).json.items.length, 5)
})

t.test('M3 per the corrected DOCUMENTS §2.6 over REST: r.13 before r.14, names repeated on code 16, and their register refusals', async t => {
  const clock = settableClock('2025-03-03T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: PRIMER })
  const text = (path: string): string => fixture(path).toString()

  t.equal((await fileAndProcess(gw, text('si/register/m1-ana.xml'))).status.processing, 'processed')
  const onlyNames = await fileAndProcess(gw, text('si/m3/register/SI-M3-026.xml'))
  t.equal(onlyNames.status.processing, 'refused', 'code 01 repeating the registered names changes nothing')
  t.same(errors(onlyNames), ['SI-M3-026'])
  t.equal((await fileAndProcess(gw, text('si/m2/valid-basic.xml'))).status.processing, 'processed')
  const renamed = await fileAndProcess(gw, text('si/m3/register/SI-M3-027.xml'))
  t.equal(renamed.status.processing, 'refused', 'code 16 with a surname that differs from the register')
  t.match(renamed.findings.filter((f: any) => f.severity === 'error'), [{ code: 'SI-M3-027', field: 'rubrika 7', path: '/M3/Zavarovanec/Priimek' }])
  const annul = await fileAndProcess(gw, text('si/m3/valid-storno-with-names.xml'))
  t.equal(annul.status.processing, 'processed', 'code 16 repeating the registered names annuls')
  t.same(annul.findings, [])

  // An M1 filed ahead for 1 April, corrected on 20 March: the correction's r.13 precedes r.14.
  clock.set('2025-03-20T08:00:00Z')
  const ahead = text('si/register/m1-ana.xml').replace('<DatumPricetkaZavarovanja>2024-09-02<', '<DatumPricetkaZavarovanja>2025-04-01<')
  t.equal((await fileAndProcess(gw, ahead)).status.processing, 'processed')
  const correction = await file(gw, text('si/m3/valid-correction-before-start.xml'))
  t.equal(correction.status, 201, 'accepted at submission')
  const corrected = await processed(gw, correction.json.id)
  t.equal(corrected.status.processing, 'processed')
  t.same(corrected.findings, [])
})

t.test('storno while unprocessed; afterwards 409 STORNO_NOT_ALLOWED saying to file an M3', async t => {
  const clock = settableClock('2025-03-01T08:00:00Z')
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h' } })
  await gw.register(as, { taxNumber: PRIMER })
  const stranger = accountant
  await gw.register(stranger)

  const first = await file(gw, m1)
  t.equal((await gw.call({ method: 'POST', path: `/api/v1/documents/${first.json.id}/storno`, as: stranger })).status, 404, 'another company cannot even see it')
  const cancelled = await gw.call({ method: 'POST', path: `/api/v1/documents/${first.json.id}/storno`, as })
  t.equal(cancelled.status, 200)
  t.match(cancelled.json.status, { acceptance: 'cancelled', processing: 'returned', label: { sl: 'storniran / vrnjen' } })
  t.same(cancelled.json.history.map((h: any) => h.reason), ['received', 'storno'])
  const twice = await gw.call({ method: 'POST', path: `/api/v1/documents/${first.json.id}/storno`, as })
  t.same([twice.status, twice.json.code, twice.json.detail], [409, 'STORNO_NOT_ALLOWED', 'The document is already cancelled.'])

  clock.advance(2 * 3_600_000)
  await gw.services.lifecycle.timers.runDue()
  t.match((await gw.call({ path: `/api/v1/documents/${first.json.id}`, as })).json.status, { acceptance: 'cancelled', processing: 'returned' }, 'a cancelled document is never processed')
  t.same((await gw.call({ path: '/api/v1/insurances', as })).json.items, [], 'and never reaches the register')

  const second = await file(gw, m1.replace('HR-2025-0117', 'HR-2025-0118'))
  t.equal((await gw.call({ path: `/api/v1/documents/${second.json.id}`, as })).json.status.processing, 'unprocessed', 'held for PROCESSING_DELAY')
  clock.advance(3_600_000)
  t.equal((await processed(gw, second.json.id)).status.processing, 'processed')
  const late = await gw.call({ method: 'POST', path: `/api/v1/documents/${second.json.id}/storno`, as })
  t.same([late.status, late.json.code], [409, 'STORNO_NOT_ALLOWED'])
  t.match(late.json.detail, /M3/)
  t.equal((await gw.call({ method: 'POST', path: '/api/v1/documents/00000000-0000-7000-8000-000000000000/storno', as })).status, 404)
})

t.test('receipts: signed, verified by xmlsec1 with the signing CA, broken by a changed byte', async t => {
  const gw = await startGateway(t)
  await gw.register(as, { taxNumber: PRIMER })
  const filed = await file(gw, m1)
  const view = await processed(gw, filed.json.id)
  const receipt = await gw.call({ path: `/api/v1/documents/${view.id}/receipt`, as })
  t.equal(receipt.status, 200)
  t.match(receipt.headers['content-type'], /application\/xml/)
  for (const part of [view.id, view.number, PRIMER, view.sha256, 'processing="processed"', 'Potrdilo', '<ds:X509Certificate>']) t.match(receipt.text, part)
  t.notMatch(receipt.text, ANA, 'no personal data in the receipt')
  t.ok(verifyReceipt(receipt.text, pki.ca.cert))
  t.equal((await gw.call({ path: `/api/v1/documents/${view.id}/receipt`, as: pki.otherClient })).status, 403, 'an unregistered program gets no receipt')

  const xmlsec1 = xmlsec1For(t)
  if (!xmlsec1) return
  t.equal(xmlsec1(receipt.text, pki.ca.cert).code, 0, 'xmlsec1 --verify accepts it')
  const tampered = receipt.text.replace('processing="processed"', 'processing="refused"')
  t.not(xmlsec1(tampered, pki.ca.cert).code, 0, 'a changed status breaks the signature')
  const oneByte = receipt.text.replace(view.sha256, `${view.sha256.slice(0, -1)}${view.sha256.endsWith('0') ? '1' : '0'}`)
  t.not(xmlsec1(oneByte, pki.ca.cert).code, 0, 'so does one changed digit')
  t.not(xmlsec1(receipt.text, pki.outsideCa.cert).code, 0, 'and another CA is not trusted')
})

t.test('mandates restricted by document type hold for every SI form, and for the register', async t => {
  const clock = settableClock('2025-03-01T08:00:00Z')
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h' } })
  await gw.register(as, { taxNumber: PRIMER })
  const accountantId = await gw.register(accountant, { taxNumber: '38172658' })
  await addMandate(gw.services.db, { employer: PRIMER, clientId: accountantId, types: ['M1', 'M3'] }, clock.now())

  t.equal((await file(gw, m1, accountant)).status, 201, 'M1 is covered')
  t.equal((await file(gw, m3Change, accountant)).status, 201, 'M3 is covered')
  const refusedM2 = await file(gw, m2, accountant)
  t.same([refusedM2.status, refusedM2.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'], 'M2 is not')
  const m12ForPrimer = example('m12.xml').replace('<DavcnaStevilka>38172658<', `<DavcnaStevilka>${PRIMER}<`)
  t.equal((await file(gw, m12ForPrimer, accountant)).status, 403, 'nor M12')
  t.equal((await file(gw, example('m12.xml'), accountant)).status, 201, 'its own M12 is')
  t.equal((await gw.call({ path: '/api/v1/documents', as: accountant })).json.items.length, 3)

  clock.advance(2 * 3_600_000)
  await gw.services.lifecycle.timers.runDue()
  const seen = (await gw.call({ path: '/api/v1/insurances', as: accountant })).json.items.map((i: any) => [i.employer, i.type]).sort()
  t.same(seen, [['38172658', 'M12'], [PRIMER, 'M1']], 'the register as far as the mandate reaches')
  // In the test environment each test client files into a sandbox of its own (SPEC.md §7): the employer's own
  // test client sees the accountant's filings in its lists, and its own sandbox's register, which is empty.
  t.equal((await gw.call({ path: `/api/v1/documents?employer=${PRIMER}`, as })).json.items.length, 2)
  t.same((await gw.call({ path: `/api/v1/insurances?employer=${PRIMER}`, as })).json.items, [])
  const bad = await gw.call({ path: '/api/v1/insurances?period=2025-13', as })
  t.same([bad.status, bad.json.code], [400, 'INVALID_REQUEST'])
})
