import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../../lib/paths.js'
import type { Finding } from '../../../validation/index.js'
import { createValidator } from '../../validate.js'
import { loadCodeLists } from '../../code-lists-file.js'
import type { XmlElement } from '../../../xml/index.js'

// sk-official.md §5: the official registration list, judged as its twin in our vocabulary; each file of schema/,
// conversion/ and rules/ says on its first line what it must give.

const codeLists = loadCodeLists()
const FILED = '2025-03-03'
const validator = createValidator(codeLists, { workers: 1 })
t.teardown(() => validator.close())

const folder = join(projectRoot, 'test/fixtures/sk/official/rlfo')
const read = (name: string): Buffer => readFileSync(join(folder, name))
const errorsAt = (findings: readonly Finding[]): string[][] => findings.filter(f => f.severity === 'error').map(f => [f.code, f.path])
const comparable = (findings: readonly Finding[]): string[] => findings.map(f => `${f.severity} ${f.code} ${f.field}`).sort()
const judge = async (bytes: Uint8Array) => {
  const document = validator.identify(bytes)
  return { document, findings: await validator.validate(document, { filingDate: FILED, employer: '2021234501' }) }
}

/** The mapped document's entries as text, to compare with the twin's. */
const entriesOf = (root: XmlElement): string[][] =>
  root.children.filter(c => c.name === 'Osoba').map(o => o.children.map(c => `${c.name}=${c.text}`))

t.test('each valid official registration list is judged as its twin in our vocabulary', async t => {
  const valid = readdirSync(folder).filter(n => n.startsWith('valid-')).sort()
  t.ok(valid.length >= 4, `${valid.length} valid files`)
  for (const name of valid) {
    const official = await judge(read(name))
    const twinName = name.replace(/^valid-/, 'twin-')
    t.ok(existsSync(join(folder, twinName)), `${name} has a twin`)
    const twin = await judge(read(twinName))
    t.equal(official.document.format, 'sp', `${name} is read as SP's format`)
    t.equal(official.document.form.type, 'RLFO')
    t.same({ ...official.document.facts, employer: twin.document.facts.employer }, twin.document.facts, `${name}: same facts`)
    t.same(entriesOf(official.document.root), entriesOf(twin.document.root), `${name}: the twin's entries`)
    t.same(comparable(official.findings), comparable(twin.findings), `${name}: the twin's findings`)
    t.same(errorsAt(official.findings), [], `${name}: no error`)
  }
})

for (const group of ['schema', 'conversion', 'rules']) {
  t.test(`every ${group} fixture gives what its first line expects`, async t => {
    const names = readdirSync(join(folder, group)).filter(n => n.endsWith('.xml')).sort()
    t.ok(names.length > 0)
    for (const name of names) {
      const bytes = read(`${group}/${name}`)
      const expect = /^<!-- expect: (valid|(\S+) (\S+)) -->/.exec(bytes.toString('utf8'))
      if (!expect) {
        t.fail(`${name} says what it expects`)
        continue
      }
      const { findings } = await judge(bytes)
      t.same(errorsAt(findings), expect[1] === 'valid' ? [] : [[expect[2], expect[3]]], `${group}/${name}`)
    }
  })
}

t.test('one official entry may become two of ours; the number prefix counts the official entries', async t => {
  const mapped = (name: string) => validator.identify(read(name))
  const typed = (name: string): string[][] => mapped(name).root.children.filter(c => c.name === 'Osoba')
    .map(o => ['Typ', 'DovodZmeny', 'DatumOd', 'DatumDo'].map(n => o.children.find(c => c.name === n)?.text ?? ''))
  t.same(typed('rules/zm-md-and-rd.xml'), [['ZM', 'MD', '2025-02-01', '2025-04-30'], ['ZM', 'RD', '2025-05-01', '']], 'md and rd: MD, then RD')
  t.same(typed('conversion/pa-with-zanik.xml'), [['PA', '', '2025-03-01', ''], ['OD', '', '', '2025-03-02']], 'a PA that also ends: the PA, then its OD')
  const prefix = (name: string): string | undefined => {
    const { official, doc } = mapped(name)
    return official?.reader.numberPrefix?.(doc.root)
  }
  t.equal(prefix('valid-single-pa.xml'), 'R')
  t.equal(prefix('conversion/pa-with-zanik.xml'), 'R', 'one official entry, though two of ours')
  t.equal(prefix('valid-batch.xml'), 'C')
  const od = mapped('valid-batch.xml').root.children.filter(c => c.name === 'Osoba')[1]!
  t.same(od.officialValues, { datVzniku: { value: '2024-06-01', path: '/spRegListZec/zoznamRLZec/regListyZec/regListZec[2]/typRegListuFO/odhlaska/typPoistOdhl/zecDOdhl/zanik/@datVzniku', line: 32 } },
    'the odhláška keeps its stated start for the register (SKO-RL-3)')
})
