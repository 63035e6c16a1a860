import { createPrivateKey, sign as signData, X509Certificate, type KeyObject } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import type { DocumentView } from '../documents/index.js'
import { countryOf } from '../forms/index.js'
import { parseXml, type XmlElement } from '../xml/index.js'

/** Receipt ("potrdilo o prejemu" / "potvrdenie o prijatí"): the gateway's own vocabulary, shared by both countries. */
export const RECEIPT_NS = 'urn:ehrs:receipt:1'

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const MIN_RSA_BITS = 2048

const titles = {
  sl: 'Potrdilo o prejemu dokumenta',
  sk: 'Potvrdenie o prijatí dokumentu',
} as const

const languageOf = (type: string): 'sl' | 'sk' => (countryOf(type) === 'SI' ? 'sl' : 'sk')

/**
 * The unsigned receipt of one document (SPEC.md §6), laid out as xsd/receipt.xsd describes. Finding texts
 * and the values they point at stay out: only codes, fields and paths. `Status/@since` is the time of the
 * latest state. Throws if a value holds a character XML 1.0 cannot carry (none can come from a parsed document).
 */
export function renderReceipt(view: DocumentView, issuedAt: Date): string {
  const lang = languageOf(view.type)
  const localLabel = view.status.label[lang]
  if (localLabel === undefined) throw new Error(`document ${view.id}: the status has no "${lang}" label`)
  const since = view.history[view.history.length - 1]?.at ?? view.receivedAt
  const optional = (name: string, value: string | undefined): string[] => (value === undefined ? [] : [element(name, value)])

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Receipt xmlns="${RECEIPT_NS}" version="1">`,
    `  <Title lang="${lang}">${text(titles[lang])}</Title>`,
    element('DocumentId', view.id),
    element('Number', view.number),
    ...optional('ReceiptNumber', view.receiptNumber),
    element('Type', view.type),
    element('Employer', view.employer),
    ...optional('Period', view.period),
    ...optional('Kind', view.kind),
    ...optional('ExternalId', view.externalId),
    element('ReceivedAt', view.receivedAt),
    element('Sha256', view.sha256),
    `  <Status acceptance="${attr(view.status.acceptance)}" processing="${attr(view.status.processing)}" since="${attr(since)}">`,
    `    <Label lang="en">${text(view.status.label.en)}</Label>`,
    `    <Label lang="${lang}">${text(localLabel)}</Label>`,
    '  </Status>',
    ...(view.payment ? [`  <Payment expectedBy="${attr(view.payment.expectedBy)}"/>`] : []),
    ...(view.pairing ? [`  <Pairing state="${attr(view.pairing.state)}" deadline="${attr(view.pairing.deadline)}"${
      view.pairing.pairedWith ? ` pairedWith="${attr(view.pairing.pairedWith)}"` : ''}${view.pairing.pairedAt ? ` pairedAt="${attr(view.pairing.pairedAt)}"` : ''}/>`] : []),
    ...(view.findings.length === 0 ? [] : [
      '  <Findings>',
      ...view.findings.map(f =>
        `    <Finding code="${attr(f.code)}" severity="${attr(f.severity)}" field="${attr(f.field)}" path="${attr(f.path)}"/>`),
      '  </Findings>',
    ]),
    element('IssuedAt', issuedAt.toISOString()),
    '</Receipt>',
  ]
  return `${lines.join('\n')}\n`
}

function element(name: string, value: string): string {
  return `  <${name}>${text(value)}</${name}>`
}

// Characters XML 1.0 cannot carry, escaped or not (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/FFFF).
const notXmlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function checked(value: string): string {
  if (notXmlChar.test(value)) throw new Error('a receipt value holds a character XML 1.0 does not allow')
  return value
}

// '>' too, so that "]]>" cannot appear; CR as a reference, or parsers would turn it into LF.
function text(value: string): string {
  return checked(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;')
}

// Tab, LF and CR as references, or attribute-value normalisation would turn them into spaces.
function attr(value: string): string {
  return checked(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;')
}

export interface ReceiptSigner {
  /** `xml` with an enveloped ds:Signature appended as the last child of its root element. */
  sign(xml: string): string
  /** RSA-SHA256 (PKCS #1 v1.5) signature of `data` with the same key, as `openssl dgst -sha256 -sign` makes it (audit checkpoints). */
  signDetached(data: Uint8Array): Buffer
  /** SIGNING_CERT: the signing certificate first, then its issuers, as PEM. */
  readonly certificatePem: string
}

export interface SigningMaterial {
  /** SIGNING_CERT: the signing certificate first, then any intermediate CA certificates, as PEM. */
  readonly certPem: string
  /** SIGNING_KEY: the RSA private key of the signing certificate, as unencrypted PEM. */
  readonly keyPem: string
  /** When the certificate must be valid; now unless given. */
  readonly at?: Date
}

/**
 * Signs receipts (SPEC.md §6): enveloped XML Signature, RSA-SHA256, exclusive C14N, one reference with URI=""
 * to the whole document, and the certificates of SIGNING_CERT in KeyInfo/X509Data. Intermediates are published
 * there so that a verifier that trusts only the root (`xmlsec1 --trusted-pem root.pem`) can build the chain.
 * Throws an Error naming SIGNING_KEY or SIGNING_CERT when either is unreadable, the key is not RSA of at least
 * 2048 bits, the key does not belong to the certificate, the certificate is not valid now, or the chain is out of order.
 */
export function createReceiptSigner({ certPem, keyPem, at = new Date() }: SigningMaterial): ReceiptSigner {
  const key = signingKey(keyPem)
  const chain = certificatesOf(certPem, 'SIGNING_CERT')
  const leaf = chain[0]!
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(`SIGNING_KEY does not belong to the signing certificate in SIGNING_CERT ("${leaf.subject.replace(/\n/g, ', ')}")`)
  }
  if (!isValidAt(leaf, at)) {
    throw new Error(`SIGNING_CERT is not valid at ${at.toISOString()} (valid from ${leaf.validFrom} to ${leaf.validTo})`)
  }
  chain.slice(1).forEach((issuer, i) => {
    if (!issues(issuer, chain[i]!)) {
      throw new Error(`SIGNING_CERT: certificate ${i + 2} did not issue certificate ${i + 1}; list the signing certificate first, then its issuers in order`)
    }
  })
  const certificates = chain.map(c => c.raw.toString('base64'))

  return {
    certificatePem: chain.map(c => c.toString()).join(''),
    signDetached: data => signData('sha256', data, key),
    sign(xml) {
      const sig = new SignedXml({
        privateKey: key,
        signatureAlgorithm: RSA_SHA256,
        canonicalizationAlgorithm: EXC_C14N,
        getKeyInfoContent: ({ prefix } = {}) => {
          const p = prefix ? `${prefix}:` : ''
          return `<${p}X509Data>${certificates.map(c => `<${p}X509Certificate>${c}</${p}X509Certificate>`).join('')}</${p}X509Data>`
        },
      })
      sig.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true })
      sig.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } })
      return sig.getSignedXml()
    },
  }
}

function signingKey(keyPem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(keyPem)
  } catch (error) {
    throw new Error('SIGNING_KEY is not a readable unencrypted PEM private key', { cause: error })
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`SIGNING_KEY must be an RSA key (receipts are signed with RSA-SHA256), not ${key.asymmetricKeyType ?? 'unknown'}`)
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_RSA_BITS) throw new Error(`SIGNING_KEY must have at least ${MIN_RSA_BITS} bits, it has ${bits}`)
  return key
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

function certificatesOf(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? []
  if (blocks.length === 0) throw new Error(`${what} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block)
    } catch (error) {
      throw new Error(`${what}: certificate ${i + 1} does not parse`, { cause: error })
    }
  })
}

