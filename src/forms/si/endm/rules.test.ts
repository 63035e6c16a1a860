import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseXml } from '../../../xml/parse.js'
import { projectRoot } from '../../../lib/index.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { checkEmso } from '../common/identifiers.js'
import { endm } from './index.js'

// The filing date catalogue.test.ts and the register tests use: 3 March 2025.
const { read, run, codes, validFixtures, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, schemaErrors } =
  formRules(endm, { filingDate: '2025-03-03' })

// The reasons of absence ship empty: every claim's reason is "not verified" (SI-COMMON-009) until the list is loaded.
const NOT_VERIFIED = 'SI-COMMON-009'
const example = readFileSync(join(projectRoot, 'examples', 'si', 'endm.xml'), 'utf8')

t.test('valid fixtures give no error, only the reason "not verified"', async t => {
  t.same([...validFixtures].sort(), ['valid-fixed-part-time.xml', 'valid-long-absence.xml'])
  for (const name of validFixtures) t.same(codes(run(read(name))), [NOT_VERIFIED], name)
})

t.test('the DOCUMENTS.md example files without error once paid, with the §3.5 warning on its first line', async t => {
  t.equal(checkEmso('0101990500003'), null, 'its EMŠO has a valid check digit')
  t.match(run(example, '2025-05-20'), [{ code: NOT_VERIFIED }, { code: 'SI-ENDM-019', severity: 'warning', path: '/ENDM/Obracun/Vrstica[1]/DatumOd', message: { en: /working day 31 of the absence/ } }])
  t.same(codes(run(example, '2025-05-14')), [NOT_VERIFIED, 'SI-ENDM-017', 'SI-ENDM-019'], 'filed before the payout date')
  t.same(codes(run(example, '2028-04-30')), [NOT_VERIFIED, 'SI-ENDM-019'], 'the last day before the claim is time-barred')
  t.same(codes(run(example, '2028-05-01')), [NOT_VERIFIED, 'SI-ENDM-003', 'SI-ENDM-019'], '3 years and a day after the absence ended')
})

const alsoExpected: Record<string, string[]> = {
  'SI-COMMON-008': ['SI-ENDM-003'],
  'SI-COMMON-009': [],
  'SI-ENDM-004': ['SI-ENDM-010'],
}

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t, { always: [NOT_VERIFIED], also: alsoExpected }))

t.test('every finding of ENDM has a fixture that produces it, and only ENDM\'s codes are listed', async t => {
  everyFindingHasAFixture(t)
  t.same(Object.keys(endm.findings).filter(c => c.startsWith('SI-COMMON-')).sort(),
    ['SI-COMMON-001', 'SI-COMMON-002', 'SI-COMMON-003', 'SI-COMMON-004', 'SI-COMMON-008', 'SI-COMMON-009'])
  for (const code of Object.keys(endm.findings).filter(c => c.startsWith('SI-ENDM-'))) {
    t.ok(Number(code.slice(-3)) <= 19, `${code} is a plain-rule number (020 and up are for register rules)`)
  }
  t.same(Object.keys(endm.registerFindings!).sort(), ['SI-ENDM-020', 'SI-ENDM-021'])
})

t.test('paper-only claims are refused with what to do (SI-ENDM-001, SI-ENDM-002)', async t => {
  const xml = read('valid-long-absence.xml')
  const natural = xml.replace('</DavcnaStevilka>', '</DavcnaStevilka><FizicnaOseba>true</FizicnaOseba>')
  t.same(codes(run(natural)), [NOT_VERIFIED], 'a natural person with basis 001 files electronically')
  t.match(run(natural.replace('>001<', '>016<')).filter(f => f.code !== NOT_VERIFIED), [{ code: 'SI-ENDM-001', field: 'zavezanec je fizična oseba', path: '/ENDM/Zavezanec/FizicnaOseba', message: { en: /on paper/, sl: /papirni/ } }])
  t.same(codes(run(xml.replace('>001<', '>016<'))), [NOT_VERIFIED], 'a company for a worker with basis 016 files electronically')
  t.match(run(read('invalid/SI-ENDM-002.xml')).filter(f => f.code === 'SI-ENDM-002'), [{ field: 'zahtevek po 33. členu ZZVZZ', path: '/ENDM/Zadrzanost/Clen33', message: { en: /on paper/ } }])
})

