import t from 'tap'
import { parseXml } from '../../../xml/parse.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { checkDavcna, checkEmso, checkMaticna } from '../common/identifiers.js'
import { m12 } from './index.js'

// The filing date catalogue.test.ts uses; M12 has no filing window, so no result depends on it.
const { read, run, codes, validFixtures, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, schemaErrors } =
  formRules(m12, { filingDate: '2025-03-03' })

t.test('valid fixtures give no error; only the placeholder codes are "not verified"', async t => {
  // Basis 999 and reason 99 stand in for the unknown M12 codes of contract work (see the fixtures).
  const expected: Record<string, string[]> = {
    'valid-contract-worker.xml': ['SI-COMMON-009', 'SI-COMMON-009'],
    'valid-known-end.xml': ['SI-COMMON-009', 'SI-COMMON-009'],
  }
  const names = [...validFixtures]
  t.same(names.sort(), ['valid-contract-worker.xml', 'valid-known-end.xml', 'valid-odjava.xml', 'valid-side-occupation.xml'])
  for (const name of names) t.same(codes(run(read(name))), expected[name] ?? [], name)
})

t.test('the new synthetic identifiers of the fixtures have valid check digits', async t => {
  for (const emso of ['2107998500148', '0703003505627', '1405978505787']) t.equal(checkEmso(emso), null, emso)
  t.equal(checkMaticna('7391641'), null)
  t.equal(checkDavcna('52739147'), null)
})

// Findings a fixture gives besides the one it is named for (all caused by the same edit).
const alsoExpected: Record<string, string[]> = {
  'SI-COMMON-008': ['SI-M12-001'],
  'SI-M12-004': ['SI-COMMON-009'],
}

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t, { also: alsoExpected }))

t.test('every finding of M12 has a fixture that produces it, and only M12\'s codes are listed', async t => {
  everyFindingHasAFixture(t)
  t.same(Object.keys(m12.findings).sort(), [
    'SI-COMMON-001', 'SI-COMMON-002', 'SI-COMMON-003', 'SI-COMMON-004', 'SI-COMMON-008', 'SI-COMMON-009',
    'SI-M12-001', 'SI-M12-002', 'SI-M12-003', 'SI-M12-004',
  ])
  for (const code of Object.keys(m12.findings).filter(c => c.startsWith('SI-M12-'))) {
    t.ok(Number(code.slice(-3)) <= 19, `${code} is a plain-rule number (020 and up are for register rules)`)
  }
})

t.test('findings on M12\'s own elements carry M12\'s field names', async t => {
  const xml = read('valid-side-occupation.xml')
  t.match(run(xml.replace('<PodlagaZaZavarovanje>050<', '<PodlagaZaZavarovanje>999<')),
    [{ code: 'SI-COMMON-009', severity: 'warning', field: 'podlaga za zavarovanje', path: '/M12/Zavarovanje/PodlagaZaZavarovanje', line: 12 }])
  t.match(run(xml.replace('<VzrokZavarovanja>10<', '<VzrokZavarovanja>11<')).filter(f => f.code === 'SI-COMMON-009'),
    [{ field: 'vzrok zavarovanja', path: '/M12/Zavarovanje/VzrokZavarovanja' }])
  t.match(run(read('invalid/SI-M12-001.xml')), [{ field: 'datum pričetka zavarovanja', path: '/M12/Zavarovanje/DatumPricetkaZavarovanja' }])
  t.match(run(read('invalid/SI-M12-004.xml')).filter(f => f.code === 'SI-M12-004'),
    [{ severity: 'error', field: 'vzrok zavarovanja', path: '/M12/Zavarovanje/VzrokZavarovanja', line: 12 }])
})

