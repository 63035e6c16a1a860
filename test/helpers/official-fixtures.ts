import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/lib/paths.js'
import type { Finding } from '../../src/validation/index.js'
import type { XmlElement } from '../../src/xml/index.js'
import { createValidator } from '../../src/forms/validate.js'
import { loadCodeLists } from '../../src/forms/code-lists-file.js'

// sk-official.md: fixtures written from the official formats (test/fixtures/sk/official/README.md). Each valid file
// is judged as its twin (or, a batch, its twins) in our vocabulary; each file of schema/, conversion/ and rules/
// says on its first line what it must give.

const FILED = '2025-03-03'

const errorsAt = (findings: readonly Finding[]): string[][] => findings.filter(f => f.severity === 'error').map(f => [f.code, f.path])
/** The codes two documents must share: the sum rules are the one code a twin pair may differ in (sk-official.md §7.2). */
const comparable = (findings: readonly Finding[]): string[] =>
  findings.filter(f => !/^SK-(MVP|VPP)-012$|^SKO-REP-2$/.test(f.code)).map(f => `${f.severity} ${f.code}`).sort()

/**
 * The fixture tests of one official format: `type` is its folder under test/fixtures/sk/official. `mapped` gives
 * what of the mapped document must equal its twin's (a registration list's entries), beside facts and findings.
 */
export function officialFixtureTests(type: string, options: { readonly mapped?: (root: XmlElement) => unknown } = {}): void {
  const validator = createValidator(loadCodeLists())
  const folder = join(projectRoot, 'test/fixtures/sk/official', type)
  const read = (name: string): Buffer => readFileSync(join(folder, name))
  const judge = async (bytes: Uint8Array) => {
    const document = validator.identify(bytes)
    return { document, findings: await validator.validate(document, { filingDate: FILED }) }
  }

  t.test(`${type}: each valid official file is judged as its twin in our vocabulary`, async t => {
    const valid = readdirSync(folder).filter(n => n.startsWith('valid-')).sort()
    t.ok(valid.length >= 3, `${valid.length} valid files`)
    for (const name of valid) {
      const official = await judge(read(name))
      const single = name.replace(/^valid-/, 'twin-')
      const twinNames = existsSync(join(folder, single))
        ? [single]
        : readdirSync(folder).filter(n => n.startsWith(single.replace(/\.xml$/, '-'))).sort()
      t.ok(twinNames.length > 0, `${name} has a twin`)
      const twins = await Promise.all(twinNames.map(n => judge(read(n))))
      t.equal(official.document.format, 'sp', `${name} is read as SP's format`)
      t.equal(official.document.form.type, twins[0]!.document.form.type, `${name}: same type`)
      t.same({ ...official.document.facts, employer: twins[0]!.document.facts.employer }, twins[0]!.document.facts, `${name}: same facts`)
      if (options.mapped) t.same(options.mapped(official.document.root), options.mapped(twins[0]!.document.root), `${name}: the twin's content`)
      t.same(comparable(official.findings), comparable(twins.flatMap(w => w.findings)), `${name}: the twin's findings`)
      t.same(errorsAt(official.findings).filter(([code]) => code !== 'SKO-REP-2'), [], `${name}: no error`)
    }
  })

  for (const group of ['schema', 'conversion', 'rules']) {
    if (!existsSync(join(folder, group))) continue
    t.test(`${type}: every ${group} fixture gives what its first line expects`, async t => {
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
        const expected = expect[1] === 'valid' ? [] : [[expect[2]!, expect[3]!]]
        if (expect[2]?.startsWith('SKO-') && findings.some(f => f.code === expect[2] && f.severity === 'warning')) {
          t.ok(findings.some(f => f.code === expect[2] && f.path === expect[3]), `${group}/${name}`)
          continue
        }
        t.same(errorsAt(findings), expected, `${group}/${name}`)
      }
    })
  }
}
