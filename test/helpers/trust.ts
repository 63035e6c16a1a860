import { createPrivateKey, X509Certificate, webcrypto } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import { x509 } from '../../src/pki/x509.js'
import { GRANTED_STATUS, QUALIFIED_CA_SERVICE, type Pem } from '../../src/pki/index.js'

/** One service of a trust service provider in a test trusted list. */
export interface TestService {
  readonly ca: Pem
  readonly name: string
  readonly type?: string
  readonly status?: string
}

export const WITHDRAWN_STATUS = 'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn'
export const TIMESTAMP_SERVICE = 'http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST'

const base64 = (pem: string) => new X509Certificate(pem).raw.toString('base64')

/** An ETSI TS 119 612 trusted list (unsigned) of one provider with the given services. */
export function trustedListXml(territory: string, services: readonly TestService[]): string {
  const service = (s: TestService) => `
      <tsl:TSPService>
        <tsl:ServiceInformation>
          <tsl:ServiceTypeIdentifier>${s.type ?? QUALIFIED_CA_SERVICE}</tsl:ServiceTypeIdentifier>
          <tsl:ServiceName><tsl:Name xml:lang="sl">${s.name} (sl)</tsl:Name><tsl:Name xml:lang="en">${s.name}</tsl:Name></tsl:ServiceName>
          <tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>
            ${base64(s.ca.cert)}
          </tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>
          <tsl:ServiceStatus>${s.status ?? GRANTED_STATUS}</tsl:ServiceStatus>
          <tsl:StatusStartingTime>2016-06-30T22:00:00Z</tsl:StatusStartingTime>
        </tsl:ServiceInformation>
      </tsl:TSPService>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="http://uri.etsi.org/02231/v2#" Id="TrustServiceStatusList" TSLTag="http://uri.etsi.org/19612/TSLTag">
  <tsl:SchemeInformation>
    <tsl:TSLVersionIdentifier>5</tsl:TSLVersionIdentifier>
    <tsl:TSLSequenceNumber>42</tsl:TSLSequenceNumber>
    <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>
    <tsl:SchemeTerritory>${territory}</tsl:SchemeTerritory>
    <tsl:ListIssueDateTime>2026-01-01T00:00:00Z</tsl:ListIssueDateTime>
    <tsl:NextUpdate><tsl:dateTime>2036-07-01T00:00:00Z</tsl:dateTime></tsl:NextUpdate>
  </tsl:SchemeInformation>
  <tsl:TrustServiceProviderList>
    <tsl:TrustServiceProvider>
      <tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang="en">Test trust service provider</tsl:Name></tsl:TSPName></tsl:TSPInformation>
      <tsl:TSPServices>${services.map(service).join('')}
      </tsl:TSPServices>
    </tsl:TrustServiceProvider>
  </tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
`
}

/** The list signed as member states sign theirs: enveloped, exclusive C14N, RSA-SHA256, the signer in KeyInfo. */
export function signTrustedList(xml: string, signer: Pem): string {
  const sig = new SignedXml({
    privateKey: createPrivateKey(signer.key),
    publicCert: signer.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  sig.addReference({
    xpath: '/*', isEmptyUri: true, digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  })
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: '/*', action: 'append' } })
  return sig.getSignedXml()
}

/** A CRL of `ca` listing `revoked` (certificates, PEM), DER; `nextUpdate` a day ahead unless given. */
export async function createCrl(ca: Pem, revoked: readonly string[], opts: { thisUpdate?: Date; nextUpdate?: Date } = {}): Promise<Buffer> {
  const der = createPrivateKey(ca.key).export({ format: 'der', type: 'pkcs8' })
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign'])
  const issuer = new x509.X509Certificate(ca.cert)
  const thisUpdate = opts.thisUpdate ?? new Date(Date.now() - 60_000)
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.subjectName.toString(),
    thisUpdate,
    nextUpdate: opts.nextUpdate ?? new Date(thisUpdate.getTime() + 86_400_000),
    signingAlgorithm: algorithm,
    signingKey: signingKey as unknown as CryptoKey,
    entries: revoked.map(pem => ({ serialNumber: new X509Certificate(pem).serialNumber, revocationDate: thisUpdate, reason: x509.X509CrlReason.keyCompromise })),
  })
  return Buffer.from(crl.rawData)
}

/** A PEM "X509 CRL" block of DER bytes. */
export function crlPem(der: Uint8Array): string {
  return `-----BEGIN X509 CRL-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END X509 CRL-----\n`
}

/** The qcStatements extension with the one statement QcCompliance (ETSI EN 319 412-5), as DER. */
export const qcComplianceStatement = { oid: '1.3.6.1.5.5.7.1.3', der: Buffer.from('300a3008060604008e460101', 'hex') }
