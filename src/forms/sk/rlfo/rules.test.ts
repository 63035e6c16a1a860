import t from 'tap'
import { parseXml } from '../../../xml/parse.js'
import { applyRules } from '../../form-module.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { rlfo } from './index.js'

// The filing date of every fixture (as in forms/catalogue.test.ts); RLFO has no date-relative rule.
const FILED = '2025-03-03'
const {
  codeLists, read, run, codes, validFixtures,
  validGiveNoFinding, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, validatorOverFixtures, schemaErrors,
} = formRules(rlfo, { filingDate: FILED })

/** valid-pe.xml (a PE of Mária, ZEC, 2025-02-03 to 2025-02-14, reason 1) with its dates and reason replaced. */
function interruption(dates: string, reason = '1'): string {
  return read('valid-pe.xml').replace(
    '<DatumOd>2025-02-03</DatumOd><DatumDo>2025-02-14</DatumDo><DovodPrerusenia>1</DovodPrerusenia>',
    `${dates}<DovodPrerusenia>${reason}</DovodPrerusenia>`)
}

/** An entry of type `typ` of Jana with the given dates and reasons, in a single RLFO. */
function entry(typ: string, rest: string, typZec = 'ZEC'): string {
  return read('valid-single-pa.xml')
    .replace('<Typ>PA</Typ><TypZamestnanca>ZEC</TypZamestnanca>', `<Typ>${typ}</Typ><TypZamestnanca>${typZec}</TypZamestnanca>`)
    .replace('<DatumOd>2025-03-01</DatumOd>', rest)
}

t.test('valid fixtures give no finding', async t => validGiveNoFinding(t, 7))

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t))

t.test('every finding of RLFO has a fixture that produces it', async t => everyFindingHasAFixture(t))

t.test('RLFO lists the shared findings it can give, and its own plain ones below 020', async t => {
  t.same(Object.keys(rlfo.findings).sort(), [
    'SK-COMMON-001', 'SK-COMMON-002', 'SK-COMMON-003', 'SK-COMMON-004', 'SK-COMMON-005', 'SK-COMMON-006',
    'SK-COMMON-007', 'SK-COMMON-010',
    'SK-RLFO-001', 'SK-RLFO-002', 'SK-RLFO-003', 'SK-RLFO-004', 'SK-RLFO-005', 'SK-RLFO-006', 'SK-RLFO-007',
  ])
  for (const code of Object.keys(rlfo.findings).filter(c => c.startsWith('SK-RLFO-'))) t.ok(Number(code.slice(-3)) < 20, code)
  for (const code of Object.keys(rlfo.registerFindings ?? {}).filter(c => c.startsWith('SK-RLFO-'))) t.ok(Number(code.slice(-3)) >= 20, `${code} is a register finding`)
})

t.test('the typZec list is complete: an unlisted employee type is an error (SK-RLFO-006), an expired one SK-COMMON-010', async t => {
  t.equal(codeLists.check('sk/typ-zamestnanca', 'ZECD5', FILED), 'unknown')
  t.match(run(read('invalid/SK-RLFO-006.xml')), [{
    code: 'SK-RLFO-006', severity: 'error', field: 'PP (typ pracovného pomeru)', path: '/RLFO/Osoba/TypZamestnanca', line: 6,
  }])
  for (const code of ['ZEC', 'ZECN', 'ZECD1N', 'ZECDVSP', 'ZECDNNPDPPVN', 'ZECNRO']) t.same(codes(run(entry('PA', '<DatumOd>2025-03-01</DatumOd>', code))), [], code)
  t.same(codes(run(entry('PA', '<DatumOd>2022-06-01</DatumOd>', 'ZECD4'))), [], 'ZECD4 up to 31.12.2022')
  t.same(codes(run(entry('PA', '<DatumOd>2023-01-01</DatumOd>', 'ZECD4'))), ['SK-COMMON-010'], 'ZECD4 from 2023')
  const flags = (code: string): readonly string[] => codeLists.entry('sk/typ-zamestnanca', code, FILED)?.flags ?? []
  t.ok(flags('ZECD2N').includes('agreement') && flags('ZECD2N').includes('irregular'), 'ZECD2N: agreement, irregular income')
  t.notOk(flags('ZEC').includes('irregular'), 'ZEC is regular income')
  t.same(flags('ZEC').filter(f => ['mvp', 'vpp', 'rlfo'].includes(f)), ['mvp', 'vpp', 'rlfo'], 'which 2026 schemas list the code')
  t.notOk(flags('ZECD1V').includes('rlfo'), 'ZECD1V is a report code only')
})

