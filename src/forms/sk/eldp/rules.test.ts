import t from 'tap'
import type { Finding } from '../../../validation/index.js'
import { parseXml } from '../../../xml/parse.js'
import type { EarlierDocument } from '../../form-module.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { eldp } from './index.js'

// The filing date of every fixture (as in forms/catalogue.test.ts); ELDP has no date-relative rule.
const FILED = '2025-03-03'
const {
  codeLists, read, codes, validFixtures, invalidFixtures, identified,
  invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, validatorOverFixtures, schemaErrors, ...rules
} = formRules(eldp, { filingDate: FILED })

/** An earlier ELDP of the series; numbers are E + YYMM + sequence (DOCUMENTS §4). */
function earlierDoc(kind: string, acceptance: string, processing: string, n = 1): EarlierDocument {
  return { number: `E25020000000${n}`, kind, acceptance, processing }
}

/**
 * The earlier ELDPs of the series that each fixture of a "documents" rule assumes, oldest first. Each fixture
 * says the same in its `<!-- earlier: kind:acceptance:processing, … -->` line (checked below).
 */
const earlierOf: Readonly<Record<string, readonly EarlierDocument[]>> = {
  'valid-corrective.xml': [earlierDoc('R', 'accepted', 'processed')],
  'invalid/SK-ELDP-008.xml': [earlierDoc('R', 'accepted', 'unprocessed')],
  'invalid/SK-ELDP-009.xml': [earlierDoc('R', 'accepted', 'forwarded')],
}

/** Admission and plain rules on the filing date of the fixtures, offline or with the earlier ELDPs given. */
const run = (xml: string, earlier?: readonly EarlierDocument[]): Finding[] => rules.run(xml, FILED, earlier)

/** valid-example.xml (Peter, 2024-06-01 to 2025-02-28, periods 2024 and 2025) with its periods replaced. */
function withPeriods(...rows: string[]): string {
  const xml = read('valid-example.xml')
  return xml.slice(0, xml.indexOf('  <ObdobiePoistenia>')) + rows.join('\n') + '\n</ELDP>\n'
}

function period(year: string, from: string, to: string, extra = '', vz = '1000.00', sign = 'A'): string {
  return `  <ObdobiePoistenia><Rok>${year}</Rok><ZnakPoistenia>${sign}</ZnakPoistenia><DatumOd>${from}</DatumOd><DatumDo>${to}</DatumDo><Vz>${vz}</Vz>${extra}</ObdobiePoistenia>`
}

t.test('valid fixtures give no finding, offline and with the earlier ELDPs they assume', async t => {
  t.ok(validFixtures.length >= 4)
  for (const name of validFixtures) {
    t.same(codes(run(read(name))), [], `${name} offline`)
    t.same(codes(run(read(name), earlierOf[name] ?? [])), [], `${name} with its earlier ELDPs`)
  }
})

t.test('every invalid fixture gives exactly its finding, with the earlier ELDPs it assumes', async t => {
  invalidGiveTheirFinding(t, { earlier: name => earlierOf[`invalid/${name}`] ?? [] })
})

t.test('each fixture\'s earlier-documents comment agrees with the table', async t => {
  const names = [...validFixtures, ...invalidFixtures.map(n => `invalid/${n}`)]
  for (const name of names) {
    const line = /<!-- earlier: (.*) -->/.exec(read(name))?.[1]
    const expected = earlierOf[name]?.map(d => `${d.kind}:${d.acceptance}:${d.processing}`).join(', ')
    t.equal(line, expected, name)
  }
})

t.test('every finding of ELDP has a fixture that produces it', async t => {
  everyFindingHasAFixture(t)
  t.same(Object.keys(eldp.findings).sort(), [
    'SK-COMMON-001', 'SK-COMMON-002', 'SK-COMMON-003', 'SK-COMMON-004', 'SK-COMMON-005', 'SK-COMMON-006',
    'SK-COMMON-007',
    'SK-ELDP-001', 'SK-ELDP-002', 'SK-ELDP-003', 'SK-ELDP-004', 'SK-ELDP-005', 'SK-ELDP-006', 'SK-ELDP-007',
    'SK-ELDP-008', 'SK-ELDP-009', 'SK-ELDP-010',
  ])
  for (const code of Object.keys(eldp.registerFindings ?? {})) t.ok(Number(code.slice(-3)) >= 20, `${code} is a register finding`)
})

