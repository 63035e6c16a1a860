import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../config.js'
import { createServices, type Services } from '../services.js'
import { addClient, addMandate } from '../operator/index.js'
import type { Caller } from '../identity/index.js'
import { getDocumentView } from '../documents/index.js'
import { forms } from '../forms/index.js'
import { listInsurances } from './index.js'
import { testDb } from '../../test/helpers/db.js'
import { testWorkers } from '../../test/helpers/gateway.js'
import { testPki } from '../../test/helpers/pki.js'
import { fixture, fixturesDir } from '../../test/helpers/paths.js'
import { settle } from '../../test/helpers/settle.js'

// Register fixtures are filed on the day the stateless fixtures are judged, so only the register decides.
const filingDay = new Date('2025-03-03T09:00:00Z')
const PRIMER = '45678138'
const pki = testPki()

interface Register {
  readonly services: Services
  readonly caller: Caller
  /** Files a fixture (path under test/fixtures) and waits for its processing result. */
  file(path: string): Promise<{ id: string; processing: string; findings: { code: string; severity: string; field: string; path: string; line?: number }[] }>
}

async function register(t: { teardown(fn: () => unknown): void }): Promise<Register> {
  const handle = await testDb(t)
  const services = createServices(loadConfig({ LOG_LEVEL: 'silent' }), handle, { now: () => filingDay }, {
    workers: testWorkers(), signing: { certPem: pki.signing.cert, keyPem: pki.signing.key },
  })
  t.teardown(() => services.close())
  const { id, fingerprint } = await addClient(handle.db, { name: 'Payroll', taxNumber: PRIMER, environment: 'test', certPem: pki.client.cert }, filingDay)
  // The other employers of the fixtures (Marko Novak s.p., Nina Kos s.p.) gave the same program a mandate.
  for (const employer of ['38172658', '52739147']) await addMandate(handle.db, { employer, clientId: id }, filingDay)
  const caller: Caller = { clientId: id, name: 'Payroll', taxNumber: PRIMER, environment: 'test', role: 'filer', fingerprint, software: null }
  return {
    services, caller,
    async file(path) {
      const { view } = await services.intake.submit({ caller, transport: 'rest', bytes: fixture(path), contentType: 'application/xml' })
      const state = await settle(services, view.id)
      const done = await getDocumentView(services.db, caller, view.id, filingDay)
      return { id: view.id, processing: state.processing, findings: done.findings as never }
    },
  }
}

/** `<!-- given: a.xml b.xml -->`: the documents filed (and processed) before the fixture. */
function givenOf(path: string): string[] {
  const given = /<!-- given:([^>]*)-->/.exec(fixture(path).toString())
  if (!given) throw new Error(`${path} names no given documents`)
  return given[1]!.trim().split(/\s+/).filter(p => p !== '')
}

const siForms = forms.filter(f => f.country === 'SI')

t.test('every register finding has a fixture', async t => {
  for (const form of siForms) {
    for (const code of Object.keys(form.registerFindings ?? {})) {
      t.ok(existsSync(join(fixturesDir, 'si', form.type.toLowerCase(), 'register', `${code}.xml`)), code)
    }
  }
})

for (const form of siForms) {
  const dir = join('si', form.type.toLowerCase(), 'register')
  for (const file of readdirSync(join(fixturesDir, dir))) {
    const code = file.replace(/\.xml$/, '')
    t.test(`${form.type}: ${code} when the register says so`, async t => {
      const reg = await register(t)
      for (const given of givenOf(join(dir, file))) {
        const before = await reg.file(given)
        t.equal(before.processing, 'processed', `${given} is processed first`)
      }
      const { processing, findings } = await reg.file(join(dir, file))
      const def = form.registerFindings![code]!
      const found = findings.filter(f => f.code === code)
      t.ok(found.length > 0, `${file} gives ${code}`)
      t.equal(processing, def.severity === 'error' ? 'refused' : 'processed')
      for (const f of found) {
        t.match(f, { severity: def.severity, field: /^(rubrika|rubrike|vrsta|zadržanost|številka eBOL)/, path: new RegExp(`^/${form.type}/`), line: Number })
      }
      t.same(findings.filter(f => f.severity === 'error' && f.code !== code).map(f => f.code), [], 'no other error')
    })
  }
}

t.test('M3 that tries to change rubrika 15 points at rubrika 15 and says to file M2 + M1', async t => {
  const reg = await register(t)
  await reg.file('si/register/m1-ana.xml')
  const { processing, findings } = await reg.file('si/m3/register/SI-M3-022.xml')
  t.equal(processing, 'refused')
  t.match(findings.filter(f => f.severity === 'error'), [{ code: 'SI-M3-022', field: 'rubrika 15', path: '/M3/ZavarovanjeNespremenljivo/PodlagaZaZavarovanje', message: { en: /M2 and at the same time a new M1/ } }])
})

