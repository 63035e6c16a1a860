import t from 'tap'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/parse.js'
import { formRules } from '../../../../test/helpers/form-rules.js'
import { m2 } from './index.js'

// The filing date of the invalid fixtures (as in forms/catalogue.test.ts).
const FILED = '2025-03-03'
// r.31 is the placeholder 99 everywhere: "not verified" while the M-2 reason list is empty (DOCUMENTS §2.5).
const UNVERIFIED_REASON = 'SI-COMMON-009'

const { read, run, codes, validFixtures, textOf, noErrorToday, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat } =
  formRules(m2, { filingDate: FILED })

/** valid-basic.xml with r.14 and r.32 replaced. */
function dated(start: string, end: string): string {
  return read('valid-basic.xml')
    .replace('<DatumPricetkaZavarovanja>2024-09-02<', `<DatumPricetkaZavarovanja>${start}<`)
    .replace('<DatumSpremembeZavarovanja>2025-02-28<', `<DatumSpremembeZavarovanja>${end}<`)
}

t.test('valid fixtures give only the unverified reason when filed on their end date and on 2025-03-03', async t => {
  for (const name of validFixtures) {
    const xml = read(name)
    t.same(codes(run(xml, textOf(xml, 'DatumSpremembeZavarovanja'))), [UNVERIFIED_REASON], `${name} filed on its end date`)
    t.same(codes(run(xml)), [UNVERIFIED_REASON], `${name} filed on ${FILED}`)
    noErrorToday(t, name, xml)
  }
})

// Findings a fixture gives besides the one it is named for and the unverified reason.
const alsoExpected: Record<string, string[]> = {
  'SI-COMMON-008': ['SI-M2-004'],
}

t.test('every invalid fixture gives exactly its finding (and the unverified reason)', async t => {
  invalidGiveTheirFinding(t, { always: [UNVERIFIED_REASON], also: alsoExpected })
})

t.test('every finding of M2 has a fixture that produces it', async t => everyFindingHasAFixture(t))

t.test('M2 lists the shared findings its blocks can give, and its own plain ones below 020', async t => {
  t.same(Object.keys(m2.findings).sort(), [
    'SI-COMMON-001', 'SI-COMMON-002', 'SI-COMMON-003', 'SI-COMMON-004', 'SI-COMMON-008', 'SI-COMMON-009', 'SI-COMMON-010',
    'SI-M2-001', 'SI-M2-002', 'SI-M2-003', 'SI-M2-004',
  ])
  for (const code of Object.keys(m2.findings).filter(c => c.startsWith('SI-M2-'))) t.ok(Number(code.slice(-3)) < 20, code)
})

t.test('the reason is checked against the M-2 list, as rubrika 31 (SI-COMMON-009)', async t => {
  t.match(run(read('valid-basic.xml')), [{
    code: 'SI-COMMON-009', severity: 'warning', field: 'rubrika 31', path: '/M2/Odjava/VzrokSpremembeZavarovanja', line: 16,
  }])
  const both = run(read('invalid/SI-COMMON-009.xml'))
  t.same(both.map(f => f.field).sort(), ['rubrika 15', 'rubrika 31'], 'an unlisted basis is not verified either')
})

t.test('code lists are read on rubrika 32, not on rubrika 14 (SI-COMMON-008)', async t => {
  // Basis 104 is valid from 2009-02-14.
  const basis104 = (end: string): string[] => codes(run(dated('2009-01-05', end).replace('<PodlagaZaZavarovanje>001<', '<PodlagaZaZavarovanje>104<')))
    .filter(c => c !== 'SI-M2-004' && c !== UNVERIFIED_REASON)
  t.same(basis104('2009-02-13'), ['SI-COMMON-008'])
  t.same(basis104('2009-02-14'), [])
  t.match(run(read('invalid/SI-COMMON-008.xml')).find(f => f.code === 'SI-COMMON-008'),
    { field: 'rubrika 15', path: '/M2/ZavarovanjeNespremenljivo/PodlagaZaZavarovanje' })
})