t.test('the 3-year limit counts from the end of the absence (SI-ENDM-003)', async t => {
  const xml = read('valid-long-absence.xml')
  t.same(codes(run(xml, '2028-01-31')), [NOT_VERIFIED])
  t.same(codes(run(xml, '2028-02-01')), [NOT_VERIFIED, 'SI-ENDM-003'])
  const leap = xml.replace('<DatumDo>2025-01-31</DatumDo>', '<DatumDo>2025-02-28</DatumDo>')
  t.same(codes(run(leap, '2028-02-29')), [NOT_VERIFIED], 'from 29 February, 3 years back is 28 February')
})

t.test('lines split on the first working day after the 91st day (SI-ENDM-013, SI-ENDM-014)', async t => {
  t.match(run(read('invalid/SI-ENDM-013.xml')).filter(f => f.code === 'SI-ENDM-013'), [{ path: '/ENDM/Obracun/Vrstica[2]', field: 'vrstica obračuna' }])
  t.match(run(read('invalid/SI-ENDM-014.xml')).filter(f => f.code === 'SI-ENDM-014'), [{ severity: 'warning', path: '/ENDM/Obracun/Vrstica[4]/Odstotek' }])
})

t.test('the arithmetic is exact, in cents (SI-ENDM-015, SI-ENDM-016)', async t => {
  const xml = read('valid-long-absence.xml')
  t.same(codes(run(xml.replace('<PrispevkiRazlika>', '').replace('<Skupaj>4281.60</Skupaj>', '<PrispevkiRazlika>0.40</PrispevkiRazlika><Skupaj>4282.00</Skupaj>'))), [NOT_VERIFIED], 'contributions count in the total')
  t.same(codes(run(xml.replace('<UreOsnove>500.00</UreOsnove>', '<UreOsnove>500</UreOsnove>'))), [NOT_VERIFIED], 'hours compare numerically')
  // 5000.00 / 480 h = 10.41666… per hour: 8 h at 80 % is 66.666… → 66.67 (half up).
  const third = xml.replace('<BrutoOsnova>6000.00</BrutoOsnova><UreOsnove>500.00</UreOsnove>', '<BrutoOsnova>5000.00</BrutoOsnova><UreOsnove>480.00</UreOsnove>')
  const oneLine = (z: string): string => third.replace(/<Vrstica>.*<\/Vrstica>\n/s, `<Vrstica><DatumOd>2024-11-14</DatumOd><DatumDo>2024-11-14</DatumDo><Ure>8.00</Ure><Odstotek>80.00</Odstotek><Znesek>${z}</Znesek></Vrstica>\n`)
    .replace('<Skupaj>4281.60</Skupaj>', `<Skupaj>${z}</Skupaj>`)
  t.same(codes(run(oneLine('66.67'))), [NOT_VERIFIED])
  t.same(codes(run(oneLine('66.66'))), [NOT_VERIFIED, 'SI-ENDM-015'])
  t.same(codes(run(oneLine('66.66').replace('>dejanski<', '>fiksni<'))), [NOT_VERIFIED], 'a fixed calculation is not recomputed')
})

t.test('the payout date lies between the start of the absence and the filing date (SI-ENDM-017)', async t => {
  const xml = read('valid-long-absence.xml')
  t.same(codes(run(xml.replace('>2025-02-10<', '>2024-10-01<'))), [NOT_VERIFIED], 'on the first day of the absence')
  t.same(codes(run(xml.replace('>2025-02-10<', '>2024-09-30<'))), [NOT_VERIFIED, 'SI-ENDM-017'])
  t.same(codes(run(xml.replace('>2025-02-10<', '>2025-03-03<'))), [NOT_VERIFIED], 'on the filing date')
})

t.test('the §3.5 thresholds are dated parameters that warn, never refuse (SI-ENDM-019)', async t => {
  const xml = read('invalid/SI-ENDM-019.xml')
  t.match(run(xml).filter(f => f.code === 'SI-ENDM-019'), [{ severity: 'warning', field: 'vrstica obračuna: od' }])
  const beforeAnySource = read('invalid/SI-ENDM-003.xml')
  t.same(codes(run(beforeAnySource, '2024-01-10')), [NOT_VERIFIED], 'no reading of the sources before 7 October 2023, no warning')
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /Žagar|Kovač|Ana|Luka|EB-|[0-9]{13}|2024|2025|4281/))

