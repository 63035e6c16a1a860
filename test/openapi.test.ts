import t from 'tap'
import { join } from 'node:path'
import { lint, loadConfig } from '@redocly/openapi-core'
import { projectRoot } from '../src/lib/index.js'
import { problems, type ProblemCode } from '../src/problems.js'
import { isJsonMediaType, openapi, openapiPath, operations, pointer, resolve, schemaErrors } from './helpers/openapi.js'

t.test('openapi.yaml passes the Redocly linter (recommended rules, redocly.yaml) without errors or warnings', async t => {
  const config = await loadConfig({ configPath: join(projectRoot, 'redocly.yaml') })
  const found = await lint({ ref: openapiPath, config })
  for (const p of found) t.fail(`${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map(l => l.pointer).join(', ')}`)
  t.equal(found.length, 0)
})

t.test('every operation behind the client certificate describes its refusals, 500 and (REST) 503', async t => {
  for (const { method, path, operation } of operations()) {
    const open = Array.isArray(operation.security) && operation.security.length === 0
    if (open) continue
    // SOAP answers a refused certificate, like every failure (shutting down too), as a Fault with HTTP 500.
    const statuses = path.startsWith('/api/v1/') ? ['401', '403', '500', '503'] : ['500']
    for (const status of statuses) t.ok(operation.responses[status], `${method.toUpperCase()} ${path} describes ${status}`)
  }
})

t.test('every response of every operation describes X-Request-Id (SPEC.md §4), required, of the shape the gateway keeps', async t => {
  for (const { method, path, operation } of operations()) {
    for (const status of Object.keys(operation.responses)) {
      const { node: response } = resolve(pointer('paths', path, method, 'responses', status))
      t.same(response.headers?.['X-Request-Id'], { $ref: '#/components/headers/RequestId' }, `${method.toUpperCase()} ${path} ${status}`)
    }
  }
  t.equal(resolve('#/components/headers/RequestId').node.required, true)
  const header = '#/components/headers/RequestId/schema'
  for (const kept of ['5f2c9a61-3d4e-4b7a-8c1f-9e0d2b6a4c37', 'req-42', 'dGVzdA==', 'x'.repeat(128)]) t.same(schemaErrors(header, kept), [], `${kept.slice(0, 40)} fits`)
  for (const replaced of ['', 'a b', 'a,b', 'x'.repeat(129), 'čšž']) t.not(schemaErrors(header, replaced).length, 0, `${JSON.stringify(replaced.slice(0, 40))} does not`)
})

t.test('the Problem schema lists exactly the codes of src/problems.ts', async t => {
  t.same([...openapi.components.schemas!.Problem.properties.code.enum].sort(), Object.keys(problems).sort())
})

/** Every example of the description with the schema it illustrates: media types, parameters, headers. */
interface Example { where: string; schema: string; value: unknown; json: boolean; status?: number }

function examples(): Example[] {
  const found: Example[] = []
  const visit = (p: string, json: boolean, status?: number): void => {
    const { node, pointer: at } = resolve(p)
    if (!node?.schema) return
    const of = { schema: `${at}/schema`, json, ...(status ? { status } : {}) }
    if ('example' in node) found.push({ where: `${at}/example`, value: node.example, ...of })
    for (const name of Object.keys(node.examples ?? {})) {
      const { node: example, pointer: exampleAt } = resolve(`${at}/examples/${name}`)
      found.push({ where: exampleAt, value: example.value, ...of })
    }
  }
  const visitContent = (p: string, content: Record<string, unknown> | undefined, status?: number): void => {
    for (const mediaType of Object.keys(content ?? {})) visit(`${p}/content/${mediaType.replace(/\//g, '~1')}`, isJsonMediaType(mediaType), status)
  }
  for (const { method, path, operation } of operations()) {
    const at = pointer('paths', path, method)
    operation.parameters?.forEach((_, i) => visit(`${at}/parameters/${i}`, false))
    if (operation.requestBody) visitContent(`${at}/requestBody`, resolve(`${at}/requestBody`).node.content)
    for (const status of Object.keys(operation.responses)) {
      const { node: response, pointer: responseAt } = resolve(`${at}/responses/${status}`)
      visitContent(responseAt, response.content, Number(status))
      for (const header of Object.keys(response.headers ?? {})) visit(`${responseAt}/headers/${header}`, false)
    }
  }
  return found
}

t.test('every example is valid against its schema, and a problem example has its code\'s status and title', async t => {
  const all = examples()
  t.ok(all.length > 40, `${all.length} examples`)
  const seen = new Set<string>()
  for (const { where, schema, value, json, status } of all) {
    if (seen.has(`${where} ${schema} ${status}`)) continue
    seen.add(`${where} ${schema} ${status}`)
    t.same(schemaErrors(schema, value), [], where)
    if (json && value && typeof value === 'object' && 'code' in value && 'type' in value) {
      const problem = value as { code: ProblemCode; status: number; title: string; type: string }
      t.match(problem, { status: problems[problem.code]?.status, title: problems[problem.code]?.title, type: `urn:ehrs:problem:${problem.code}` }, `${where} is a true ${problem.code}`)
      t.equal(problem.status, status, `${where} is answered with ${problem.status}`)
    }
  }
})