t.test('the register keeps each insurance with its history: M1 opens, M3 changes, M2 closes, M3/16 annuls', async t => {
  const reg = await register(t)
  const m1 = await reg.file('si/register/m1-ana.xml')
  const m2 = await reg.file('si/m2/valid-basic.xml')
  const annul = await reg.file('si/register/m3-16-ana.xml')
  const { items } = await listInsurances(reg.services.db, reg.caller, { person: '1204990505126' }, filingDay)
  t.equal(items.length, 1)
  t.match(items[0], {
    country: 'SI', type: 'M1', employer: PRIMER, status: 'annulled', startDate: '2024-09-02', endDate: '2025-02-28',
    key: { RegistrskaStevilka: '5023456789', MaticnaStevilka: '5812348', PodlagaZaZavarovanje: '001' },
    data: { DelovnoRazmerje: '2', MaticnaStevilkaEnote: '5812348000' },
  })
  t.same(items[0]!.documents.map(d => [d.id, d.event]), [[m1.id, 'opened'], [m2.id, 'closed'], [annul.id, 'annulled']])
  t.equal((await listInsurances(reg.services.db, reg.caller, { period: '2024-08' }, filingDay)).items.length, 0, 'not yet insured in August 2024')
  t.equal((await listInsurances(reg.services.db, reg.caller, { period: '2025-02' }, filingDay)).items.length, 1)
  t.equal((await listInsurances(reg.services.db, reg.caller, { period: '2025-03' }, filingDay)).items.length, 0, 'ended in February')
  t.equal((await listInsurances(reg.services.db, reg.caller, { status: 'open' }, filingDay)).items.length, 0)
})

t.test('a refused document leaves the register as it was', async t => {
  const reg = await register(t)
  await reg.file('si/register/m1-ana.xml')
  const refused = await reg.file('si/m3/register/SI-M3-021.xml')
  t.equal(refused.processing, 'refused')
  const { items } = await listInsurances(reg.services.db, reg.caller, {}, filingDay)
  t.match(items, [{ status: 'open', documents: [{ event: 'opened' }] }])
})

t.test('M12: a registration with a known end is closed at once; a deregistration closes an open one', async t => {
  const reg = await register(t)
  await reg.file('si/m12/valid-known-end.xml')
  await reg.file('si/m12/valid-side-occupation.xml')
  const odjava = fixture('si/m12/valid-side-occupation.xml').toString()
    .replace('<VrstaPrijave>prijava</VrstaPrijave>', '<VrstaPrijave>odjava</VrstaPrijave>')
    .replace('</DatumPricetkaZavarovanja>', '</DatumPricetkaZavarovanja><DatumPrenehanjaZavarovanja>2025-03-02</DatumPrenehanjaZavarovanja>')
  const { view } = await reg.services.intake.submit({ caller: reg.caller, transport: 'rest', bytes: Buffer.from(odjava), contentType: 'application/xml' })
  t.equal((await settle(reg.services, view.id)).processing, 'processed')
  const { items } = await listInsurances(reg.services.db, reg.caller, { employer: '38172658' }, filingDay)
  t.same(items.map(i => [i.type, i.status, i.endDate]).sort(), [['M12', 'closed', '2025-03-02'], ['M12', 'closed', '2025-03-28']])
})

t.test('M3 may repeat the registered surname and name: code 16 annuls, code 01 needs another change', async t => {
  const reg = await register(t)
  await reg.file('si/register/m1-ana.xml')
  const repeated = await reg.file('si/m3/register/SI-M3-026.xml')
  t.match(repeated.findings.filter(f => f.severity === 'error'), [{ code: 'SI-M3-026', field: 'rubrika 7', path: '/M3/Zavarovanec/Priimek' }])
  const withChange = fixture('si/m3/register/SI-M3-026.xml').toString()
    .replace('</ZavarovanjeNespremenljivo>', '</ZavarovanjeNespremenljivo><ZavarovanjeSpremenljivo><DelovnoRazmerje>1</DelovnoRazmerje></ZavarovanjeSpremenljivo>')
  const changed = await reg.services.intake.submit({ caller: reg.caller, transport: 'rest', bytes: Buffer.from(withChange), contentType: 'application/xml' })
  t.equal((await settle(reg.services, changed.view.id)).processing, 'processed', 'repeated names beside a real change')
  const renamed = withChange.replace('<Priimek>Žagar<', '<Priimek>Kovač<').replace(/<ZavarovanjeSpremenljivo>.*<\/ZavarovanjeSpremenljivo>/, '')
  const rename = await reg.services.intake.submit({ caller: reg.caller, transport: 'rest', bytes: Buffer.from(renamed), contentType: 'application/xml' })
  t.equal((await settle(reg.services, rename.view.id)).processing, 'processed', 'a new surname alone is a change')
  const { items } = await listInsurances(reg.services.db, reg.caller, { person: '1204990505126' }, filingDay)
  t.match(items[0]!.data, { Priimek: 'Kovač', Ime: 'Ana', DelovnoRazmerje: '1' })

  await reg.file('si/m2/valid-basic.xml')
  const differing = await reg.file('si/m3/valid-storno-with-names.xml')
  t.equal(differing.processing, 'refused', 'the registered surname is now Kovač')
  t.match(differing.findings.filter(f => f.severity === 'error'), [{ code: 'SI-M3-027', field: 'rubrika 7', path: '/M3/Zavarovanec/Priimek' }])
})

t.test('M3 code 16 with the registered surname and name annuls the insurance', async t => {
  const reg = await register(t)
  await reg.file('si/register/m1-ana.xml')
  await reg.file('si/m2/valid-basic.xml')
  const annul = await reg.file('si/m3/valid-storno-with-names.xml')
  t.equal(annul.processing, 'processed')
  t.same(annul.findings, [])
})
