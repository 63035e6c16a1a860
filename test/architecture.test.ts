import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, dirname, resolve } from 'node:path'
import { projectRoot } from '../src/lib/index.js'
import { documentTypes, forms } from '../src/forms/index.js'
import { formGaps } from './helpers/form-gaps.js'
import { fixturesDir } from './helpers/paths.js'

/** The forms src/forms/index.ts registers (this process registers no other). */
const shippedForms = [...forms]

/** The import arrows of STYLE.md §2, read from the import lines of src/. */
const srcDir = join(projectRoot, 'src')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

const files = sources(srcDir).map(path => {
  const text = readFileSync(path, 'utf8')
  const imports = [
    ...[...text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map(m => m[1]!),
    // Re-exports depend on their module as much as imports do: `export { x } from './y.js'`, `export * from …`.
    ...[...text.matchAll(/^export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/gm)].map(m => m[1]!),
  ]
  const local = imports.filter(i => i.startsWith('.')).map(i => relative(srcDir, resolve(dirname(path), i)).replace(/\.js$/, ''))
  return { file: relative(srcDir, path), area: relative(srcDir, path).split('/')[0]!.replace(/\.ts$/, ''), local, packages: imports.filter(i => !i.startsWith('.')), text }
})

// Test-only packages (the OpenAPI linter, ajv for response conformance, the soap client) are allowed nowhere in src/.
const thirdParty: Record<string, string[]> = {
  fastify: ['transport'], '@fastify/swagger': ['transport'], '@fastify/swagger-ui': ['transport'],
  pg: ['db', 'test'], '@electric-sql/pglite': ['db'], 'prom-client': ['metrics'], 'libxml2-wasm': ['xml'], 'xml-crypto': ['pki', 'receipts'], 'node-forge': ['pki'],
  '@peculiar/x509': ['pki'], '@peculiar/asn1-schema': ['pki'], '@peculiar/asn1-x509-qualified': ['pki'], 'reflect-metadata': ['pki'], standardwebhooks: ['webhooks'],
  '@redocly/openapi-core': [], ajv: [], 'ajv-formats': [], soap: [],
}

/** `ajv/dist/2020` → `ajv`, `@fastify/swagger-ui` → itself. */
const packageName = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

t.test('nothing imports the transports or the CLI', async t => {
  for (const f of files) {
    for (const target of f.local) {
      const area = target.split('/')[0]
      if ((area === 'transport' && f.area !== 'transport' && f.file !== 'main.ts' && f.file !== 'dev-setup.ts') || (area === 'cli' && f.area !== 'cli')) {
        t.fail(`${f.file} imports ${target}`)
      }
    }
  }
  t.pass('checked')
})

t.test('outside a folder, only its index.ts is imported', async t => {
  // A target `x/y/z` is another folder's file unless it is `x/index`; a root module (`problems`, `config`) has no folder.
  for (const f of files) {
    for (const target of f.local) {
      const [area, ...rest] = target.split('/')
      if (rest.length === 0 || area === f.area || rest.join('/') === 'index') continue
      t.fail(`${f.file} imports ${target}: import ${area}/index.ts instead`)
    }
  }
  t.pass('checked')
})

t.test('forms read no database and no web framework', async t => {
  for (const f of files.filter(x => x.area === 'forms' || x.area === 'validation' || x.area === 'xml' || x.area === 'lib')) {
    t.notOk(f.local.some(l => /^(db|transport|intake|identity|authorization|operator|documents|audit|messagelog)\//.test(l)), `${f.file} stays out of the database and transports`)
  }
})

t.test('each third-party library stays in its own place', async t => {
  for (const f of files) {
    for (const pkg of f.packages) {
      const allowed = thirdParty[packageName(pkg)]
      if (allowed) t.ok(allowed.includes(f.area), `${f.file} may use ${pkg}`)
    }
  }
})

/** Folder cycles that are known and on their way out, as `a<->b` (names sorted). Nothing may be added here. */
const knownCycles: ReadonlySet<string> = new Set([])

/** The folder graph: for each top-level folder (or module) of src/, what it imports, with the first file that does. */
type FolderGraph = ReadonlyMap<string, ReadonlyMap<string, string>>

/** The strongly connected parts of the graph (Tarjan) of more than one folder: each one holds a cycle. */
function tangles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const parts: string[][] = []
  const visit = (v: string): void => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) === index.get(v)) {
      const part: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        part.push(w)
      } while (w !== v)
      if (part.length > 1) parts.push(part.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return parts
}

/** The shortest cycle from `start` back to it through the folders of `within`: `[start, …, start]`. */
function shortestCycle(graph: FolderGraph, start: string, within: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const v = queue.shift()!
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!within.has(w)) continue
      if (w === start) {
        const path = [v]
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!)
        return [...path, start]
      }
      if (!previous.has(w)) {
        previous.set(w, v)
        queue.push(w)
      }
    }
  }
  return []
}

