import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../../lib/paths.js'
import type { Finding } from '../../../validation/finding.js'
import { createValidator, type IdentifiedDocument } from '../../../validation/validator.js'
import { parseXml, parseXmlBytes } from '../../../xml/index.js'
import { loadCodeLists } from '../../code-lists-file.js'
import { applyRules, type EarlierDocument } from '../../form-module.js'
import { earlierFromComment } from '../../../../test/helpers/earlier.js'
import { vpp } from './index.js'

const fixtures = join(projectRoot, 'test/fixtures/sk/vpp')
const codeLists = loadCodeLists()
// The filing date of the fixtures (as in validation/catalogue.test.ts): the period 2025-03 is its month.
const FILED = '2025-03-03'

function read(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8')
}

/** The earlier reports of the period a "documents" fixture assumes (its `<!-- earlier: … -->` comment). */
const earlierOf = (xml: string): EarlierDocument[] | undefined => earlierFromComment(xml, 'Y')

/** Admission and plain rules, as the validator runs them on a schema-valid document. */
function run(xml: string, earlier?: readonly EarlierDocument[], filingDate = FILED): Finding[] {
  const { root } = parseXml(xml)
  return applyRules(vpp, root, { filingDate, codeLists, ...(earlier ? { earlier } : {}) }, [...vpp.admission!, ...vpp.rules])
}

/** A fixture, with the earlier reports its comment names (none when it has no such comment). */
const runFixture = (xml: string): Finding[] => run(xml, earlierOf(xml))

const codes = (findings: readonly Finding[]): string[] => findings.map(f => f.code).sort()
const distinct = (list: readonly string[]): string[] => [...new Set(list)].sort()
const invalidFixtures = (): string[] => readdirSync(join(fixtures, 'invalid')).filter(n => n.endsWith('.xml'))

t.test('valid fixtures give no finding', async t => {
  const names = readdirSync(fixtures).filter(n => n.startsWith('valid-')).sort()
  t.same(names, ['valid-basic.xml', 'valid-maximal.xml', 'valid-no-ico.xml'])
  for (const name of names) t.same(codes(runFixture(read(name))), [], name)
})

t.test('every invalid fixture gives exactly its finding', async t => {
  for (const name of invalidFixtures()) {
    const code = name.replace(/\.xml$/, '')
    t.same(distinct(codes(runFixture(read(`invalid/${name}`)))), [code], name)
  }
})

// The "documents" fixtures and the earlier reports of the period each assumes (kind:acceptance:processing).
const documentsFixtures: Record<string, string> = {
  'SK-VPP-003': 'R:accepted:forwarded',
  'SK-VPP-004': 'R:accepted:unprocessed',
  'SK-VPP-005': 'R:accepted:forwarded, O:accepted:unprocessed',
  'SK-VPP-006': 'R:accepted:unprocessed',
  'SK-VPP-007': 'R:cancelled:returned',
}

t.test('the R/O fixtures name their earlier reports and are silent without them (SK-VPP-003 … 007)', async t => {
  const withComment = invalidFixtures().filter(n => earlierOf(read(`invalid/${n}`)) !== undefined).map(n => n.replace(/\.xml$/, ''))
  t.same(withComment.sort(), Object.keys(documentsFixtures).sort())
  for (const [code, spec] of Object.entries(documentsFixtures)) {
    const xml = read(`invalid/${code}.xml`)
    t.match(xml, `<!-- earlier: ${spec} -->`, code)
    t.same(codes(run(xml)), [], `${code} without the earlier documents`)
  }
  t.match(runFixture(read('invalid/SK-VPP-006.xml')), [{
    code: 'SK-VPP-006', severity: 'error', field: 'Typ výkazu', path: '/VPP/DruhVykazu', message: { en: /\(R\) Y250300000001 /, sk: /\(R\) Y250300000001 / },
  }])
})

t.test('every finding of VPP has a fixture; shared findings and own plain ones below 020', async t => {
  for (const code of Object.keys(vpp.findings)) t.ok(existsSync(join(fixtures, 'invalid', `${code}.xml`)), code)
  t.same(Object.keys(vpp.findings).sort(), [
    'SK-COMMON-001', 'SK-COMMON-002', 'SK-COMMON-003', 'SK-COMMON-004', 'SK-COMMON-005', 'SK-COMMON-006', 'SK-COMMON-008',
    ...Array.from({ length: 14 }, (_, i) => `SK-VPP-${String(i + 1).padStart(3, '0')}`),
  ])
  for (const def of Object.values(vpp.findings)) t.ok(def.en.trim() && def.local.trim(), `${def.code} speaks both languages`)
})

