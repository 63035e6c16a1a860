import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { exportKit } from './kit.js'
import { ehrsBin, run } from '../../test/helpers/processes.js'
import { fixturesDir } from '../../test/helpers/paths.js'

interface Expected {
  file: string; source: string; filingDate: string; type?: string; valid: boolean; findings: unknown[]; shows: string; note?: string
}

t.test('the conformance kit: every example and fixture with what ehrs validate answers for it', async t => {
  const dir = join(t.testdir({}), 'kit')
  const now = new Date('2026-12-03T10:00:00Z')
  const { result } = await exportKit(dir, now)
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { filingDate: string; cases: { case: string }[] }
  t.equal(index.filingDate, '2026-12-03')
  const fixtureCount = (function count(folder: string): number {
    return readdirSync(folder, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(folder, e.name)) : e.name.endsWith('.xml') ? 1 : 0), 0)
  })
  const expectedCases = fixtureCount(join(fixturesDir, 'si')) + fixtureCount(join(fixturesDir, 'sk')) + fixtureCount(join(fixturesDir, '..', '..', 'examples', 'si')) + fixtureCount(join(fixturesDir, '..', '..', 'examples', 'sk'))
  t.equal(index.cases.length, expectedCases, 'every example and fixture document')
  t.match(result, { cases: expectedCases })

  const cases = index.cases.map(c => ({ dir: join(dir, c.case), expected: JSON.parse(readFileSync(join(dir, c.case, 'expected.json'), 'utf8')) as Expected }))
  // The real command, in its own process, over every file of the kit at once.
  const cli = await run(ehrsBin, ['validate', '--json', '--filing-date', '2026-12-03', ...cases.map(c => join(c.dir, c.expected.file))])
  t.equal(cli.code, 1, 'some documents are invalid')
  const verdicts = JSON.parse(cli.stdout) as { valid: boolean; type?: string; findings: unknown[] }[]
  t.equal(verdicts.length, cases.length)
  let mismatches = 0
  cases.forEach((c, i) => {
    const v = verdicts[i]!
    if (v.valid !== c.expected.valid || v.type !== c.expected.type || JSON.stringify(v.findings) !== JSON.stringify(c.expected.findings)) {
      mismatches++
      t.fail(`${c.expected.source}: ehrs validate disagrees with expected.json`)
    }
  })
  t.equal(mismatches, 0, 'every expected.json matches ehrs validate --json on its file')

  const invalid = cases.filter(c => c.expected.source.includes('/invalid/'))
  t.ok(invalid.length > 50, 'the invalid fixtures, one per finding code')
  for (const c of invalid.filter(x => x.expected.note === undefined)) {
    const code = c.expected.file.replace(/\.xml$/, '')
    t.ok((c.expected.findings as { code: string }[]).some(f => f.code === code), `${c.expected.source} gives ${code}`)
  }
  t.ok(cases.filter(c => c.expected.note !== undefined).length < 30, 'only the fixtures that need earlier documents or another day carry a note')
  t.match(readFileSync(join(dir, 'README.md'), 'utf8'), /ehrs validate --json --filing-date 2026-12-03/)
})
