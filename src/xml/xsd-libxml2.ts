import { resolve } from 'node:path'
import {
  ParseOption, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider, type ErrorDetail,
} from 'libxml2-wasm'
import * as raw from 'libxml2-wasm/lib/libxml2.mjs'
import type { SchemaFile, XsdIssue } from './xsd.js'

/**
 * libxml2, loaded once per thread (xsd.ts loads this module on first use). Only the schema files a checker was given
 * are ever read, and only from memory: no document, include or entity reaches a file or the network, whatever it names.
 */
const files = new Map<string, Uint8Array>()
const learn = (list: readonly SchemaFile[]): void => {
  for (const f of list) files.set(f.path, f.contents)
}

const pathOf = (name: string): string => resolve(name.startsWith('file://') ? decodeURIComponent(new URL(name).pathname) : name)
const open = new Map<number, { bytes: Uint8Array; at: number }>()
let nextFd = 1
xmlRegisterInputProvider({
  match: name => files.has(pathOf(name)),
  open(name) {
    const bytes = files.get(pathOf(name))
    if (!bytes) return undefined
    open.set(nextFd, { bytes, at: 0 })
    return nextFd++
  },
  read(fd, buffer) {
    const file = open.get(fd)
    if (!file) return -1
    const chunk = file.bytes.subarray(file.at, file.at + buffer.byteLength)
    buffer.set(chunk)
    file.at += chunk.byteLength
    return chunk.byteLength
  },
  close: fd => open.delete(fd),
})

// As xmllint parses: line numbers past 65,535 are kept, small text nodes are stored compactly; never the network
// or an external entity.
const parseOptions = ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_COMPACT | ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE

const detailsOf = (error: unknown): ErrorDetail[] => error instanceof XmlLibError ? error.details : []

function compile(schema: string): XsdValidator {
  const bytes = files.get(schema)
  if (!bytes) throw new Error(`schema ${schema} not found`)
  const source = XmlDocument.fromBuffer(bytes, { url: schema, option: parseOptions })
  try {
    return XsdValidator.fromDoc(source)
  } catch (error) {
    throw new Error(`schema ${schema} does not compile: ${detailsOf(error).map(d => `${d.file ?? ''}:${d.line}: ${d.message.trim()}`).join('; ') || String(error)}`)
  } finally {
    source.dispose()
  }
}

/**
 * The schema check itself goes through libxml2's own functions rather than `XsdValidator.validate`, which records
 * every error with the XPath of its element; libxml2 finds that by counting the element's preceding siblings, so the
 * hostile corpus's report of 100,000 bad rows took 19 s instead of 2. Only line and message are kept, of the first
 * `limit`. (These are libxml2-wasm's internals: package.json pins its version.)
 */
const addFunction = (raw as unknown as { addFunction(fn: (context: number, error: number) => void, signature: string): number }).addFunction
const pointerOf = (object: XmlDocument | XsdValidator): number => (object as unknown as { _ptr: number })._ptr
let collected: XsdIssue[] = []
let limit = 0
const collector = addFunction((_context, error) => {
  if (collected.length < limit) collected.push({ line: raw.XmlErrorStruct.line(error), message: raw.XmlErrorStruct.message(error).trimEnd() })
}, 'vii')

function check(validator: XsdValidator, bytes: Uint8Array, maxIssues: number): XsdIssue[] {
  let document: XmlDocument
  try {
    document = XmlDocument.fromBuffer(bytes, { option: parseOptions })
  } catch (error) {
    if (!(error instanceof XmlLibError)) throw error
    return error.details.slice(0, maxIssues).map(d => ({ line: d.line, message: `parser error : ${d.message.trimEnd()}` }))
  }
  const context = raw.xmlSchemaNewValidCtxt(pointerOf(validator))
  collected = []
  limit = maxIssues
  try {
    raw.xmlSchemaSetValidStructuredErrors(context, collector, 0)
    const result = raw.xmlSchemaValidateDoc(context, pointerOf(document))
    // Below zero libxml2 gave up on the document (an entity it would not load, say): it is not valid either way.
    if (result < 0 && collected.length === 0) return [{ line: 1, message: 'validation error : libxml2 could not validate the document' }]
    return collected
  } finally {
    raw.xmlSchemaFreeValidCtxt(context)
    document.dispose()
  }
}

/** A checker over the schema files it learns; each schema compiled once. */
export function libxml2Checker(maxIssues: number) {
  const compiled = new Map<string, XsdValidator>()
  return {
    learn,
    check(schema: string, bytes: Uint8Array): XsdIssue[] {
      let validator = compiled.get(schema)
      if (!validator) compiled.set(schema, validator = compile(schema))
      return check(validator, bytes, maxIssues)
    },
  }
}
