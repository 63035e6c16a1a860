import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders, type TestGateway } from '../helpers/gateway.js'
import { issueCertificate, testPki } from '../helpers/pki.js'
import { settableClock, storyDriver } from '../helpers/story.js'
import { projectRoot } from '../../src/lib/index.js'
import { type Pem } from '../../src/pki/index.js'
import { at, envelope, readAnswer, soapCall, wsdlSchema } from '../helpers/soap.js'

// sk-official.md: a Slovak payroll program files the MVP it writes for Sociálna poisťovňa, unchanged, and it is
// judged and followed exactly as its twin in our vocabulary; only the findings' paths point into the official file.

const pki = testPki()
const certificate = (commonName: string): Pem => issueCertificate(pki.ca, {
  commonName, kind: 'client', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'),
})
const payroll = certificate('mzdový program')
const otherPayroll = certificate('iný mzdový program')
const VZOR = '2021234501'
const JANA = '9261031472'
const example = (name: string): string => readFileSync(join(projectRoot, 'examples', 'sk', name), 'utf8')
const FORWARD = 30_000

/**
 * An official MVP (MVPP 2026) as a payroll program writes it: one row per RČ with the amounts of the DOCUMENTS.md
 * example, `identifier` = `<dic>…</dic>` or `<ico>…</ico>`.
 */
function officialMvp(period: string, kind: 'R' | 'O', rcs: readonly string[], identifier = `<dic>${VZOR}</dic>`): string {
  const n = rcs.length
  const sum = (amount: number): string => (amount * n).toFixed(2)
  const rows = rcs.map((rc, i) => `<poistneZamestnanca pc="${i + 1}" rc="${rc}" pocDni="31" typZec="ZEC" vynimkaVZ="0"
        vzNp="2000.00" vzSp="2000.00" vzIp="2000.00" vzPvn="2000.00" vzUp="2000.00" vzGp="2000.00" vzRfs="2000.00"
        vzZecNp="2000.00" vzZecSp="2000.00" vzZecIp="2000.00" vzZecPvn="2000.00"
        npZamtel="28.00" spZamtel="280.00" ipZamtel="60.00" pvnZamtel="10.00" upZamtel="16.00" gpZamtel="5.00" rfsZamtel="95.00"
        npZamnec="28.00" spZamnec="80.00" ipZamnec="60.00" pvnZamnec="20.00" pfpZamtel="0.00" pocetHodin="168"/>`).join('\n      ')
  return `<?xml version="1.0" encoding="UTF-8"?>
<sp:mvpp xmlns:sp="http://socpoist.sk/xsd/mvpp2026">
  <sp:typDoc>MVP00001</sp:typDoc>
  <sp:obdobie>${period.slice(5)}${period.slice(0, 4)}</sp:obdobie>
  <sp:denVyplaty>10.05.2025</sp:denVyplaty>
  <sp:typVykazu>${kind}</sp:typVykazu>
  <sp:zamestnavatel>
    <sp:identifikacia>
      <sp:variabilnySymbol>5101234567</sp:variabilnySymbol>
      <sp:identifikator>${identifier.replace(/<(\/?)/g, '<$1sp:')}</sp:identifikator>
      <sp:nazov>Vzor s.r.o.</sp:nazov>
    </sp:identifikacia>
  </sp:zamestnavatel>
  <sp:poistne>
    <sp:np><sp:npZamtel>${sum(28)}</sp:npZamtel><sp:npZamnec>${sum(28)}</sp:npZamnec></sp:np>
    <sp:sp><sp:spZamtel>${sum(280)}</sp:spZamtel><sp:spZamnec>${sum(80)}</sp:spZamnec></sp:sp>
    <sp:ip><sp:ipZamtel>${sum(60)}</sp:ipZamtel><sp:ipZamnec>${sum(60)}</sp:ipZamnec></sp:ip>
    <sp:pvn><sp:pvnZamtel>${sum(10)}</sp:pvnZamtel><sp:pvnZamnec>${sum(20)}</sp:pvnZamnec></sp:pvn>
    <sp:up><sp:upZamtel>${sum(16)}</sp:upZamtel></sp:up>
    <sp:gp><sp:gpZamtel>${sum(5)}</sp:gpZamtel></sp:gp>
    <sp:rfs><sp:rfsZamtel>${sum(95)}</sp:rfsZamtel></sp:rfs>
    <sp:pfp><sp:pfpZamtel>0.00</sp:pfpZamtel></sp:pfp>
    <sp:spoluPoistne>${sum(682)}</sp:spoluPoistne>
  </sp:poistne>
  <sp:fOsoba><sp:priezvisko>Mzdová</sp:priezvisko><sp:meno>Eva</sp:meno><sp:tel></sp:tel><sp:mail></sp:mail></sp:fOsoba>
  <sp:vystavenie><sp:zostavil>Eva Mzdová</sp:zostavil><sp:datum>15.04.2025</sp:datum></sp:vystavenie>
  <sp:priloha>
    <sp:poistneZamestnancov>
      ${rows.replace(/<poistneZamestnanca/g, '<sp:poistneZamestnanca')}
    </sp:poistneZamestnancov>
  </sp:priloha>
</sp:mvpp>`
}

