import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { reopenableDb } from '../helpers/db.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { settableClock, storyDriver } from '../helpers/story.js'
import { projectRoot } from '../../src/lib/index.js'
import { type Pem } from '../../src/pki/index.js'
import { verifyAudit } from '../../src/audit/index.js'

const pki = testPki()
// The story is filed in April 2025 on the gateway's clock, so the program holds a certificate valid since 2024.
const payroll = issueCertificate(pki.ca, {
  commonName: 'mzdový program', kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})
const VZOR = '2021234501'
const JANA = '9261031472'
const PETER = '8704122361'
// Lucia Nováková, born 1995-05-12 (month 55 = female): 9555121004 = 11 × 868647364.
const LUCIA = { rc: '9555121004', priezvisko: 'Nováková', meno: 'Lucia', born: '1995-05-12' }
const example = (name: string): string => readFileSync(join(projectRoot, 'examples', 'sk', name), 'utf8')
// The default test-client delays (SPEC §2): forwarding 30 s after acceptance, a repeated check 60 s after the request.
const FORWARD = 30_000
const RECHECK = 60_000

interface Person { rc: string; priezvisko: string; meno: string }

/** An MVP whose rows each carry the amounts of the DOCUMENTS.md example (682.00 per row), with matching totals. */
function mvp(period: string, kind: 'R' | 'O', people: readonly Person[], reference = `MZDY-${period}-${kind}`): string {
  const fund = (name: string, vz: string, employer: string, employee?: string): string =>
    `<${name}><Vz>${vz}</Vz><PoistneZamestnavatel>${employer}</PoistneZamestnavatel>${employee ? `<PoistneZamestnanec>${employee}</PoistneZamestnanec>` : ''}</${name}>`
  const rows = people.map((p, i) => `<Riadok><PoradoveCislo>${i + 1}</PoradoveCislo><RodneCislo>${p.rc}</RodneCislo>`
    + `<Priezvisko>${p.priezvisko}</Priezvisko><Meno>${p.meno}</Meno>`
    + fund('Np', '2000.00', '28.00', '28.00') + fund('Sp', '2000.00', '280.00', '80.00') + fund('Ip', '2000.00', '60.00', '60.00')
    + fund('Pvn', '2000.00', '10.00', '20.00') + fund('Up', '2000.00', '16.00') + fund('Gp', '2000.00', '5.00') + fund('Rfs', '2000.00', '95.00')
    + '</Riadok>').join('\n    ')
  const n = people.length
  const sum = (amount: number): string => (amount * n).toFixed(2)
  const total = (name: string, employer: number, employee?: number): string =>
    `<${name}><PoistneZamestnavatel>${sum(employer)}</PoistneZamestnavatel>${employee !== undefined ? `<PoistneZamestnanec>${sum(employee)}</PoistneZamestnanec>` : ''}</${name}>`
  return `<MVP xmlns="urn:ehrs:sk:mvp:1" verzija="1">
  <ExternyId>${reference}</ExternyId>
  <Zamestnavatel><Icz>5101234567</Icz><Ico>47123451</Ico><Dic>${VZOR}</Dic><Nazov>Vzor s.r.o.</Nazov></Zamestnavatel>
  <Obdobie>${period}</Obdobie><DruhVykazu>${kind}</DruhVykazu><DenVyplaty>2025-05-10</DenVyplaty>
  <Suhrn>${total('Np', 28, 28)}${total('Sp', 280, 80)}${total('Ip', 60, 60)}${total('Pvn', 10, 20)}${total('Up', 16)}${total('Gp', 5)}${total('Rfs', 95)}<PoistneSpolu>${sum(682)}</PoistneSpolu></Suhrn>
  <Priloha>
    ${rows}
  </Priloha>
</MVP>`
}

const jana: Person = { rc: JANA, priezvisko: 'Horváthová', meno: 'Jana' }

function prihlaska(person: Person & { born: string }, from: string): string {
  return example('rlfo-peter.xml').replace('HR-2024-0601', `HR-${person.rc}`).replace(PETER, person.rc)
    .replace('<Priezvisko>Kováč</Priezvisko><Meno>Peter</Meno>', `<Priezvisko>${person.priezvisko}</Priezvisko><Meno>${person.meno}</Meno>`)
    .replace('1987-04-12', person.born).replace('2024-06-01', from)
}

