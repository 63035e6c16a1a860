import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../config.js'
import { createServices, type Services } from '../services.js'
import { addClient, addMandate } from '../operator/index.js'
import type { Caller } from '../identity/index.js'
import { getDocumentView } from '../documents/index.js'
import { forms, type FormModule } from '../forms/index.js'
import { raisableRegisterCheckFindings } from '../forms/sk/common/register-check.js'
import { currentStates } from '../lifecycle/index.js'
import { syntheticMvp } from '../../bench/documents.js'
import type { Finding, FindingDef } from '../validation/index.js'
import { listInsurances, type InsuranceFilter } from './index.js'
import { testDb } from '../../test/helpers/db.js'
import { testPki } from '../../test/helpers/pki.js'
import { fixture, fixturesDir } from '../../test/helpers/paths.js'

// A fixed day in April 2025: reports for 2025-03 and 2025-04 may be filed (a period may not be after the filing month).
const filingDay = new Date('2025-04-15T09:00:00Z')
/** Vzor s.r.o., the example employer of DOCUMENTS §1.8 (DIČ). */
const VZOR = '2021234501'
const pki = testPki()

type Person = readonly [rc: string, surname: string, name: string]
const JANA: Person = ['9261031472', 'Horváthová', 'Jana']
const PETER: Person = ['8704122361', 'Kováč', 'Peter']
const MARIA: Person = ['9055201232', 'Novotná', 'Mária']
const ZUZANA: Person = ['9555121004', 'Malá', 'Zuzana']
const MARTIN: Person = ['8801011010', 'Novák', 'Martin']

interface Filed {
  readonly id: string
  readonly number: string
  readonly acceptance: string
  readonly processing: string
  readonly findings: readonly Finding[]
}

interface Register {
  readonly services: Services
  readonly caller: Caller
  /** The employer (DIČ) this register belongs to: the documents filed through it are rewritten to name it. */
  readonly employer: string
  /** Files a fixture (path under test/fixtures) and waits for its result. */
  file(path: string): Promise<Filed>
  /** Files a document given as text and waits for its result. */
  submit(xml: string | Buffer): Promise<Filed>
  /** Requests a repeated register check of a report (run at once: TEST_RECHECK_DELAY is 0s) and waits for its result. */
  recheck(id: string): Promise<Filed>
  /** The employer's relationships (another employer's, or every one's, when the filter names `employer`). */
  insurances(filter?: InsuranceFilter): ReturnType<typeof listInsurances>
}

/**
 * Whether a document has its result: a report the register check did not accept stays unprocessed (so
 * test/helpers/settle.ts, which waits for processing to leave `unprocessed`, would wait for it in vain).
 */
const final = ({ acceptance, processing }: { acceptance: string; processing: string }): boolean =>
  ['not_accepted', 'not_accepted_registration_errors', 'cancelled'].includes(acceptance)
  || (acceptance === 'accepted' && ['processed', 'refused', 'faulty'].includes(processing))

// One database and one gateway for the file (a fresh PGlite takes seconds to start). Each test gets a register of
// its own by filing for an employer of its own: the register, the R/O series of reports and duplicate detection
// are all per employer, and a document's DIČ has no check digit (DOCUMENTS §1.4).
const handle = await testDb(t)
// Accepted SK documents are forwarded at once (and processed at once: PROCESSING_DELAY is 0s by default).
const services = createServices(loadConfig({ LOG_LEVEL: 'silent', TEST_FORWARD_DELAY: '0s', TEST_RECHECK_DELAY: '0s' }), handle, { now: () => filingDay }, {
  validatorWorkers: 1, signing: { certPem: pki.signing.cert, keyPem: pki.signing.key },
})
t.teardown(() => services.close())
const client = await addClient(handle.db, { name: 'Mzdy', taxNumber: VZOR, environment: 'test', certPem: pki.client.cert }, filingDay)
const caller: Caller = { clientId: client.id, name: 'Mzdy', taxNumber: VZOR, environment: 'test', role: 'filer', fingerprint: client.fingerprint, software: null }
let registers = 0

