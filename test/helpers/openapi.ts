import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import formats from 'ajv-formats'
import { parseYaml } from '@redocly/openapi-core'
import { projectRoot } from '../../src/lib/index.js'

// openapi.yaml as data, and its schemas as ajv validators (OpenAPI 3.1 schemas are JSON Schema 2020-12).

export const openapiPath = join(projectRoot, 'openapi.yaml')
// Parsed without YAML 1.1 timestamps, so that `2025-03-01` stays a string as in JSON.
export const openapi = parseYaml(readFileSync(openapiPath, 'utf8')) as OpenApi

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const
export type HttpMethod = typeof httpMethods[number]

export interface OpenApi {
  paths: Record<string, Partial<Record<HttpMethod, Operation>> & { parameters?: unknown[] }>
  components: Record<string, Record<string, any>>
  [key: string]: any
}
export interface Operation {
  security?: unknown[]
  responses: Record<string, any>
  requestBody?: any
  parameters?: any[]
  [key: string]: any
}

/** Every (method, path) the description has. */
export function operations(): { method: HttpMethod; path: string; operation: Operation }[] {
  return Object.entries(openapi.paths).flatMap(([path, item]) =>
    httpMethods.filter(m => item[m]).map(method => ({ method, path, operation: item[method]! })))
}

const escape = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1')
export const pointer = (...segments: string[]): string => `#/${segments.map(escape).join('/')}`

function at(p: string): any {
  return p.slice(2).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), openapi)
}

/** The node at a JSON pointer, following `$ref`s (components/responses, examples, headers, parameters). */
export function resolve(p: string): { node: any; pointer: string } {
  let node = at(p)
  let where = p
  for (let hops = 0; node && typeof node.$ref === 'string'; hops++) {
    if (hops > 10 || !node.$ref.startsWith('#/')) throw new Error(`cannot follow ${node.$ref} from ${where}`)
    where = node.$ref
    node = at(where)
  }
  return { node, pointer: where }
}

// The whole document is one schema resource: a `$ref: '#/components/schemas/…'` inside a response schema then resolves
// against it. OpenAPI's own fields are declared as keywords that validate nothing, so strict mode stays on (but for
// strictRequired: `allOf: [{$ref: …}, {required: [x]}]` requires a property that the referenced schema defines).
const DOCUMENT_ID = 'https://ehrs-gateway.invalid/openapi.json'
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true })
formats.default(ajv)
ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'])
ajv.addSchema({ ...openapi, $id: DOCUMENT_ID })

const validators = new Map<string, ValidateFunction>()

/** Errors of `value` against the schema at pointer `p` (none: valid). */
export function schemaErrors(p: string, value: unknown): string[] {
  let validate = validators.get(p)
  if (!validate) {
    const fragment = p.slice(1).split('/').map(s => encodeURIComponent(s)).join('/')
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${fragment}` })
    validators.set(p, validate)
  }
  if (validate(value)) return []
  return (validate.errors ?? []).map(e => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
}

export const isJsonMediaType = (mediaType: string): boolean => mediaType === 'application/json' || mediaType.endsWith('+json')

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
}

/**
 * What in an answer the description of `method path` does not allow: an undocumented status, a media type not
 * described for it, a body that fails its schema, a required header that is missing or fails its schema.
 */
export function conformanceErrors(method: HttpMethod, path: string, answer: Answer): string[] {
  const operation = openapi.paths[path]?.[method]
  if (!operation) return [`${method.toUpperCase()} ${path} is not in openapi.yaml`]
  const status = String(answer.status)
  const key = [status, `${status[0]}XX`, 'default'].find(k => operation.responses[k])
  if (!key) return [`${method.toUpperCase()} ${path} does not describe status ${status}`]
  const { node: response, pointer: responsePointer } = resolve(pointer('paths', path, method, 'responses', key))
  const errors: string[] = []
  const contentType = String(answer.headers['content-type'] ?? '')
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase()
  if (!response.content) {
    if (answer.text.length > 0) errors.push(`${status} has no body in openapi.yaml, but one was sent (${contentType})`)
  } else if (!response.content[mediaType]) {
    errors.push(`${status} is described as ${Object.keys(response.content).join(', ')}, but was sent as "${contentType}"`)
  } else if (response.content[mediaType].schema) {
    let body: unknown = answer.text
    if (isJsonMediaType(mediaType)) {
      try {
        body = JSON.parse(answer.text)
      } catch {
        return [...errors, `${status} ${mediaType} body is not JSON`]
      }
    }
    const schemaPointer = `${responsePointer}/content/${escape(mediaType)}/schema`
    errors.push(...schemaErrors(schemaPointer, body).map(e => `${status} ${mediaType} body: ${e}`))
  }
  for (const name of Object.keys(response.headers ?? {})) {
    const { node: header, pointer: headerPointer } = resolve(`${responsePointer}/headers/${escape(name)}`)
    const value = answer.headers[name.toLowerCase()]
    if (value === undefined) {
      if (header.required) errors.push(`${status} lacks the required header ${name}`)
      continue
    }
    if (header.schema) errors.push(...schemaErrors(`${headerPointer}/schema`, value).map(e => `${status} header ${name}: ${e}`))
  }
  return errors
}