const driver = (gw: TestGateway, clock: ReturnType<typeof settableClock>, as: Pem = payroll) => storyDriver(gw, clock, as)

const reasons = (view: any): string[] => view.history.map((h: any) => h.reason)
const codes = (view: any, severity = 'error'): string[] => view.findings.filter((f: any) => f.severity === severity).map((f: any) => f.code)

t.test('Vzor s.r.o. over mutual TLS: registration lists, reports with their register check, forwarding, storno, R and O', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw, clock)
  const relationships = async (query: string) => (await gw.call({ path: `/api/v1/insurances?${query}`, as: payroll })).json.items

  // Peter's registration: a single RLFO, accepted on receipt and forwarded 30 s later.
  const peter = await d.filed(example('rlfo-peter.xml'))
  t.match(peter.number, /^R2504[0-9]{8}$/, 'a single RLFO is numbered R')
  t.match(peter.status, { acceptance: 'accepted', processing: 'unprocessed', label: { sk: 'akceptovaný / nespracovaný', en: 'accepted / unprocessed' } })
  t.same(peter.scheduled, { transition: 'forwarding', at: new Date(clock.now().getTime() + FORWARD).toISOString() }, 'the storno deadline is shown')
  await d.pass(FORWARD - 1)
  t.equal((await d.view(peter.id)).status.processing, 'unprocessed', 'not a moment early')
  await d.pass(1)
  const peterDone = await d.view(peter.id)
  t.match(peterDone.status, { acceptance: 'accepted', processing: 'processed', label: { sk: 'akceptovaný / spracovaný' } })
  t.same(reasons(peterDone), ['received', 'forwarded', 'processed'])

  // Jana registered, Peter deregistered: a batch RLFO, numbered C.
  const batch = await d.filed(example('rlfo.xml'))
  t.match(batch.number, /^C2504[0-9]{8}$/, 'a batch RLFO is numbered C')
  t.same(batch.entries, [
    { index: 1, kind: 'PA', person: '******1472', start: '2025-03-01' },
    { index: 2, kind: 'OD', person: '******2361', end: '2025-02-28' },
  ], 'its view lists the entries, persons masked')
  t.notOk(peter.entries, 'a single list has none')
  await d.pass(FORWARD)
  t.equal((await d.view(batch.id)).status.processing, 'processed')
  t.match(await relationships(`person=${PETER}`), [{ country: 'SK', type: 'RLFO', status: 'closed', startDate: '2024-06-01', endDate: '2025-02-28', key: { TypZamestnanca: 'ZEC' } }])
  t.match(await relationships(`person=${JANA}`), [{ status: 'open', startDate: '2025-03-01' }])
  t.equal((await relationships('period=2025-02')).length, 1, 'in February only Peter was insured')

  // Jana's March report: checked against the register at once, accepted, forwarded, processed.
  const march = await d.filed(example('mvp.xml'))
  t.match(march.number, /^V2504[0-9]{8}$/)
  t.match(march, { period: '2025-03', kind: 'R', status: { acceptance: 'awaiting_first_register_check', label: { sk: 'prijatý – čaká prvú kontrolu na register / nespracovaný' } } })
  const marchChecked = await d.view(march.id)
  t.match(marchChecked.status, { acceptance: 'accepted', processing: 'unprocessed' })
  t.same(reasons(marchChecked), ['received', 'register_check_started', 'register_check'])
  t.same(marchChecked.history.map((h: any) => h.acceptance), ['awaiting_first_register_check', 'register_check_running', 'accepted'])
  t.equal(marchChecked.scheduled.transition, 'forwarding')
  await d.pass(FORWARD)
  t.match((await d.view(march.id)).status, { acceptance: 'accepted', processing: 'processed' })
  const late = await d.post(march.id, 'storno')
  t.equal(late.status, 409, 'no storno once forwarded')
  t.match(late.json, { code: 'STORNO_NOT_ALLOWED', detail: /corrective report/ })

  // Only one R per period is processed: another R is refused, a corrective O is accepted, as often as needed.
  const secondR = await d.file(example('mvp.xml').replace('MZDY-2025-03', 'MZDY-2025-03-bis'))
  t.equal(secondR.status, 422, 'a second R while the first is forwarded')
  t.match(secondR.json.findings, [{ code: 'SK-MVP-003', severity: 'error', field: 'Typ výkazu', path: '/MVP/DruhVykazu', message: { en: /corrective/, sk: String } }])
  for (const n of [1, 2]) {
    const corrective = await d.filed(mvp('2025-03', 'O', [jana], `MZDY-2025-03-O${n}`))
    t.match(corrective, { kind: 'O' }, `corrective report ${n}`)
    t.equal((await d.view(corrective.id)).status.acceptance, 'accepted')
  }

  // April: Lucia is not registered and Jana is missing: two registration errors, fix at least one.
  const april = await d.filed(mvp('2025-04', 'R', [LUCIA]))
  const refused = await d.view(april.id)
  t.match(refused.status, { acceptance: 'not_accepted_registration_errors', processing: 'unprocessed', label: { sk: 'neakceptovaný – chyby registrácie / nespracovaný' } })
  t.same(codes(refused).sort(), ['SK-MVP-020', 'SK-MVP-021', 'SK-MVP-024'])
  t.match(refused.findings.find((f: any) => f.code === 'SK-MVP-020'), { path: '/MVP/Priloha/Riadok/RodneCislo', field: 'Rodné číslo' })
  t.match(refused.findings.find((f: any) => f.code === 'SK-MVP-021'), { message: { en: new RegExp(`${JANA}.*2025-03-01`) } })
  t.match(refused.findings.find((f: any) => f.code === 'SK-MVP-024'), { message: { en: /found 2 registration error\(s\)\. Fix at least 1 /, sk: /našla 2 chýb registrácie\. Opravte aspoň 1 / } })
  t.notOk(refused.scheduled, 'a report with registration errors is never forwarded')
  await d.pass(FORWARD * 10)
  t.equal((await d.view(april.id)).status.processing, 'unprocessed')

  // Lucia is registered; then a repeated check is requested, which waits RECHECK_DELAY and blocks storno.
  const lucia = await d.filed(prihlaska(LUCIA, '2025-04-01'))
  await d.pass(FORWARD)
  t.equal((await d.view(lucia.id)).status.processing, 'processed')
  const requested = await d.post(april.id, 'register-check')
  t.equal(requested.status, 202)
  t.match(requested.json, { status: { acceptance: 'awaiting_repeated_register_check', label: { sk: 'prijatý – čaká opakovanú kontrolu na register / nespracovaný' } } })
  t.same(requested.json.scheduled, { transition: 'register_check', at: new Date(clock.now().getTime() + RECHECK).toISOString() })
  t.match((await d.post(april.id, 'storno')).json, { code: 'STORNO_NOT_ALLOWED', detail: /repeated register check/ })
  t.match((await d.post(april.id, 'register-check')).json, { code: 'REGISTER_CHECK_NOT_ALLOWED', detail: /already scheduled/ })
  await d.pass(RECHECK - 1)
  t.equal((await d.view(april.id)).status.acceptance, 'awaiting_repeated_register_check')
  await d.pass(1)
  const rechecked = await d.view(april.id)
  t.match(rechecked.status, { acceptance: 'accepted', processing: 'unprocessed' }, 'one of two errors fixed is enough')
  t.same(codes(rechecked), [], 'the first check\'s errors are replaced by the repeated one\'s')
  t.same(codes(rechecked, 'warning').sort(), ['SK-MVP-021', 'SK-MVP-027'], 'the remaining error is a warning now')
  t.same(reasons(rechecked).slice(-3), ['register_check_requested', 'register_check_started', 'register_check'])

  // Storno before forwarding: cancelled and returned, never forwarded; then a new R for April is admissible.
  const cancelled = await d.post(april.id, 'storno')
  t.equal(cancelled.status, 200)
  t.match(cancelled.json.status, { acceptance: 'cancelled', processing: 'returned', label: { sk: 'stornovaný / vrátený' } })
  t.notOk(cancelled.json.scheduled)
  await d.pass(FORWARD)
  t.equal((await d.view(april.id)).status.processing, 'returned')
  t.match((await d.file(mvp('2025-04', 'O', [jana, LUCIA]))).json.findings, [{ code: 'SK-MVP-007' }], 'an O without a forwarded R')
  const aprilAgain = await d.filed(mvp('2025-04', 'R', [jana, LUCIA], 'MZDY-2025-04-R2'))
  t.equal((await d.view(aprilAgain.id)).status.acceptance, 'accepted')
  t.match((await d.file(mvp('2025-04', 'O', [jana, LUCIA]))).json.findings, [{ code: 'SK-MVP-006', message: { en: new RegExp(aprilAgain.number) } }], 'an O before the R is forwarded')
  t.match((await d.file(mvp('2025-04', 'R', [jana, LUCIA], 'MZDY-2025-04-R3'))).json.findings, [{ code: 'SK-MVP-004' }], 'an R while another is not cancelled')

  // The irregular bonus (VPP), the employer's move (RLZEC) and Peter's pension record sheet (ELDP).
  const bonus = await d.filed(example('vpp.xml'))
  t.match(bonus.number, /^Y2504/)
  t.equal((await d.view(bonus.id)).status.acceptance, 'accepted')
  const move = await d.filed(example('rlzec.xml'))
  const sheet = await d.filed(example('eldp.xml'))
  t.match([move.number, sheet.number], [/^Z2504/, /^E2504/])
  await d.pass(FORWARD)
  for (const doc of [bonus, move, sheet]) t.equal((await d.view(doc.id)).status.processing, 'processed', `${doc.type} processed`)
  const correction = await d.file(example('eldp.xml').replace('<DruhEldp>R</DruhEldp>', '<DruhEldp>O</DruhEldp>'))
  t.equal(correction.status, 201, 'a corrective ELDP from a processed one')
  const wrongStart = await d.filed(example('eldp.xml').replace(/2024-06-01/g, '2024-07-01'))
  await d.pass(FORWARD)
  const faulty = await d.view(wrongStart.id)
  t.match(faulty.status, { acceptance: 'accepted', processing: 'faulty', label: { sk: 'akceptovaný / chybný' } }, 'an ELDP the register contradicts is faulty')
  t.same(codes(faulty), ['SK-ELDP-020'])
})