t.test('each type carries its dates and reasons, no others (SK-RLFO-002, SK-RLFO-003)', async t => {
  const own = (xml: string): string[] => codes(run(xml))
  t.same(own(entry('PA', '')), ['SK-RLFO-002'], 'PA without Od')
  t.same(own(entry('PA', '<DatumOd>2025-03-01</DatumOd><DatumDo>2025-03-31</DatumDo>')), ['SK-RLFO-003'], 'PA with Do')
  t.same(own(entry('OD', '<DatumDo>2025-03-31</DatumDo>')), [], 'OD with Do')
  t.same(own(entry('OD', '')), ['SK-RLFO-002'], 'OD without Do')
  t.same(own(entry('OD', '<DatumDo>2025-03-31</DatumDo><DovodPrerusenia>1</DovodPrerusenia>')), ['SK-RLFO-003'], 'OD with a reason')
  t.same(own(entry('PE', '<DatumOd>2025-03-10</DatumOd><DovodPrerusenia>1</DovodPrerusenia>')), [], 'PE without Do')
  t.same(own(entry('PE', '<DatumOd>2025-03-10</DatumOd>')), ['SK-RLFO-002'], 'PE without a reason')
  t.same(own(entry('PE', '<DatumOd>2025-03-10</DatumOd><DovodZmeny>MD</DovodZmeny><DovodPrerusenia>1</DovodPrerusenia>')), ['SK-RLFO-003'], 'PE with a change reason')
  t.same(own(entry('ZM', '<DatumOd>2025-03-10</DatumOd><DatumDo>2025-12-31</DatumDo><DatumZmeny>2025-03-10</DatumZmeny><DovodZmeny>RD</DovodZmeny>')), [], 'ZM with Do')
  t.same(own(entry('ZM', '<DatumOd>2025-03-10</DatumOd>')), ['SK-RLFO-002', 'SK-RLFO-002'], 'ZM without date of change and reason')
  t.same(own(entry('ZP', '<DatumOd>2025-03-01</DatumOd>')), [], 'ZP with Od')
  t.same(own(entry('ZP', '<DatumOd>2025-03-01</DatumOd><DatumZmeny>2025-03-01</DatumZmeny>')), ['SK-RLFO-003'], 'ZP with a date of change')
  t.match(run(read('invalid/SK-RLFO-002.xml')), [{
    code: 'SK-RLFO-002', field: 'dôvod zmeny', path: '/RLFO/Osoba/DovodZmeny', line: 6,
  }], 'a missing element is reported where it belongs, on the line of its entry')
  t.match(run(read('invalid/SK-RLFO-003.xml')), [{ code: 'SK-RLFO-003', field: 'Od', path: '/RLFO/Osoba/DatumOd', line: 8 }])
})

t.test('an IČPV is refused on a PA only (SK-RLFO-001)', async t => {
  t.match(run(read('invalid/SK-RLFO-001.xml')), [{ code: 'SK-RLFO-001', field: 'IČPV', path: '/RLFO/Osoba/Icpv' }])
  t.same(codes(run(read('valid-pe.xml'))), [], 'a PE may carry it')
})

t.test('Od may equal Do, not follow it (SK-RLFO-004)', async t => {
  t.same(codes(run(interruption('<DatumOd>2025-02-03</DatumOd><DatumDo>2025-02-03</DatumDo>'))), [])
  t.same(codes(run(interruption('<DatumOd>2025-02-04</DatumOd><DatumDo>2025-02-03</DatumDo>'))), ['SK-RLFO-004'])
  t.match(run(read('invalid/SK-RLFO-004.xml')), [{ code: 'SK-RLFO-004', field: 'Do', path: '/RLFO/Osoba/DatumDo' }])
})

