import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { localDate, projectRoot } from '../lib/index.js'
import { validateFiles, type FileVerdict } from './validate.js'

/**
 * Where the conformance kit's documents come from: the examples of the README and the fixtures of the gateway's own
 * tests. The hostile documents (parser limits) and SOAP envelopes are no filings a program writes.
 */
const sources = ['examples/si', 'examples/sk', 'test/fixtures/si', 'test/fixtures/sk']

/** What the folder a fixture sits in declares about it (test/helpers/form-rules.ts reads them the same way). */
function declared(source: string): { valid: true; registerFinding?: string } | { valid: false; finding: string } {
  const name = basename(source, '.xml')
  const folder = basename(dirname(source))
  // A fixture of an official format says on its first line what it must give (test/fixtures/sk/official/README.md).
  const expect = /^<!-- expect: (valid|(\S+) \S+) -->/.exec(readFileSync(join(projectRoot, source), 'utf8').slice(0, 300))
  if (expect) return expect[2] ? { valid: false, finding: expect[2] } : { valid: true }
  if (folder === 'invalid') return { valid: false, finding: name }
  // A register fixture is valid on its own and refused by the register once its story is filed (DOCUMENTS.md §1.6).
  if (folder === 'register' && /^[A-Z]+-[A-Z0-9]+-(\d{3}|[1-9]\d*)$/.test(name)) return { valid: true, registerFinding: name }
  return { valid: true }
}

function xmlFiles(folder: string): string[] {
  const absolute = join(projectRoot, folder)
  return readdirSync(absolute).sort().flatMap(name => {
    const path = `${folder}/${name}`
    if (statSync(join(absolute, name)).isDirectory()) return xmlFiles(path)
    return name.endsWith('.xml') ? [path] : []
  })
}

interface Case { readonly source: string; readonly verdict: FileVerdict; readonly declared: ReturnType<typeof declared> }

/** A declared expectation the validator does not meet: a fixture that needs earlier documents, or another day. */
function unmet(c: Case): string | undefined {
  const d = c.declared
  const errors = c.verdict.findings.filter(f => f.severity === 'error').map(f => f.code)
  if (d.valid && !c.verdict.valid) return `declared valid, found ${c.verdict.problem?.code ?? errors.join(', ')}`
  if (!d.valid && !c.verdict.findings.some(f => f.code === d.finding)) return `declared ${d.finding}, found ${c.verdict.findings.map(f => f.code).join(', ') || 'nothing'}`
  return undefined
}

/**
 * `ehrs kit export DIR`: each document in a folder of its own, beside an `expected.json` that is what
 * `ehrs validate --json --filing-date DATE` answers for it (its `valid`, `type` and `findings`), plus what the
 * document is there to show. A vendor runs its own generated files and these through the same validator.
 */
export async function exportKit(dir: string, now: Date): Promise<{ result: unknown; text: string; exitCode: number }> {
  const filingDate = localDate(now)
  const files = sources.flatMap(xmlFiles)
  const { verdicts } = await validateFiles(files, projectRoot, filingDate)
  const cases: Case[] = files.map((source, i) => ({ source, verdict: verdicts[i]!, declared: declared(source) }))
  const index = []
  for (const c of cases) {
    const folder = c.source.replace(/^test\//, '').replace(/\.xml$/, '').split('/').join(sep)
    const target = join(dir, folder)
    mkdirSync(target, { recursive: true })
    const name = basename(c.source)
    copyFileSync(join(projectRoot, c.source), join(target, name))
    const note = unmet(c)
    const expected = {
      file: name,
      source: c.source,
      filingDate,
      ...(c.verdict.type ? { type: c.verdict.type } : {}),
      valid: c.verdict.valid,
      ...(c.verdict.problem ? { problem: c.verdict.problem } : {}),
      findings: c.verdict.findings,
      shows: c.declared.valid
        ? c.declared.registerFinding
          ? `valid on its own; refused by the register with ${c.declared.registerFinding} after the documents of its story`
          : 'a valid document'
        : `the finding ${c.declared.finding}`,
      // The gateway's tests judge such a fixture on another filing day, or after earlier documents of its series.
      ...(note ? { note: `${note} when filed on ${filingDate}: the finding depends on the filing day or on earlier documents` } : {}),
    }
    writeFileSync(join(target, 'expected.json'), JSON.stringify(expected, null, 2) + '\n')
    index.push({ case: relative(dir, target).split(sep).join('/'), type: expected.type ?? null, valid: expected.valid, shows: expected.shows })
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ filingDate, cases: index }, null, 2) + '\n')
  writeFileSync(join(dir, 'README.md'), kitReadme(filingDate, cases.length))
  const valid = cases.filter(c => c.verdict.valid).length
  return {
    result: { dir, filingDate, cases: cases.length, valid, invalid: cases.length - valid },
    text: `${cases.length} documents (${valid} valid, ${cases.length - valid} invalid) with their expected outcome, judged as filed on ${filingDate}, in ${dir}\n`,
    exitCode: 0,
  }
}

function kitReadme(filingDate: string, count: number): string {
  return `# ehrs-gateway conformance kit

${count} documents: the examples of the gateway's README and the fixtures of its own tests. Each folder holds one
document and its \`expected.json\`: what \`ehrs validate --json\` answers for it when it is filed on ${filingDate}
(\`valid\`, \`type\` and every finding with its \`code\`, \`severity\`, \`field\`, \`path\`, \`line\` and messages),
and what the document is there to show (\`shows\`). \`index.json\` lists them all.

Check that the validator you run agrees, file by file:

    ehrs validate --json --filing-date ${filingDate} si/m1/invalid/SI-M1-001/SI-M1-001.xml

and compare \`valid\` and \`findings\` of its one verdict with \`expected.json\`. Then run your program's own
files through the same command: a document your program generates for the situation a fixture shows should give
the same finding codes. Documents marked "refused by the register" are valid on their own and are refused only
after the documents of their story were processed (the gateway's register rules, DOCUMENTS.md §1.6): file them in
the certification sandbox to see that finding.
`
}
