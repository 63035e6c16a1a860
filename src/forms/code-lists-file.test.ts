import t from 'tap'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { projectRoot } from '../lib/index.js'
import { loadCodeLists } from './code-lists-file.js'

function listDir(t: { teardown(fn: () => void): void }, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ehrs-codelists-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return dir
}

const colours = {
  name: 'x/colours', complete: true, source: '[ASSUMPTION] test',
  entries: [
    { code: '1', label: 'red' },
    { code: '2', validFrom: '2020-01-01', validTo: '2020-12-31', flags: ['old'] },
    { code: '2', validFrom: '2022-01-01', flags: ['new'] },
    { code: '3', validTo: '2019-06-30' },
  ],
}
const partial = { name: 'partial', complete: false, source: '[UNKNOWN] test', entries: [{ code: '7', validFrom: '2021-01-01' }] }

t.test('names lists by their path below the folder and answers on a date', async t => {
  const lists = loadCodeLists(listDir(t, { 'x/colours.json': colours, 'partial.json': partial, 'x/readme.txt': 'ignored' }))
  t.equal(lists.check('x/colours', '1', '1990-01-01'), 'valid', 'no dates: always valid')
  t.equal(lists.check('x/colours', '2', '2020-01-01'), 'valid', 'validFrom is inclusive')
  t.equal(lists.check('x/colours', '2', '2020-12-31'), 'valid', 'validTo is inclusive')
  t.equal(lists.check('x/colours', '2', '2021-06-01'), 'not_valid_on_date', 'between two validity periods')
  t.equal(lists.check('x/colours', '3', '2019-07-01'), 'not_valid_on_date')
  t.equal(lists.check('x/colours', '9', '2020-01-01'), 'unknown', 'complete list')
  t.equal(lists.check('partial', '9', '2020-01-01'), 'unverified', 'incomplete list cannot prove a code wrong')
  t.equal(lists.check('partial', '7', '2020-01-01'), 'not_valid_on_date', 'a known code with dates is checked even on a partial list')
  t.equal(lists.check('partial', '7', '2021-01-01'), 'valid')
  t.same(lists.entry('x/colours', '2', '2023-05-05')?.flags, ['new'], 'entry picks the period valid on the date')
  t.equal(lists.entry('x/colours', '2', '2021-05-05'), undefined)
  t.equal(lists.entry('x/colours', '1', '2021-05-05')?.label, 'red')
})

t.test('a list that is not shipped is a programming error', async t => {
  const lists = loadCodeLists(listDir(t, { 'partial.json': partial }))
  t.throws(() => lists.check('si/nothing', '1', '2020-01-01'), /si\/nothing/)
  t.throws(() => lists.entry('si/nothing', '1', '2020-01-01'), /si\/nothing/)
})

t.test('refuses malformed lists when loading', async t => {
  t.throws(() => loadCodeLists(listDir(t, { 'a.json': '{ not json' })), /a: not JSON/)
  t.throws(() => loadCodeLists(listDir(t, { 'a.json': { ...partial, name: 'b' } })), /"name" must equal/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, complete: 'yes' } })), /complete/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, source: '' } })), /source/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, entries: [{ code: '1', validFrom: '1.1.2020' }] } })), /validFrom/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, entries: [{ label: 'no code' }] } })), /code/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, entries: [{ code: '1', flags: 'x' }] } })), /flags/)
  t.throws(() => loadCodeLists(listDir(t, { 'partial.json': { ...partial, entries: [{ code: '1', labelEn: 1 }] } })), /labelEn/)
})

t.test('the shipped Slovenian lists load and answer', async t => {
  const lists = loadCodeLists()
  t.equal(lists.check('si/drzave', '705', '2025-03-01'), 'valid', 'Slovenia')
  t.equal(lists.check('si/drzave', '999', '2025-03-01'), 'unknown')
  t.equal(lists.check('si/podlaga', '001', '2025-03-01'), 'valid')
  t.equal(lists.check('si/podlaga', '999', '2025-03-01'), 'unverified', 'the basis list is partial')
  t.equal(lists.check('si/podlaga', '104', '2009-01-01'), 'not_valid_on_date')
  t.ok(lists.entry('si/podlaga', '013', '2025-03-01')?.flags?.includes('employment'))
  t.ok(lists.entry('si/podlaga', '118', '2025-03-01')?.flags?.includes('disability'))
  t.ok(lists.entry('si/podlaga', '120', '2025-03-01')?.flags?.includes('posting'))
  t.equal(lists.check('si/delovno-razmerje', '5', '2025-03-01'), 'unknown')
  t.equal(lists.check('si/izmensko-delo', '5', '2025-03-01'), 'valid')
  t.equal(lists.check('si/vrsta-invalidnosti', '11', '2025-03-01'), 'valid')
  t.equal(lists.check('si/vrsta-invalidnosti', '1', '2025-03-01'), 'unknown')
  for (const empty of ['si/klasius-srv', 'si/klasius-p', 'si/skp-08', 'si/m2-vzrok']) {
    t.equal(lists.check(empty, '12345', '2025-03-01'), 'unverified', `${empty} ships empty`)
  }
})

