import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../../lib/paths.js'
import type { Finding } from '../../../validation/index.js'
import { createValidator, type IdentifiedDocument } from '../../validate.js'
import { parseXml, parseXmlBytes } from '../../../xml/parse.js'
import { loadCodeLists } from '../../code-lists-file.js'
import { applyRules, type RuleContext } from '../../form-module.js'
import { rlzec } from './index.js'

const fixtures = join(projectRoot, 'test/fixtures/sk/rlzec')
const codeLists = loadCodeLists()
// The filing date of every fixture (as in forms/catalogue.test.ts); RLZEC has no date-relative rule.
const FILED = '2025-03-03'

function read(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8')
}

/** Admission and plain rules, as the validator runs them on a schema-valid document (without the step cut). */
function run(xml: string): Finding[] {
  const { root } = parseXml(xml)
  const ctx: RuleContext = { filingDate: FILED, codeLists }
  return [...applyRules(rlzec, root, ctx, rlzec.admission), ...applyRules(rlzec, root, ctx)]
}

const codes = (findings: readonly Finding[]): string[] => findings.map(f => f.code).sort()
const validFixtures = readdirSync(fixtures).filter(n => n.startsWith('valid-'))
const invalidFixtures = readdirSync(join(fixtures, 'invalid')).filter(n => n.endsWith('.xml'))

/** valid-seat.xml with the content of Zmena after its date replaced. */
function change(content: string): string {
  return read('valid-seat.xml').replace(/<Sidlo>.*<\/Sidlo>/, content)
}

t.test('valid fixtures give no finding', async t => {
  t.ok(validFixtures.length >= 3)
  for (const name of validFixtures) t.same(codes(run(read(name))), [], name)
})

t.test('every invalid fixture gives exactly its finding', async t => {
  for (const name of invalidFixtures) t.same(codes(run(read(`invalid/${name}`))), [name.replace(/\.xml$/, '')], name)
})

t.test('every finding of RLZEC has a fixture that produces it', async t => {
  for (const code of Object.keys(rlzec.findings)) t.ok(existsSync(join(fixtures, 'invalid', `${code}.xml`)), code)
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

t.test('texts never repeat the value found', async t => {
  for (const name of invalidFixtures) {
    for (const f of run(read(`invalid/${name}`))) {
      t.notMatch(`${f.message.en} ${f.message.sk}`, /[0-9]{6}|SK31|Vzor|Mlynsk|Bratislava/, `${f.code} in ${name}`)
    }
  }
})

t.test('module facts, number prefix and fields', async t => {
  const named = parseXml(read('valid-name-bank.xml')).root
  t.same(rlzec.facts(named), { employer: '2021234501', externalId: 'RLZEC-2025-01' })
  t.same(rlzec.facts(parseXml(read('valid-deregistration.xml')).root), { employer: '2021234501' })
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
  const validator = createValidator(codeLists, { workers: 1 })
  t.teardown(() => validator.close())
  const validate = (xml: string): Promise<Finding[]> => {
    const bytes = Buffer.from(xml)
    const doc = parseXmlBytes(bytes)
    const identified: IdentifiedDocument = { form: rlzec, doc, facts: rlzec.facts(doc.root), bytes }
    return validator.validate(identified, { filingDate: FILED })
  }
  for (const name of validFixtures) t.same(await validate(read(name)), [], name)
  for (const name of invalidFixtures) t.same(codes(await validate(read(`invalid/${name}`))), [name.replace(/\.xml$/, '')], name)

  const xml = read('valid-seat.xml')
  const cases: [string, string, string, string, string][] = [
    ['four-digit postcode', xml.replace('>82109<', '>8210<'), 'SK-XSD-003', '/RLZEC/Zmena/Sidlo/Psc', 'Sídlo – PSČ'],
    ['no municipality', xml.replace('<Obec>Bratislava</Obec>', ''), 'SK-XSD-002', '/RLZEC/Zmena/Sidlo/Obec', 'Sídlo – obec'],
    ['street too long', xml.replace('>Mlynské nivy<', `>${'Mlynské nivy '.repeat(3)}<`), 'SK-XSD-003', '/RLZEC/Zmena/Sidlo/Ulica', 'Sídlo – ulica'],
    ['no date of change', xml.replace('<DatumZmeny>2025-04-01</DatumZmeny>', ''), 'SK-XSD-002', '/RLZEC/Zmena/DatumZmeny', 'dátum zmeny'],
    ['change and deregistration', xml.replace('</Zmena>', '</Zmena><Odhlaska><DatumZaniku>2025-07-01</DatumZaniku></Odhlaska>'), 'SK-XSD-001', '/RLZEC/Odhlaska', 'Typ RL: Odhláška'],
    ['a registration', xml.replace(/Zmena>/g, 'Prihlaska>'), 'SK-XSD-001', '/RLZEC/Prihlaska', 'RLZEC'],
  ]
  for (const [name, bad, code, path, field] of cases) t.match((await validate(bad))[0], { code, path, field, severity: 'error' }, name)
  const neither = xml.replace(/<Zmena>[\s\S]*<\/Zmena>/, '')
  t.match((await validate(neither))[0], { code: 'SK-XSD-002', severity: 'error' }, 'neither change nor deregistration')
})
