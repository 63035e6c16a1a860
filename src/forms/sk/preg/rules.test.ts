import t from 'tap'
import { parseXml } from '../../../xml/parse.js'
import { applyRules } from '../../form-module.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { rlfo } from '../rlfo/index.js'
import { preg } from './index.js'

// The filing date of every fixture (as in forms/catalogue.test.ts): SK-PREG-001 is relative to it.
const FILED = '2025-03-03'
const {
  read, run, codes,
  validGiveNoFinding, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, validatorOverFixtures, schemaErrors,
} = formRules(preg, { filingDate: FILED })

/** valid-pa.xml with its Datum replaced. */
const dated = (date: string): string => read('valid-pa.xml').replace('<Datum>2025-03-01</Datum>', `<Datum>${date}</Datum>`)

t.test('valid fixtures give no finding', async t => validGiveNoFinding(t, 3))

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t))

t.test('every finding of PREG has a fixture that produces it', async t => everyFindingHasAFixture(t))

t.test('PREG lists the shared findings it can give and its own plain ones below 020', async t => {
  t.same(Object.keys(preg.findings).sort(), [
    'SK-COMMON-001', 'SK-COMMON-002', 'SK-COMMON-003', 'SK-COMMON-004', 'SK-COMMON-005', 'SK-COMMON-006', 'SK-COMMON-010', 'SK-PREG-001', 'SK-PREG-002',
  ])
  t.same(preg.registerFindings, {}, 'a PREG changes nothing in the register')
  t.match(preg.pairing?.expired, { code: 'SK-PREG-020', severity: 'warning' }, 'what the lifecycle gives an expired one')
})

t.test('the date lies within 30 days of the filing date, either way (SK-PREG-001)', async t => {
  t.same(codes(run(dated('2025-02-01'))), [], '30 days before')
  t.same(codes(run(dated('2025-01-31'))), ['SK-PREG-001'], '31 days before')
  t.same(codes(run(dated('2025-04-02'))), [], '30 days after')
  t.same(codes(run(dated('2025-04-03'))), ['SK-PREG-001'], '31 days after')
  t.match(run(read('invalid/SK-PREG-001.xml')), [{ code: 'SK-PREG-001', field: 'Od / Do', path: '/PREG/Datum', line: 7 }])
  t.same(codes(run(dated('2025-03-01'), '2025-03-31')), [], 'judged on the filing date given')
})

t.test('the person and the employee type (SK-COMMON-002 to -006, -010, SK-PREG-002)', async t => {
  t.match(run(read('invalid/SK-COMMON-004.xml')), [{ code: 'SK-COMMON-004', field: 'Rodné číslo', path: '/PREG/RodneCislo' }])
  t.match(run(read('invalid/SK-PREG-002.xml')), [{ code: 'SK-PREG-002', severity: 'error', field: 'PP (typ pracovného pomeru)', path: '/PREG/TypZamestnanca' }])
  t.match(run(read('invalid/SK-COMMON-010.xml')), [{ code: 'SK-COMMON-010', severity: 'error', field: 'PP (typ pracovného pomeru)', path: '/PREG/TypZamestnanca' }])
  t.same(codes(run(read('valid-foreigner.xml'))), [], 'a temporary number is checked for its format only')
})

t.test('the employer\'s IČO is checked at admission (SK-COMMON-001)', async t => {
  const { root } = parseXml(read('invalid/SK-COMMON-001.xml'))
  t.match(applyRules(preg, root, { filingDate: FILED, codeLists: (await import('../../code-lists-file.js')).loadCodeLists() }, preg.admission),
    [{ code: 'SK-COMMON-001', field: 'IČO', path: '/PREG/Zamestnavatel/Ico' }])
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{6}|Horváth|Baláž|Tóth|Jana|ZECD[45]|20[0-9]{2}-/))

