import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixturesDir } from '../helpers/paths.js'

const pki = testPki()

t.test('submitting every fixture leaves no identifier or name in the log', async t => {
  const gw = await startGateway(t, { env: { LOG_LEVEL: 'trace' } })
  await gw.register(pki.client, { taxNumber: '45678138' })
  const dir = join(fixturesDir, 'si', 'm1')
  const files = [...readdirSync(dir).filter(f => f.endsWith('.xml')).map(f => join(dir, f)), ...readdirSync(join(dir, 'invalid')).map(f => join(dir, 'invalid', f))]
  const secrets = new Set<string>()
  for (const file of files) {
    const body = readFileSync(file)
    const text = body.toString()
    for (const m of text.matchAll(/<(?:\w+:)?(Emso|Priimek|Ime|NaseljeUlicaHisnaStevilka)>([^<]+)</g)) secrets.add(m[2]!.trim())
    await gw.call({ path: '/api/v1/documents', as: pki.client, body, headers: xmlHeaders })
    await gw.call({ path: `/api/v1/documents?employer=45678138&person=${encodeURIComponent('1204990505126')}`, as: pki.client })
  }
  const logs = gw.logs()
  t.ok(logs.includes('"route":"/api/v1/documents"'), 'requests are logged (by route pattern)')
  t.ok(secrets.size > 10, `${secrets.size} identifiers and names submitted`)
  for (const secret of secrets) t.notOk(logs.includes(secret), `not in the log: a ${secret.length}-character value`)
  t.notOk(logs.includes('person='), 'query strings are not logged')
})
