import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { Webhook } from 'standardwebhooks'

/** One request a receiver got: its headers and body as sent. */
export interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: string
  readonly path: string
  readonly at: number
}

/**
 * What the receiver does with the n-th request (from 0): answer with a status (and headers), or `hang`: never answer.
 */
export type Behaviour = (n: number, request: Received) => number | 'hang' | { status: number; headers: Record<string, string> }

export interface TestReceiver {
  /** `http://127.0.0.1:PORT/hook`: plain HTTP to loopback, as a development receiver. */
  readonly url: string
  readonly received: Received[]
  /** The most requests it held open at one time (received, not yet answered or given up by the sender). */
  peakOpen(): number
  /** Changes what it answers from now on. */
  answer(behaviour: Behaviour): void
  /** The bodies that pass Standard Webhooks verification with `secret`, parsed; throws on any that does not. */
  verified(secret: string): any[]
  close(): Promise<void>
}

interface Teardown { teardown(fn: () => unknown): void }

/** A real HTTP receiver on 127.0.0.1 (a random port), closed with the test. */
export async function startReceiver(t: Teardown, behaviour: Behaviour = () => 204): Promise<TestReceiver> {
  const received: Received[] = []
  const hanging = new Set<ServerResponse>()
  let current = behaviour
  let open = 0
  let peak = 0
  const server = createServer((req, res) => {
    open++
    peak = Math.max(peak, open)
    res.on('close', () => { open-- })
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '', at: performance.now() }
      const n = received.length
      received.push(request)
      const what = current(n, request)
      if (what === 'hang') {
        hanging.add(res)
        return
      }
      const { status, headers } = typeof what === 'number' ? { status: what, headers: {} } : what
      res.writeHead(status, headers).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => (closed ??= new Promise<void>(resolve => {
    for (const res of hanging) res.destroy()
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  t.teardown(close)
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    peakOpen: () => peak,
    answer(next) { current = next },
    verified(secret) {
      const wh = new Webhook(secret)
      return received.map(r => wh.verify(r.body, r.headers as Record<string, string>))
    },
    close,
  }
}
