import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { fixture, fixturesDir } from '../helpers/paths.js'
import { at, envelope, findingsOf, readAnswer, soapCall, wsdlSchema } from '../helpers/soap.js'
import { projectRoot } from '../../src/lib/index.js'
import { addMandate } from '../../src/operator/index.js'
import { verifyReceipt } from '../../src/receipts/index.js'
import { validateFiles } from '../../src/cli/validate.js'

// Refund claims (ENDM, DOCUMENTS.md §2.8) over real mutual TLS: filing, processing with the payment date, the
// register's refusals in filing order, storno, mandates by type and the 91st-day calculator.

const pki = testPki()
const longValid = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') }
const as = issueCertificate(pki.ca, { commonName: 'payroll program', kind: 'client', ...longValid })
const accountant = issueCertificate(pki.ca, { commonName: 'accounting service program', kind: 'client', ...longValid })
const PRIMER = '45678138'
const example = readFileSync(join(projectRoot, 'examples', 'si', 'endm.xml'), 'utf8')
const claim = (name: string): string => fixture(join('si', 'endm', name)).toString('utf8')

function settableClock(start: string) {
  let now = new Date(start)
  return { now: () => now, set: (iso: string) => { now = new Date(iso) }, advance: (ms: number) => { now = new Date(now.getTime() + ms) } }
}

const file = (gw: TestGateway, body: string, who = as) => gw.call({ path: '/api/v1/documents', as: who, body, headers: xmlHeaders })
const view = async (gw: TestGateway, id: string, who = as) => (await gw.call({ path: `/api/v1/documents/${id}`, as: who })).json
const codes = (findings: readonly { code: string }[]): string[] => findings.map(f => f.code).sort()
const errors = (v: any): string[] => v.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.code)

async function processed(gw: TestGateway, id: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const v = await view(gw, id)
    if (v.status.processing !== 'unprocessed') return v
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  throw new Error(`${id} was never processed`)
}

