import t from 'tap'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/parse.js'
import { formRules } from '../../../../test/helpers/form-rules.js'
import { m3 } from './index.js'

// r.13 of most fixtures: filing on the day of the change gives no deadline finding.
const { read, run, codes, validFixturesFiledOn, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat } =
  formRules(m3, { filingDate: '2025-03-03' })

t.test('valid fixtures give no finding when filed on the day of the change', async t => {
  validFixturesFiledOn(t, 'DatumSpremembeZavarovanja', { 'valid-unit-and-occupation.xml': ['SI-COMMON-009'] })
})

// Findings a fixture gives besides the one it is named for (all caused by the same edit).
const alsoExpected: Record<string, string[]> = {
  'SI-COMMON-008': ['SI-M3-006'],
  'SI-COMMON-013': ['SI-COMMON-009'],
}

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t, { also: alsoExpected }))

t.test('every finding of M3 has a fixture that produces it', async t => everyFindingHasAFixture(t))

t.test('M3 lists every shared SI finding and its own', async t => {
  const own = ['002', '003', '004', '005', '006'].map(n => `SI-M3-${n}`)
  const common = Array.from({ length: 16 }, (_, i) => `SI-COMMON-${String(i + 1).padStart(3, '0')}`)
  t.same(Object.keys(m3.findings).sort(), [...common, ...own].sort())
  t.notOk(Object.keys(m3.findings).some(c => /^SI-M3-0[2-9][0-9]$/.test(c)), '020 and above are left to register rules')
})

t.test('code lists are read on rubrika 13, not on rubrika 14 (SI-COMMON-008)', async t => {
  const xml = read('invalid/SI-COMMON-008.xml')
  t.match(run(xml).find(f => f.code === 'SI-COMMON-008'), { field: 'rubrika 15', path: '/M3/ZavarovanjeNespremenljivo/PodlagaZaZavarovanje' })
  const changedLater = xml.replace('<DatumSpremembeZavarovanja>2009-02-13<', '<DatumSpremembeZavarovanja>2009-02-14<')
  t.same(codes(run(changedLater, '2009-02-14')), [], 'basis 104 is valid from 2009-02-14, though the insurance started earlier')
})

t.test('rubrika 13 may precede rubrika 14: an error found before the insurance began', async t => {
  const xml = read('valid-correction-before-start.xml')
  t.same(codes(run(xml, '2025-03-20')), [], 'found on 20 March, insured from 1 April')
  const storno = read('valid-storno.xml').replace('<DatumSpremembeZavarovanja>2025-02-28<', '<DatumSpremembeZavarovanja>2025-01-31<')
  t.same(codes(run(storno, '2025-01-31')), [], 'also on code 16')
  t.notOk('SI-M3-001' in m3.findings, 'the withdrawn rule has no finding')
})

t.test('code 01 needs a change in rubrike 6–11 or 18–29 (SI-M3-002)', async t => {
  t.match(run(read('invalid/SI-M3-002.xml')), [{ code: 'SI-M3-002', field: 'rubrika 12', path: '/M3/Sprememba/VzrokSpremembeZavarovanja' }])
  const bare = read('invalid/SI-M3-002.xml')
  const withInsured = (element: string): string[] => codes(run(bare.replace('</Emso></Zavarovanec>', `</Emso>${element}</Zavarovanec>`)))
  t.same(withInsured('<Drzavljanstvo>688</Drzavljanstvo>'), [], 'r.6 is a change')
  t.same(withInsured('<Ime>Ana Marija</Ime>'), ['SI-M3-005'], 'r.8 is a change, and wants the previous name')
  t.same(codes(run(read('valid-foreigner-address.xml'))), [], 'r.9–11 are a change')
  t.same(codes(run(read('invalid/SI-COMMON-016.xml'))), ['SI-COMMON-016'], 'an empty block is reported once, as SI-COMMON-016')
})

t.test('code 16 carries no changed rubrika; each one is reported (SI-M3-003)', async t => {
  const xml = read('valid-storno.xml').replace('<Zavarovanec><Emso>1204990505126</Emso></Zavarovanec>',
    '<Zavarovanec><Emso>1204990505126</Emso><Drzavljanstvo>705</Drzavljanstvo><Priimek>Žagar</Priimek></Zavarovanec>')
  t.match(run(xml), [{ code: 'SI-M3-003', field: 'rubrika 6', path: '/M3/Zavarovanec/Drzavljanstvo' }])
  t.equal(run(xml).length, 1, 'rubrika 7 may be repeated; the register compares it (SI-M3-027)')
  t.match(run(read('invalid/SI-M3-003.xml')), [{ code: 'SI-M3-003', field: 'rubrike 18–29', path: '/M3/ZavarovanjeSpremenljivo' }])
})

