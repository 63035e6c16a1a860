// @peculiar/x509 finds its algorithms through tsyringe, which needs the Reflect metadata API before it loads:
// imported here, first, and @peculiar/x509 only through this module.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { AsnConvert } from '@peculiar/asn1-schema'

export { x509, AsnConvert }

/** The DER bytes of the first certificate (or CRL) in PEM text, or the bytes themselves when they are DER. */
export function derOf(bytes: Uint8Array, label: 'CERTIFICATE' | 'X509 CRL'): Buffer {
  const text = Buffer.from(bytes).toString('latin1')
  const pem = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text)
  return pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(bytes)
}
