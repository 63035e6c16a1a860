import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { envelope, readAnswer, soapCall } from '../helpers/soap.js'
import { hostileCorpus } from '../fixtures/hostile/generate.js'
import { sha256Hex, projectRoot } from '../../src/lib/index.js'

/**
 * Every pathological document of the corpus (test/fixtures/hostile) is refused with its own 4xx and problem code,
 * over REST and over SOAP, and each refusal has its message-log row; nothing answers 5xx, and the gateway goes on.
 */
const as = testPki().client
const dir = mkdtempSync(join(tmpdir(), 'ehrs-hostile-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const corpus = hostileCorpus(dir)

t.test('the hostile corpus, over REST and SOAP', async t => {
  const gw = await startGateway(t)
  await gw.register(as, { taxNumber: '45678138' })
  await gw.register(testPki().otherClient, { taxNumber: '2021234501' })
  const loggedAs = async (sha256: string) => gw.services.db.selectFrom('message_log')
    .select(['status', 'problem_code', 'transport', 'size']).where('sha256', '=', sha256).execute()

  for (const { file, path, expected } of corpus) {
    const bytes = readFileSync(path)
    // The MVP belongs to the other client's company; the M1s to this one's.
    const caller = file.startsWith('mvp') ? testPki().otherClient : as

    t.test(`${file} over REST: ${expected.status} ${expected.code}`, async t => {
      const res = await gw.call({ path: '/api/v1/documents', as: caller, body: bytes, headers: xmlHeaders })
      t.equal(res.status, expected.status)
      t.equal(res.json.code, expected.code)
      t.match(res.json.detail, expected.detail)
      if (expected.code === 'DOCUMENT_INVALID') t.ok(res.json.findings.length <= 1001, `findings are bounded: ${res.json.findings.length}`)
      t.match(await loggedAs(sha256Hex(bytes)), [{ status: expected.status, problem_code: expected.code, transport: 'rest', size: bytes.byteLength }])
    })

    t.test(`${file} over SOAP: a Fault with ${expected.code}`, async t => {
      const root = bytes.toString('utf8').replace(/^<\?xml[^?]*\?>\s*/, '')
      const message = Buffer.from(envelope('SubmitDocument', `<e:document>${root}</e:document>`))
      const res = await soapCall(gw, caller, message)
      t.equal(res.status, 500, 'SOAP 1.1 answers a Fault with 500')
      const answer = readAnswer(res.text)
      t.equal(answer.fault?.problem.code, expected.code)
      t.equal(answer.fault?.problem.status, expected.status)
      // The envelope's row, or the embedded document's when the envelope itself was readable.
      const latest = await gw.services.db.selectFrom('message_log').select(['status', 'problem_code', 'transport'])
        .where('transport', '=', 'soap').orderBy('id', 'desc').limit(1).execute()
      t.match(latest, [{ status: expected.status, problem_code: expected.code }])
    })
  }

  t.test('after the corpus, a valid document is still filed', async t => {
    const res = await gw.call({ path: '/api/v1/documents', as, body: readFileSync(join(projectRoot, 'examples/si/m1.xml')), headers: xmlHeaders })
    t.equal(res.status, 201)
  })
})
