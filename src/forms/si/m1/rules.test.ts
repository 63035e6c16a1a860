import t from 'tap'
import { parseXml } from '../../../xml/parse.js'
import { formRules } from '../../../../test/helpers/form-rules.js'
import { m1 } from './index.js'

// r.14 of most fixtures: filing on the start date gives neither deadline finding.
const { read, run, codes, validFixturesFiledOn, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat } =
  formRules(m1, { filingDate: '2025-03-03' })

t.test('valid fixtures give no finding when filed on their start date', async t => {
  validFixturesFiledOn(t, 'DatumPricetkaZavarovanja', { 'valid-maximal.xml': ['SI-COMMON-009', 'SI-COMMON-009', 'SI-COMMON-009'] })
})

// Findings a fixture gives besides the one it is named for (all caused by the same edit).
const alsoExpected: Record<string, string[]> = {
  'SI-COMMON-008': ['SI-M1-002'],
  'SI-COMMON-013': ['SI-COMMON-009'],
  'SI-COMMON-016': ['SI-M1-004', 'SI-M1-005', 'SI-M1-006'],
}

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t, { also: alsoExpected }))

t.test('every finding of M1 has a fixture that produces it', async t => everyFindingHasAFixture(t))

t.test('a finding points at the element with its rubrika (SI-COMMON-003)', async t => {
  const [finding] = run(read('invalid/SI-COMMON-003.xml'))
  t.match(finding, { code: 'SI-COMMON-003', severity: 'error', field: 'rubrika 5', path: '/M1/Zavarovanec/Emso', line: 10 })
  t.ok(finding?.message.en && finding.message.sl)
})

t.test('the obligor\'s EMŠO is checked as rubrika 4 (SI-COMMON-002, SI-COMMON-003)', async t => {
  const xml = read('valid-natural-person.xml')
  t.match(run(xml.replace('<Emso>2106975500454</Emso>', '<Emso>2106975500455</Emso>')), [{ code: 'SI-COMMON-003', field: 'rubrika 4', path: '/M1/Zavezanec/Emso' }])
  t.match(run(xml.replace('<Emso>2106975500454</Emso>', '<Emso>3106975500454</Emso>')), [{ code: 'SI-COMMON-002', field: 'rubrika 4' }])
  t.same(codes(run(xml.replace('<Emso>2106975500454</Emso>', '<Emso>1505985500060</Emso>'))), ['SI-COMMON-003'], 'remainder 1')
})

t.test('a missing element is reported where it would be, on its parent\'s line (SI-COMMON-012)', async t => {
  t.match(run(read('invalid/SI-COMMON-012.xml')), [{ field: 'rubrika 21', path: '/M1/ZavarovanjeSpremenljivo/IztekZavarovalnihPogojev', line: 15 }])
})

t.test('r.18 is expected also when the whole block is absent (SI-M1-004)', async t => {
  const xml = read('valid-sole-trader.xml').replace(/<ZavarovanjeSpremenljivo>.*<\/ZavarovanjeSpremenljivo>/, '')
  t.match(run(xml), [{ code: 'SI-M1-004', path: '/M1/ZavarovanjeSpremenljivo/MaticnaStevilkaEnote', line: 3 }])
})

t.test('country codes carry the rubrika of their element (SI-COMMON-006)', async t => {
  const xml = read('valid-foreigner.xml')
  t.match(run(xml.replace('<Drzava>688</Drzava>', '<Drzava>998</Drzava>')), [{ code: 'SI-COMMON-006', field: 'rubrika 11' }])
  t.match(run(read('valid-maximal.xml').replace('<m1:PoslanVDrzavo>040', '<m1:PoslanVDrzavo>001')).filter(f => f.code === 'SI-COMMON-006'),
    [{ field: 'rubrika 28', path: '/M1/ZavarovanjeSpremenljivo/PoslanVDrzavo' }])
})

t.test('working times compare as numbers (SI-COMMON-010)', async t => {
  const xml = read('valid-basic.xml')
  const hours = (a: string, b: string): string[] => codes(run(xml
    .replace('<DelovniCasZavarovanca>40<', `<DelovniCasZavarovanca>${a}<`)
    .replace('<PolniDelovniCasZavezanca>40<', `<PolniDelovniCasZavezanca>${b}<`)))
  t.same(hours('40.00', '40'), [])
  t.same(hours('40', '40.0'), [])
  t.same(hours('9.5', '10'), [], 'not compared as text')
  t.same(hours('40.01', '40'), ['SI-COMMON-010'])
  t.same(hours('10', '9.99'), ['SI-COMMON-010'])
})

t.test('r.20: MK needs exactly 9 digits; other permit numbers are free text (SI-COMMON-011)', async t => {
  const xml = read('valid-foreigner.xml')
  const permit = (p: string): string[] => codes(run(xml.replace('1234-56/2025', p)))
  t.same(permit('MK123456789'), [])
  t.same(permit('MK1234567890'), ['SI-COMMON-011'])
  t.same(permit('MK12345678A'), ['SI-COMMON-011'])
  t.same(permit('A-MK-1'), [])
})

t.test('r.29 only with the disability bases, r.28 only with posting bases', async t => {
  const xml = read('valid-maximal.xml')
  const withBasis = (b: string): string[] => codes(run(xml.replace('<m1:PodlagaZaZavarovanje>002', `<m1:PodlagaZaZavarovanje>${b}`))).filter(c => c !== 'SI-COMMON-009')
  t.same(withBasis('001'), ['SI-COMMON-014'], '001 allows r.29, not r.28')
  t.same(withBasis('113'), ['SI-COMMON-015'], '113 allows r.28, not r.29')
  t.same(withBasis('998'), ['SI-COMMON-014', 'SI-COMMON-015'], 'an unlisted basis is neither')
})

t.test('the filing window: 30 days ahead at most, and a warning after 8 days (SI-M1-001, SI-M1-002)', async t => {
  const xml = read('valid-basic.xml')
  t.same(codes(run(xml, '2025-02-01')), [], 'exactly 30 days ahead')
  t.same(codes(run(xml, '2025-01-31')), ['SI-M1-001'], '31 days ahead')
  t.same(codes(run(xml, '2025-03-11')), [], '8 days late')
  t.same(codes(run(xml, '2025-03-12')), ['SI-M1-002'], '9 days late')
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{7}|Žagar|Ana\b/))

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-maximal.xml'))
  t.same(m1.facts(root), { employer: '45678138', externalId: 'HR-2025-0200' })
  t.same(m1.facts(parseXml(read('valid-sole-trader.xml')).root), { employer: '38172658' })
  t.equal(m1.numberPrefix(root), 'P')
  t.equal(m1.fieldOf('/M1/Zavarovanec/Emso'), 'rubrika 5')
  t.equal(m1.fieldOf('/M1/Zavezanec[1]/Emso'), 'rubrika 4')
  t.equal(m1.fieldOf('/M1/Zavezanec/DavcnaStevilka'), 'davčna številka zavezanca')
  t.equal(m1.fieldOf('/M1/Zavarovanec/PrebivalisceVTujini/Drzava'), 'rubrika 11')
  t.equal(m1.fieldOf('/M1/Zavezanec/Unexpected'), 'rubrike 1–4', 'falls back to the block')
  t.equal(m1.fieldOf('/M1/Opombe'), 'OPOMBE')
  t.equal(m1.fieldOf('/M1'), 'M1')
})
