import t from 'tap'
import { parseXml } from '../../../xml/parse.js'
import { formRules, type SchemaCase } from '../../../../test/helpers/form-rules.js'
import { rlzec } from './index.js'

// The filing date of every fixture (as in forms/catalogue.test.ts); RLZEC has no date-relative rule.
const {
  read, run, codes,
  validGiveNoFinding, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, realValidator, validatorOverFixtures, schemaErrors,
} = formRules(rlzec, { filingDate: '2025-03-03' })

/** valid-seat.xml with the content of Zmena after its date replaced. */
function change(content: string): string {
  return read('valid-seat.xml').replace(/<Sidlo>.*<\/Sidlo>/, content)
}

t.test('valid fixtures give no finding', async t => validGiveNoFinding(t, 3))

t.test('every invalid fixture gives exactly its finding', async t => invalidGiveTheirFinding(t))

t.test('every finding of RLZEC has a fixture that produces it', async t => {
  everyFindingHasAFixture(t)
  t.same(Object.keys(rlzec.findings).sort(), ['SK-COMMON-001', 'SK-COMMON-008', 'SK-RLZEC-001'])
  t.same(Object.keys(rlzec.registerFindings ?? {}), ['SK-RLZEC-020'], 'register findings from 020')
})

t.test('a change carries at least one new value (SK-RLZEC-001)', async t => {
  t.match(run(read('invalid/SK-RLZEC-001.xml')), [{ code: 'SK-RLZEC-001', severity: 'error', field: 'Typ RL: Zmena', path: '/RLZEC/Zmena', line: 5 }])
  t.same(codes(run(change('<Nazov>Vzor Slovakia s.r.o.</Nazov>'))), [], 'a name alone')
  t.same(codes(run(change('<Sidlo><Obec>Kráľová pri Senci</Obec><Psc>90050</Psc></Sidlo>'))), [], 'a seat alone, without street')
  t.same(codes(run(change('<BankoveSpojenie><Iban>SK3112000000198742637541</Iban></BankoveSpojenie>'))), [], 'bank data alone')
  t.same(codes(run(read('valid-deregistration.xml'))), [], 'a deregistration has no such rule')
})

t.test('the new IBAN is checked (SK-COMMON-008)', async t => {
  t.match(run(read('invalid/SK-COMMON-008.xml')), [{ code: 'SK-COMMON-008', field: 'Bankové spojenie', path: '/RLZEC/Zmena/BankoveSpojenie/Iban' }])
})

t.test('texts never repeat the value found', async t => textsNeverRepeat(t, /[0-9]{6}|SK31|Vzor|Mlynsk|Bratislava/))

t.test('module facts, number prefix and fields', async t => {
  const named = parseXml(read('valid-name-bank.xml')).root
  t.same(rlzec.facts(named), { employer: '2021234501', icz: '5101234567', externalId: 'RLZEC-2025-01' })
  t.same(rlzec.facts(parseXml(read('valid-deregistration.xml')).root), { employer: '2021234501', icz: '5101234567' })
  t.equal(rlzec.numberPrefix(named), 'Z')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena'), 'Typ RL: Zmena')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena/DatumZmeny'), 'dátum zmeny')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena/Nazov'), 'Názov')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena/Sidlo'), 'Sídlo')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena/Sidlo/Psc'), 'Sídlo – PSČ')
  t.equal(rlzec.fieldOf('/RLZEC/Zmena/BankoveSpojenie/Iban'), 'Bankové spojenie')
  t.equal(rlzec.fieldOf('/RLZEC/Odhlaska'), 'Typ RL: Odhláška')
  t.equal(rlzec.fieldOf('/RLZEC/Odhlaska/DatumZaniku'), 'dátum zániku')
  t.equal(rlzec.fieldOf('/RLZEC/Zamestnavatel/Nazov'), 'Názov zamestnávateľa', 'the employer\'s name is not the new name')
  t.equal(rlzec.fieldOf('/RLZEC'), 'RLZEC')
})

t.test('the real validator: schema, admission and rules over every fixture', async t => {
  const { validate } = realValidator(t)
  await validatorOverFixtures(t, validate)

  const xml = read('valid-seat.xml')
  const cases: SchemaCase[] = [
    ['four-digit postcode', xml.replace('>82109<', '>8210<'), 'SK-XSD-003', '/RLZEC/Zmena/Sidlo/Psc', 'Sídlo – PSČ'],
    ['no municipality', xml.replace('<Obec>Bratislava</Obec>', ''), 'SK-XSD-002', '/RLZEC/Zmena/Sidlo/Obec', 'Sídlo – obec'],
    ['street too long', xml.replace('>Mlynské nivy<', `>${'Mlynské nivy '.repeat(3)}<`), 'SK-XSD-003', '/RLZEC/Zmena/Sidlo/Ulica', 'Sídlo – ulica'],
    ['no date of change', xml.replace('<DatumZmeny>2025-04-01</DatumZmeny>', ''), 'SK-XSD-002', '/RLZEC/Zmena/DatumZmeny', 'dátum zmeny'],
    ['change and deregistration', xml.replace('</Zmena>', '</Zmena><Odhlaska><DatumZaniku>2025-07-01</DatumZaniku></Odhlaska>'), 'SK-XSD-001', '/RLZEC/Odhlaska', 'Typ RL: Odhláška'],
    ['a registration', xml.replace(/Zmena>/g, 'Prihlaska>'), 'SK-XSD-001', '/RLZEC/Prihlaska', 'RLZEC'],
  ]
  await schemaErrors(t, validate, cases)
  const neither = xml.replace(/<Zmena>[\s\S]*<\/Zmena>/, '')
  t.match((await validate(neither))[0], { code: 'SK-XSD-002', severity: 'error' }, 'neither change nor deregistration')
})