t.test('the sign list is complete: an unlisted insurance sign is an error (SK-ELDP-010)', async t => {
  t.equal(codeLists.check('sk/znak-poistenia', 'ZZ', FILED), 'unknown')
  t.match(run(read('invalid/SK-ELDP-010.xml')), [{ code: 'SK-ELDP-010', severity: 'error', field: 'znak poistenia', path: '/ELDP/ObdobiePoistenia[2]/ZnakPoistenia' }])
  for (const sign of ['A', 'C', 'S', 'MD', 'RD', 'VS', 'CS']) t.same(codes(run(withPeriods(period('2024', '2024-06-01', '2024-12-31', '', '1.00', sign)))), [], sign)
  t.same(codes(run(withPeriods('  <ObdobiePoistenia><Rok>2024</Rok><DatumOd>2024-06-01</DatumOd><DatumDo>2024-12-31</DatumDo><Vz>1.00</Vz></ObdobiePoistenia>'))), [], 'the sign is optional')
})

t.test('period dates: od ≤ do, in the year, inside the relationship (SK-ELDP-001 to -003)', async t => {
  const own = (...rows: string[]): string[] => codes(run(withPeriods(...rows)))
  t.same(own(period('2024', '2024-06-01', '2024-06-01')), [], 'a period of one day')
  t.same(own(period('2024', '2024-06-02', '2024-06-01')), ['SK-ELDP-001'])
  t.same(own(period('2024', '2024-06-01', '2025-01-01')), ['SK-ELDP-002'], 'a day into the next year')
  t.same(own(period('2025', '2024-12-31', '2025-01-31')), ['SK-ELDP-002'], 'a day of the previous year')
  t.same(own(period('2023', '2024-06-01', '2024-12-31')), ['SK-ELDP-002', 'SK-ELDP-002'], 'the wrong year')
  t.same(own(period('2024', '2024-05-31', '2024-12-31')), ['SK-ELDP-003'], 'the day before the relationship')
  t.same(own(period('2025', '2025-01-01', '2025-03-01')), ['SK-ELDP-003'], 'the day after the relationship')
  t.same(own(period('2025', '2025-01-01', '2025-02-28')), [], 'up to the last day')
  t.match(run(read('invalid/SK-ELDP-001.xml')), [{ code: 'SK-ELDP-001', field: 'do', path: '/ELDP/ObdobiePoistenia[1]/DatumDo' }])
  t.match(run(read('invalid/SK-ELDP-002.xml')), [{ code: 'SK-ELDP-002', field: 'do', path: '/ELDP/ObdobiePoistenia[1]/DatumDo' }])
  t.match(run(read('invalid/SK-ELDP-003.xml')), [{ code: 'SK-ELDP-003', field: 'od', path: '/ELDP/ObdobiePoistenia[1]/DatumOd' }])
  t.same(codes(run(read('valid-lasting.xml').replace(/2024/g, '2026'))), [], 'a lasting relationship has no end to exceed')
  t.same(codes(run(read('valid-lasting.xml').replace('<DatumVzniku>2015-09-01', '<DatumVzniku>2024-01-02'))), ['SK-ELDP-003'], 'but still a start')
})

t.test('the relationship ends on or after its start (SK-ELDP-007)', async t => {
  const relation = (start: string, end: string): string[] => codes(run(read('valid-example.xml')
    .replace('<DatumVzniku>2024-06-01</DatumVzniku><DatumZaniku>2025-02-28</DatumZaniku>', `<DatumVzniku>${start}</DatumVzniku><DatumZaniku>${end}</DatumZaniku>`)))
  t.same(relation('2024-06-01', '2024-05-31'), ['SK-ELDP-007'], 'the periods are not judged against such a relationship')
  t.same(relation('2024-06-01', '2024-06-01').filter(c => c !== 'SK-ELDP-003'), [], 'a relationship of one day')
  t.match(run(read('invalid/SK-ELDP-007.xml')), [{ code: 'SK-ELDP-007', field: 'Dátum zániku', path: '/ELDP/PoistnyVztah/DatumZaniku' }])
})