t.test('a repeated register check of 48 h moves to the next Slovak working day, as scheduled.at shows', async t => {
  const clock = settableClock('2026-12-21T08:00:00Z')
  const gw = await startGateway(t, { clock, env: { TEST_RECHECK_DELAY: '48h' } })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw, clock)
  const at = (iso: string) => d.pass(Date.parse(iso) - clock.now().getTime())
  const peter: Person = { rc: PETER, priezvisko: 'Kováč', meno: 'Peter' }
  const report = (period: string, people: readonly Person[], payday: string): string =>
    mvp(period, 'R', people).replace('<DenVyplaty>2025-05-10<', `<DenVyplaty>${payday}<`)

  // November 2026: Lucia is not registered. She is, then the check is asked for on Tuesday 22 December.
  const november = await d.filed(report('2026-11', [LUCIA], '2026-12-10'))
  t.equal((await d.view(november.id)).status.acceptance, 'not_accepted_registration_errors')
  await d.filed(prihlaska(LUCIA, '2026-11-01'))
  await at('2026-12-22T09:00:00Z')
  const requested = await d.post(november.id, 'register-check')
  t.equal(requested.status, 202)
  // + 48 h = Thursday 24 December; 24–26 December are days of rest and the 27th a Sunday.
  t.same(requested.json.scheduled, { transition: 'register_check', at: '2026-12-28T09:00:00.000Z' })
  await at('2026-12-28T08:59:59.999Z')
  t.equal((await d.view(november.id)).status.acceptance, 'awaiting_repeated_register_check', 'not on 24 December, nor over the holidays')
  await at('2026-12-28T09:00:00Z')
  t.equal((await d.view(november.id)).status.acceptance, 'accepted', 'run on Monday 28 December')

  // February 2027: Peter is not registered; the check asked for on the Thursday before Easter (25 March 2027)
  // would end on Saturday, and Good Friday and Easter Monday are days of rest: it runs on Tuesday 30 March.
  await at('2027-03-10T08:00:00Z')
  const february = await d.filed(report('2027-02', [LUCIA, peter], '2027-03-10'))
  t.same(codes(await d.view(february.id)).sort(), ['SK-MVP-020', 'SK-MVP-024'])
  await at('2027-03-25T09:00:00Z')
  const easter = await d.post(february.id, 'register-check')
  t.same(easter.json.scheduled, { transition: 'register_check', at: '2027-03-30T09:00:00.000Z' })
  await at('2027-03-30T08:59:59.999Z')
  t.equal((await d.view(february.id)).status.acceptance, 'awaiting_repeated_register_check', 'not before the Tuesday after Easter Monday')
  await at('2027-03-30T09:00:00Z')
  const rechecked = await d.view(february.id)
  t.equal(rechecked.status.acceptance, 'not_accepted_registration_errors', 'run then, and Peter is still not registered')
  t.same(reasons(rechecked).slice(-3), ['register_check_requested', 'register_check_started', 'register_check'])
})