t.test('the insurance may end on its start date, not before (SI-M2-001)', async t => {
  t.same(codes(run(dated('2025-03-03', '2025-03-03'))), [UNVERIFIED_REASON])
  t.same(codes(run(dated('2025-03-04', '2025-03-03'))), [UNVERIFIED_REASON, 'SI-M2-001'])
  t.match(run(read('invalid/SI-M2-001.xml')).find(f => f.code === 'SI-M2-001'),
    { severity: 'error', field: 'rubrika 32', path: '/M2/Odjava/DatumSpremembeZavarovanja', line: 15 })
})

t.test('the filing window: 30 days ahead refused, 8 ahead warned, 8 late warned (SI-M2-002, -003, -004)', async t => {
  const xml = dated('2024-09-02', '2025-03-31')
  const own = (filingDate: string): string[] => codes(run(xml, filingDate)).filter(c => c !== UNVERIFIED_REASON)
  t.same(own('2025-02-27'), ['SI-M2-002'], '32 days ahead')
  t.same(own('2025-02-28'), ['SI-M2-002'], '31 days ahead: refused, not also warned')
  t.same(own('2025-03-01'), ['SI-M2-003'], 'exactly 30 days ahead: warning only')
  t.same(own('2025-03-22'), ['SI-M2-003'], '9 days ahead')
  t.same(own('2025-03-23'), [], 'exactly 8 days ahead')
  t.same(own('2025-03-31'), [], 'on the end date')
  t.same(own('2025-04-08'), [], 'exactly 8 days late')
  t.same(own('2025-04-09'), ['SI-M2-004'], '9 days late')
})

t.test('the obligor\'s EMŠO is checked as rubrika 4 (SI-COMMON-002, SI-COMMON-003)', async t => {
  const xml = read('valid-natural-person.xml')
  const own = (emso: string): Finding[] => run(xml.replace('<Emso>2106975500454</Emso>', `<Emso>${emso}</Emso>`)).filter(f => f.code !== UNVERIFIED_REASON)
  t.match(own('2106975500455'), [{ code: 'SI-COMMON-003', field: 'rubrika 4', path: '/M2/Zavezanec/Emso' }])
  t.match(own('3106975500454'), [{ code: 'SI-COMMON-002', field: 'rubrika 4' }])
  t.same(codes(own('1505985500060')), ['SI-COMMON-003'], 'remainder 1')
})

t.test('working times compare as numbers (SI-COMMON-010)', async t => {
  const xml = read('valid-basic.xml')
  const hours = (a: string, b: string): string[] => codes(run(xml
    .replace('<DelovniCasZavarovanca>40<', `<DelovniCasZavarovanca>${a}<`)
    .replace('<PolniDelovniCasZavezanca>40<', `<PolniDelovniCasZavezanca>${b}<`))).filter(c => c !== UNVERIFIED_REASON)
  t.same(hours('40.00', '40'), [])
  t.same(hours('9.5', '10'), [], 'not compared as text')
  t.same(hours('40.01', '40'), ['SI-COMMON-010'])
  t.match(run(read('invalid/SI-COMMON-010.xml')).find(f => f.code === 'SI-COMMON-010'), { field: 'rubrika 16', severity: 'warning' })
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{7}|[0-9]{4}-[0-9]{2}-[0-9]{2}|Žagar|Ana\b|\b99\b/))

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-maximal.xml'))
  t.same(m2.facts(root), { employer: '45678138', externalId: 'HR-2025-0201' })
  t.same(m2.facts(parseXml(read('valid-basic.xml')).root), { employer: '45678138' })
  t.same(m2.facts(parseXml(read('valid-natural-person.xml')).root), { employer: '72604158' })
  t.equal(m2.numberPrefix(root), 'O')
  t.equal(m2.fieldOf('/M2/Odjava/VzrokSpremembeZavarovanja'), 'rubrika 31')
  t.equal(m2.fieldOf('/M2/Odjava[1]/DatumSpremembeZavarovanja'), 'rubrika 32')
  t.equal(m2.fieldOf('/M2/Odjava/Unexpected'), 'rubrike 31–32', 'falls back to the block')
  t.equal(m2.fieldOf('/M2/Zavarovanec/Priimek'), 'rubrika 7')
  t.equal(m2.fieldOf('/M2/Zavezanec/Emso'), 'rubrika 4')
  t.equal(m2.fieldOf('/M2/Opombe'), 'OPOMBE')
  t.equal(m2.fieldOf('/M2'), 'M2')
})
