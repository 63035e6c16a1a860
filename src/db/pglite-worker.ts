import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

/**
 * The embedded database in a thread of its own: PGlite's encoding and query work would otherwise share the
 * request thread with TLS and HTTP. One message in, one out, in order; the caller keeps the transactions.
 */
interface Request { id: number; sql: string; params: unknown[] }

const DATE_OID = 1082
const INT8_OID = 20
const BYTEA_OID = 17
const { dataDir } = workerData as { dataDir?: string }

/** A bytea in PostgreSQL's hex text form, converted natively: PGlite's own conversion goes byte by byte in JavaScript. */
const byteaToHex = (value: Uint8Array): string => `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`
const hexToBytea = (text: string): Uint8Array => Buffer.from(text.slice(2), 'hex')

const pglite = await PGlite.create(dataDir, {
  parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v), [BYTEA_OID]: hexToBytea },
  serializers: { [BYTEA_OID]: byteaToHex },
})

/** Large bytea values of the result go to the caller without a copy. */
function transferablesOf(rows: readonly unknown[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  for (const row of rows) {
    for (const value of Object.values(row as Record<string, unknown>)) {
      if (value instanceof Uint8Array && value.byteLength >= 65_536 && value.buffer instanceof ArrayBuffer && value.buffer.byteLength === value.byteLength) {
        buffers.add(value.buffer)
      }
    }
  }
  return [...buffers]
}
parentPort!.postMessage({ ready: true })

parentPort!.on('message', async (message: Request | { close: true }) => {
  if ('close' in message) {
    await pglite.close()
    parentPort!.postMessage({ closed: true })
    return
  }
  try {
    const result = await pglite.query(message.sql, message.params)
    parentPort!.postMessage({ id: message.id, rows: result.rows, affectedRows: result.affectedRows }, transferablesOf(result.rows))
  } catch (error) {
    const e = error as { message?: string; code?: string; detail?: string; constraint?: string }
    // An aborted WebAssembly instance is not a failed statement: PGlite is unusable now, so the thread ends and the
    // driver opens PGlite again (pglite-dialect.ts).
    const fatal = error instanceof WebAssembly.RuntimeError
    parentPort!.postMessage({ id: message.id, error: { message: e.message ?? String(error), code: e.code, detail: e.detail, constraint: e.constraint, fatal } })
    if (fatal) process.exit(1)
  }
})