t.test('no import cycle between the top-level folders of src/', async t => {
  const graph = new Map<string, Map<string, string>>()
  for (const f of files) {
    for (const target of f.local) {
      const to = target.split('/')[0]!
      if (to === f.area) continue
      const arrows = graph.get(f.area) ?? new Map<string, string>()
      graph.set(f.area, arrows)
      if (!arrows.has(to)) arrows.set(to, `${f.file} imports ${target}`)
    }
  }
  const parts = tangles(graph)
  for (const part of parts) {
    if (part.length === 2 && knownCycles.has(part.join('<->'))) continue
    const within = new Set(part)
    const cycle = part.map(start => shortestCycle(graph, start, within))
      .find(c => !(c.length === 3 && knownCycles.has([c[0]!, c[1]!].sort().join('<->'))))!
    const why = cycle.slice(1).map((to, i) => graph.get(cycle[i]!)!.get(to)!)
    t.fail(`import cycle ${cycle.join(' -> ')} (${why.join('; ')})${part.length > cycle.length - 1 ? `, within ${part.join(', ')}` : ''}`)
  }
  for (const known of knownCycles) {
    if (!parts.some(p => p.join('<->') === known)) t.comment(`${known} is no longer a cycle: remove it from knownCycles`)
  }
  t.pass('checked')
})

t.test('every shipped form is whole: schema, a fixture per finding code, the register behaviour its lifecycle needs', async t => {
  for (const form of shippedForms) {
    t.same(formGaps(form, join(fixturesDir, form.country.toLowerCase(), form.type.toLowerCase())), [], `${form.type} lacks nothing`)
  }
})

t.test('the list of document types is written once: OpenAPI and the WSDL agree with the registered forms', async t => {
  t.same(shippedForms.map(f => f.type), [...documentTypes], 'documentTypes are the registered forms')
  const openapi = readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')
  const enumOf = (schema: string): string[] => {
    const block = openapi.slice(openapi.indexOf(`    ${schema}:\n`))
    return block.match(/^ {6}enum: \[([^\]]*)\]/m)![1]!.split(',').map(s => s.trim())
  }
  t.same(enumOf('DocumentType'), [...documentTypes], 'openapi.yaml DocumentType enum')
  const insuranceKinds = [...new Set(shippedForms.map(f => f.insuranceKind))]
  t.same(openapi.match(/^ {10}enum: \[(M1[^\]]*)\]/m)?.[1]?.split(',').map(s => s.trim()), insuranceKinds, 'openapi.yaml Insurance type enum: the kinds forms show')
  const wsdl = readFileSync(join(projectRoot, 'wsdl', 'ehrs.wsdl'), 'utf8')
  for (const country of ['SI', 'SK'] as const) {
    const types = shippedForms.filter(f => f.country === country).map(f => f.type).join(', ')
    t.ok(wsdl.includes(`(${types})`), `the WSDL's documentation lists the ${country} forms: ${types}`)
  }
  // Outside forms/, no code decides by a form's type: it asks the form (lifecycle, register, insuranceKind, country).
  const quoted = new RegExp(`'(${documentTypes.join('|')})'`)
  for (const f of files.filter(x => x.area !== 'forms')) {
    t.notOk(quoted.test(readFileSync(join(srcDir, f.file), 'utf8')), `${f.file} names no form type`)
  }
})