t.test('forwarding survives a restart between acceptance and forwarding, and happens once', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const database = await reopenableDb(t)
  const first = await database.open()
  const before = await startGateway(t, { clock, db: first })
  await before.register(payroll, { taxNumber: VZOR })
  const accepted = await driver(before, clock).filed(example('rlfo-peter.xml'))
  t.equal(accepted.status.acceptance, 'accepted')
  await before.stop()
  await first.close()

  clock.advance(FORWARD)
  const second = await database.open()
  t.teardown(() => second.close())
  const after = await startGateway(t, { clock, db: second })
  const d = driver(after, clock)
  await d.pass(0)
  await d.pass(FORWARD)
  const view = await d.view(accepted.id)
  t.match(view.status, { acceptance: 'accepted', processing: 'processed' })
  t.same(reasons(view), ['received', 'forwarded', 'processed'], 'forwarded and processed once each')
  const timers = await second.db.selectFrom('timers').select(['kind', 'outcome']).where('document_id', '=', accepted.id).orderBy('id').execute()
  t.same(timers, [{ kind: 'forward', outcome: 'done' }, { kind: 'process', outcome: 'done' }])
})

t.test('two gateway instances on one PostgreSQL: every transition happens exactly once', async t => {
  const database = await reopenableDb(t)
  if (!database.shared) {
    t.comment('runs with DATABASE_URL: PGlite serves one process')
    return
  }
  const clock = settableClock('2025-04-15T08:00:00Z')
  const [a, b] = [await database.open(), await database.open()]
  t.teardown(() => Promise.all([a.close(), b.close()]))
  const one = await startGateway(t, { clock, db: a })
  const two = await startGateway(t, { clock, db: b })
  await one.register(payroll, { taxNumber: VZOR })
  const ids: string[] = []
  for (let i = 0; i < 12; i++) {
    const gw = i % 2 === 0 ? one : two
    const day = String(i + 1).padStart(2, '0')
    const res = await driver(gw, clock).file(example('rlzec.xml').replace('2025-04-01', `2025-05-${day}`))
    t.equal(res.status, 201)
    ids.push(res.json.id)
  }
  ids.push((await driver(two, clock).file(example('rlfo-peter.xml'))).json.id)
  ids.push((await driver(one, clock).file(example('rlfo.xml'))).json.id)
  // Both instances run their timers at the same moment, repeatedly, as their polls would.
  const rounds = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      clock.advance(FORWARD)
      await Promise.all([one.services.lifecycle.timers.runDue(), two.services.lifecycle.timers.runDue()])
    }
  }
  await rounds()
  // Jana is registered now: her report is checked, forwarded and processed by whichever instance comes first.
  ids.push((await driver(two, clock).file(example('mvp.xml'))).json.id)
  await Promise.all([one.services.lifecycle.timers.runDue(), two.services.lifecycle.timers.runDue()])
  await rounds()
  for (const id of ids) {
    const view = await driver(one, clock).view(id)
    const counts = new Map<string, number>()
    for (const r of reasons(view)) counts.set(r, (counts.get(r) ?? 0) + 1)
    t.ok([...counts.values()].every(n => n === 1), `${view.type} ${view.number}: each transition once (${reasons(view).join(', ')})`)
    t.not(view.status.processing, 'unprocessed')
  }
  t.match(await verifyAudit(a.db), { ok: true }, 'the audit chain is intact')
})