t.test('every row has an assessment base above 0 (SK-VPP-014)', async t => {
  const xml = read('valid-maximal.xml')
  // Row 5 (Martin) has a base in Sp, Up, Gp and Rfs only: one fund is enough.
  t.same(codes(run(xml)), [])
  t.match(run(read('invalid/SK-VPP-014.xml')), [{ code: 'SK-VPP-014', severity: 'error', path: '/VPP/Priloha/Riadok[2]', field: 'riadok prílohy' }])
  const row = xml.slice(xml.indexOf('<Riadok>'), xml.indexOf('</Riadok>') + '</Riadok>'.length)
  const zeroed = row.replace(/<(Vz|PoistneZamestnavatel|PoistneZamestnanec)>[^<]*</g, '<$1>0.00<').replace('<PoradoveCislo>1<', '<PoradoveCislo>6<')
  const withRow = (r: string): string => xml.replace('</Priloha>', `${r}</Priloha>`)
  t.same(codes(run(withRow(zeroed))), ['SK-VPP-014'], 'all zero')
  t.same(codes(run(withRow(zeroed.replace('<Gp><Vz>0.00<', '<Gp><Vz>0.01<')))), [], 'one cent in one fund')
  t.same(codes(run(withRow(zeroed.replace('<Gp><Vz>0.00<', '<Gp><Vz>-5.00<')))), ['SK-VPP-009', 'SK-VPP-014'], 'a negative base is not above 0')
})

t.test('a negative amount is allowed only in a row that had one in a forwarded report of the period (SK-VPP-009)', async t => {
  const xml = read('valid-maximal.xml')
  const current = xml.replace('<Np><Vz>1000.00</Vz>', '<Np><Vz>-100.00</Vz>').replace('<Np><Vz>250.00</Vz>', '<Np><Vz>-20.00</Vz>')
  const before = parseXml(xml.replace('<Np><Vz>1000.00</Vz>', '<Np><Vz>-1.00</Vz>')).root
  const earlier = (processing: string): EarlierDocument[] => [{ number: 'Y250300000001', kind: 'R', acceptance: 'accepted', processing, root: before }]
  const paths = (e?: EarlierDocument[]): string[] => run(current, e).filter(f => f.code === 'SK-VPP-009').map(f => f.path)
  t.same(paths(), ['/VPP/Priloha/Riadok[1]/Np/Vz', '/VPP/Priloha/Riadok[2]/Np/Vz'])
  t.same(paths(earlier('forwarded')), ['/VPP/Priloha/Riadok[2]/Np/Vz'])
  t.same(paths(earlier('unprocessed')), ['/VPP/Priloha/Riadok[1]/Np/Vz', '/VPP/Priloha/Riadok[2]/Np/Vz'])
})

t.test('texts never repeat the value found', async t => {
  for (const name of invalidFixtures()) {
    for (const f of runFixture(read(`invalid/${name}`))) {
      t.notMatch(`${f.message.en} ${f.message.sk}`, /(?<![0-9])[0-9]{9,10}(?![0-9])|Horváth|Jana|Kováč|2025-0|2008-12|14\.05|341|47123452/, `${f.code} in ${name}`)
    }
  }
})

function identified(xml: string): IdentifiedDocument {
  const bytes = Buffer.from(xml)
  const doc = parseXmlBytes(bytes)
  return { form: vpp, doc, facts: vpp.facts(doc.root), bytes }
}