t.test('code 16 may repeat the surname and name without a condition', async t => {
  t.same(codes(run(read('valid-storno-with-names.xml'))), [])
  const address = read('valid-storno-with-names.xml').replace('<Ime>Ana</Ime>',
    '<Ime>Ana</Ime><PrebivalisceVTujini><NaseljeUlicaHisnaStevilka>Via Roma 1</NaseljeUlicaHisnaStevilka><Posta>34100 Trieste</Posta><Drzava>380</Drzava></PrebivalisceVTujini>')
  t.match(run(address), [{ code: 'SI-M3-003', field: 'rubrike 9–11', path: '/M3/Zavarovanec/PrebivalisceVTujini' }], 'an address abroad is still a change')
})

t.test('rubrika 28 changes only on basis 002; on the seat-state bases it needs M2 + M1 (SI-M3-004)', async t => {
  const xml = read('valid-posting.xml')
  const withBasis = (b: string): string[] => codes(run(xml.replace('<PodlagaZaZavarovanje>002<', `<PodlagaZaZavarovanje>${b}<`)))
  t.same(withBasis('002'), [])
  for (const b of ['113', '114', '115', '119', '120']) t.same(withBasis(b), ['SI-M3-004'], b)
  t.same(withBasis('001'), ['SI-COMMON-014'], 'a basis without posting keeps the shared warning only')
  t.match(run(read('invalid/SI-M3-004.xml')), [{ code: 'SI-M3-004', severity: 'error', field: 'rubrika 28', path: '/M3/ZavarovanjeSpremenljivo/PoslanVDrzavo' }])
  const storno = read('invalid/SI-M3-004.xml').replace('<VzrokSpremembeZavarovanja>01<', '<VzrokSpremembeZavarovanja>16<')
  t.same(codes(run(storno)), ['SI-M3-003'], 'under code 16 the block is reported as a whole')
})

t.test('a changed name wants the previous one in OPOMBE (SI-M3-005)', async t => {
  t.match(run(read('invalid/SI-M3-005.xml')), [{ code: 'SI-M3-005', severity: 'warning', field: 'OPOMBE', path: '/M3/Opombe', line: 3 }])
  const named = read('valid-foreigner-name.xml')
  t.same(codes(run(named.replace(/<m3:Opombe>.*<\/m3:Opombe>/, ''))), ['SI-M3-005'])
  t.same(codes(run(named.replace('<m3:Priimek>Bianchi</m3:Priimek>', '<m3:Ime>Elena Maria</m3:Ime>').replace(/<m3:Opombe>.*<\/m3:Opombe>/, ''))),
    ['SI-M3-005'], 'r.8 alone')
})

t.test('the filing deadline: a warning after 8 days (SI-M3-006)', async t => {
  const xml = read('valid-employment-permanent.xml')
  t.same(codes(run(xml, '2025-03-11')), [], '8 days late')
  t.match(run(xml, '2025-03-12'), [{ code: 'SI-M3-006', severity: 'warning', field: 'rubrika 13' }], '9 days late')
  t.same(codes(run(xml, '2025-02-01')), [], 'a change reported in advance is not refused')
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{7}|Žagar|Radić|Ana\b/))

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-foreigner-name.xml'))
  t.same(m3.facts(root), { employer: '45678138', externalId: 'HR-2025-0203' })
  t.same(m3.facts(parseXml(read('valid-natural-person.xml')).root), { employer: '72604158' })
  t.equal(m3.numberPrefix(root), 'S')
  t.equal(m3.fieldOf('/M3/Sprememba/VzrokSpremembeZavarovanja'), 'rubrika 12')
  t.equal(m3.fieldOf('/M3/Sprememba/DatumSpremembeZavarovanja'), 'rubrika 13')
  t.equal(m3.fieldOf('/M3/Sprememba/Unexpected'), 'rubrike 12–13', 'falls back to the block')
  t.equal(m3.fieldOf('/M3/Zavarovanec/PrebivalisceVTujini/Posta'), 'rubrika 10')
  t.equal(m3.fieldOf('/M3/Opombe'), 'OPOMBE')
  t.equal(m3.fieldOf('/M3'), 'M3')
})
