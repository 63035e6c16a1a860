import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, dirname, resolve } from 'node:path'
import { projectRoot } from '../src/lib/paths.js'

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
  const imports = [...text.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map(m => m[1]!)
  const local = imports.filter(i => i.startsWith('.')).map(i => relative(srcDir, resolve(dirname(path), i)).replace(/\.js$/, ''))
  return { file: relative(srcDir, path), area: relative(srcDir, path).split('/')[0]!.replace(/\.ts$/, ''), local, packages: imports.filter(i => !i.startsWith('.')) }
})

// Test-only packages (the OpenAPI linter, ajv for response conformance, the soap client) are allowed nowhere in src/.
const thirdParty: Record<string, string[]> = {
  fastify: ['transport'], '@fastify/swagger': ['transport'], '@fastify/swagger-ui': ['transport'],
  pg: ['db', 'test'], '@electric-sql/pglite': ['db'], 'prom-client': ['metrics'], 'xmllint-wasm': ['xml'], 'xml-crypto': ['pki', 'receipts'], 'node-forge': ['pki'],
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