t.test('periods ascend without overlap (SK-ELDP-004)', async t => {
  const own = (...rows: string[]): string[] => codes(run(withPeriods(...rows)))
  t.same(own(period('2024', '2024-06-01', '2024-08-31'), period('2024', '2024-09-01', '2024-12-31')), [], 'adjacent: a split year')
  t.same(own(period('2024', '2024-06-01', '2024-08-31'), period('2024', '2024-10-01', '2024-12-31')), [], 'a gap')
  t.same(own(period('2024', '2024-06-01', '2024-09-01'), period('2024', '2024-09-01', '2024-12-31')), ['SK-ELDP-004'], 'sharing a day')
  t.same(own(period('2024', '2024-06-01', '2024-12-31'), period('2024', '2024-07-01', '2024-07-31')), ['SK-ELDP-004'], 'inside the previous one')
  t.same(own(period('2024', '2024-06-01', '2024-12-31'), period('2024', '2024-07-01', '2024-07-31'), period('2024', '2024-08-01', '2024-08-31')),
    ['SK-ELDP-004', 'SK-ELDP-004'], 'every period that starts before the latest end so far')
  t.match(run(read('invalid/SK-ELDP-004.xml')), [{ code: 'SK-ELDP-004', field: 'od', path: '/ELDP/ObdobiePoistenia[2]/DatumOd' }])
})

t.test('assessment bases are not negative (SK-ELDP-005)', async t => {
  const own = (vz: string, extra = ''): string[] => codes(run(withPeriods(period('2024', '2024-06-01', '2024-12-31', extra, vz))))
  t.same(own('0.00'), [])
  t.same(own('-0.00'), [], 'minus zero is zero')
  t.same(own('-0.01'), ['SK-ELDP-005'])
  t.same(own('1.00', '<VzVylucene>-5.00</VzVylucene>'), ['SK-ELDP-005'], 'the base of excluded periods too')
  t.match(run(read('invalid/SK-ELDP-005.xml')), [{ code: 'SK-ELDP-005', field: 'VZ na dôchodkové poistenie', path: '/ELDP/ObdobiePoistenia[2]/Vz' }])
})

t.test('excluded days fit in the period, both ends included (SK-ELDP-006)', async t => {
  const days = (from: string, to: string, n: number): string[] =>
    codes(run(withPeriods(period(from.slice(0, 4), from, to, `<DniVylucene>${n}</DniVylucene>`))))
  t.same(days('2024-06-01', '2024-06-01', 1), [], 'one day in a period of one day')
  t.same(days('2024-06-01', '2024-06-01', 2), ['SK-ELDP-006'])
  t.same(days('2024-06-01', '2024-12-31', 214), [], '214 days from June to December')
  t.same(days('2024-06-01', '2024-12-31', 215), ['SK-ELDP-006'])
  t.same(days('2024-06-02', '2024-06-01', 5), ['SK-ELDP-001'], 'a reversed period only has SK-ELDP-001')
  t.same(codes(run(read('valid-excluded.xml').replace('<DniVylucene>58<', '<DniVylucene>366<'))), [], 'a leap year has 366 days')
  t.same(codes(run(read('valid-excluded.xml').replace('<DniVylucene>58<', '<DniVylucene>367<'))), ['SK-ELDP-006'])
  t.match(run(read('invalid/SK-ELDP-006.xml')), [{ code: 'SK-ELDP-006', field: 'dni vylúčených dôb', path: '/ELDP/ObdobiePoistenia[2]/DniVylucene' }])
})

