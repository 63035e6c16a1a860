import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { startGateway, xmlHeaders } from '../helpers/gateway.js'
import { testPki } from '../helpers/pki.js'
import { projectRoot } from '../../src/lib/index.js'

// The README's receiver (examples/webhooks/receiver.mjs), run as it is, against real deliveries of the gateway.

const pki = testPki()
const receiverPath = join(projectRoot, 'examples', 'webhooks', 'receiver.mjs')
const m1 = readFileSync(join(projectRoot, 'examples', 'si', 'm1.xml'), 'utf8')

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const address = server.address()
    server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
  })
})

t.test('the README shows the receiver file as it is', async t => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
  t.ok(readme.includes('```js\n' + readFileSync(receiverPath, 'utf8') + '```'), 'README.md holds examples/webhooks/receiver.mjs verbatim')
  t.ok(readFileSync(receiverPath, 'utf8').split('\n').length <= 30, 'about 20 lines')
})

t.test('the README\'s receiver verifies and prints each event of a filed document, and refuses a forged one', async t => {
  const gw = await startGateway(t)
  await gw.register(pki.client, { taxNumber: '45678138' })
  const port = await freePort()
  const created = await gw.call({
    path: '/api/v1/webhooks', as: pki.client, body: JSON.stringify({ url: `http://127.0.0.1:${port}/` }), headers: { 'content-type': 'application/json' },
  })
  t.equal(created.status, 201)
  const child = spawn(process.execPath, [receiverPath], { cwd: projectRoot, env: { ...process.env, WEBHOOK_SECRET: created.json.secret, PORT: String(port) } })
  t.teardown(() => { child.kill() })
  let output = ''
  child.stdout.on('data', chunk => { output += chunk })
  // Until it listens, an attempt fails and is retried: deliveries are at least once.
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).then(r => r.status, () => 0) === 400) break
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const forged = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST', body: '{"id":"x"}',
    headers: { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
  })
  t.equal(forged.status, 400, 'a forged delivery is refused')

  const filed = await gw.call({ path: '/api/v1/documents', as: pki.client, body: m1, headers: xmlHeaders })
  t.equal(filed.status, 201)
  await gw.services.lifecycle.timers.runDue()
  await gw.services.webhooks.runDue()
  const history = (await gw.call({ path: `/api/v1/documents/${filed.json.id}`, as: pki.client })).json.history
  const lines = output.trim().split('\n')
  t.same(lines.map(l => l.replace(/^\d+ /, '')), history.map((h: any) => `M1 ${filed.json.id}: ${h.acceptance} / ${h.processing} (${h.reason})`), 'one line per history row, in order')
  const rows = await gw.services.db.selectFrom('webhook_deliveries').select(['delivered_at', 'last_status']).execute()
  t.ok(rows.every(r => r.delivered_at && r.last_status === 204), 'every delivery acknowledged with 204')
})
