import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SignedXml } from 'xml-crypto'
import { embeddedDocument, parseXml, type XmlElement } from '../xml/index.js'
import { fingerprintOfDer } from './fingerprint.js'

/** ETSI TS 119 612 trusted lists ("zaupanja vreden seznam" / "dôveryhodný zoznam"), as the EU member states publish them. */
const TSL_NS = 'http://uri.etsi.org/02231/v2#'
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
/** A CA issuing qualified certificates (TS 119 612 §5.5.1.1). */
export const QUALIFIED_CA_SERVICE = 'http://uri.etsi.org/TrstSvc/Svctype/CA/QC'
/** The eIDAS status of a service the supervisory body has granted qualified status (TS 119 612 §5.5.4). */
export const GRANTED_STATUS = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted'

/** A CA a verified trusted list names as a granted qualified CA. */
export interface QualifiedCa {
  readonly pem: string
  readonly fingerprint: string
  readonly territory: string
  /** The trust service provider's and the service's names (English where given). */
  readonly provider: string
  readonly service: string
}

export interface TrustedList {
  readonly source: string
  readonly territory: string
  readonly sequenceNumber: string
  readonly nextUpdate: Date | undefined
  readonly qualifiedCas: readonly QualifiedCa[]
}

/** A trusted list that cannot be used: not well-formed, not a TS 119 612 list, or not signed by a pinned signer. */
export class TrustedListError extends Error {
  override readonly name = 'TrustedListError'
}

/**
 * Reads a trusted list whose XML signature one of `signers` (PEM certificates, pinned by the operator) made.
 * Only what that signature covers is read: the list is taken from the signed reference to the whole document,
 * never from the text around it, so content added beside the signature (a wrapping attack) counts for nothing.
 * Throws TrustedListError naming `source` and the reason.
 */
export function readTrustedList(xml: string, signers: readonly string[], source: string): TrustedList {
  const fail = (reason: string): never => { throw new TrustedListError(`trusted list ${source}: ${reason}`) }
  let document: { root: XmlElement; text: string }
  try {
    // Our hardened parser first: no DOCTYPE (entities could make the verified and the read content differ).
    document = parseXml(xml, undefined, { spans: true })
  } catch (error) {
    return fail(`not well-formed XML (${(error as Error).message})`)
  }
  const { root } = document
  if (root.ns !== TSL_NS || root.name !== 'TrustServiceStatusList') fail('not an ETSI TS 119 612 TrustServiceStatusList')
  const signatures = root.children.filter(c => c.ns === DSIG_NS && c.name === 'Signature')
  if (signatures.length !== 1) fail(signatures.length === 0 ? 'it is not signed' : 'it has more than one signature')
  if (signers.length === 0) fail('no TRUSTED_LIST_SIGNER certificate is given to check its signature against')
  // The signature as a document of its own, with the namespace declarations it inherits.
  const signatureXml = embeddedDocument(document.text, { ...root, children: [signatures[0]!], span: { ...root.span!, contentStart: signatures[0]!.span!.start } })
  const rootId = root.attributes['Id']
  let signed: string | undefined
  let lastError = 'the signature does not verify with any TRUSTED_LIST_SIGNER certificate'
  for (const signer of signers) {
    try {
      // getCertFromKeyInfo stays off: only the pinned certificate's key counts, never one the list brings along.
      const sig = new SignedXml({ publicCert: signer })
      sig.loadSignature(signatureXml)
      if (!sig.checkSignature(document.text)) continue
      const whole = sig.getReferences().find(r => (r.uri === '' || (rootId !== undefined && r.uri === `#${rootId}`)) && r.transforms.includes(ENVELOPED))
      if (!whole?.signedReference) {
        lastError = 'the signature does not cover the whole list (no enveloped reference to the document)'
        continue
      }
      signed = whole.signedReference
      break
    } catch (error) {
      // A wrong signature value keeps the message above; anything else (an unsupported algorithm, a broken
      // reference) is worth naming.
      const message = (error as Error).message
      if (!message.startsWith('invalid signature')) lastError = `the signature cannot be checked (${message.slice(0, 200)})`
    }
  }
  if (signed === undefined) return fail(lastError)
  return listOf(parseXml(signed).root, source, fail)
}

/** Each list of `files` read and verified against the PEM certificates of `signers`; throws TrustedListError for the first that fails. */
export function loadTrustedLists(files: readonly string[], signers: readonly string[]): TrustedList[] {
  return files.map(file => {
    let xml: string
    try {
      xml = readFileSync(file, 'utf8')
    } catch {
      throw new TrustedListError(`trusted list ${file}: cannot read the file`)
    }
    return readTrustedList(xml, signers, file)
  })
}

function listOf(root: XmlElement, source: string, fail: (reason: string) => never): TrustedList {
  const scheme = tsl(root, 'SchemeInformation')
  const territory = tsl(scheme, 'SchemeTerritory')?.text ?? fail('SchemeInformation has no SchemeTerritory')
  const nextUpdateText = tsl(tsl(scheme, 'NextUpdate'), 'dateTime')?.text
  const nextUpdate = nextUpdateText ? new Date(nextUpdateText) : undefined
  const qualifiedCas: QualifiedCa[] = []
  for (const provider of tslAll(tsl(root, 'TrustServiceProviderList'), 'TrustServiceProvider')) {
    const providerName = nameOf(tsl(tsl(provider, 'TSPInformation'), 'TSPName'))
    for (const service of tslAll(tsl(provider, 'TSPServices'), 'TSPService')) {
      const info = tsl(service, 'ServiceInformation')
      if (tsl(info, 'ServiceTypeIdentifier')?.text !== QUALIFIED_CA_SERVICE || tsl(info, 'ServiceStatus')?.text !== GRANTED_STATUS) continue
      const serviceName = nameOf(tsl(info, 'ServiceName'))
      for (const id of tslAll(tsl(info, 'ServiceDigitalIdentity'), 'DigitalId')) {
        const base64 = tsl(id, 'X509Certificate')?.text.replace(/\s+/g, '')
        if (!base64) continue
        let cert: X509Certificate
        try {
          cert = new X509Certificate(Buffer.from(base64, 'base64'))
        } catch {
          return fail(`service "${serviceName}" holds a certificate that does not parse`)
        }
        qualifiedCas.push({ pem: cert.toString(), fingerprint: fingerprintOfDer(cert.raw), territory, provider: providerName, service: serviceName })
      }
    }
  }
  return { source, territory, sequenceNumber: tsl(scheme, 'TSLSequenceNumber')?.text ?? '', nextUpdate, qualifiedCas }
}

function tsl(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find(c => c.ns === TSL_NS && c.name === name)
}

function tslAll(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent?.children.filter(c => c.ns === TSL_NS && c.name === name) ?? []
}

function nameOf(names: XmlElement | undefined): string {
  const all = tslAll(names, 'Name')
  return (all.find(n => n.attributes['{http://www.w3.org/XML/1998/namespace}lang'] === 'en') ?? all[0])?.text ?? ''
}