/** The DOCUMENTS.md example report, in our vocabulary, for the same period: the official file's twin. */
const twin = (): string => example('mvp.xml').replace('<DenVyplaty>2025-04-10</DenVyplaty>', '<DenVyplaty>2025-05-10</DenVyplaty>')

const driver = (gw: TestGateway, clock: ReturnType<typeof settableClock>, as: Pem = payroll) => storyDriver(gw, clock, as)

/** Registers Jana (from 2025-03-01) and deregisters Peter, as in the SK lifecycle story. */
async function registerEmployees(d: ReturnType<typeof driver>): Promise<void> {
  await d.filed(example('rlfo-peter.xml'))
  await d.pass(FORWARD)
  await d.filed(example('rlfo.xml'))
  await d.pass(FORWARD)
}

const comparable = (view: any) => ({
  type: view.type, employer: view.employer, period: view.period, kind: view.kind, status: view.status,
  history: view.history.map((h: any) => [h.acceptance, h.processing, h.reason]), findings: view.findings.map((f: any) => [f.code, f.severity, f.field, f.message]),
})

t.test('an official MVP and its twin in our vocabulary go the same way', async t => {
  const runs: any[] = []
  for (const body of [officialMvp('2025-03', 'R', [JANA]), twin()]) {
    const clock = settableClock('2025-04-15T08:00:00Z')
    const gw = await startGateway(t, { clock })
    await gw.register(payroll, { taxNumber: VZOR })
    const d = driver(gw, clock)
    await registerEmployees(d)
    const filed = await d.filed(body)
    t.match(filed.number, /^V2504[0-9]{8}$/, 'numbered V')
    await d.pass(FORWARD)
    const view = await d.view(filed.id)
    t.match(view.status, { acceptance: 'accepted', processing: 'processed' })
    const content = await gw.call({ path: `/api/v1/documents/${filed.id}/content`, as: payroll })
    t.ok(content.bytes.equals(Buffer.from(body)), 'the content is the bytes as sent')
    runs.push(view)
  }
  t.equal(runs[0].format, 'sp', 'the official file is read as SP\'s format')
  t.equal(runs[1].format, 'ehrs')
  t.same(comparable(runs[0]), comparable(runs[1]), 'same type, employer, period, kind, states and findings')
})

