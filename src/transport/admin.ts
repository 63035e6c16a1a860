import { chmodSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import type { Logger } from 'pino'
import type { Services } from '../services.js'
import { runOperation, OperatorError } from '../operator/index.js'

/**
 * The operator's door into a running gateway: a Unix socket in DATA_DIR, readable by the owner only,
 * one JSON request and one JSON answer per line. The CLI uses it while the server holds the embedded
 * database, so a new client, a revoked certificate or a mandate takes effect on the next request.
 */
export async function listenAdmin(services: Services, path: string, logger: Logger): Promise<Server> {
  rmSync(path, { force: true })
  const server = createServer(socket => {
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', chunk => {
      buffer += chunk
      if (buffer.length > 1024 * 1024) socket.destroy()
      let newline: number
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        void answer(line).then(reply => socket.write(JSON.stringify(reply) + '\n'))
      }
    })
    socket.on('error', () => socket.destroy())
  })
  async function answer(line: string): Promise<unknown> {
    try {
      const { operation, args } = JSON.parse(line) as { operation: string; args: Record<string, unknown> }
      const result = await runOperation(services.db, services.clock, operation, args ?? {}, services.operator)
      logger.info({ operation }, 'operator action')
      return { ok: true, result }
    } catch (error) {
      if (error instanceof OperatorError) return { ok: false, error: error.message, code: error.code, usage: true }
      logger.error({ err: error }, 'operator action failed')
      return { ok: false, error: 'The operation failed; see the gateway log' }
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  chmodSync(path, 0o600)
  return server
}