t.test('the schema: enumerations, repeats and ranges, labelled with ENDM\'s fields', async t => {
  const { validate } = realValidator(t)
  const xml = read('valid-long-absence.xml')
  t.same(codes(await validate(example)), [NOT_VERIFIED, 'SI-ENDM-017', 'SI-ENDM-019'], 'the example, filed before it was paid')
  const cases: SchemaCase[] = [
    ['unknown calculation', xml.replace('>dejanski<', '>ocenjeni<'), 'SI-XSD-006', '/ENDM/Obracun/Nacin', 'način obračuna'],
    ['paragraph 3 of article 33', xml.replace('</StevilkaEBol>\n  </Zadrzanost>', '</StevilkaEBol>\n    <Clen33>3</Clen33>\n  </Zadrzanost>'), 'SI-XSD-006', '/ENDM/Zadrzanost/Clen33', 'zahtevek po 33. členu ZZVZZ'],
    ['no eBOL', xml.replace(/<StevilkaEBol>[^<]*<\/StevilkaEBol>\n/g, ''), 'SI-XSD-002', '/ENDM/Zadrzanost/StevilkaEBol', 'številka eBOL'],
    ['obligation over 200 hours', xml.replace('<MesecnaObveznostZavezancaUr>174<', '<MesecnaObveznostZavezancaUr>200.01<'), 'SI-XSD-003', '/ENDM/Obracun/MesecnaObveznostZavezancaUr', 'povprečna mesečna delovna obveznost delodajalca (ure)'],
    ['obligation under 1 hour', xml.replace('<MesecnaObveznostDelavcaUr>174<', '<MesecnaObveznostDelavcaUr>0.5<'), 'SI-XSD-003', '/ENDM/Obracun/MesecnaObveznostDelavcaUr', 'mesečna delovna obveznost delavca (ure)'],
    ['rate over 100 %', xml.replace('<Odstotek>80.00<', '<Odstotek>100.01<'), 'SI-XSD-003', '/ENDM/Obracun/Vrstica[1]/Odstotek', 'vrstica obračuna: odstotek'],
    ['zero hours', xml.replace('<Ure>96.00<', '<Ure>0.00<'), 'SI-XSD-003', '/ENDM/Obracun/Vrstica[1]/Ure', 'vrstica obračuna: ure'],
    ['amount with one decimal', xml.replace('<Znesek>921.60<', '<Znesek>921.6<'), 'SI-XSD-003', '/ENDM/Obracun/Vrstica[1]/Znesek', 'vrstica obračuna: znesek'],
    ['statement as 1', xml.replace('>true</IzjavaOIzplacilu>', '>1</IzjavaOIzplacilu>'), 'SI-XSD-003', '/ENDM/IzjavaOIzplacilu', 'izjava o izplačilu'],
    ['thirteen base months', xml.replace('<MesecOsnove>2024-07</MesecOsnove>', '<MesecOsnove>2024-07</MesecOsnove>'.repeat(11)), 'SI-XSD-001', '/ENDM/Obracun/Osnova/MesecOsnove', 'mesec osnove'],
    ['natural person as 1', xml.replace('</DavcnaStevilka>', '</DavcnaStevilka><FizicnaOseba>1</FizicnaOseba>'), 'SI-XSD-003', '/ENDM/Zavezanec/FizicnaOseba', 'zavezanec je fizična oseba'],
  ]
  await schemaErrors(t, validate, cases)
})

t.test('module facts, number prefix, payment and fields', async t => {
  const { root } = parseXml(read('valid-long-absence.xml'))
  t.same(endm.facts(root), { employer: '45678138', externalId: 'HR-NDM-2025-0007' })
  t.equal(endm.numberPrefix(root), 'N')
  t.equal(endm.paymentDays, 30)
  t.equal(endm.lifecycle, 'process')
  t.equal(endm.namespace, 'urn:ehrs:si:endm:1')
  t.equal(endm.fieldOf('/ENDM/Obracun/Vrstica[2]/Znesek'), 'vrstica obračuna: znesek')
  t.equal(endm.fieldOf('/ENDM/Zadrzanost/StevilkaEBol[2]'), 'številka eBOL')
  t.equal(endm.fieldOf('/ENDM/PodlagaZaZavarovanje'), 'podlaga za zavarovanje')
  t.equal(endm.fieldOf('/ENDM/Zavarovanec/Emso'), 'rubrika 5')
  t.equal(endm.fieldOf('/ENDM/Obracun/Unexpected'), 'obračun', 'falls back to the block')
  t.equal(endm.fieldOf('/ENDM'), 'ENDM')
})

t.test('through the validator, valid fixtures give only the reason "not verified"', async t => {
  const { validate } = realValidator(t)
  for (const name of validFixtures) t.same(codes(await validate(read(name))), [NOT_VERIFIED], name)
})
