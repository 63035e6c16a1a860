// A webhook receiver for ehrs-gateway: verifies each delivery's signature (Standard Webhooks) before trusting it.
// npm install standardwebhooks; WEBHOOK_SECRET=whsec_... PORT=4000 node receiver.mjs
import { createServer } from 'node:http'
import { Webhook } from 'standardwebhooks'

const webhook = new Webhook(process.env.WEBHOOK_SECRET)
const seen = new Set() // delivery is at least once: a repeated webhook-id is acknowledged, not handled again

createServer((req, res) => {
  const chunks = []
  req.on('data', chunk => chunks.push(chunk))
  req.on('end', () => {
    let e
    try {
      e = webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers) // the exact bytes and webhook-* headers
    } catch {
      return res.writeHead(400).end() // not from the gateway, or altered: refuse it
    }
    if (!seen.has(e.id)) {
      seen.add(e.id)
      console.log(e.document ? `${e.seq} ${e.document.type} ${e.document.id}: ${e.acceptance} / ${e.processing} (${e.reason})` : `${e.seq} ${e.type} ${e.subscription.id}`)
    }
    res.writeHead(204).end() // any 2xx within WEBHOOK_TIMEOUT acknowledges the event
  })
}).listen(Number(process.env.PORT ?? 4000), '127.0.0.1')