t.test('the DOCUMENTS.md example files 201 and is processed, with payment.expectedBy in the view, the receipt, the events and SOAP', async t => {
  const clock = settableClock('2025-05-20T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: PRIMER })

  const filed = await file(gw, example)
  t.equal(filed.status, 201)
  t.match(filed.json, { type: 'ENDM', employer: PRIMER, externalId: 'NDM-2025-0042', status: { acceptance: 'accepted', processing: 'unprocessed' } })
  t.match(filed.json.number, /^N2505\d{8}$/, 'an N number')
  t.equal(filed.json.receiptNumber, filed.json.number)
  t.notOk('payment' in filed.json, 'no payment date before processing')
  t.same(codes(filed.json.findings), ['SI-COMMON-009', 'SI-ENDM-019'], 'warnings only: the reason is not verified, and the §3.5 split is left to ZZZS')

  const done = await processed(gw, filed.json.id)
  t.match(done.status, { acceptance: 'accepted', processing: 'processed', label: { sl: 'sprejet / potrjen' } })
  t.same(done.payment, { expectedBy: '2025-06-19' }, '30 days after processing')

  const receipt = await gw.call({ path: `/api/v1/documents/${done.id}/receipt`, as })
  t.match(receipt.text, '<Payment expectedBy="2025-06-19"/>')
  t.ok(verifyReceipt(receipt.text, pki.ca.cert), 'the receipt with its payment date is signed')
  t.notMatch(receipt.text, '0101990500003', 'no personal data in the receipt')

  const events = (await gw.call({ path: '/api/v1/events?after=0', as })).json.items.filter((e: any) => e.document?.id === done.id)
  t.same(events.map((e: any) => [e.reason, e.payment?.expectedBy]), [['received', undefined], ['processed', '2025-06-19']])

  const soap = readAnswer((await soapCall(gw, as, envelope('GetDocumentStatus', `<e:id>${done.id}</e:id>`))).text)
  t.equal(at(soap.element, 'document', 'payment', 'expectedBy'), '2025-06-19')
  const schema = wsdlSchema()
  t.teardown(() => schema.close())
  t.same(await schema.validate(soap.xml), [], 'the SOAP view with its payment is valid against the WSDL')
  const feed = readAnswer((await soapCall(gw, as, envelope('GetEvents', '<e:after>0</e:after>'))).text)
  t.same(await schema.validate(feed.xml), [], 'so are the SOAP events')
  t.match(feed.xml, '<payment><expectedBy>2025-06-19</expectedBy></payment>')
})

t.test('every invalid fixture gives the same findings over REST, SOAP and ehrs validate', async t => {
  // Filed today on the real clock, the date ehrs validate judges on.
  const gw = await startGateway(t)
  await gw.register(as, { taxNumber: PRIMER })
  const dir = join(fixturesDir, 'si', 'endm', 'invalid')
  const names = readdirSync(dir).filter(n => n.endsWith('.xml'))
  const { verdicts } = await validateFiles(names.map(n => join(dir, n)))
  for (const [i, name] of names.entries()) {
    const code = name.replace(/\.xml$/, '')
    const body = readFileSync(join(dir, name), 'utf8')
    const rest = await file(gw, body)
    if (code === 'SI-COMMON-004') {
      // A wrong tax number names no employer the program may file for: refused before the rules run.
      t.same([rest.status, rest.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'], `${name}: over REST`)
      t.ok(codes(verdicts[i]!.findings).includes(code), `${name}: ehrs validate gives ${code}`)
      continue
    }
    const restCodes = codes(rest.json.findings)
    const answer = readAnswer((await soapCall(gw, as, envelope('SubmitDocument', `<e:document>${body.replace(/^<\?xml[^>]*\?>\s*/, '')}</e:document>`))).text)
    const soapCodes = codes(answer.fault ? answer.fault.problem.findings ?? [] : findingsOf(answer.element.children.find(c => c.name === 'document')!.children.find(c => c.name === 'findings')!))
    t.same(soapCodes, restCodes, `${name}: SOAP as REST`)
    t.same(codes(verdicts[i]!.findings), restCodes, `${name}: ehrs validate as REST`)
    // The payout date is judged against the filing date: filed today, the fixture's payout is long past.
    if (code !== 'SI-ENDM-017') t.ok(restCodes.includes(code), `${name} gives ${code}`)
    const error = restCodes.some(c => !['SI-COMMON-009', 'SI-ENDM-014', 'SI-ENDM-015', 'SI-ENDM-019'].includes(c))
    t.equal(rest.status, error ? 422 : 201, `${name}: ${error ? 'refused' : 'stored with warnings'}`)
    if (error) t.equal(rest.json.code, 'DOCUMENT_INVALID')
  }
})

t.test('overlapping claims and reused eBOL numbers are refused in filing order; after a storno the later claim is processed', async t => {
  const clock = settableClock('2025-03-03T09:00:00Z')
  const gw = await startGateway(t, { clock, env: { PROCESSING_DELAY: '1h' } })
  await gw.register(as, { taxNumber: PRIMER })

  const late = await file(gw, claim('invalid/SI-ENDM-017.xml'))
  t.same([late.status, codes(late.json.findings.filter((f: any) => f.severity === 'error'))], [422, ['SI-ENDM-017']], 'paid after the filing date')

  const first = await file(gw, claim('valid-long-absence.xml'))
  const overlapping = await file(gw, claim('register/SI-ENDM-020.xml'))
  const sameEbol = await file(gw, claim('register/SI-ENDM-021.xml'))
  t.same([first.status, overlapping.status, sameEbol.status], [201, 201, 201], 'all three are accepted: the register decides at processing')
  clock.advance(2 * 3_600_000)
  await gw.services.lifecycle.timers.runDue()
  const [a, b, c] = [await view(gw, first.json.id), await view(gw, overlapping.json.id), await view(gw, sameEbol.json.id)]
  t.equal(a.status.processing, 'processed')
  t.same(a.payment, { expectedBy: '2025-04-02' })
  t.equal(b.status.processing, 'refused')
  t.same(errors(b), ['SI-ENDM-020'])
  t.match(b.findings.find((f: any) => f.code === 'SI-ENDM-020'), { field: 'zadržanost', path: '/ENDM/Zadrzanost', message: { en: new RegExp(`Claim ${a.number} `), sl: new RegExp(`Zahtevek ${a.number} `) } })
  t.notOk('payment' in b, 'a refused claim is not paid')
  t.equal(c.status.processing, 'refused')
  t.match(c.findings.filter((f: any) => f.severity === 'error'), [{ code: 'SI-ENDM-021', field: 'številka eBOL', path: '/ENDM/Zadrzanost/StevilkaEBol[2]' }])
  const tooLate = await gw.call({ method: 'POST', path: `/api/v1/documents/${a.id}/storno`, as })
  t.same([tooLate.status, tooLate.json.code], [409, 'STORNO_NOT_ALLOWED'], 'a processed claim cannot be cancelled')
  t.match(tooLate.json.detail, /ask ZZZS to correct it/, 'and says what to do instead')

  // Another gateway: the first claim is cancelled while unprocessed, so the later ones find nothing in their way.
  const clock2 = settableClock('2025-03-03T09:00:00Z')
  const gw2 = await startGateway(t, { clock: clock2, env: { PROCESSING_DELAY: '1h' } })
  await gw2.register(as, { taxNumber: PRIMER })
  const cancelledFirst = await file(gw2, claim('valid-long-absence.xml'))
  const second = await file(gw2, claim('register/SI-ENDM-020.xml'))
  const third = await file(gw2, claim('register/SI-ENDM-021.xml'))
  const storno = await gw2.call({ method: 'POST', path: `/api/v1/documents/${cancelledFirst.json.id}/storno`, as })
  t.equal(storno.status, 200)
  t.match(storno.json.status, { acceptance: 'cancelled', processing: 'returned' })
  clock2.advance(2 * 3_600_000)
  await gw2.services.lifecycle.timers.runDue()
  t.match((await view(gw2, cancelledFirst.json.id)).status, { acceptance: 'cancelled', processing: 'returned' }, 'the cancelled claim is never processed')
  const [s, th] = [await view(gw2, second.json.id), await view(gw2, third.json.id)]
  t.same([s.status.processing, errors(s)], ['processed', []], 'the overlapping claim files once the first is cancelled')
  t.same([th.status.processing, errors(th)], ['processed', []], 'so does the one citing its eBOL number')
  t.same(s.payment, { expectedBy: '2025-04-02' })

  const again = await file(gw2, claim('register/SI-ENDM-020.xml').replace('HR-NDM-2025-0011', 'HR-NDM-2025-0013'))
  clock2.advance(2 * 3_600_000)
  await gw2.services.lifecycle.timers.runDue()
  t.same(errors(await view(gw2, again.json.id)), ['SI-ENDM-020', 'SI-ENDM-021'], 'a processed claim blocks its days and its eBOL number again')
})

t.test('mandates by type: a mandate for ENDM files claims, one for M1 only does not', async t => {
  const clock = settableClock('2025-03-03T09:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(as, { taxNumber: PRIMER })
  const accountantId = await gw.register(accountant, { taxNumber: '38172658' })
  const m1Only = await addMandate(gw.services.db, { employer: PRIMER, clientId: accountantId, types: ['M1'] }, clock.now())
  const refused = await file(gw, claim('valid-long-absence.xml'), accountant)
  t.same([refused.status, refused.json.code], [403, 'NOT_AUTHORIZED_FOR_EMPLOYER'])
  t.ok(m1Only)
  await addMandate(gw.services.db, { employer: PRIMER, clientId: accountantId, types: ['ENDM'] }, clock.now())
  const filed = await file(gw, claim('valid-long-absence.xml'), accountant)
  t.equal(filed.status, 201, 'covered by the ENDM mandate')
  t.equal((await view(gw, filed.json.id, accountant)).type, 'ENDM')
})

t.test('GET /api/v1/endm/day-91 over mutual TLS: the calculator, its refusals and the client certificate', async t => {
  const gw = await startGateway(t)
  await gw.register(as, { taxNumber: PRIMER })
  const ok = await gw.call({ path: '/api/v1/endm/day-91?from=2023-09-24', as })
  t.same([ok.status, ok.json], [200, { from: '2023-09-24', day91: '2023-12-23', higherRateFrom: '2023-12-27' }], 'a Saturday before Christmas on Monday')
  const newYear = await gw.call({ path: '/api/v1/endm/day-91?from=2024-10-02', as })
  t.equal(newYear.json.higherRateFrom, '2025-01-03')
  for (const [query, detail] of [['from=2025-02-29', /from must be an existing date/], ['from=20250119', /from must be an existing date/], ['', /from is required/], ['from=2025-01-01&from=2025-01-02', /from may be given once/]] as const) {
    const bad = await gw.call({ path: `/api/v1/endm/day-91?${query}`, as })
    t.same([bad.status, bad.json.code], [400, 'INVALID_REQUEST'], query)
    t.match(bad.json.detail, detail)
  }
  const anonymous = await gw.call({ path: '/api/v1/endm/day-91?from=2025-01-19' })
  t.same([anonymous.status, anonymous.json.code], [401, 'CLIENT_CERT_REQUIRED'])
  const stranger = await gw.call({ path: '/api/v1/endm/day-91?from=2025-01-19', as: pki.otherClient })
  t.same([stranger.status, stranger.json.code], [403, 'CLIENT_CERT_UNKNOWN'])
})