t.test('the shared blocks keep their rubrika (SI-COMMON-001, SI-COMMON-003)', async t => {
  t.match(run(read('invalid/SI-COMMON-003.xml')), [{ code: 'SI-COMMON-003', field: 'rubrika 5', path: '/M12/Zavarovanec/Emso', line: 9 }])
  t.match(run(read('invalid/SI-COMMON-001.xml')), [{ code: 'SI-COMMON-001', field: 'rubrika 3', path: '/M12/Zavezanec/MaticnaStevilka' }])
})

t.test('an obligor who is a natural person is checked by EMŠO as rubrika 4 (SI-COMMON-002, SI-COMMON-003)', async t => {
  const xml = read('valid-side-occupation.xml').replace('<MaticnaStevilka>6428177</MaticnaStevilka>', '<Emso>1505985500019</Emso>')
  t.same(codes(run(xml)), [])
  t.match(run(xml.replace('<Emso>1505985500019</Emso>', '<Emso>1505985500018</Emso>')), [{ code: 'SI-COMMON-003', field: 'rubrika 4', path: '/M12/Zavezanec/Emso' }])
  t.match(run(xml.replace('<Emso>1505985500019</Emso>', '<Emso>3002985500019</Emso>')), [{ code: 'SI-COMMON-002', field: 'rubrika 4' }])
})

t.test('the start is on or after 1 February 2014 (SI-M12-001)', async t => {
  const xml = read('valid-side-occupation.xml')
  const startingOn = (d: string): string[] => codes(run(xml.replace('>2025-03-01<', `>${d}<`)))
  t.same(startingOn('2014-02-01'), [], 'the first day of the form')
  t.same(startingOn('2014-01-31'), ['SI-M12-001'])
  t.same(startingOn('1999-12-31'), ['SI-M12-001'])
})

t.test('the end date: required on odjava, optional on prijava, never before the start (SI-M12-002, SI-M12-003)', async t => {
  const odjava = read('valid-odjava.xml')
  t.match(run(odjava.replace(/<DatumPrenehanjaZavarovanja>[^<]+<\/DatumPrenehanjaZavarovanja>/, '')),
    [{ code: 'SI-M12-002', field: 'datum prenehanja zavarovanja', path: '/M12/Zavarovanje/DatumPrenehanjaZavarovanja', line: 16 }],
    'a missing end is reported where it would be, on the line of its block')
  const prijava = read('valid-side-occupation.xml')
  const endingOn = (d: string): string[] => codes(run(prijava.replace('</DatumPricetkaZavarovanja>',
    `</DatumPricetkaZavarovanja><DatumPrenehanjaZavarovanja>${d}</DatumPrenehanjaZavarovanja>`)))
  t.same(endingOn('2025-03-01'), [], 'a one-day insurance ends on its start date')
  t.same(endingOn('2025-12-31'), [], 'a prijava may carry an end already known')
  t.same(endingOn('2025-02-28'), ['SI-M12-003'])
  t.same(codes(run(odjava.replace('>2025-02-28<', '>2014-01-31<'))), ['SI-M12-003'], 'also on odjava')
})

t.test('basis 050 requires reason 10, whatever the list says (SI-M12-004)', async t => {
  const xml = read('valid-side-occupation.xml')
  const withCodes = (basis: string, reason: string): string[] => codes(run(xml
    .replace('<PodlagaZaZavarovanje>050<', `<PodlagaZaZavarovanje>${basis}<`)
    .replace('<VzrokZavarovanja>10<', `<VzrokZavarovanja>${reason}<`)))
  t.same(withCodes('050', '10'), [])
  t.same(withCodes('050', '01'), ['SI-COMMON-009', 'SI-M12-004'])
  t.same(withCodes('005', '99'), ['SI-COMMON-009'], 'another basis may have another reason')
})

t.test('M12 has no filing deadline of its own: no finding however early or late it is filed', async t => {
  const xml = read('valid-side-occupation.xml')
  for (const filed of ['2024-01-01', '2025-03-01', '2026-12-31']) t.same(codes(run(xml, filed)), [], filed)
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{7}|Novak|Marko|2025|\b99\b|999|104/))

