import { connect } from 'node:net'
import { resolve } from 'node:path'
import type { Config } from '../config.js'
import { openDb, migrateToLatest, lockDataDir } from '../db/index.js'
import { runOperation, OperatorError, adminSocketPath, type OperatorContext, type OperatorErrorCode } from '../operator/index.js'
import { systemClock } from '../lib/index.js'
import { createCheckpointer } from '../audit/index.js'
import { createReceiptSigner } from '../receipts/index.js'
import { signingMaterial } from '../dev-setup.js'

/**
 * Runs an operator action where the data is: directly on PostgreSQL; through the running gateway's admin
 * socket when it holds the embedded database; or directly on the embedded database when no gateway runs.
 */
export async function runRemoteOrLocal(config: Config, operation: string, args: Record<string, unknown>): Promise<unknown> {
  if (!config.DATABASE_URL) {
    const socketPath = adminSocketPath(config.DATA_DIR)
    const viaSocket = await tryAdminSocket(socketPath, operation, args)
    if (viaSocket.reached) return viaSocket.result
  }
  const dataDir = resolve(config.DATA_DIR)
  const unlock = config.DATABASE_URL ? () => {} : lockDataDir(dataDir)
  const handle = await openDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL, poolSize: 2 } : { dataDir })
  try {
    if (operation !== 'migrate') await migrateToLatest(handle.db)
    return await runOperation(handle.db, systemClock, operation, args, localContext(config, handle.db))
  } finally {
    await handle.close()
    unlock()
  }
}

/** Audit checkpoints from the CLI itself: SIGNING_CERT and SIGNING_KEY (or the development PKI), read only when needed. */
function localContext(config: Config, db: Parameters<typeof createCheckpointer>[0]): OperatorContext {
  return {
    anchorDir: config.AUDIT_ANCHOR_DIR,
    trustedPem: () => signingMaterial(config).certPem,
    checkpoint: (reason, actor) => {
      const { certPem, keyPem } = signingMaterial(config)
      if (!certPem || !keyPem) throw new OperatorError('SIGNING_CERT and SIGNING_KEY must be set to sign a checkpoint (no development PKI in certs-dev/ either)')
      return createCheckpointer(db, systemClock, { dir: config.AUDIT_ANCHOR_DIR, signer: createReceiptSigner({ certPem, keyPem }) }).write(reason, actor)
    },
  }
}

async function tryAdminSocket(path: string, operation: string, args: Record<string, unknown>): Promise<{ reached: boolean; result?: unknown }> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(path)
    let buffer = ''
    let connected = false
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      connected = true
      socket.write(JSON.stringify({ operation, args }) + '\n')
    })
    socket.on('data', chunk => {
      buffer += chunk
      const newline = buffer.indexOf('\n')
      if (newline === -1) return
      socket.end()
      const reply = JSON.parse(buffer.slice(0, newline)) as { ok: boolean; result?: unknown; error?: string; code?: OperatorErrorCode; usage?: boolean }
      if (reply.ok) resolvePromise({ reached: true, result: reply.result })
      else reject(reply.usage ? new OperatorError(reply.error ?? 'failed', reply.code) : new Error(reply.error ?? 'failed'))
    })
    socket.on('error', error => {
      const code = (error as NodeJS.ErrnoException).code
      if (!connected && (code === 'ENOENT' || code === 'ECONNREFUSED')) resolvePromise({ reached: false })
      else reject(error)
    })
  })
}