t.test('module facts, number prefix and fields', async t => {
  const root = parseXml(read('valid-pa.xml')).root
  t.same(preg.facts(root), { employer: '2021234501', icz: '5101234567', externalId: 'PREG-2025-03-001' })
  t.equal(preg.numberPrefix(root), 'B')
  t.equal(preg.lifecycle, 'pairing')
  t.equal(preg.insuranceKind, 'RLFO')
  t.equal(preg.fieldOf('/PREG/Typ'), 'Typ')
  t.equal(preg.fieldOf('/PREG/TypZamestnanca'), 'PP (typ pracovného pomeru)')
  t.equal(preg.fieldOf('/PREG/Datum'), 'Od / Do')
  t.equal(preg.fieldOf('/PREG/RodneCislo'), 'Rodné číslo')
  t.equal(preg.fieldOf('/PREG/DocasneRodneCislo'), 'Rodné číslo')
  t.equal(preg.fieldOf('/PREG/Zamestnavatel/Icz'), 'IČZ (variabilný symbol)')
  t.equal(preg.fieldOf('/PREG'), 'PREG')
})

t.test('a PREG awaits the RLFO entry of the same type, person, employee type and date (DOCUMENTS §3.7)', async t => {
  const facts = (xml: string) => preg.pairing!.facts(parseXml(xml).root)
  const awaited = facts(read('valid-pa.xml')).awaits!
  t.equal(awaited.date, '2025-03-01')
  const rlfoKeys = (name: string) => rlfo.pairing!.facts(parseXml(read(`../rlfo/${name}`)).root).confirms ?? []
  t.same(rlfoKeys('valid-single-pa.xml'), [awaited.key], 'Jana\'s PA of 2025-03-01 confirms it')
  t.equal(rlfoKeys('valid-batch.xml').length, 2, 'each PA and OD entry of a batch confirms its own')
  t.ok(rlfoKeys('valid-batch.xml').includes(facts(read('valid-od.xml')).awaits!.key), 'an OD is confirmed by the OD of its end date')
  t.same(rlfoKeys('valid-pe.xml'), [], 'an interruption confirms nothing')
  t.notOk(rlfoKeys('valid-single-pa.xml').includes(facts(dated('2025-03-02')).awaits!.key), 'another date is another registration')
  t.notOk(rlfoKeys('valid-single-pa.xml').includes(facts(read('valid-pa.xml').replace('>ZEC<', '>ZECN<')).awaits!.key), 'another employee type')
  t.notOk(rlfoKeys('valid-single-pa.xml').includes(facts(read('valid-pa.xml').replace(/RodneCislo>/g, 'DocasneRodneCislo>')).awaits!.key), 'a temporary number is another person')
  t.same(facts(read('valid-pa.xml').replace('<Datum>2025-03-01</Datum>', '')), {}, 'a document without its date awaits nothing')
})

t.test('the real validator: schema, admission and rules over every fixture', async t => {
  const { validate } = realValidator(t)
  await validatorOverFixtures(t, validate)
  const xml = read('valid-pa.xml')
  const cases: SchemaCase[] = [
    ['a type a preliminary registration cannot be', xml.replace('<Typ>PA</Typ>', '<Typ>PE</Typ>'), 'SK-XSD-006', '/PREG/Typ', 'Typ'],
    ['employee type in lower case', xml.replace('>ZEC<', '>zec<'), 'SK-XSD-003', '/PREG/TypZamestnanca', 'PP (typ pracovného pomeru)'],
    ['no date', xml.replace('<Datum>2025-03-01</Datum>', ''), 'SK-XSD-002', '/PREG/Datum', 'Od / Do'],
    ['a date of birth, which a PREG does not carry', xml.replace('<Datum>', '<DatumNarodenia>1992-11-03</DatumNarodenia><Datum>'), 'SK-XSD-001', '/PREG/DatumNarodenia', 'Dátum narodenia'],
  ]
  await schemaErrors(t, validate, cases)
})
