import { GatewayError } from '../../problems.js'
import { embeddedDocument, parseXmlBytes, XmlError, type XmlElement } from '../../xml/index.js'

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope'
export const GATEWAY_NS = 'urn:ehrs:soap:1'
// Envelope, Body, the operation, its parameters, and a document's root: intake reads the document itself.
const KEPT_DEPTH = 5

/** A fault that SOAP 1.1 names itself (§4.4.1), beyond Client and Server. */
export class SoapProtocolError extends GatewayError {
  constructor(readonly faultCode: 'VersionMismatch' | 'MustUnderstand', detail: string) {
    super('INVALID_REQUEST', detail)
  }
}

export interface SoapRequest {
  /** Local name of the Body's element: the operation (document/literal wrapped). */
  readonly operation: string
  /** The operation element's children, as plain data (read on a worker thread, see envelope-worker.ts). */
  readonly parameters: readonly SoapParameter[]
}

export interface SoapParameter {
  readonly ns: string
  readonly name: string
  readonly elements: number
  readonly text: string
  /** With exactly one child element and no text: that element cut out as a document of its own, byte-exact. */
  readonly document?: Uint8Array
}

/**
 * Reads a SOAP 1.1 request with the same hardened parser as documents: no DOCTYPE (XML_DOCTYPE_FORBIDDEN), UTF-8
 * only, bounded in every dimension (`XmlLimits`). Throws XML_MALFORMED, XML_DOCTYPE_FORBIDDEN, INVALID_REQUEST or SoapProtocolError.
 */
export function readEnvelope(bytes: Uint8Array): SoapRequest {
  let parsed
  try {
    parsed = parseXmlBytes(bytes, undefined, { spans: true, embeddedDeclarations: true, keepDepth: KEPT_DEPTH })
  } catch (error) {
    if (!(error instanceof XmlError)) throw error
    if (error.kind === 'doctype') throw new GatewayError('XML_DOCTYPE_FORBIDDEN', 'A DOCTYPE is not allowed: entities could reach outside the message', [], { cause: error })
    const what = error.kind === 'limit' ? 'exceeds a limit' : 'is not well-formed UTF-8 XML'
    throw new GatewayError('XML_MALFORMED', `The SOAP envelope ${what}: ${error.message}`, [], { cause: error })
  }
  const envelope = parsed.root
  if (envelope.name === 'Envelope' && envelope.ns === SOAP12_NS) {
    throw new SoapProtocolError('VersionMismatch', 'This endpoint speaks SOAP 1.1; send the envelope in http://schemas.xmlsoap.org/soap/envelope/')
  }
  if (envelope.name === 'Envelope' && envelope.ns !== SOAP11_NS) {
    throw new SoapProtocolError('VersionMismatch', `The envelope's namespace ${envelope.ns || '(none)'} is not SOAP 1.1's http://schemas.xmlsoap.org/soap/envelope/`)
  }
  if (envelope.name !== 'Envelope') throw invalid('The message is not a SOAP envelope: wrap the operation in soap:Envelope/soap:Body (see /soap?wsdl)')
  const [header, body, ...rest] = envelope.children[0]?.name === 'Header' ? envelope.children : [undefined, ...envelope.children]
  if (header && header.ns !== SOAP11_NS) throw invalid('The envelope\'s first child must be soap:Header or soap:Body')
  if (!body || body.name !== 'Body' || body.ns !== SOAP11_NS || rest.length > 0) throw invalid('The envelope must hold one soap:Body, after an optional soap:Header')
  // No header block is understood, so one that must be understood cannot be processed (SOAP 1.1 §4.2.3).
  const mandatory = header?.children.find(block => /^(1|true)$/.test(block.attributes[`{${SOAP11_NS}}mustUnderstand`] ?? ''))
  if (mandatory) throw new SoapProtocolError('MustUnderstand', `The header block {${mandatory.ns}}${mandatory.name} is not understood`)
  if (body.children.length !== 1) throw invalid('soap:Body must hold exactly one operation element')
  const operation = body.children[0]!
  if (operation.ns !== GATEWAY_NS) throw invalid(`The operation element must be in the namespace ${GATEWAY_NS}`)
  return { operation: operation.name, parameters: operation.children.map(p => parameterOf(parsed.text, p)) }
}

function parameterOf(text: string, parameter: XmlElement): SoapParameter {
  const plain = { ns: parameter.ns, name: parameter.name, elements: parameter.children.length, text: parameter.text }
  return plain.elements === 1 && plain.text === '' ? { ...plain, document: Buffer.from(embeddedDocument(text, parameter), 'utf8') } : plain
}

type ParameterKind = 'text' | 'document'

/**
 * The operation's parameters by name, checked against the WSDL's sequence: only declared children, each
 * at most once, the required ones present. A `document` parameter yields the embedded document's bytes.
 */
export function readParameters<K extends string>(
  request: SoapRequest, declared: Readonly<Record<K, { kind: ParameterKind; required?: boolean }>>,
): Partial<Record<K, string>> & { document?: Uint8Array } {
  const text: Partial<Record<K, string>> = {}
  let document: Uint8Array | undefined
  const seen = new Set<string>()
  for (const parameter of request.parameters) {
    const spec = Object.hasOwn(declared, parameter.name) ? declared[parameter.name as K] : undefined
    if (parameter.ns !== GATEWAY_NS || !spec) throw invalid(`${request.operation} has no parameter {${parameter.ns}}${parameter.name}`)
    if (seen.has(parameter.name)) throw invalid(`${request.operation}: ${parameter.name} may be given once`)
    seen.add(parameter.name)
    if (spec.kind === 'document') {
      if (!parameter.document) {
        throw invalid(`${request.operation}: ${parameter.name} must hold exactly one document element (M1, MVP, …) and nothing else`)
      }
      document = parameter.document
    } else {
      if (parameter.elements > 0) throw invalid(`${request.operation}: ${parameter.name} holds text, not elements`)
      if (parameter.text !== '') text[parameter.name as K] = parameter.text
    }
  }
  for (const [name, spec] of Object.entries(declared) as [K, { required?: boolean }][]) {
    if (spec.required && !seen.has(name)) throw invalid(`${request.operation} needs ${name}`)
  }
  return document ? { ...text, document } : text
}

const invalid = (detail: string): GatewayError => new GatewayError('INVALID_REQUEST', detail)
