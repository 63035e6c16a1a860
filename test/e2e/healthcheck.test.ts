import t from 'tap'
import { createServer } from 'node:https'
import { join } from 'node:path'
import { testPki } from '../helpers/pki.js'
import { embeddedEnv, run, startServerProcess } from '../helpers/processes.js'
import { projectRoot } from '../../src/lib/index.js'

const healthcheck = join(projectRoot, 'bin', 'healthcheck.js')

t.test('bin/healthcheck.js (the image\'s HEALTHCHECK): 0 while this gateway answers /healthz, 1 for another server or none', async t => {
  const home = t.testdir({})
  const env = embeddedEnv(join(home, 'data'))
  const server = await startServerProcess(home, env)
  t.teardown(() => server.stop('SIGKILL'))
  const probe = (port: number, extra: Record<string, string> = {}) => run(healthcheck, [], { cwd: home, env: { ...env, PORT: String(port), ...extra } })
  t.match(await probe(server.port), { code: 0, stderr: '' })
  t.match(await probe(server.port, { HOST: '0.0.0.0' }), { code: 0 }, 'a gateway listening on every address is probed on the loopback one')

  const pki = testPki()
  const impostor = createServer({ cert: pki.server.cert, key: pki.server.key }, (_req, res) => res.end('{"status":"ok"}'))
  await new Promise<void>(resolve => impostor.listen(0, '127.0.0.1', resolve))
  t.teardown(() => impostor.close())
  const address = impostor.address()
  t.match(await probe(typeof address === 'object' && address ? address.port : 0), { code: 1, stderr: /is not this gateway/ })

  t.equal(await server.stop(), 0)
  t.match(await probe(server.port), { code: 1, stderr: /ECONNREFUSED/ })
})