t.test('reasons for interruption are read on the first day of the interruption (SK-RLFO-005, SK-COMMON-010)', async t => {
  const reason = (code: string, from: string): string[] => codes(run(interruption(`<DatumOd>${from}</DatumOd>`, code)))
  for (const code of ['1', '2', '3', '4', '5', '6', '8', '9']) t.same(reason(code, '2020-01-01'), [], `${code} before 2021`)
  for (const code of ['7', '10', '11', '04', '99']) t.same(reason(code, '2025-02-03'), ['SK-RLFO-005'], `${code} does not exist`)
  t.same(reason('12', '2021-03-31'), ['SK-COMMON-010'], '12 the day before it exists')
  t.same(reason('12', '2021-04-01'), [], '12 from 2021-04-01')
  t.same(reason('13', '2021-04-30'), ['SK-COMMON-010'], '13 the day before it exists')
  t.same(reason('13', '2021-05-01'), [], '13 from 2021-05-01')
  t.same(reason('4', '2021-03-31'), [], '4 up to 2021-03-31 (11th day)')
  t.same(reason('4', '2021-04-01'), [], '4 from 2021-04-01 (15th day)')
  t.match(codeLists.entry('sk/dovod-prerusenia', '4', '2021-03-31'), { label: /od 11\. dňa/, labelEn: /11th day/ })
  t.match(codeLists.entry('sk/dovod-prerusenia', '4', '2021-04-01'), { label: /od 15\. dňa/, labelEn: /15th day/ })
  t.match(run(read('invalid/SK-COMMON-010.xml')), [{ code: 'SK-COMMON-010', severity: 'error', field: 'dôvod prerušenia', path: '/RLFO/Osoba/DovodPrerusenia' }])
  t.match(run(read('invalid/SK-RLFO-005.xml')), [{ code: 'SK-RLFO-005', field: 'dôvod prerušenia' }])
})

t.test('code lists are read on Do when the entry has no Od', async t => {
  // An OD of an employee type that ends on 31.12.2022: judged on DatumDo.
  t.same(codes(run(entry('OD', '<DatumDo>2022-12-31</DatumDo>', 'ZECD4'))), [], 'the last day of ZECD4')
  t.match(run(entry('OD', '<DatumDo>2023-01-01</DatumDo>', 'ZECD4')), [{ code: 'SK-COMMON-010', path: '/RLFO/Osoba/TypZamestnanca' }])
  t.same(codes(run(entry('PE', '<DovodPrerusenia>12</DovodPrerusenia>'))), ['SK-RLFO-002'], 'no date at all: only the missing date')
})

t.test('a batch may not repeat an entry (SK-RLFO-007)', async t => {
  t.match(run(read('invalid/SK-RLFO-007.xml')), [{ code: 'SK-RLFO-007', field: 'registračný list', path: '/RLFO/Osoba[2]', line: 10 }])
  const batch = read('invalid/SK-RLFO-007.xml')
  const second = batch.lastIndexOf('<Osoba>')
  const twice = (edit: (entry: string) => string): string[] => codes(run(batch.slice(0, second) + edit(batch.slice(second))))
  t.same(twice(e => e.replace('<DatumOd>2025-03-01', '<DatumOd>2025-03-02')), [], 'another start')
  t.same(twice(e => e.replace('>ZEC<', '>ZECD1<')), [], 'another employee type: a concurrent relationship')
  t.same(twice(e => e.replace('<Typ>PA</Typ>', '<Typ>ZP</Typ>')), [], 'a registration and its cancellation')
  t.same(twice(e => e.replace(/RodneCislo>/g, 'DocasneRodneCislo>')), [], 'a temporary number is another person')
  t.same(twice(e => e.replace('<Priezvisko>Horváthová', '<Priezvisko>Horváth')), ['SK-RLFO-007'], 'names do not tell entries apart')
})

t.test('persons: every rodné číslo and date of birth of a batch (SK-COMMON-002 to -007)', async t => {
  t.match(run(read('invalid/SK-COMMON-007.xml')), [{ code: 'SK-COMMON-007', field: 'Dátum narodenia', path: '/RLFO/Osoba/DatumNarodenia' }])
  t.match(run(read('invalid/SK-COMMON-004.xml')), [{ code: 'SK-COMMON-004', field: 'Rodné číslo', path: '/RLFO/Osoba/RodneCislo' }])
  const batch = read('valid-batch.xml').replace('<DatumNarodenia>1987-04-12', '<DatumNarodenia>1987-04-13')
  t.match(run(batch), [{ code: 'SK-COMMON-007', path: '/RLFO/Osoba[2]/DatumNarodenia' }])
  t.same(codes(run(read('valid-foreigner.xml').replace('1988-07-15', '1999-01-01'))), [], 'a temporary number is not compared with the date of birth')
})

t.test('the employer\'s IČO is checked at admission (SK-COMMON-001)', async t => {
  const { root } = parseXml(read('invalid/SK-COMMON-001.xml'))
  t.match(applyRules(rlfo, root, { filingDate: FILED, codeLists }, rlfo.admission), [{ code: 'SK-COMMON-001', field: 'IČO', path: '/RLFO/Zamestnavatel/Ico' }])
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{6}|Horváth|Novotn|Baláž|Tóth|Jana|Mária|ZECD[45]|20[0-9]{2}-/))