t.test('the schema: VrstaPrijave is an enumeration, Zavarovanje a fixed sequence, labelled with M12\'s fields', async t => {
  const { validate } = realValidator(t)
  const xml = read('valid-side-occupation.xml')
  t.same(await validate(read('valid-contract-worker.xml')).then(codes), ['SI-COMMON-009', 'SI-COMMON-009'], 'a prefixed document')
  const cases: SchemaCase[] = [
    ['unknown kind', xml.replace('>prijava<', '>sprememba<'), 'SI-XSD-006', '/M12/VrstaPrijave', 'vrsta prijave'],
    ['kind in upper case', xml.replace('>prijava<', '>PRIJAVA<'), 'SI-XSD-006', '/M12/VrstaPrijave', 'vrsta prijave'],
    ['missing reason', xml.replace('<VzrokZavarovanja>10</VzrokZavarovanja>', ''), 'SI-XSD-002', '/M12/Zavarovanje/VzrokZavarovanja', 'vzrok zavarovanja'],
    ['three-digit reason', xml.replace('>10<', '>010<'), 'SI-XSD-003', '/M12/Zavarovanje/VzrokZavarovanja', 'vzrok zavarovanja'],
    ['no such date', xml.replace('>2025-03-01<', '>2025-02-30<'), 'SI-XSD-003', '/M12/Zavarovanje/DatumPricetkaZavarovanja', 'datum pričetka zavarovanja'],
    ['M1 block name', xml.replace(/Zavarovanje>/g, 'ZavarovanjeNespremenljivo>'), 'SI-XSD-002', '/M12/Zavarovanje', 'podatki o zavarovanju'],
    ['end before the start in element order', xml.replace('<DatumPricetkaZavarovanja>2025-03-01</DatumPricetkaZavarovanja>',
      '<DatumPrenehanjaZavarovanja>2025-03-31</DatumPrenehanjaZavarovanja><DatumPricetkaZavarovanja>2025-03-01</DatumPricetkaZavarovanja>'),
    'SI-XSD-001', '/M12/Zavarovanje/DatumPrenehanjaZavarovanja', 'datum prenehanja zavarovanja'],
  ]
  await schemaErrors(t, validate, cases)
  t.match((await validate(xml.replace(/<VrstaPrijave>[^<]*<\/VrstaPrijave>/, '')))[0], { code: 'SI-XSD-002', path: '/M12/VrstaPrijave' }, 'missing kind')
})

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-contract-worker.xml'))
  t.same(m12.facts(root), { employer: '45678138', externalId: 'HR-2025-0301' })
  t.same(m12.facts(parseXml(read('valid-side-occupation.xml')).root), { employer: '38172658' })
  t.equal(m12.numberPrefix(root), 'D')
  t.equal(m12.fieldOf('/M12/VrstaPrijave'), 'vrsta prijave')
  t.equal(m12.fieldOf('/M12/Zavarovanje'), 'podatki o zavarovanju')
  t.equal(m12.fieldOf('/M12/Zavarovanje/PodlagaZaZavarovanje'), 'podlaga za zavarovanje')
  t.equal(m12.fieldOf('/M12/Zavarovanje/DatumPricetkaZavarovanja'), 'datum pričetka zavarovanja')
  t.equal(m12.fieldOf('/M12/Zavarovanje[1]/DatumPrenehanjaZavarovanja'), 'datum prenehanja zavarovanja')
  t.equal(m12.fieldOf('/M12/Zavarovanje/Unexpected'), 'podatki o zavarovanju', 'falls back to the block')
  t.equal(m12.fieldOf('/M12/Zavarovanec/Emso'), 'rubrika 5')
  t.equal(m12.fieldOf('/M12/Zavezanec/DavcnaStevilka'), 'davčna številka zavezanca')
  t.equal(m12.fieldOf('/M12/Opombe'), 'OPOMBE')
  t.equal(m12.fieldOf('/M12'), 'M12')
})
