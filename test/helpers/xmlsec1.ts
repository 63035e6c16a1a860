import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// xmlsec1 is the independent verifier SPEC.md §6 names. Missing, it fails these tests unless EHRS_SKIP_XMLSEC1=1.
// It needs no more than --verify and --trusted-pem (checked with 1.2.37): the empty reference URI is enabled by
// default (1.2.43 and 1.3.13 restrict the default to empty and same-document URIs, which still covers it), and
// the certificate comes from KeyInfo/X509Data, so 1.3's strict key search finds it too. The chain is checked
// against the trusted PEM and the current time, which certificates from issueCertificate satisfy.
const hasXmlsec1 = spawnSync('xmlsec1', ['--version']).error === undefined

export type XmlsecRun = (xml: string, caPem: string) => { code: number | null; output: string }

/** Runs xmlsec1 in a temp dir of `t`; undefined after failing `t` (or skipping, with EHRS_SKIP_XMLSEC1=1) when it is missing. */
export function xmlsec1For(t: { fail(message: string): unknown; pass(message: string, extra: { skip: string }): unknown; teardown(fn: () => void): void }): XmlsecRun | undefined {
  if (!hasXmlsec1) {
    if (process.env.EHRS_SKIP_XMLSEC1 === '1') t.pass('xmlsec1', { skip: 'xmlsec1 is not on PATH and EHRS_SKIP_XMLSEC1=1' })
    else t.fail('xmlsec1 is not on PATH: install it (Debian: apt-get install xmlsec1), or set EHRS_SKIP_XMLSEC1=1 to skip')
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'ehrs-receipt-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return (xml, caPem) => {
    writeFileSync(join(dir, 'receipt.xml'), xml)
    writeFileSync(join(dir, 'ca.pem'), caPem)
    const r = spawnSync('xmlsec1', ['--verify', '--trusted-pem', join(dir, 'ca.pem'), join(dir, 'receipt.xml')], { encoding: 'utf8' })
    return { code: r.status, output: `${r.stdout}${r.stderr}` }
  }
}

