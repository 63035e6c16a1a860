import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../../lib/paths.js'
import type { Finding } from '../../../validation/index.js'
import { parseXml, parseXmlBytes } from '../../../xml/index.js'
import { createValidator } from '../../validate.js'
import { loadCodeLists } from '../../code-lists-file.js'
import { applyRules, type EarlierDocument, type FormModule } from '../../form-module.js'
import { earlierFromComment } from '../../../../test/helpers/earlier.js'
import { mvp } from '../mvp/index.js'
import { vpp } from '../vpp/index.js'

const codeLists = loadCodeLists()
// The filing date of the fixtures (as in forms/catalogue.test.ts): the period 2025-03 is its month.
const FILED = '2025-03-03'
const codes = (findings: readonly Finding[]): string[] => findings.map(f => f.code).sort()
const distinct = (list: readonly string[]): string[] => [...new Set(list)].sort()

/** What differs between the two reports' fixture sets. */
const cases: { form: FormModule; prefix: string; valid: string[]; ownCodes: number; named: string; amounts: string }[] = [
  { form: mvp, prefix: 'V', valid: ['valid-basic.xml', 'valid-corrective.xml', 'valid-maximal.xml', 'valid-no-ico.xml'], ownCodes: 13, named: '004', amounts: '28\\.35|682' },
  { form: vpp, prefix: 'Y', valid: ['valid-basic.xml', 'valid-maximal.xml', 'valid-no-ico.xml'], ownCodes: 14, named: '006', amounts: '14\\.05|341' },
]

// One validator (schema and rules, as intake runs them) for every fixture of both reports.
const validator = createValidator(codeLists)

// The "documents" fixtures and the earlier reports of the period each assumes (kind:acceptance:processing).
const documentsFixtures: Record<string, string> = {
  '003': 'R:accepted:forwarded',
  '004': 'R:accepted:unprocessed',
  '005': 'R:accepted:forwarded, O:accepted:unprocessed',
  '006': 'R:accepted:unprocessed',
  '007': 'R:cancelled:returned',
}

for (const { form, prefix, valid, ownCodes, named, amounts } of cases) {
  const P = `SK-${form.type}`
  const fixtures = join(projectRoot, 'test/fixtures/sk', form.type.toLowerCase())
  const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8')
  const invalidFixtures = (): string[] => readdirSync(join(fixtures, 'invalid')).filter(n => n.endsWith('.xml'))
  /** The earlier reports of the period a "documents" fixture assumes (its `<!-- earlier: … -->` comment). */
  const earlierOf = (xml: string): EarlierDocument[] | undefined => earlierFromComment(xml, prefix)
  /** Admission and plain rules, as the validator runs them on a schema-valid document. */
  const run = (xml: string, earlier?: readonly EarlierDocument[]): Finding[] =>
    applyRules(form, parseXml(xml).root, { filingDate: FILED, codeLists, ...(earlier ? { earlier } : {}) }, [...form.admission!, ...form.rules])
  /** A fixture, with the earlier reports its comment names (none when it has no such comment). */
  const runFixture = (xml: string): Finding[] => run(xml, earlierOf(xml))

  t.test(`${form.type}: valid fixtures give no finding`, async t => {
    const names = readdirSync(fixtures).filter(n => n.startsWith('valid-')).sort()
    t.same(names, valid)
    for (const name of names) t.same(codes(runFixture(read(name))), [], name)
  })

  t.test(`${form.type}: every invalid fixture gives exactly its finding`, async t => {
    for (const name of invalidFixtures()) {
      const code = name.replace(/\.xml$/, '')
      t.same(distinct(codes(runFixture(read(`invalid/${name}`)))), [code], name)
    }
  })

  t.test(`${form.type}: the R/O fixtures name their earlier reports and are silent without them (${P}-003 … 007)`, async t => {
    const withComment = invalidFixtures().filter(n => earlierOf(read(`invalid/${n}`)) !== undefined).map(n => n.replace(/\.xml$/, ''))
    t.same(withComment.sort(), Object.keys(documentsFixtures).map(n => `${P}-${n}`))
    for (const [n, spec] of Object.entries(documentsFixtures)) {
      const xml = read(`invalid/${P}-${n}.xml`)
      t.match(xml, `<!-- earlier: ${spec} -->`, `${P}-${n}`)
      t.same(codes(run(xml)), [], `${P}-${n} without the earlier documents`)
    }
    const number = new RegExp(`\\(R\\) ${prefix}250300000001 `)
    t.match(runFixture(read(`invalid/${P}-${named}.xml`)), [{
      code: `${P}-${named}`, severity: 'error', field: 'Typ výkazu', path: `/${form.type}/DruhVykazu`, message: { en: number, sk: number },
    }])
  })

  t.test(`${form.type}: every finding has a fixture; shared findings and own plain ones below 020`, async t => {
    for (const code of Object.keys(form.findings)) t.ok(existsSync(join(fixtures, 'invalid', `${code}.xml`)), code)
    t.same(Object.keys(form.findings).sort(), [
      'SK-COMMON-001', 'SK-COMMON-002', 'SK-COMMON-003', 'SK-COMMON-004', 'SK-COMMON-005', 'SK-COMMON-006', 'SK-COMMON-008',
      ...Array.from({ length: ownCodes }, (_, i) => `${P}-${String(i + 1).padStart(3, '0')}`),
    ])
    for (const def of Object.values(form.findings)) t.ok(def.en.trim() && def.local.trim(), `${def.code} speaks both languages`)
  })

  t.test(`${form.type}: texts never repeat the value found`, async t => {
    const values = new RegExp(`(?<![0-9])[0-9]{9,10}(?![0-9])|Horváth|Jana|Kováč|2025-0|2008-12|${amounts}|47123452`)
    for (const name of invalidFixtures()) {
      for (const f of runFixture(read(`invalid/${name}`))) t.notMatch(`${f.message.en} ${f.message.sk}`, values, `${f.code} in ${name}`)
    }
  })

  t.test(`${form.type}: the real validator agrees on every fixture`, async t => {
    const validate = (xml: string): Promise<Finding[]> => {
      const bytes = Buffer.from(xml)
      const doc = parseXmlBytes(bytes)
      const earlier = earlierOf(xml)
      return validator.validate({ form, doc, root: doc.root, format: 'ehrs', facts: form.facts(doc.root), bytes }, { filingDate: FILED, ...(earlier ? { earlier } : {}) })
    }
    for (const name of valid) t.same(await validate(read(name)), [], name)
    for (const name of invalidFixtures()) {
      t.same(distinct(codes(await validate(read(`invalid/${name}`)))), [name.replace(/\.xml$/, '')], name)
    }
  })
}