t.test('official MVPs: the IČZ binding, findings on official paths, register errors, unknown versions', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  await gw.register(otherPayroll, { taxNumber: '2120000018' })
  const d = driver(gw, clock)

  const icoOnly = officialMvp('2025-03', 'R', [JANA], '<ico>47123451</ico>')
  const unbound = await d.file(icoOnly)
  t.equal(unbound.status, 422, 'a first filing by IČO only is refused')
  t.match(unbound.json, { code: 'DOCUMENT_INVALID', findings: [{ code: 'SKO-EMP-1', severity: 'error', path: '/mvpp/zamestnavatel/identifikacia/identifikator', message: { en: /DIČ/, sk: /DIČ/ } }] })

  // The registration lists name IČZ and DIČ together: they bind the IČZ to Vzor's DIČ for this client.
  await registerEmployees(d)
  const bound = await d.filed(icoOnly)
  t.match(bound, { format: 'sp', employer: VZOR, period: '2025-03', kind: 'R' }, 'the same file by IČO only is then filed for Vzor')
  await d.pass(FORWARD)

  // A second R for the period meets the R/O rule: the twin's finding, on the official path.
  const secondR = await d.file(officialMvp('2025-03', 'R', [JANA]))
  t.equal(secondR.status, 422)
  t.match(secondR.json.findings, [{ path: '/mvpp/typVykazu', field: 'Typ výkazu' }])
  t.match(secondR.json.findings[0].code, /^SK-MVP-00[34]$/)
  const corrective = await d.filed(officialMvp('2025-03', 'O', [JANA], '<ico>47123451</ico>'))
  t.match(corrective, { format: 'sp', employer: VZOR, kind: 'O' }, 'an IČO-only corrective report takes the bound DIČ')

  // Another client naming the same IČZ by IČO is neither redirected to Vzor nor blocked by it.
  const other = await gw.call({ path: '/api/v1/documents', as: otherPayroll, body: icoOnly, headers: xmlHeaders })
  t.equal(other.status, 422)
  t.match(other.json.findings, [{ code: 'SKO-EMP-1' }], 'another client\'s binding is not used')
  // The other client pairs Vzor's IČZ with its own DIČ: that binds its own files, and never Vzor's.
  const d2 = driver(gw, clock, otherPayroll)
  await d2.filed(example('rlfo-peter.xml').replace(`<Dic>${VZOR}</Dic>`, '<Dic>2120000018</Dic>'))
  t.match(await d2.filed(icoOnly), { employer: '2120000018' }, 'its own binding')
  const anotherCorrection = officialMvp('2025-03', 'O', [JANA], '<ico>47123451</ico>').replace('<sp:datum>15.04.2025', '<sp:datum>16.04.2025')
  t.match(await d.filed(anotherCorrection), { employer: VZOR }, 'Vzor\'s files are not redirected')

  // A register error points at the row's attribute it was read from.
  const april = await d.filed(officialMvp('2025-04', 'R', ['9555121004']))
  const refused = await d.view(april.id)
  t.equal(refused.status.acceptance, 'not_accepted_registration_errors')
  t.match(refused.findings.find((f: any) => f.code === 'SK-MVP-020'), { path: '/mvpp/priloha/poistneZamestnancov/poistneZamestnanca[1]/@rc', field: 'Rodné číslo' })

  // Refusals: the official schema, our types on the mapped values, the official sum rule.
  const schema = await d.file(officialMvp('2025-02', 'R', [JANA]).replace('vzSp="2000.00"', 'vzSp="2000.001"'))
  t.equal(schema.status, 422)
  t.match(schema.json.findings, [{ code: 'SK-XSD-003', path: '/mvpp/priloha/poistneZamestnancov/poistneZamestnanca[1]/@vzSp', field: 'vzSp' }])
  const calendar = await d.file(officialMvp('2025-02', 'R', [JANA]).replace('10.05.2025', '31.02.2025'))
  t.match(calendar.json.findings, [{ code: 'SK-XSD-003', path: '/mvpp/denVyplaty', field: 'Deň výplaty' }], '31.02 passes SP\'s pattern, not our date')
  const total = await d.file(officialMvp('2025-02', 'R', [JANA]).replace('<sp:spoluPoistne>682.00', '<sp:spoluPoistne>682.01'))
  t.same(total.json.findings.map((f: any) => [f.code, f.path]), [['SKO-REP-2', '/mvpp/poistne/spoluPoistne']])

  const older = await d.file(officialMvp('2025-02', 'R', [JANA]).replace('xsd/mvpp2026', 'xsd/mvp25'))
  t.match(older, { status: 422, json: { code: 'UNKNOWN_DOCUMENT_TYPE' } }, 'an older SP namespace is not known')
})