/**
 * The one folder of src/ that writes each table (migrations/ aside); every other folder asks it. The same owners
 * are noted in src/db/schema.ts. A table of the Database interface that is missing here fails the test below.
 */
const tableOwners: Record<string, string> = {
  clients: 'operator', client_certificates: 'operator', mandates: 'operator', software_certifications: 'operator',
  message_log: 'messagelog',
  documents: 'intake', document_series: 'intake', document_counters: 'intake', idempotency_keys: 'intake',
  document_states: 'lifecycle', current_states: 'lifecycle', events: 'events', timers: 'lifecycle', register_checks: 'lifecycle', preliminary_registrations: 'lifecycle',
  back_office_answers: 'processing',
  audit_log: 'audit', audit_head: 'audit',
  insurances: 'register', insurance_events: 'register', endm_claims: 'register',
  webhook_subscriptions: 'webhooks', webhook_deliveries: 'webhooks',
  sandbox_resets: 'certification', sandbox_observations: 'certification',
}

/** The tables of `Database` in src/db/schema.ts, read from its text. */
function databaseTables(): string[] {
  const schema = readFileSync(join(srcDir, 'db', 'schema.ts'), 'utf8')
  const body = /^export interface Database \{([^}]*)\}/m.exec(schema)?.[1]
  if (body === undefined) throw new Error('src/db/schema.ts has no Database interface')
  return [...body.matchAll(/^\s*(\w+)\??:/gm)].map(m => m[1]!)
}

/** Each write a file makes, as `[table, how]`: Kysely's builders, and insert/update/delete/merge in sql`…` text. */
function writes(text: string): Array<[table: string | undefined, how: string]> {
  const found: Array<[string | undefined, string]> = []
  for (const m of text.matchAll(/\b(insertInto|updateTable|deleteFrom|mergeInto)\(\s*(?:['"`]([a-z_]+)\b)?/g)) {
    found.push([m[2], `${m[1]}(${m[2] === undefined ? '…' : `'${m[2]}'`})`])
  }
  for (const template of text.matchAll(/\bsql(?:<[^`]*?>)?`([^`]*)`/g)) {
    for (const m of template[1]!.matchAll(/\b(insert\s+into|update|delete\s+from|merge\s+into)\s+"?([a-z_]+)/gi)) {
      found.push([m[2]!.toLowerCase(), `sql\`${m[1]!.toLowerCase()} ${m[2]}\``])
    }
  }
  return found
}

t.test('each table has one owning module', async t => {
  const tables = databaseTables()
  t.ok(tables.length > 0, 'the Database interface lists tables')
  for (const table of tables) t.ok(tableOwners[table], `${table} has an owner in tableOwners`)
  for (const table of Object.keys(tableOwners)) t.ok(tables.includes(table), `${table} of tableOwners is a table of Database`)
  for (const f of files) {
    for (const [table, how] of writes(f.text)) {
      if (table === undefined) t.fail(`${f.file}: ${how} names its table in a variable; write each table by its name`)
      else if (!tables.includes(table)) {
        // `update set` of `on conflict do update set` and the like: a word that is no table is no write of one.
        if (how.startsWith('sql')) continue
        t.fail(`${f.file}: ${how} writes a table that Database does not have`)
      } else if (tableOwners[table] !== f.area) t.fail(`${f.file}: ${how} writes ${table}, which ${tableOwners[table]}/ owns: call a function of ${tableOwners[table]}/index.ts`)
    }
  }
  t.pass('checked')
})
