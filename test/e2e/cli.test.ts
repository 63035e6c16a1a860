import t from 'tap'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { call, startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { fixture, fixturesDir } from '../helpers/paths.js'
import { ehrsBin, embeddedEnv, run, startServerProcess } from '../helpers/processes.js'
import { fingerprint } from '../../src/pki/index.js'
import { addMandate } from '../../src/operator/index.js'
import { projectRoot } from '../../src/lib/index.js'

const pki = testPki()
const m1Dir = join(fixturesDir, 'si', 'm1')
// Every stateless fixture of every form, valid and invalid; not those that assume earlier documents, which
// `ehrs validate` cannot know.
const fixtureFiles = (['si/m1', 'si/m2', 'si/m3', 'si/m12', 'sk/mvp', 'sk/vpp', 'sk/rlfo', 'sk/rlzec', 'sk/eldp', 'sk/preg']).flatMap(form => {
  const dir = join(fixturesDir, form)
  return [
    ...readdirSync(dir).filter(f => f.endsWith('.xml')).map(f => join(dir, f)),
    ...readdirSync(join(dir, 'invalid')).map(f => join(dir, 'invalid', f)),
  ].filter(f => !readFileSync(f, 'utf8').includes('<!-- earlier:'))
})

t.test('ehrs validate gives the same findings as the server for the same file', async t => {
  const gw = await startGateway(t, { env: { PROCESSING_DELAY: '1h' } })
  const clientId = await gw.register(pki.client, { taxNumber: '45678138' })
  // The server authorizes before it validates: the program holds a mandate from every employer of the fixtures.
  const employers = new Set(fixtureFiles.map(f => /(?:DavcnaStevilka|Dic)>(\d+)</.exec(readFileSync(f, 'utf8'))?.[1] ?? '45678138'))
  for (const employer of employers) if (employer !== '45678138') await addMandate(gw.services.db, { employer, clientId }, new Date())
  const cli = await run(ehrsBin, ['validate', '--json', ...fixtureFiles])
  t.equal(cli.code, 1, 'exit 1: some files are invalid')
  const verdicts = JSON.parse(cli.stdout) as { file: string; valid: boolean; findings: { code: string; path: string }[] }[]
  for (const verdict of verdicts) {
    const body = fixture(verdict.file.slice(fixturesDir.length + 1))
    const res = await gw.call({ path: '/api/v1/documents', as: pki.client, body, headers: xmlHeaders })
    const serverFindings = (res.json.findings ?? []).map((f: { code: string; path: string }) => `${f.code} ${f.path}`)
    t.same(verdict.findings.map(f => `${f.code} ${f.path}`), serverFindings, verdict.file.slice(fixturesDir.length))
    t.equal(verdict.valid, res.status === 201 || res.status === 200)
    // A stored Slovak report would make the next regular one of its period inadmissible: each is cancelled.
    if (res.status === 201 && res.json.employer === '2021234501') {
      t.equal((await gw.call({ method: 'POST', path: `/api/v1/documents/${res.json.id}/storno`, as: pki.client })).status, 200)
    }
  }
})

t.test('ehrs validate exit codes: 0 valid, 1 invalid, 2 unusable', async t => {
  const dir = t.testdir({ 'malformed.xml': '<M1>', 'doctype.xml': '<!DOCTYPE M1><M1/>', 'other.xml': '<x xmlns="urn:other"/>' })
  t.equal((await run(ehrsBin, ['validate', join(m1Dir, 'valid-basic.xml')])).code, 0)
  const invalid = await run(ehrsBin, ['validate', join(m1Dir, 'invalid', 'SI-COMMON-003.xml')])
  t.equal(invalid.code, 1)
  t.match(invalid.stdout, /error SI-COMMON-003 \[rubrika 5\] \/M1\/Zavarovanec\/Emso/)
  for (const file of ['malformed.xml', 'doctype.xml', 'other.xml', 'missing.xml']) {
    t.equal((await run(ehrsBin, ['validate', join(dir, file)])).code, 2, file)
  }
  const usage = await run(ehrsBin, ['clients', 'frobnicate'])
  t.equal(usage.code, 2)
  t.match(usage.stderr, /unknown command/)
})

t.test('the ehrs program: --version, --help, and a misspelt option refused with exit 2 before any database is opened', async t => {
  const home = t.testdir({})
  const env = embeddedEnv(join(home, 'data'))
  const version = await run(ehrsBin, ['--version'], { cwd: home, env })
  t.same(version, { code: 0, stdout: `${JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version}\n`, stderr: '' })
  const help = await run(ehrsBin, ['mandates', 'add', '--help'], { cwd: home, env })
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: ehrs mandates add --employer TAXNO --client ID \[--types M1,M2,\.\.\.\] \[--from YYYY-MM-DD\] \[--to YYYY-MM-DD\]/)
  const typo = await run(ehrsBin, ['mandates', 'add', '--employer', '45678138', '--client', '01a1fcbf-f440-7e95-9732-aa93878a22dd', '--form', '2025-01-01'], { cwd: home, env })
  t.equal(typo.code, 2)
  t.equal(typo.stderr, 'ehrs mandates add: unknown option --form (did you mean --from?); see ehrs mandates add --help\n')
  t.equal(typo.stdout, '')
  t.notOk(existsSync(join(home, 'data')), 'no database was created')
})