t.test('module facts, number prefix and fields', async t => {
  const single = parseXml(read('valid-single-pa.xml')).root
  const batch = parseXml(read('valid-batch.xml')).root
  t.same(rlfo.facts(single), { employer: '2021234501', icz: '5101234567', externalId: 'RL-2025-03-001' })
  t.same(rlfo.facts(batch), { employer: '2021234501', icz: '5101234567' })
  t.equal(rlfo.numberPrefix(single), 'R')
  t.equal(rlfo.numberPrefix(batch), 'C')
  t.equal(rlfo.fieldOf('/RLFO/Osoba[2]'), 'registračný list')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/Typ'), 'RL')
  t.equal(rlfo.fieldOf('/RLFO/Osoba[3]/TypZamestnanca'), 'PP (typ pracovného pomeru)')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/Cudzinec'), 'Cudzinec')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DatumOd'), 'Od')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DatumDo'), 'Do')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DatumZmeny'), 'Zmena (dátum uplatnenia)')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DovodZmeny'), 'dôvod zmeny')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DovodPrerusenia'), 'dôvod prerušenia')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/Icpv'), 'IČPV')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/DocasneRodneCislo'), 'Rodné číslo / dočasné RČ')
  t.equal(rlfo.fieldOf('/RLFO/Osoba/Unexpected'), 'registračný list', 'falls back to the entry')
  t.equal(rlfo.fieldOf('/RLFO/Zamestnavatel/Icz'), 'IČZ (variabilný symbol)')
  t.equal(rlfo.fieldOf('/RLFO'), 'RLFO')
})

t.test('the real validator: schema, admission and rules over every fixture', async t => {
  const { validate } = realValidator(t)
  await validatorOverFixtures(t, validate)

  const xml = read('valid-single-pa.xml')
  const osoba = /<Osoba>[\s\S]*<\/Osoba>/.exec(xml)![0]
  const cases: SchemaCase[] = [
    ['unknown type', xml.replace('>PA<', '>PR<'), 'SK-XSD-006', '/RLFO/Osoba/Typ', 'RL'],
    ['employee type in lower case', xml.replace('>ZEC<', '>zec<'), 'SK-XSD-003', '/RLFO/Osoba/TypZamestnanca', 'PP (typ pracovného pomeru)'],
    ['employee type too long', xml.replace('>ZEC<', '>ZECDNNPDPPVNXXXX<'), 'SK-XSD-003', '/RLFO/Osoba/TypZamestnanca', 'PP (typ pracovného pomeru)'],
    ['unknown change reason', xml.replace('<DatumOd>2025-03-01</DatumOd>', '<DatumOd>2025-03-01</DatumOd><DovodZmeny>PN</DovodZmeny>'), 'SK-XSD-006', '/RLFO/Osoba/DovodZmeny', 'dôvod zmeny'],
    ['three-digit reason', xml.replace('<DatumOd>2025-03-01</DatumOd>', '<DatumOd>2025-03-01</DatumOd><DovodPrerusenia>100</DovodPrerusenia>'), 'SK-XSD-003', '/RLFO/Osoba/DovodPrerusenia', 'dôvod prerušenia'],
    ['no date of birth', xml.replace('<DatumNarodenia>1992-11-03</DatumNarodenia>', ''), 'SK-XSD-002', '/RLFO/Osoba/DatumNarodenia', 'Dátum narodenia'],
    ['flag as a digit', xml.replace('<DatumOd>', '<Cudzinec>1</Cudzinec><DatumOd>'), 'SK-XSD-003', '/RLFO/Osoba/Cudzinec', 'Cudzinec'],
    ['no entry', xml.replace(osoba, ''), 'SK-XSD-002', '/RLFO/Osoba', 'registračný list'],
  ]
  await schemaErrors(t, validate, cases)
  const full = xml.replace(osoba, osoba.repeat(300))
  t.notOk((await validate(full)).some(f => f.code.startsWith('SK-XSD-')), '300 entries fit the schema')
  t.match(await validate(xml.replace(osoba, osoba.repeat(301))), [{ code: 'SK-XSD-001', path: '/RLFO/Osoba[301]' }], '301 do not')
  t.same(codes(await validate(read('invalid/SK-COMMON-001.xml').replace('<DatumOd>2025-03-01</DatumOd>', ''))), ['SK-COMMON-001'],
    'a wrong IČO (step 1) hides later steps, also a rule finding')
})