t.test('a corrective ELDP needs an accepted ELDP forwarded, processed or faulty (SK-ELDP-008)', async t => {
  const corrective = read('valid-corrective.xml')
  const judge = (...earlier: EarlierDocument[]): string[] => codes(run(corrective, earlier))
  t.same(codes(run(corrective)), [], 'offline the earlier ELDPs are unknown: silent')
  t.same(judge(), ['SK-ELDP-008'], 'no earlier ELDP')
  for (const processing of ['forwarded', 'processed', 'faulty']) t.same(judge(earlierDoc('R', 'accepted', processing)), [], `R accepted, ${processing}`)
  t.same(judge(earlierDoc('O', 'accepted', 'processed')), [], 'an earlier corrective one will do')
  t.same(judge(earlierDoc('R', 'accepted', 'unprocessed')), ['SK-ELDP-008'], 'not yet forwarded')
  t.same(judge(earlierDoc('R', 'cancelled', 'returned')), ['SK-ELDP-008'], 'cancelled')
  t.same(judge(earlierDoc('R', 'not_accepted', 'unprocessed')), ['SK-ELDP-008'], 'not accepted')
  t.same(judge(earlierDoc('R', 'cancelled', 'returned'), earlierDoc('R', 'accepted', 'faulty', 2)), [], 'any one of them')
  t.match(run(read('invalid/SK-ELDP-008.xml'), earlierOf['invalid/SK-ELDP-008.xml']), [{
    code: 'SK-ELDP-008', severity: 'error', field: 'Evidenčný list opravný', path: '/ELDP/DruhEldp', line: 6,
  }])
})

t.test('a regular ELDP beside a regular one not cancelled is warned, naming it (SK-ELDP-009)', async t => {
  const regular = read('valid-example.xml')
  const judge = (...earlier: EarlierDocument[]): Finding[] => run(regular, earlier)
  t.same(judge(), [], 'the first of its series')
  t.same(judge(earlierDoc('R', 'cancelled', 'returned')), [], 'the earlier one was cancelled')
  t.same(judge(earlierDoc('O', 'accepted', 'processed')), [], 'only regular ones count')
  const [finding, ...more] = judge(earlierDoc('R', 'cancelled', 'returned'), earlierDoc('R', 'accepted', 'unprocessed', 2))
  t.same(more, [])
  t.match(finding, { code: 'SK-ELDP-009', severity: 'warning', path: '/ELDP/DruhEldp', field: 'Evidenčný list opravný' })
  t.match(finding?.message.en, /regular ELDP E250200000002 .* cancel E250200000002 /)
  t.match(finding?.message.sk, /Riadny ELDP E250200000002 /)
})

t.test('the kind is judged even when the schema fails, and stops at step 3', async t => {
  const { validator } = realValidator(t)
  const broken = read('invalid/SK-ELDP-008.xml').replace('<Vz>4150.00</Vz>', '<Vz>4150</Vz>')
  const found = await validator.validate(identified(broken), { filingDate: FILED, earlier: earlierOf['invalid/SK-ELDP-008.xml']! })
  t.same(codes(found), ['SK-ELDP-008'], 'the schema error (step 4) waits until the kind is right')
})

t.test('persons: the insured person\'s rodné číslo and date of birth (SK-COMMON-002 to -007)', async t => {
  t.match(run(read('invalid/SK-COMMON-007.xml')), [{ code: 'SK-COMMON-007', field: 'Dátum narodenia', path: '/ELDP/Poistenec/DatumNarodenia' }])
  t.match(run(read('invalid/SK-COMMON-002.xml')), [{ code: 'SK-COMMON-002', field: 'Rodné číslo', path: '/ELDP/Poistenec/RodneCislo' }])
})

t.test('texts never repeat the value found', async t => {
  textsNeverRepeat(t, /[0-9]{6}|Kováč|Peter|Baláž|Tóth|\bZZ\b|20[0-9]{2}-|4150|4000/, {
    earlier: name => earlierOf[`invalid/${name}`] ?? [],
    // Document numbers are the one value a text may carry ({number}).
    scrub: text => text.replace(/\bE[0-9]{12}\b/g, ''),
  })
})

