import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { hostileCorpus } from '../fixtures/hostile/generate.js'

const pki = testPki()

t.test('every hostile document gets the answer expected.json gives, and is in the message log', async t => {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
  await gw.register(pki.client, { taxNumber: '45678138' })
  await gw.register(pki.otherClient, { taxNumber: '2021234501' })
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const corpus = hostileCorpus(dir)
  for (const { file, path, expected } of corpus) {
    const as = file.startsWith('mvp-') ? pki.otherClient : pki.client
    const res = await gw.call({ path: '/api/v1/documents', as, body: readFileSync(path), headers: xmlHeaders })
    t.match(res.json, { status: expected.status, code: expected.code, detail: expected.detail }, file)
    t.equal(res.status, expected.status, file)
    t.ok((res.json.findings ?? []).length <= 1001, `${file}: a bounded list of findings`)
  }
  const log = await gw.services.db.selectFrom('message_log').select('problem_code').execute()
  t.same(log.map(m => m.problem_code).sort(), corpus.map(d => d.expected.code).sort())
})