/** An official ELDP batch (sk-official.md §6) of the given record sheets, each `opravny` as given. */
function officialEldp(sheets: readonly { rc: string; names: string; born: string; from: string; to?: string; rows: string; opravny?: '0' | '1' }[]): string {
  const entries = sheets.map(s => `<eldpZec${s.opravny ? ` opravny="${s.opravny}"` : ''}>
      <poistenec><rc>${s.rc}</rc>${s.names}<datNarodenia>${s.born}</datNarodenia></poistenec>
      <poistVztah><datVzniku>${s.from}</datVzniku>${s.to ? `<datZaniku>${s.to}</datZaniku>` : '<trva>1</trva>'}</poistVztah>
      <obdobiaPoist>${s.rows}</obdobiaPoist>
    </eldpZec>`).join('\n    ')
  return `<?xml version="1.0" encoding="UTF-8"?>
<spELDPZec xmlns="http://socpoist.sk/xsd/eldpzec">
  <zamestnavatel>
    <identifikacia><icz>5101234567</icz><identifikator><ico>47123451</ico></identifikator><nazov>Vzor s.r.o.</nazov></identifikacia>
    <korAdresa><ulica>Mlynské nivy</ulica><obec>Bratislava</obec><psc>82109</psc></korAdresa>
  </zamestnavatel>
  <zoznamELDPZec>
    ${entries}
  </zoznamELDPZec>
  <datOdoslania>15.04.2025</datOdoslania>
</spELDPZec>`
}

const peterSheet = {
  rc: '8704122361', names: '<priezvisko>Kováč</priezvisko><meno>Peter</meno>', born: '12.04.1987', from: '01.06.2024', to: '28.02.2025',
  rows: '<vzZaObdobiePoist rok="2024" znakPoist="A" datOd="01.06.2024" datDo="31.12.2024" vzDP="14000.00"/><vzZaObdobiePoist rok="2025" znakPoist="A" datOd="01.01.2025" datDo="28.02.2025" vzDP="4000"/>',
}
const janaSheet = {
  rc: JANA, names: '<priezvisko>Horváthová</priezvisko><meno>Jana</meno>', born: '03.11.1992', from: '01.03.2025',
  rows: '<vzZaObdobiePoist rok="2025" znakPoist="A" datOd="01.03.2025" datDo="31.03.2025" vzDP="2000.00" dniVyluc="0"/>',
}

t.test('an official ELDP batch is one document of entries, each judged and processed as an ELDP of ours', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw, clock)
  await registerEmployees(d)

  const mixed = await d.file(officialEldp([peterSheet, { ...janaSheet, opravny: '1' }]))
  t.equal(mixed.status, 422, 'regular and corrective sheets in one file')
  t.match(mixed.json.findings.find((f: any) => f.code === 'SKO-ELDP-1'), { path: '/spELDPZec/zoznamELDPZec/eldpZec[2]/@opravny', field: 'opravny' })

  const batch = await d.filed(officialEldp([peterSheet, janaSheet]))
  t.match(batch, { type: 'ELDP', format: 'sp', employer: VZOR, kind: 'R', number: /^E2504[0-9]{8}$/ }, 'one document, bound to Vzor by its IČZ')
  t.same(batch.entries, [
    { index: 1, kind: 'R', person: '******2361', start: '2024-06-01', end: '2025-02-28' },
    { index: 2, kind: 'R', person: '******1472', start: '2025-03-01' },
  ], 'the view lists the entries, persons masked')
  await d.pass(FORWARD)
  t.match((await d.view(batch.id)).status, { acceptance: 'accepted', processing: 'processed' }, 'each entry found its relationship')
  const list = await gw.call({ path: '/api/v1/documents?type=ELDP', as: payroll })
  t.same(list.json.items[0].entries, batch.entries, 'lists show the entries too')

  // The batch is an earlier ELDP of each of its persons: a corrective one of ours for Jana is admissible.
  const janaTwin = (kind: 'R' | 'O') => `<ELDP xmlns="urn:ehrs:sk:eldp:1" verzija="1">
  <Zamestnavatel><Icz>5101234567</Icz><Ico>47123451</Ico><Dic>${VZOR}</Dic><Nazov>Vzor s.r.o.</Nazov></Zamestnavatel>
  <DruhEldp>${kind}</DruhEldp>
  <Poistenec><RodneCislo>${JANA}</RodneCislo><Priezvisko>Horváthová</Priezvisko><Meno>Jana</Meno><DatumNarodenia>1992-11-03</DatumNarodenia></Poistenec>
  <PoistnyVztah><DatumVzniku>2025-03-01</DatumVzniku></PoistnyVztah>
  <ObdobiePoistenia><Rok>2025</Rok><ZnakPoistenia>A</ZnakPoistenia><DatumOd>2025-03-01</DatumOd><DatumDo>2025-03-31</DatumDo><Vz>2100.00</Vz></ObdobiePoistenia>
</ELDP>`
  const corrective = await d.filed(janaTwin('O'))
  t.match(corrective, { kind: 'O', format: 'ehrs' }, 'corrects the entry of the batch')
  t.notOk(corrective.entries, 'a document of ours of one person lists no entries')
  const again = await d.filed(officialEldp([{ ...peterSheet, opravny: '0' }]))
  t.match(again.findings, [{ code: 'SK-ELDP-009', severity: 'warning', path: '/spELDPZec/zoznamELDPZec/eldpZec[1]/@opravny' }], 'an R beside the batch\'s R for Peter')
})

