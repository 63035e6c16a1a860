import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { problems, RETIRED_CODES, GatewayError } from './problems.js'
import { projectRoot } from './lib/index.js'

const openapi = readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')

t.test('every problem code is documented in openapi.yaml and README.md', async t => {
  for (const code of Object.keys(problems)) {
    t.ok(openapi.includes(code), `${code} in openapi.yaml`)
    if (!['ROUTE_NOT_FOUND', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'].includes(code)) {
      t.ok(readme.includes(code), `${code} in README.md`)
    }
  }
})

t.test('codes are SCREAMING_SNAKE, statuses are errors, retired codes stay retired', async t => {
  for (const [code, p] of Object.entries(problems)) {
    t.match(code, /^[A-Z][A-Z0-9_]+$/)
    t.ok(p.status >= 400 && p.status < 600, `${code} is an error status`)
    t.notOk(RETIRED_CODES.includes(code), `${code} is not retired`)
  }
  const e = new GatewayError('DOCUMENT_INVALID')
  t.equal(e.status, 422)
  t.equal(e.message, problems.DOCUMENT_INVALID.title)
})