t.test('the operator CLI works on a running gateway with the embedded database, without a restart', async t => {
  const home = t.testdir({})
  const trust = join(home, 'trust')
  mkdirSync(trust)
  writeFileSync(join(trust, 'outside-ca.pem'), pki.outsideCa.cert)
  writeFileSync(join(home, 'vendor.pem'), pki.outsideClient.cert)
  const dataDir = join(home, 'data')
  const env = embeddedEnv(dataDir, { TRUST_CA: trust })
  const server = await startServerProcess(home, env)
  let stopped = false
  t.teardown(async () => { if (!stopped) await server.stop('SIGKILL') })
  const url = `https://127.0.0.1:${server.port}`
  const caCert = (await import('node:fs')).readFileSync(join(home, 'certs-dev', 'ca.pem'), 'utf8')
  const post = (body: Buffer) => call(url, caCert, { path: '/api/v1/documents', as: pki.outsideClient, body, headers: xmlHeaders })
  const ehrs = (...args: string[]) => run(ehrsBin, args, { cwd: home, env })

  const added = await ehrs('clients', 'add', '--name', 'Vendor d.o.o.', '--tax-number', '45678138', '--env', 'test', '--cert', join(home, 'vendor.pem'), '--software', 'Vendor/Plače/2.1')
  t.equal(added.code, 0, added.stderr)
  const clientId = added.stdout.trim()
  t.equal((await post(fixture('si/m1/valid-basic.xml'))).status, 201, 'files for its own tax number')
  const foreign = await post(fixture('si/m1/valid-sole-trader.xml'))
  t.equal(foreign.json.code, 'NOT_AUTHORIZED_FOR_EMPLOYER')

  const mandate = await ehrs('mandates', 'add', '--employer', '38172658', '--client', clientId, '--types', 'M1,M2')
  t.equal(mandate.code, 0, mandate.stderr)
  t.equal((await post(fixture('si/m1/valid-sole-trader.xml'))).status, 201, 'the mandate takes effect on the next request')

  const list = await ehrs('clients', 'show', clientId, '--json')
  t.match(JSON.parse(list.stdout), { id: clientId, taxNumber: '45678138', mandates: [{ employer: '38172658', types: ['M1', 'M2'] }] })
  t.equal((await ehrs('mandates', 'add', '--employer', '38172658', '--client', clientId, '--types', 'X9')).code, 2, 'a helpful usage error')

  // Webhook subscriptions: the client subscribes over REST, the operator lists and stops them through the admin socket.
  const subscribed = await call(url, caCert, {
    path: '/api/v1/webhooks', as: pki.outsideClient, body: JSON.stringify({ url: 'https://receiver.example/hooks/ehrs?token=s3cret' }),
    headers: { 'content-type': 'application/json' },
  })
  t.equal(subscribed.status, 201, subscribed.text)
  const hooks = await ehrs('webhooks', 'list')
  t.equal(hooks.code, 0, hooks.stderr)
  t.match(hooks.stdout, new RegExp(`${subscribed.json.id}\\s+${clientId}\\s+active\\s+0\\s+all\\s+https://receiver.example/hooks/ehrs\\?…`))
  t.notMatch(hooks.stdout, /s3cret/, 'the query string of a receiver is not shown')
  const disabled = await ehrs('webhooks', 'disable', subscribed.json.id)
  t.equal(disabled.code, 0, disabled.stderr)
  t.equal(disabled.stdout, `webhook subscription ${subscribed.json.id} disabled\n`)
  t.match(JSON.parse((await ehrs('webhooks', 'list', '--json')).stdout), [{ id: subscribed.json.id, status: 'disabled' }])
  const mine = await call(url, caCert, { path: '/api/v1/webhooks', as: pki.outsideClient })
  t.match(mine.json.items, [{ id: subscribed.json.id, status: 'disabled' }], 'the client sees its subscription disabled')
  const again = await ehrs('webhooks', 'disable', subscribed.json.id)
  t.equal(again.code, 2)
  t.match(again.stderr, /already disabled/)
  t.match((await ehrs('webhooks', 'disable', '01a1fcbf-f440-7e95-9732-aa93878a22dd')).stderr, /No webhook subscription/)

  t.equal((await ehrs('clients', 'cert-revoke', fingerprint(pki.outsideClient.cert))).code, 0)
  t.equal((await post(fixture('si/m1/valid-foreigner.xml'))).json.code, 'CLIENT_CERT_REVOKED')

  const verify = await ehrs('audit', 'verify')
  t.equal(verify.code, 0, verify.stdout)
  t.match(verify.stdout, /intact/)

  t.equal(await server.stop(), 0, 'SIGTERM: graceful exit 0')
  stopped = true
  t.notMatch(server.output(), /Žagar|1204990505126|0309982501238|Novak/, 'no personal data in the log')

  // With the gateway stopped the CLI opens the embedded database itself.
  t.equal((await ehrs('audit', 'verify')).code, 0)
  const pglite = await PGlite.create(join(dataDir, 'pglite'))
  await pglite.query(`update audit_log set action = 'document.deleted' where seq = 2`)
  await pglite.close()
  const broken = await ehrs('audit', 'verify')
  t.equal(broken.code, 1)
  t.match(broken.stdout, /BROKEN at entry 2/)
})

t.test('on PostgreSQL the gateway starts without a data folder and the CLI reaches the database directly', { skip: process.env.DATABASE_URL ? false : 'runs in the PostgreSQL pass' }, async t => {
  const home = t.testdir({})
  const env = { ...process.env, DATA_DIR: join(home, 'nowhere') }
  const server = await startServerProcess(home, env)
  t.teardown(() => server.stop('SIGKILL'))
  const caCert = (await import('node:fs')).readFileSync(join(home, 'certs-dev', 'ca.pem'), 'utf8')
  const ready = await call(`https://127.0.0.1:${server.port}`, caCert, { path: '/readyz' })
  t.match(ready.json, { status: 'ready' })
  const list = await run(ehrsBin, ['clients', 'list', '--json'], { cwd: home, env })
  t.equal(list.code, 0, list.stderr)
  t.ok(JSON.parse(list.stdout).some((c: { name: string }) => c.name === 'Demo payroll d.o.o.'), 'the demo client the server registered')
  t.equal(await server.stop(), 0)
})