const LUCIA = '9555121004'
const PETER = '8704122361'
const MARTIN = '8801011010'

/** An official registration list (RLZEC 2026) of Vzor s.r.o. with these `regListZec` entries. */
function officialRl(entries: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sp:spRegListZec xmlns:sp="http://socpoist.sk/xsd/rlzec2026">
  <sp:typDoc>RLZEC0001</sp:typDoc>
  <sp:zamestnavatel>
    <sp:identifikacia>
      <sp:variabilnySymbol>5101234567</sp:variabilnySymbol>
      <sp:identifikator><sp:dic>${VZOR}</sp:dic></sp:identifikator>
      <sp:nazov>Vzor s.r.o.</sp:nazov>
    </sp:identifikacia>
  </sp:zamestnavatel>
  <sp:zoznamRLZec>
    <sp:regListyZec>
      ${entries.join('\n      ').replace(/<(\/?)(?!sp:)([a-zA-Z])/g, '<$1sp:$2')}
    </sp:regListyZec>
  </sp:zoznamRLZec>
  <sp:vystavenie><sp:zostavil>Eva Mzdová</sp:zostavil><sp:tel>+421 2 1234 5678</sp:tel><sp:mail>mzdy@vzor.example</sp:mail></sp:vystavenie>
</sp:spRegListZec>`
}

const lucia = `<identFO><rc>${LUCIA}</rc><priezvisko>Malá</priezvisko><meno>Lucia</meno><datumNarodenia>12.05.1995</datumNarodenia></identFO>`
const peter = `<identFO><rc>${PETER}</rc><priezvisko>Kováč</priezvisko><meno>Peter</meno></identFO>`
const martin = `<identFO><rc>${MARTIN}</rc><priezvisko>Novák</priezvisko><meno>Martin</meno></identFO>`
const registration = (person: string, from: string): string =>
  `<regListZec typRL="PA">${person}<typRegListuFO><prihlaska><identFODopl><zamSUcastou>false</zamSUcastou><par7ods2>false</par7ods2></identFODopl>`
  + `<typPoistPrihl><zecPrihl typZec="ZEC"><datVznikPoist>${from}</datVznikPoist></zecPrihl></typPoistPrihl></prihlaska></typRegListuFO></regListZec>`
const deregistration = (person: string, start: string, end: string): string =>
  `<regListZec typRL="OD">${person}<typRegListuFO><odhlaska><typPoistOdhl>`
  + `<zecPPOdhl typZec="ZEC"><zanik datVzniku="${start}" datZaniku="${end}"/></zecPPOdhl></typPoistOdhl></odhlaska></typRegListuFO></regListZec>`
/** A zmena without md or rd: the place of work changes (SKO-RL-4). */
const dataChange = (person: string, applies: string): string =>
  `<regListZec typRL="ZM">${person}<typRegListuFO><zmena datUplatnenia="${applies}"><typPoistZmena>`
  + `<zecZmena typZec="ZEC"><miestoVykonuPrace>529346</miestoVykonuPrace></zecZmena></typPoistZmena></zmena></typRegListuFO></regListZec>`

/** The official list's twin in our vocabulary: Lucia's PA and Peter's OD. */
const rlfoTwin = (): string => `<?xml version="1.0" encoding="UTF-8"?>
<RLFO xmlns="urn:ehrs:sk:rlfo:1" verzija="1">
  <Zamestnavatel><Icz>5101234567</Icz><Dic>${VZOR}</Dic><Nazov>Vzor s.r.o.</Nazov></Zamestnavatel>
  <Osoba><Typ>PA</Typ><TypZamestnanca>ZEC</TypZamestnanca><RodneCislo>${LUCIA}</RodneCislo><Priezvisko>Malá</Priezvisko><Meno>Lucia</Meno><DatumNarodenia>1995-05-12</DatumNarodenia><DatumOd>2025-04-01</DatumOd></Osoba>
  <Osoba><Typ>OD</Typ><TypZamestnanca>ZEC</TypZamestnanca><RodneCislo>${PETER}</RodneCislo><Priezvisko>Kováč</Priezvisko><Meno>Peter</Meno><DatumNarodenia>1987-04-12</DatumNarodenia><DatumDo>2025-03-31</DatumDo></Osoba>
</RLFO>`

/** What the register shows of a person, without the ids that differ from one gateway to another. */
const relationshipsOf = async (gw: TestGateway, person: string): Promise<unknown> =>
  JSON.parse(JSON.stringify((await gw.call({ path: `/api/v1/insurances?person=${person}`, as: payroll })).json.items, (key, value) => (key === 'id' ? undefined : value)))

t.test('an official registration list and its twin in our vocabulary register the same relationships', async t => {
  const runs: { view: any; lucia: unknown; peter: unknown }[] = []
  for (const body of [officialRl([registration(lucia, '01.04.2025'), deregistration(peter, '01.06.2024', '31.03.2025')]), rlfoTwin()]) {
    const clock = settableClock('2025-04-15T08:00:00Z')
    const gw = await startGateway(t, { clock })
    await gw.register(payroll, { taxNumber: VZOR })
    const d = driver(gw, clock)
    await d.filed(example('rlfo-peter.xml'))
    await d.pass(FORWARD)
    const filed = await d.filed(body)
    t.match(filed.number, /^C2504[0-9]{8}$/, 'two entries: a batch, numbered C')
    await d.pass(FORWARD)
    const view = await d.view(filed.id)
    t.match(view.status, { acceptance: 'accepted', processing: 'processed' })
    runs.push({ view, lucia: await relationshipsOf(gw, LUCIA), peter: await relationshipsOf(gw, PETER) })
  }
  t.equal(runs[0]!.view.format, 'sp', 'the official list is read as SP\'s format')
  t.equal(runs[1]!.view.format, 'ehrs')
  t.same(comparable(runs[0]!.view), comparable(runs[1]!.view), 'same type, employer, states and findings')
  t.match(runs[0]!.lucia, [{ status: 'open', startDate: '2025-04-01' }], 'Lucia is registered from 2025-04-01')
  t.match(runs[0]!.peter, [{ status: 'closed', startDate: '2024-06-01', endDate: '2025-03-31' }], 'Peter is deregistered')
  t.same(runs[0]!.lucia, runs[1]!.lucia, 'Lucia\'s relationships as the twin registers them')
  t.same(runs[0]!.peter, runs[1]!.peter, 'Peter\'s relationships as the twin registers them')
})

t.test('official registration lists: R for one entry, a change of data only (SKO-RL-4), a stated start that differs (SKO-RL-3)', async t => {
  const clock = settableClock('2025-04-15T08:00:00Z')
  const gw = await startGateway(t, { clock })
  await gw.register(payroll, { taxNumber: VZOR })
  const d = driver(gw, clock)

  const single = await d.filed(officialRl([registration(lucia, '01.04.2025')]))
  t.match(single, { format: 'sp', employer: VZOR, type: 'RLFO' })
  t.match(single.number, /^R2504[0-9]{8}$/, 'one official entry: numbered R')
  await d.pass(FORWARD)
  t.match((await d.view(single.id)).status, { acceptance: 'accepted', processing: 'processed' })
  const registered = await relationshipsOf(gw, LUCIA)

  const change = await d.filed(officialRl([dataChange(lucia, '10.04.2025')]))
  await d.pass(FORWARD)
  const changed = await d.view(change.id)
  t.match(changed.status, { acceptance: 'accepted', processing: 'processed' }, 'a change of data of a registered person is processed')
  t.same(changed.findings, [])
  t.same(await relationshipsOf(gw, LUCIA), registered, 'and changes nothing in the register')

  const unknown = await d.filed(officialRl([dataChange(martin, '10.04.2025')]))
  await d.pass(FORWARD)
  const refused = await d.view(unknown.id)
  t.match(refused.status, { acceptance: 'accepted', processing: 'refused' }, 'a change of data of a person the register does not have is refused')
  t.match(refused.findings, [{
    code: 'SKO-RL-4', severity: 'error', path: '/spRegListZec/zoznamRLZec/regListyZec/regListZec[1]/typRegListuFO/zmena/typPoistZmena/zecZmena',
    message: { en: /md or rd/, sk: /md a rd/ },
  }])

  const od = await d.filed(officialRl([deregistration(lucia, '02.04.2025', '30.04.2025')]))
  await d.pass(FORWARD)
  const closed = await d.view(od.id)
  t.match(closed.status, { acceptance: 'accepted', processing: 'processed' }, 'an odhláška stating another start still closes the relationship')
  t.match(closed.findings, [{
    code: 'SKO-RL-3', severity: 'warning', field: 'datVzniku',
    path: '/spRegListZec/zoznamRLZec/regListyZec/regListZec[1]/typRegListuFO/odhlaska/typPoistOdhl/zecPPOdhl/zanik/@datVzniku',
    message: { en: /\(2025-04-01\)/ },
  }])
  t.match(await relationshipsOf(gw, LUCIA), [{ status: 'closed', startDate: '2025-04-01', endDate: '2025-04-30' }])
})

t.test('an official MVP over SOAP: the view REST gives, and a refusal with the official path', async t => {
  const schema = wsdlSchema()
  t.teardown(() => schema.close())
  const submit = async (gw: TestGateway, body: string) => {
    const res = await soapCall(gw, payroll, envelope('SubmitDocument', `<e:document>${body}</e:document>`))
    const answer = readAnswer(res.text)
    t.same(await schema.validate(answer.xml), [], 'the answer conforms to the WSDL')
    return answer
  }
  const views: any[] = []
  for (const transport of ['soap', 'rest']) {
    const clock = settableClock('2025-04-15T08:00:00Z')
    const gw = await startGateway(t, { clock })
    await gw.register(payroll, { taxNumber: VZOR })
    const d = driver(gw, clock)
    await registerEmployees(d)
    const body = officialMvp('2025-03', 'R', [JANA])
    if (transport === 'rest') {
      views.push(await d.filed(body))
      continue
    }
    const submitted = await submit(gw, body)
    t.notOk(submitted.fault, 'filed over SOAP')
    const document = (name: string): string | undefined => at(submitted.element, 'document', name)
    t.match({ type: document('type'), format: document('format'), period: document('period'), kind: document('kind'), number: document('number') },
      { type: 'MVP', format: 'sp', period: '2025-03', kind: 'R', number: /^V2504[0-9]{8}$/ })
    views.push(await d.view(document('id')!))

    const invalid = await submit(gw, officialMvp('2025-02', 'R', [JANA]).replace('vzSp="2000.00"', 'vzSp="2000.001"'))
    t.equal(invalid.fault?.faultcode, 'soap:Client')
    t.match(invalid.fault?.problem, {
      code: 'DOCUMENT_INVALID', status: 422,
      findings: [{ code: 'SK-XSD-003', path: '/mvpp/priloha/poistneZamestnancov/poistneZamestnanca[1]/@vzSp', field: 'vzSp' }],
    }, 'the finding on the official path')
  }
  const filed = (view: any) => ({ type: view.type, format: view.format, employer: view.employer, period: view.period, kind: view.kind, numberPrefix: view.number[0] })
  t.same(filed(views[0]), filed(views[1]), 'SOAP and REST read the file the same way')
  t.same(filed(views[0]), { type: 'MVP', format: 'sp', employer: VZOR, period: '2025-03', kind: 'R', numberPrefix: 'V' })
})
