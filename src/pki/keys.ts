import { generateKeyPairSync } from 'node:crypto'

export interface RsaKeyPem {
  privateKeyPem: string
  publicKeyPem: string
}

/**
 * A fresh 2048-bit RSA key pair as PEM (PKCS#8 private, SPKI public).
 * Node's native generator is used because forge's pure-JS one takes seconds per key.
 */
export function generateRsaKey(): RsaKeyPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}