t.test('the real validator: schema and rules over the fixtures', async t => {
  const validator = createValidator(codeLists, { workers: 1 })
  t.teardown(() => validator.close())
  const validate = (xml: string, earlier = earlierOf(xml)): Promise<Finding[]> =>
    validator.validate(identified(xml), { filingDate: FILED, ...(earlier ? { earlier } : {}) })
  for (const name of readdirSync(fixtures).filter(n => n.startsWith('valid-'))) {
    t.same(await validate(read(name)), [], name)
  }
  for (const name of invalidFixtures()) {
    const code = name.replace(/\.xml$/, '')
    t.same(distinct(codes(await validate(read(`invalid/${name}`)))), [code], name)
  }

  const xml = read('valid-maximal.xml')
  const cases: [string, string, string, string, string][] = [
    ['missing insurance role', xml.replace('<PoistnaRola>PP</PoistnaRola>', ''), 'SK-XSD-002', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['unknown insurance role', xml.replace('<PoistnaRola>PP<', '<PoistnaRola>DO<'), 'SK-XSD-006', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['role in lower case', xml.replace('<PoistnaRola>PP<', '<PoistnaRola>pp<'), 'SK-XSD-006', '/VPP/Priloha/Riadok[2]/PoistnaRola', 'poistná rola'],
    ['MVP\'s payday', xml.replace('<DruhVykazu>R</DruhVykazu>', '<DruhVykazu>R</DruhVykazu><DenVyplaty>2025-04-10</DenVyplaty>'),
      'SK-XSD-001', '/VPP/DenVyplaty', 'VPP'],
    ['MVP\'s agreement flag', xml.replace('<PoistnaRola>PP</PoistnaRola>', '<PoistnaRola>PP</PoistnaRola><Dohoda>true</Dohoda>'),
      'SK-XSD-001', '/VPP/Priloha/Riadok[2]/Dohoda', 'riadok prílohy'],
    ['role after the exception', xml.replace('<PoistnaRola>NP</PoistnaRola><VynimkaVz>0</VynimkaVz>', '<VynimkaVz>0</VynimkaVz><PoistnaRola>NP</PoistnaRola>'),
      'SK-XSD-001', '/VPP/Priloha/Riadok[1]/VynimkaVz', 'Výnimka VZ'],
    ['no total', xml.replace(/<PoistneSpolu>[^<]*<\/PoistneSpolu>/, ''), 'SK-XSD-002', '/VPP/Suhrn/PoistneSpolu', 'Poistné a príspevky k úhrade'],
  ]
  for (const [name, bad, code, path, field] of cases) {
    t.match((await validate(bad))[0], { code, path, field, severity: 'error' }, name)
  }
  const early = xml.replace('<Obdobie>2025-03<', '<Obdobie>2025-04<').replace('<PoistnaRola>PP</PoistnaRola>', '')
  t.same(codes(await validate(early)), ['SK-VPP-002'], 'the period (step 2) before the schema (step 4)')
})

t.test('module facts and fields', async t => {
  const { root } = parseXml(read('valid-maximal.xml'))
  t.same(vpp.facts(root), { employer: '2021234501', period: '2025-03', kind: 'R', externalId: 'MZDY-2025-03-VPP-2' })
  t.same(vpp.facts(parseXml(read('valid-no-ico.xml')).root), { employer: '1087654321', period: '2025-03', kind: 'R' })
  t.equal(vpp.numberPrefix(root), 'Y')
  t.equal(vpp.series!(root), '2025-03')
  t.notOk(vpp.needsEarlierContent!(root))
  const fields: [string, string][] = [
    ['/VPP/Obdobie', 'Obdobie výplaty príjmov'],
    ['/VPP/DruhVykazu', 'Typ výkazu'],
    ['/VPP/Suhrn', '5. Súhrn poistného a príspevkov'],
    ['/VPP/Suhrn/PoistneSpolu', 'Poistné a príspevky k úhrade'],
    ['/VPP/Priloha', 'Príloha'],
    ['/VPP/Priloha/Riadok[3]', 'riadok prílohy'],
    ['/VPP/Priloha/Riadok[3]/PoradoveCislo', 'Poradové číslo'],
    ['/VPP/Priloha/Riadok[3]/PoistnaRola', 'poistná rola'],
    ['/VPP/Priloha/Riadok[3]/VynimkaVz', 'Výnimka VZ'],
    ['/VPP/Priloha/Riadok[3]/Rfs/PoistneZamestnavatel', 'Zamestnávateľ – rezervný fond solidarity'],
    ['/VPP/Priloha/Riadok[3]/Dohoda', 'riadok prílohy'],
    ['/VPP/DenVyplaty', 'VPP'],
  ]
  for (const [path, field] of fields) t.equal(vpp.fieldOf(path), field, path)
})