/** The shape every file in codelists/ has (domain/codelists/README.md), as a JSON Schema. */
const codeListSchema = {
  type: 'object',
  required: ['name', 'complete', 'source', 'entries'],
  properties: {
    name: { type: 'string', pattern: '^[a-z]{2}/[a-z0-9-]+$' },
    complete: { type: 'boolean' },
    source: { type: 'string', minLength: 1 },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1 },
          label: { type: 'string' },
          labelEn: { type: 'string' },
          flags: { type: 'array', items: { type: 'string' } },
          validFrom: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
          validTo: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
        },
      },
    },
  },
}

function shippedFiles(dir = join(projectRoot, 'codelists')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(d => d.isDirectory() ? shippedFiles(join(dir, d.name)) : d.name.endsWith('.json') ? [join(dir, d.name)] : [])
}

t.test('every shipped list file matches the code-list schema, and a complete list refuses an unknown code', async t => {
  const validate = new Ajv2020({ allErrors: true }).compile(codeListSchema)
  const lists = loadCodeLists()
  const files = shippedFiles()
  t.ok(files.length >= 16, 'the Slovenian and Slovak lists')
  for (const file of files) {
    const list = JSON.parse(readFileSync(file, 'utf8')) as { name: string; complete: boolean; entries: { code: string; validFrom?: string; validTo?: string }[] }
    t.ok(validate(list), `${list.name}: ${JSON.stringify(validate.errors ?? [])}`)
    for (const e of list.entries) {
      if (e.validFrom && e.validTo) t.ok(e.validFrom <= e.validTo, `${list.name} ${e.code}: validFrom ≤ validTo`)
    }
    const unknown = 'not-a-code'
    t.equal(lists.check(list.name, unknown, '2025-03-01'), list.complete ? 'unknown' : 'unverified', `${list.name} (${list.complete ? 'complete' : 'partial'})`)
  }
  t.equal(lists.check('si/podlaga', '999', '2025-03-01'), 'unverified', 'the basis list stays partial: 999 is a warning')
})

/** The Slovak lists as SP's 2026 schemas give them (domain/codelists/README.md, sk/): complete, with their sizes. */
const slovakLists: Readonly<Record<string, number>> = {
  'sk/typ-zamestnanca': 33, 'sk/dovod-prerusenia': 11, 'sk/vynimka-vz': 2, 'sk/znak-poistenia': 7, 'sk/typ-rl': 5, 'sk/typ-pravneho-vztahu': 4,
}

t.test('every Slovak list is complete: an unknown code is refused, never only not verified', async t => {
  const lists = loadCodeLists()
  const shipped = shippedFiles(join(projectRoot, 'codelists', 'sk')).map(f => JSON.parse(readFileSync(f, 'utf8')) as { name: string; complete: boolean; entries: unknown[] })
  t.same(shipped.map(l => l.name).sort(), Object.keys(slovakLists).sort(), 'the Slovak lists shipped')
  for (const list of shipped) {
    t.equal(list.complete, true, `${list.name} is complete`)
    t.equal(list.entries.length, slovakLists[list.name], `${list.name}: ${slovakLists[list.name]} entries`)
    t.equal(lists.check(list.name, 'ZZ9', '2025-03-01'), 'unknown', `${list.name} refuses an unknown code`)
  }
  t.equal(lists.check('sk/typ-zamestnanca', 'ZECD4', '2022-12-31'), 'valid', 'ZECD4 until 31.12.2022')
  t.equal(lists.check('sk/typ-zamestnanca', 'ZECD4', '2023-01-01'), 'not_valid_on_date')
  t.equal(lists.check('sk/typ-zamestnanca', 'ZECD', '2013-01-01'), 'not_valid_on_date', 'ZECD until 31.12.2012')
  t.equal(lists.check('sk/znak-poistenia', 'CS', '2025-03-01'), 'valid')
  const zec = lists.entry('sk/typ-zamestnanca', 'ZEC', '2025-03-01')
  t.same(zec?.flags, ['mvp', 'vpp', 'rlfo'], 'ZEC: regular income, in the MVP, VPP and RLZEC schemas')
  t.equal(zec?.labelEn, 'employee, regular income', 'English labels in labelEn')
  t.ok(lists.entry('sk/typ-zamestnanca', 'ZECN', '2025-03-01')?.flags?.includes('irregular'), 'the irregular flag the MVP register check reads')
})
