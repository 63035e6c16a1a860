import { join } from 'node:path'
import t from 'tap'
import { fingerprint, readPemCertificates } from './index.js'
import { createCa } from '../../test/helpers/pki.js'

const first = createCa('First CA')
const second = createCa('Second CA')
const third = createCa('Third CA')

t.test('reads every certificate of a PEM file and skips the key beside them', async t => {
  const crlf = second.cert.replace(/\n/g, '\r\n')
  const dir = t.testdir({ 'bundle.pem': `${first.cert}${first.key}\n${crlf}` })
  const certs = readPemCertificates(join(dir, 'bundle.pem'))
  t.same(certs.map(fingerprint), [fingerprint(first.cert), fingerprint(second.cert)])
  t.same(certs, [first.cert, second.cert], 'canonical PEM with LF line ends')
})

t.test('reads the *.pem and *.crt files of a folder in name order, not other files or subfolders', async t => {
  const dir = t.testdir({
    'b.crt': third.cert,
    'a.pem': first.cert + second.cert,
    'a-key.pem': first.key,
    'readme.txt': third.cert,
    nested: { 'c.pem': third.cert },
  })
  t.same(readPemCertificates(dir).map(fingerprint), [first, second, third].map(pem => fingerprint(pem.cert)))
})

t.test('says which path holds no certificate', async t => {
  const dir = t.testdir({ 'key.pem': first.key, 'empty.crt': '', 'other': { 'notes.txt': first.cert } })
  t.throws(() => readPemCertificates(join(dir, 'key.pem')), { message: `no PEM certificate (-----BEGIN CERTIFICATE-----) found in file ${join(dir, 'key.pem')}` })
  t.throws(() => readPemCertificates(dir), { message: new RegExp(`folder ${escape(dir)}$`) })
  t.throws(() => readPemCertificates(join(dir, 'other')), { message: /no PEM certificate .* folder .*other$/ })
  t.throws(() => readPemCertificates(join(dir, 'missing.pem')), { message: /missing\.pem does not exist/ })
})

t.test('refuses a damaged certificate block, naming the file', async t => {
  // A base64 line dropped from the middle: still decodes, but the DER is cut short.
  const damaged = first.cert.split('\n').filter((_, i) => i !== 5).join('\n')
  const dir = t.testdir({ 'ca.pem': second.cert + damaged })
  t.throws(() => readPemCertificates(join(dir, 'ca.pem')), { message: /certificate 2 in .*ca\.pem is not a valid X\.509 certificate/ })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