t.test('module facts, series, number prefix and fields', async t => {
  const root = parseXml(read('valid-example.xml')).root
  t.same(eldp.facts(root), { employer: '2021234501', icz: '5101234567', kind: 'R' })
  t.same(eldp.facts(parseXml(read('valid-corrective.xml')).root), { employer: '2021234501', icz: '5101234567', kind: 'O' })
  t.equal(eldp.numberPrefix(root), 'E')
  t.equal(eldp.series?.(root), '8704122361|2024-06-01')
  t.equal(eldp.series?.(parseXml(read('valid-lasting.xml')).root), '9055201232|2015-09-01')
  const temporary = read('valid-example.xml').replace(/RodneCislo>/g, 'DocasneRodneCislo>')
  t.equal(eldp.series?.(parseXml(temporary).root), '8704122361|2024-06-01', 'a temporary number')
  t.equal(eldp.series?.(parseXml(read('valid-example.xml').replace(/<PoistnyVztah>.*<\/PoistnyVztah>/, '')).root), undefined, 'no relationship')
  t.equal(eldp.series?.(parseXml(read('valid-example.xml').replace(/<RodneCislo>.*<\/RodneCislo>/, '')).root), undefined, 'no person number')
  t.equal(eldp.needsEarlierContent, undefined, 'the kind rules read only states')
  t.equal(eldp.fieldOf('/ELDP/DruhEldp'), 'Evidenčný list opravný')
  t.equal(eldp.fieldOf('/ELDP/Poistenec'), 'údaje poistenca')
  t.equal(eldp.fieldOf('/ELDP/Poistenec/RodneCislo'), 'Rodné číslo')
  t.equal(eldp.fieldOf('/ELDP/PoistnyVztah'), 'poistný vzťah')
  t.equal(eldp.fieldOf('/ELDP/PoistnyVztah/DatumVzniku'), 'Dátum vzniku')
  t.equal(eldp.fieldOf('/ELDP/PoistnyVztah/DatumZaniku'), 'Dátum zániku')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia[2]'), 'obdobie poistenia')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia[2]/Rok'), 'rok')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/ZnakPoistenia'), 'znak poistenia')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/DatumOd'), 'od')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/DatumDo'), 'do')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/Vz'), 'VZ na dôchodkové poistenie')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/VzVylucene'), 'VZ počas vylúčených dôb')
  t.equal(eldp.fieldOf('/ELDP/ObdobiePoistenia/DniVylucene'), 'dni vylúčených dôb')
  t.equal(eldp.fieldOf('/ELDP'), 'ELDP')
})

t.test('the real validator: schema, admission and rules over every fixture', async t => {
  const { validate } = realValidator(t)
  await validatorOverFixtures(t, validate, name => earlierOf[name])

  const xml = read('valid-example.xml')
  const cases: SchemaCase[] = [
    ['unknown kind', xml.replace('<DruhEldp>R<', '<DruhEldp>X<'), 'SK-XSD-006', '/ELDP/DruhEldp', 'Evidenčný list opravný'],
    ['sign in lower case', xml.replace('<ZnakPoistenia>A<', '<ZnakPoistenia>a<'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/ZnakPoistenia', 'znak poistenia'],
    ['sign of three letters', xml.replace('<ZnakPoistenia>A<', '<ZnakPoistenia>ABC<'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/ZnakPoistenia', 'znak poistenia'],
    ['year of two digits', xml.replace('<Rok>2024<', '<Rok>24<'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/Rok', 'rok'],
    ['base without decimals', xml.replace('<Vz>14000.00<', '<Vz>14000<'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/Vz', 'VZ na dôchodkové poistenie'],
    ['four-digit days', xml.replace('<Vz>14000.00</Vz>', '<Vz>14000.00</Vz><DniVylucene>1000</DniVylucene>'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/DniVylucene', 'dni vylúčených dôb'],
    ['negative days', xml.replace('<Vz>14000.00</Vz>', '<Vz>14000.00</Vz><DniVylucene>-1</DniVylucene>'), 'SK-XSD-003', '/ELDP/ObdobiePoistenia[1]/DniVylucene', 'dni vylúčených dôb'],
    ['no start of the relationship', xml.replace('<DatumVzniku>2024-06-01</DatumVzniku>', ''), 'SK-XSD-002', '/ELDP/PoistnyVztah/DatumVzniku', 'Dátum vzniku'],
    ['no date of birth', xml.replace('<DatumNarodenia>1987-04-12</DatumNarodenia>', ''), 'SK-XSD-002', '/ELDP/Poistenec/DatumNarodenia', 'Dátum narodenia'],
  ]
  await schemaErrors(t, validate, cases)
  const noPeriod = xml.slice(0, xml.indexOf('  <ObdobiePoistenia>')) + '</ELDP>\n'
  t.match((await validate(noPeriod))[0], { code: 'SK-XSD-002', path: '/ELDP/ObdobiePoistenia', field: 'obdobie poistenia' }, 'no period')
})