function isValidAt(cert: X509Certificate, at: Date): boolean {
  return new Date(cert.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(cert.validTo).getTime()
}

function issues(issuer: X509Certificate, cert: X509Certificate): boolean {
  return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey)
}

/**
 * True when `xml` is a receipt whose signature is valid and made as `createReceiptSigner` makes it (RSA-SHA256,
 * exclusive C14N, one reference to the whole document), and whose signing certificate, through any intermediates
 * in KeyInfo, chains to a CA certificate in `trustedCaPem`, every certificate valid at `at`. Any receipt
 * problem gives false; a `trustedCaPem` without a readable CA certificate throws.
 */
export function verifyReceipt(xml: string, trustedCaPem: string, at: Date = new Date()): boolean {
  const anchors = certificatesOf(trustedCaPem, 'the trusted CA file').filter(c => c.ca)
  if (anchors.length === 0) throw new Error('the trusted CA file holds no CA certificate (basicConstraints cA)')
  // Our parser first: it refuses a DOCTYPE (entities could make the verified and the displayed content
  // differ) and anything not well-formed, which xml-crypto's lenient parser would repair silently.
  let root: XmlElement
  try {
    root = parseXml(xml).root
  } catch {
    return false
  }
  if (root.ns !== RECEIPT_NS || root.name !== 'Receipt') return false
  const signatures = descendants(root).filter(e => e.ns === DSIG_NS && e.name === 'Signature')
  const signature = signatures[0]
  if (signatures.length !== 1 || root.children[root.children.length - 1] !== signature) return false
  const references = dsChildren(dsChildren(signature, 'SignedInfo')[0], 'Reference')
  if (references.length !== 1 || references[0]!.attributes['URI'] !== '') return false

  let chain: X509Certificate[]
  try {
    chain = dsChildren(dsChildren(dsChildren(signature, 'KeyInfo')[0], 'X509Data')[0], 'X509Certificate')
      .map(c => new X509Certificate(Buffer.from(c.text.replace(/\s+/g, ''), 'base64')))
  } catch {
    return false
  }
  if (chain.length === 0 || !chainsTo(chain, anchors, at)) return false

  // xml-crypto takes the signature as its own text and finds it in the document by its SignatureValue. The
  // signer writes the prefix ds; one start and one end tag, so a copy hidden in a comment cannot be picked.
  const starts = [...xml.matchAll(/<ds:Signature[\s>]/g)]
  const ends = [...xml.matchAll(/<\/ds:Signature\s*>/g)]
  if (starts.length !== 1 || ends.length !== 1) return false
  const start = starts[0]!.index
  const end = ends[0]!.index + ends[0]![0].length
  if (end < start) return false
  try {
    // The key is the leaf whose chain was checked above; getCertFromKeyInfo stays off, so no other key can slip in.
    const sig = new SignedXml({ publicCert: chain[0]!.toString() })
    sig.loadSignature(xml.slice(start, end))
    const refs = sig.getReferences()
    const ref = refs[0]
    if (sig.signatureAlgorithm !== RSA_SHA256 || sig.canonicalizationAlgorithm !== EXC_C14N || refs.length !== 1 || !ref
      || ref.uri !== '' || ref.digestAlgorithm !== SHA256 || ref.transforms.join(' ') !== `${ENVELOPED} ${EXC_C14N}`) return false
    return sig.checkSignature(xml)
  } catch {
    return false
  }
}

function chainsTo(chain: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date): boolean {
  let current = chain[0]!
  for (let depth = 0; depth < chain.length; depth++) {
    if (!isValidAt(current, at)) return false
    const anchor = anchors.find(a => issues(a, current))
    if (anchor) return isValidAt(anchor, at)
    const next = chain.slice(1).find(c => c !== current && issues(c, current))
    if (!next) return false
    current = next
  }
  return false
}

function descendants(element: XmlElement): XmlElement[] {
  return element.children.flatMap(c => [c, ...descendants(c)])
}

function dsChildren(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent?.children.filter(c => c.ns === DSIG_NS && c.name === name) ?? []
}
