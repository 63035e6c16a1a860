import { readFileSync } from 'node:fs'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSchemaChecker, embeddedDocument, parseXml, type XmlElement } from '../../src/xml/index.js'
import { projectRoot } from '../../src/lib/index.js'
import type { Pem } from '../../src/pki/index.js'
import type { CallResult, TestGateway } from './gateway.js'

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
export const GATEWAY_NS = 'urn:ehrs:soap:1'

/** A SOAP 1.1 request around one operation element, written as a generated client would. */
export function envelope(operation: string, content: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:e="${GATEWAY_NS}">
  <soap:Body>
    <e:${operation}>${content}</e:${operation}>
  </soap:Body>
</soap:Envelope>
`
}

export async function soapCall(gw: TestGateway, as: Pem | undefined, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<CallResult> {
  return gw.call({ method: 'POST', path: '/soap', ...(as ? { as } : {}), body, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""', ...headers } })
}

export interface SoapAnswer {
  /** The Body's element, standalone (namespaces declared), to validate against the WSDL's schema. */
  readonly xml: string
  readonly element: XmlElement
  readonly fault?: { faultcode: string; faultstring: string; problem: Problem }
}

export interface Problem {
  type: string; title: string; status: number; detail: string; code: string; instance?: string; findings?: FindingJson[]
}
export interface FindingJson {
  code: string; severity: string; field: string; path: string; line?: number; message: { en: string; sl?: string; sk?: string }
}

export function readAnswer(text: string): SoapAnswer {
  const doc = parseXml(text, undefined, { spans: true })
  const body = doc.root.children.find(c => c.name === 'Body' && c.ns === SOAP_NS)
  if (doc.root.name !== 'Envelope' || doc.root.ns !== SOAP_NS || !body || body.children.length !== 1) throw new Error(`not a SOAP 1.1 answer: ${text.slice(0, 200)}`)
  const element = body.children[0]!
  if (element.name !== 'Fault') return { xml: embeddedDocument(doc.text, body), element }
  const detail = element.children.find(c => c.name === 'detail')!
  return {
    xml: embeddedDocument(doc.text, detail), element,
    fault: {
      faultcode: element.children.find(c => c.name === 'faultcode')!.text,
      faultstring: element.children.find(c => c.name === 'faultstring')!.text,
      problem: problemOf(detail.children[0]!),
    },
  }
}

const textOf = (el: XmlElement, name: string): string | undefined => el.children.find(c => c.name === name)?.text

function problemOf(el: XmlElement): Problem {
  const findings = el.children.find(c => c.name === 'findings')
  const instance = textOf(el, 'instance')
  return {
    type: textOf(el, 'type')!, title: textOf(el, 'title')!, status: Number(textOf(el, 'status')), detail: textOf(el, 'detail')!, code: textOf(el, 'code')!,
    ...(instance !== undefined ? { instance } : {}), ...(findings ? { findings: findingsOf(findings) } : {}),
  }
}

/** `<findings>` as the REST JSON has them. */
export function findingsOf(el: XmlElement): FindingJson[] {
  return el.children.map(f => {
    const message = f.children.find(c => c.name === 'message')!
    const line = textOf(f, 'line')
    return {
      code: textOf(f, 'code')!, severity: textOf(f, 'severity')!, field: textOf(f, 'field')!, path: textOf(f, 'path')!,
      ...(line !== undefined ? { line: Number(line) } : {}),
      message: Object.fromEntries(message.children.map(c => [c.name, c.text])) as FindingJson['message'],
    }
  })
}

/** A child's text by path of local names: `at(view, 'status', 'acceptance')`. */
export function at(el: XmlElement, ...names: string[]): string | undefined {
  let current: XmlElement | undefined = el
  for (const name of names) current = current?.children.find(c => c.name === name)
  return current?.text
}

/** Validates Body elements against the schema inside wsdl/ehrs.wsdl, with the gateway's own XSD validator. */
export function wsdlSchema(): { validate(xml: string): Promise<string[]>; close(): Promise<void> } {
  const wsdl = parseXml(readFileSync(join(projectRoot, 'wsdl', 'ehrs.wsdl'), 'utf8'), undefined, { spans: true })
  const types = wsdl.root.children.find(c => c.name === 'types')!
  const dir = mkdtempSync(join(tmpdir(), 'ehrs-wsdl-'))
  writeFileSync(join(dir, 'soap.xsd'), embeddedDocument(wsdl.text, types))
  const checker = createSchemaChecker({ schemaDir: dir })
  return {
    async validate(xml) {
      return (await checker).check('soap.xsd', Buffer.from(xml)).map(i => i.message)
    },
    async close() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
