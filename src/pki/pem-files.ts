import { X509Certificate } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g
const CERTIFICATE_FILE_EXTENSIONS = new Set(['.pem', '.crt'])

/**
 * Every certificate in a PEM file, or in each `*.pem` / `*.crt` file of a folder (not recursive, in name
 * order), as separate PEM texts. Other blocks, such as keys kept beside the certificates, are skipped.
 * Throws naming the path when it is missing, holds no certificate, or holds a block that does not parse.
 */
export function readPemCertificates(fileOrDir: string): string[] {
  let isDirectory: boolean
  try {
    isDirectory = statSync(fileOrDir).isDirectory()
  } catch (error) {
    throw new Error(`cannot read certificates: ${fileOrDir} does not exist or is not readable`, { cause: error })
  }
  const files = isDirectory
    ? readdirSync(fileOrDir, { withFileTypes: true })
        .filter(entry => entry.isFile() && CERTIFICATE_FILE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
        .map(entry => join(fileOrDir, entry.name))
        .sort()
    : [fileOrDir]

  const certificates = files.flatMap(file => certificatesInFile(file))
  if (certificates.length === 0) {
    const where = isDirectory ? `the *.pem and *.crt files of folder ${fileOrDir}` : `file ${fileOrDir}`
    throw new Error(`no PEM certificate (-----BEGIN CERTIFICATE-----) found in ${where}`)
  }
  return certificates
}

function certificatesInFile(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(CERTIFICATE_BLOCK)].map((block, index) => {
    // Rewrapped, so CRLF files and odd line lengths all come out as the same canonical PEM.
    const lines = block[1]!.replace(/\s+/g, '').match(/.{1,64}/g) ?? []
    const pem = `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
    try {
      new X509Certificate(pem)
    } catch (error) {
      throw new Error(`certificate ${index + 1} in ${file} is not a valid X.509 certificate`, { cause: error })
    }
    return pem
  })
}