async function result(documentId: string): Promise<Filed> {
  for (let i = 0; ; i++) {
    await services.lifecycle.timers.runDue()
    const state = (await currentStates(services.db, [documentId])).get(documentId)!
    if (final(state)) break
    if (i === 50) throw new Error(`document ${documentId} has no result: ${state.acceptance} / ${state.processing}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const view = await getDocumentView(services.db, caller, documentId, filingDay)
  return { id: view.id, number: view.number, acceptance: view.status.acceptance, processing: view.status.processing, findings: view.findings }
}

/** A register of its own: Vzor s.r.o. itself first, then employers that gave Vzor's payroll program a mandate. */
async function register(): Promise<Register> {
  const employer = registers === 0 ? VZOR : `${VZOR.slice(0, 8)}${registers + 10}`
  registers++
  if (employer !== VZOR) await addMandate(handle.db, { employer, clientId: client.id }, filingDay)
  async function submit(xml: string | Buffer): Promise<Filed> {
    // An official document (sk-official.md) names the DIČ as `dic`.
    const bytes = Buffer.from(xml.toString().replaceAll(`<Dic>${VZOR}</Dic>`, `<Dic>${employer}</Dic>`).replaceAll(`<dic>${VZOR}</dic>`, `<dic>${employer}</dic>`))
    const { status, view } = await services.intake.submit({ caller, transport: 'rest', bytes, contentType: 'application/xml' })
    if (status !== 201) throw new Error(`not a new document: ${view.duplicateOf ?? view.id}`)
    return result(view.id)
  }
  return {
    services, caller, employer, submit,
    file: path => submit(fixture(path)),
    async recheck(documentId) {
      const view = await services.lifecycle.requestRegisterCheck(caller, documentId)
      if (view.status.acceptance !== 'awaiting_repeated_register_check') throw new Error(`no repeated check scheduled: ${view.status.acceptance}`)
      return result(documentId)
    },
    insurances: (filter = {}) => listInsurances(services.db, caller, 'employer' in filter ? filter : { employer, ...filter }, filingDay),
  }
}

/** `<!-- given: a.xml b.xml -->`: the documents filed (and processed) before the fixture. */
function givenOf(path: string): string[] {
  const given = /<!-- given:([^>]*)-->/.exec(fixture(path).toString())
  if (!given) throw new Error(`${path} names no given documents`)
  return given[1]!.trim().split(/\s+/).filter(p => p !== '')
}

// The row of DOCUMENTS §3.2 (test/fixtures/sk/mvp/valid-basic.xml); each fund's contributions per row, employer then employee.
const FUND_ROW = [['Np', '28.00', '28.00'], ['Sp', '280.00', '80.00'], ['Ip', '60.00', '60.00'], ['Pvn', '10.00', '20.00'], ['Up', '16.00'], ['Gp', '5.00'], ['Rfs', '95.00']] as const
const cents = (amount: string): number => Math.round(Number(amount) * 100)
const times = (n: number, amount: string): string => ((cents(amount) * n) / 100).toFixed(2)

/** An MVP or VPP of Vzor s.r.o. for a period with one identical row per person; the summary sums the rows. */
function reportXml(type: 'MVP' | 'VPP', period: string, persons: readonly Person[]): string {
  const n = persons.length
  const amounts = (a: readonly string[]): string =>
    `<PoistneZamestnavatel>${a[0]}</PoistneZamestnavatel>${a[1] ? `<PoistneZamestnanec>${a[1]}</PoistneZamestnanec>` : ''}`
  const summary = FUND_ROW.map(([fund, ...a]) => `<${fund}>${amounts(a.map(x => times(n, x)))}</${fund}>`).join('')
  const total = times(n, (FUND_ROW.flatMap(([, ...a]) => a).reduce((s, a) => s + cents(a), 0) / 100).toFixed(2))
  const rows = persons.map(([rc, surname, name], i) => `<Riadok><PoradoveCislo>${i + 1}</PoradoveCislo><RodneCislo>${rc}</RodneCislo>`
    + `<Priezvisko>${surname}</Priezvisko><Meno>${name}</Meno>${type === 'VPP' ? '<PoistnaRola>NP</PoistnaRola>' : ''}`
    + FUND_ROW.map(([fund, ...a]) => `<${fund}><Vz>2000.00</Vz>${amounts(a)}</${fund}>`).join('') + '</Riadok>').join('\n    ')
  return `<${type} xmlns="urn:ehrs:sk:${type.toLowerCase()}:1" verzija="1">
  <Zamestnavatel><Icz>5101234567</Icz><Ico>47123451</Ico><Dic>${VZOR}</Dic><Nazov>Vzor s.r.o.</Nazov></Zamestnavatel>
  <Obdobie>${period}</Obdobie><DruhVykazu>R</DruhVykazu>${type === 'MVP' ? `<DenVyplaty>${period}-28</DenVyplaty>` : ''}
  <Suhrn>${summary}<PoistneSpolu>${total}</PoistneSpolu></Suhrn>
  <Priloha>
    ${rows}
  </Priloha>
</${type}>
`
}

const codes = (findings: readonly Finding[], severity?: string): string[] =>
  findings.filter(f => severity === undefined || f.severity === severity).map(f => f.code)
const only = (findings: readonly Finding[], code: string): Finding[] => findings.filter(f => f.code === code)

const skForms = forms.filter(f => f.country === 'SK')
const isReport = (form: FormModule): form is FormModule & { type: 'MVP' | 'VPP' } => form.type === 'MVP' || form.type === 'VPP'
/** 024–027 sum a register check up (sk-ezu §5.4): the scenarios below cover them. */
const SUMMARY = ['024', '025', '026', '027']

/** The findings the register gives a form: a report's register check (VPP without 021, 022), the others' processing. */
function registerFindingsOf(form: FormModule): FindingDef[] {
  return isReport(form)
    ? raisableRegisterCheckFindings(form.type).filter(d => !SUMMARY.includes(d.code.slice(-3)))
    : Object.values(form.registerFindings ?? {})
}

t.test('every register finding of every SK form has a fixture', async t => {
  t.same(skForms.map(f => f.type).sort(), ['ELDP', 'MVP', 'PREG', 'RLFO', 'RLZEC', 'VPP'])
  for (const form of skForms) {
    for (const def of registerFindingsOf(form)) {
      t.ok(existsSync(join(fixturesDir, 'sk', form.type.toLowerCase(), 'register', `${def.code}.xml`)), def.code)
    }
  }
})

for (const form of skForms) {
  const dir = join('sk', form.type.toLowerCase(), 'register')
  if (!existsSync(join(fixturesDir, dir))) continue
  for (const file of readdirSync(join(fixturesDir, dir)).filter(f => f.endsWith('.xml'))) {
    const code = file.replace(/\.xml$/, '')
    t.test(`${form.type}: ${code} when the register says so`, async t => {
      const def = registerFindingsOf(form).find(d => d.code === code)
      if (!def) return t.fail(`${code} is not a register finding of ${form.type}`)
      const reg = await register()
      for (const given of givenOf(join(dir, file))) {
        const before = await reg.file(given)
        t.same([before.acceptance, before.processing], ['accepted', 'processed'], `${given} is accepted and processed first`)
      }
      const before = await reg.insurances()
      const { acceptance, processing, findings } = await reg.file(join(dir, file))
      const found = only(findings, code)
      t.ok(found.length > 0, `${file} gives ${code}`)
      const summary = `SK-${form.type}-024`
      if (isReport(form)) {
        // A report's registration errors decide its acceptance (sk-ezu §5.4); it is never refused for them.
        if (def.severity === 'error') {
          t.same([acceptance, processing], ['not_accepted_registration_errors', 'unprocessed'])
          t.match(only(findings, summary), [{ severity: 'error', field: 'Príloha', path: `/${form.type}/Priloha` }], `and ${summary} sums the check up`)
        } else {
          t.same([acceptance, processing], ['accepted', 'processed'])
          t.same(only(findings, summary), [])
        }
      } else {
        t.equal(acceptance, 'accepted')
        t.equal(processing, def.severity === 'warning' ? 'processed' : form.type === 'ELDP' ? 'faulty' : 'refused')
      }
      // A register finding of an official document points into it (sk-official.md §1.4).
      const official = form.official && fixture(join(dir, file)).toString().includes(`xmlns="${form.official.namespace}"`) ? form.official : undefined
      for (const f of found) {
        t.match(f, { severity: def.severity, field: def.field, path: new RegExp(`^/${official?.root ?? form.type}/`), line: Number })
        if (!official) t.equal(f.field, form.fieldOf(f.path), 'the field is the EZU field of the element it points at')
      }
      t.same(findings.filter(f => f.severity === 'error' && f.code !== code && f.code !== summary).map(f => f.code), [], 'no other error')
      // Nothing but a processed RLFO changes the register: a refused one (a batch too) leaves it as it was. An RLFO
      // with a warning is processed (SKO-RL-3: its odhláška closes the relationship).
      if (def.severity === 'error' || form.type !== 'RLFO') t.same(await reg.insurances(), before, 'the register is as before')
    })
  }
}

t.test('an official end without its start ends the open leave or interruption, taking its start from the register (SKO-RL-5)', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-jana.xml')
  const endOfLeave = fixture('sk/official/rlfo/rules/zm-end-of-md-only.xml').toString()
  const startOfLeave = endOfLeave.replace('<md><konMD datKon="30.04.2025"/></md>', '<md><zacMD datZac="01.04.2025"/></md>').replace('01.02.2025', '01.04.2025')
  const endOfInterruption = fixture('sk/official/rlfo/rules/pe-end-only.xml').toString().replace('14.02.2025', '14.05.2025')
  const startOfInterruption = endOfInterruption.replace('<zanikPrerus datZaniku="14.05.2025"/>', '<vznikPrerus datVzniku="05.05.2025" dovod="1"/>')
  for (const xml of [startOfLeave, endOfLeave.replace('01.02.2025', '30.04.2025'), startOfInterruption, endOfInterruption]) {
    const { processing, findings } = await reg.submit(xml)
    t.same([processing, findings], ['processed', []])
  }
  const [jana] = (await reg.insurances({ person: JANA[0] })).items
  t.same(jana?.data, {
    Zmeny: [{ DatumOd: '2025-04-01', DatumDo: '2025-04-30', DatumZmeny: '2025-04-01', DovodZmeny: 'MD' }],
    Prerusenia: [{ DatumOd: '2025-05-05', DatumDo: '2025-05-14', DovodPrerusenia: '1' }],
  }, 'one leave and one interruption, each ended')
  t.same(jana?.documents.map(d => d.event), ['opened', 'changed', 'changed', 'interrupted', 'interrupted'])
})

t.test('SK-RLFO-026 names the registered relationship the date lies outside of', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-jana.xml')
  const { findings } = await reg.file('sk/rlfo/register/SK-RLFO-026.xml')
  t.match(findings, [{ code: 'SK-RLFO-026', path: '/RLFO/Osoba/DatumOd', message: { en: /\(from 2025-03-01\)/, sk: /\(od 2025-03-01\)/ } }])
})

t.test('SK-RLZEC-020 counts relationships that last into the day the employer ceases, closed or not', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-peter.xml')
  await reg.file('sk/register/pa-jana.xml')
  const rlzec = fixture('sk/rlzec/register/SK-RLZEC-020.xml').toString()
  const { findings } = await reg.submit(rlzec.replaceAll('2025-04-01', '2025-03-01'))
  t.match(findings, [{ code: 'SK-RLZEC-020', message: { en: /^2 insurance relationship/ } }], 'both open on 2025-03-01')
  const od = fixture('sk/register/od-peter.xml').toString()
  t.equal((await reg.submit(od)).processing, 'processed')
  const later = await reg.submit(rlzec.replaceAll('2025-04-01', '2025-02-28'))
  t.match(later.findings, [{ code: 'SK-RLZEC-020', message: { en: /^2 insurance relationship/ } }], 'Peter, deregistered on 2025-02-28, still worked that day')
  const after = await reg.submit(rlzec.replaceAll('2025-04-01', '2025-03-02'))
  t.match(after.findings, [{ code: 'SK-RLZEC-020', message: { en: /^1 insurance relationship/ } }], 'only Jana lasts into 2025-03-02')
})

t.test('SK-ELDP-021 gives the end the register knows: none while the relationship lasts', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-peter.xml')
  const { findings } = await reg.file('sk/eldp/register/SK-ELDP-021.xml')
  t.match(findings, [{ code: 'SK-ELDP-021', path: '/ELDP/PoistnyVztah/DatumZaniku', message: { en: /\(trvá\)/ } }])
})

t.test('SK-MVP-021 and 022 name the missing relationship; 020 points at the row', async t => {
  const missing = await register()
  for (const given of givenOf('sk/mvp/register/SK-MVP-021.xml')) await missing.file(given)
  t.match(only((await missing.file('sk/mvp/register/SK-MVP-021.xml')).findings, 'SK-MVP-021'), [{
    path: '/MVP/Priloha', message: { en: /person 8704122361, .*relationship from 2024-06-01, type ZEC/ },
  }])
  const concurrent = await register()
  for (const given of givenOf('sk/mvp/register/SK-MVP-022.xml')) await concurrent.file(given)
  t.match(only((await concurrent.file('sk/mvp/register/SK-MVP-022.xml')).findings, 'SK-MVP-022'), [{
    // Either relationship may be the one without a row: a row without an IČPV does not say which it reports.
    path: '/MVP/Priloha', message: { en: /person 9261031472 has 2 concurrent .* listed 1 time\(s\).*relationship from (2025-03-01, type ZEC|2025-03-15, type ZECD2),/ },
  }])
  const unregistered = await register()
  await unregistered.file('sk/register/pa-jana.xml')
  t.match(only((await unregistered.file('sk/mvp/register/SK-MVP-020.xml')).findings, 'SK-MVP-020'), [{ path: '/MVP/Priloha/Riadok[2]/RodneCislo' }])
})

t.test('register check, sk-ezu §5.4 example A/B in small numbers: 4 errors → fix 2; 3 left → fix 1 more; 2 left → accepted', async t => {
  const reg = await register()
  const first = await reg.submit(reportXml('MVP', '2025-03', [JANA, PETER, ZUZANA, MARTIN]))
  t.same([first.acceptance, first.processing], ['not_accepted_registration_errors', 'unprocessed'])
  t.same(only(first.findings, 'SK-MVP-020').map(f => f.path), [1, 2, 3, 4].map(n => `/MVP/Priloha/Riadok[${n}]/RodneCislo`), 'no person is registered')
  t.match(only(first.findings, 'SK-MVP-024'), [{
    severity: 'error', message: { en: /found 4 registration error\(s\)\. Fix at least 2 of them/, sk: /našla 4 chýb registrácie\. Opravte aspoň 2 z nich/ },
  }])

  t.equal((await reg.file('sk/register/pa-jana.xml')).processing, 'processed', 'Jana is registered')
  const second = await reg.recheck(first.id)
  t.same([second.acceptance, second.processing], ['not_accepted_registration_errors', 'unprocessed'], '3 > floor(4 / 2)')
  t.same(only(second.findings, 'SK-MVP-020').map(f => f.path), [2, 3, 4].map(n => `/MVP/Priloha/Riadok[${n}]/RodneCislo`))
  t.match(only(second.findings, 'SK-MVP-025'), [{
    severity: 'error', message: { en: /still finds 3 registration error\(s\) of the 4 found before\. Fix at least 1 more/, sk: /nachádza 3 z 4 .*aspoň 1/ },
  }])
  t.same(only(second.findings, 'SK-MVP-024'), [], 'the repeated check replaces the first one\'s findings')

  t.equal((await reg.file('sk/register/pa-peter.xml')).processing, 'processed', 'Peter is registered')
  const third = await reg.recheck(first.id)
  t.same([third.acceptance, third.processing], ['accepted', 'processed'], '2 ≤ floor(4 / 2): accepted, forwarded and processed')
  t.same(codes(third.findings, 'error'), [], 'no error left')
  t.match(only(third.findings, 'SK-MVP-027'), [{ severity: 'warning', message: { en: /accepted: enough registration errors were fixed\. 2 remain/ } }])
  t.match(only(third.findings, 'SK-MVP-020'), [
    { severity: 'warning', path: '/MVP/Priloha/Riadok[3]/RodneCislo' }, { severity: 'warning', path: '/MVP/Priloha/Riadok[4]/RodneCislo' },
  ], 'the remaining registration errors are reported as warnings')

  await t.rejects(reg.services.lifecycle.requestRegisterCheck(reg.caller, first.id), { code: 'REGISTER_CHECK_NOT_ALLOWED' }, 'an accepted report is not checked again')
})

t.test('register check: baseline 2, one fixed, 1 ≤ floor(2 / 2) → accepted with SK-MVP-027 and the rest as warnings', async t => {
  const reg = await register()
  const first = await reg.submit(reportXml('MVP', '2025-03', [JANA, PETER]))
  t.equal(first.acceptance, 'not_accepted_registration_errors')
  t.match(only(first.findings, 'SK-MVP-024'), [{ message: { en: /found 2 registration error\(s\)\. Fix at least 1 of them/ } }])
  await reg.file('sk/register/pa-jana.xml')
  const second = await reg.recheck(first.id)
  t.same([second.acceptance, second.processing], ['accepted', 'processed'])
  t.same(codes(second.findings, 'error'), [])
  t.match(only(second.findings, 'SK-MVP-027'), [{ severity: 'warning', field: 'Príloha', path: '/MVP/Priloha', message: { en: /1 remain/, sk: /Zostáva 1/ } }])
  t.match(only(second.findings, 'SK-MVP-020'), [{ severity: 'warning', path: '/MVP/Priloha/Riadok[2]/RodneCislo' }])
})

t.test('register check, sk-ezu §5.4 example C in small numbers: more errors than before → a new baseline (SK-MVP-026)', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-jana.xml')
  const first = await reg.submit(reportXml('MVP', '2025-03', [JANA, PETER]))
  t.same(only(first.findings, 'SK-MVP-020').map(f => f.path), ['/MVP/Priloha/Riadok[2]/RodneCislo'], 'only Peter is not registered')
  t.match(only(first.findings, 'SK-MVP-024'), [{ message: { en: /found 1 registration error\(s\)\. Fix at least 1 of them/ } }])

  t.equal((await reg.file('sk/rlfo/valid-zp.xml')).processing, 'processed', 'Jana\'s registration is cancelled')
  const second = await reg.recheck(first.id)
  t.equal(second.acceptance, 'not_accepted_registration_errors')
  t.same(only(second.findings, 'SK-MVP-020').map(f => f.path), [1, 2].map(n => `/MVP/Priloha/Riadok[${n}]/RodneCislo`))
  t.match(only(second.findings, 'SK-MVP-026'), [{
    severity: 'error', message: { en: /found 2 registration error\(s\), more than the 1 found before\. Fix at least 1 of them/, sk: /našla 2 chýb registrácie, viac ako 1 .*aspoň 1/ },
  }])

  // Jana again (the same prihláška with the filer's reference, so new bytes) and Peter.
  t.equal((await reg.file('sk/rlfo/valid-single-pa.xml')).processing, 'processed')
  t.equal((await reg.file('sk/register/pa-peter.xml')).processing, 'processed')
  const third = await reg.recheck(first.id)
  t.same([third.acceptance, third.processing], ['accepted', 'processed'], 'no error left: accepted')
  t.same(codes(third.findings), [], 'an error-free check leaves no finding of the checks before it')
})

t.test('VPP: no missing persons, and income paid after the employment ended is no registration error', async t => {
  const reg = await register()
  await reg.file('sk/register/pa-jana.xml')
  await reg.file('sk/register/pa-peter.xml')
  // Peter is registered with regular income in 2025-03 but not in the VPP: only an MVP must list him.
  const vpp = await reg.submit(reportXml('VPP', '2025-03', [JANA]))
  t.same([vpp.acceptance, vpp.processing, codes(vpp.findings)], ['accepted', 'processed', []])
  const mvp = await reg.submit(reportXml('MVP', '2025-03', [JANA]))
  t.same(codes(mvp.findings, 'error').sort(), ['SK-MVP-021', 'SK-MVP-024'], 'the MVP misses him')

  const ended = await register()
  await ended.file('sk/register/pa-peter.xml')
  await ended.file('sk/register/od-peter.xml')
  const after = await ended.submit(reportXml('VPP', '2025-03', [PETER]))
  t.same([after.acceptance, after.processing, codes(after.findings)], ['accepted', 'processed', []], 'a VPP row after 2025-02-28 is fine')
  const monthly = await ended.submit(reportXml('MVP', '2025-03', [PETER]))
  t.same([monthly.acceptance, monthly.processing], ['not_accepted_registration_errors', 'unprocessed'])
  t.same(codes(monthly.findings, 'error'), ['SK-MVP-024', 'SK-MVP-020'], 'an MVP row for 2025-03 is not')
  const before = await ended.submit(reportXml('VPP', '2024-05', [PETER]))
  t.same(codes(before.findings, 'error'), ['SK-VPP-024', 'SK-VPP-020'], 'a VPP row before the relationship began is')
})

t.test('an RLFO batch is refused whole: the PA before the failing OD opens nothing', async t => {
  const reg = await register()
  const batch = await reg.file('sk/rlfo/valid-batch.xml')
  t.match(batch.number, /^C[0-9]{12}$/)
  t.equal(batch.processing, 'refused')
  t.match(batch.findings, [{ code: 'SK-RLFO-020', severity: 'error', field: 'Rodné číslo', path: '/RLFO/Osoba[2]/RodneCislo' }])
  t.same(codes(batch.findings), ['SK-RLFO-020'], 'the PA itself was fine')
  t.same((await reg.insurances()).items, [], 'Jana is not registered')

  // Once Peter is in the register the same batch (with the filer's reference, so new bytes) goes through whole.
  await reg.file('sk/register/pa-peter.xml')
  const again = await reg.submit(fixture('sk/rlfo/valid-batch.xml').toString().replace('<Zamestnavatel>', '<ExternyId>HR-2025-03</ExternyId><Zamestnavatel>'))
  t.equal(again.processing, 'processed')
  const { items } = await reg.insurances()
  t.same(items.map(i => [i.person, i.status, i.endDate]).sort(), [['8704122361', 'closed', '2025-02-28'], ['9261031472', 'open', undefined]])
  for (const i of items) t.equal(i.documents[i.documents.length - 1]!.id, again.id, 'one document, an event on each relationship')
})

t.test('the SK register: relationships by employer, person and period, with their history', async t => {
  const reg = await register()
  const paJana = await reg.file('sk/register/pa-jana.xml')
  const paPeter = await reg.file('sk/register/pa-peter.xml')
  const odPeter = await reg.file('sk/register/od-peter.xml')
  const paMaria = await reg.file('sk/register/pa-maria.xml')
  const pe = await reg.file('sk/rlfo/valid-pe.xml')
  const zm = await reg.file('sk/rlfo/valid-zm.xml')
  const zp = await reg.file('sk/rlfo/valid-zp.xml')
  for (const d of [paJana, paPeter, odPeter, paMaria, pe, zm, zp]) {
    t.same([d.processing, codes(d.findings)], ['processed', []])
    t.match(d.number, /^R[0-9]{12}$/, 'a single list is numbered R')
  }

  const all = (await reg.insurances()).items
  t.equal(all.length, 3)
  for (const i of all) t.match(i, { country: 'SK', type: 'RLFO', employer: reg.employer })
  t.same((await reg.insurances({ employer: '2021234599' })).items, [], 'another employer has none')
  const everywhere = (await reg.insurances({ employer: undefined, person: MARIA[0] })).items
  t.ok(everywhere.every(i => i.person === MARIA[0]) && everywhere.some(i => i.employer === reg.employer), 'by person alone: hers with every employer')

  const [maria, ...moreMaria] = (await reg.insurances({ person: MARIA[0] })).items
  t.same(moreMaria, [])
  t.match(maria, { person: MARIA[0], status: 'open', startDate: '2015-09-01' })
  t.notOk(maria && 'endDate' in maria, 'a lasting relationship has no end')
  t.same(maria?.key, { TypZamestnanca: 'ZEC', DatumOd: '2015-09-01' })
  t.same(maria?.data, {
    Icpv: '210000004711',
    Prerusenia: [{ DatumOd: '2025-02-03', DatumDo: '2025-02-14', DovodPrerusenia: '1' }],
    Zmeny: [{ DatumOd: '2024-11-04', DatumZmeny: '2024-11-04', DovodZmeny: 'MD' }],
  }, 'the IČPV the PE gave, its interruption and the ZM\'s maternity leave')
  t.same(maria?.documents.map(d => [d.id, d.number, d.type, d.event]), [
    [paMaria.id, paMaria.number, 'RLFO', 'opened'], [pe.id, pe.number, 'RLFO', 'interrupted'], [zm.id, zm.number, 'RLFO', 'changed'],
  ])

  const [peter] = (await reg.insurances({ person: PETER[0] })).items
  t.match(peter, { status: 'closed', startDate: '2024-06-01', endDate: '2025-02-28', key: { TypZamestnanca: 'ZEC', DatumOd: '2024-06-01' } })
  t.same(peter?.documents.map(d => [d.id, d.event]), [[paPeter.id, 'opened'], [odPeter.id, 'closed']])

  const [jana] = (await reg.insurances({ person: JANA[0] })).items
  t.match(jana, { status: 'annulled', startDate: '2025-03-01', key: { TypZamestnanca: 'ZEC', DatumOd: '2025-03-01' } })
  t.same(jana?.documents.map(d => [d.id, d.event]), [[paJana.id, 'opened'], [zp.id, 'annulled']])

  const persons = async (filter: InsuranceFilter): Promise<string[]> => (await reg.insurances(filter)).items.map(i => i.person).sort()
  t.same(await persons({ period: '2025-03' }), [MARIA[0], JANA[0]].sort(), 'March 2025: Mária, and Jana\'s annulled registration')
  t.same(await persons({ period: '2025-02' }), [MARIA[0], PETER[0]].sort(), 'Peter until 2025-02-28')
  t.same(await persons({ period: '2024-05' }), [MARIA[0]], 'Peter from 2024-06-01')
  t.same(await persons({ period: '2015-08' }), [], 'nobody before 2015-09-01')
  t.same(await persons({ status: 'open' }), [MARIA[0]])
  t.same(await persons({ status: 'annulled' }), [JANA[0]])
})


t.test('two R reports of one period sent at once: one is stored, the other refused with SK-MVP-004', async t => {
  const r = await register()
  const report = (rows: number): Buffer => Buffer.from(syntheticMvp(rows, '2025-04').toString().replaceAll(`<Dic>${VZOR}</Dic>`, `<Dic>${r.employer}</Dic>`))
  const answers = await Promise.allSettled([2, 3].map(rows => services.intake.submit({ caller, transport: 'rest', bytes: report(rows), contentType: 'application/xml' })))
  t.equal(answers.filter(a => a.status === 'fulfilled').length, 1, JSON.stringify(answers.map(a => a.status === 'rejected' ? [a.reason.code, a.reason.message, a.reason.findings?.map((f: any) => f.code)] : 'ok')))
  const refused = answers.find(a => a.status === 'rejected')
  t.match(refused, { reason: { code: 'DOCUMENT_INVALID', findings: [{ code: 'SK-MVP-004' }] } })
})
