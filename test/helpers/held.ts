import { once } from 'node:events'
import { connect, type TLSSocket } from 'node:tls'
import type { Pem } from '../../src/pki/index.js'
import type { TestGateway } from './gateway.js'
import { testPki } from './pki.js'

export interface HeldRequest {
  /** The gateway answered 100 Continue: it admitted the request and waits for its body. */
  readonly admitted: boolean
  /** What the gateway sent first: 100 Continue, or its final answer to a refused request. */
  readonly first: string
  /** Sends part of the body and no more. */
  write(part: Uint8Array): Promise<void>
  /** Sends (the rest of) the body and resolves with the final answer's status and body. */
  finish(body: Uint8Array | string): Promise<{ status: number; text: string }>
  /** The client goes away. */
  abort(): void
}

/**
 * A POST whose headers go out with `Expect: 100-continue` on a connection of its own: it resolves once the gateway
 * has admitted it (100 Continue) or refused it (the final answer), before any of its body is sent.
 */
export async function holdRequest(gw: TestGateway, as: Pem, path: string, headers: string): Promise<HeldRequest> {
  const socket: TLSSocket = connect({ host: '127.0.0.1', port: Number(new URL(gw.url).port), ca: testPki().ca.cert, cert: as.cert, key: as.key })
  const chunks: Buffer[] = []
  socket.on('data', chunk => chunks.push(chunk))
  socket.on('error', () => undefined)
  const closed = once(socket, 'close')
  await once(socket, 'secureConnect')
  socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nExpect: 100-continue\r\n${headers}\r\n`)
  await once(socket, 'data')
  const first = Buffer.concat(chunks).toString('latin1')
  return {
    admitted: first.startsWith('HTTP/1.1 100 '),
    first,
    write: part => new Promise<void>(resolve => socket.write(part, () => resolve())),
    async finish(body) {
      // Connection: close: the gateway closes the connection after its answer.
      socket.write(body)
      await closed
      const raw = Buffer.concat(chunks).toString('utf8')
      const final = raw.slice(raw.lastIndexOf('HTTP/1.1 '))
      return { status: Number(final.split(' ')[1]), text: final.slice(final.indexOf('\r\n\r\n') + 4) }
    },
    abort: () => socket.destroy(),
  }
}
