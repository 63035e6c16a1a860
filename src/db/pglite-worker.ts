import { once } from 'node:events'
import { parentPort } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

/**
 * The embedded database in a thread of its own: PGlite's encoding and query work would otherwise share the
 * request thread with TLS and HTTP. One message in, one out, in order; the caller keeps the transactions.
 */
interface Request { id: number; sql: string; params: unknown[] }

const DATE_OID = 1082
const INT8_OID = 20
const BYTEA_OID = 17
interface Start { dataDir?: string; initialData?: Uint8Array<ArrayBuffer>; wasmModule?: WebAssembly.Module }
// The first message says what to open, with PGlite's module compiled by the caller (pglite-dialect.ts).
const [{ dataDir, initialData, wasmModule }] = await once(parentPort!, 'message') as [Start]

/**
 * A bytea goes to PGlite as it is, which PGlite sends as a binary parameter: its hex text, twice its size, cost a
 * 16 MiB report half a second more to store and 50 MB more of PGlite's memory, which never shrinks. A bytea comes back
 * as hex text, converted natively (PGlite's own conversion goes byte by byte in JavaScript); a large value comes back
 * in shared memory, so that neither this thread nor the caller's copies it on its way to the document workers.
 */
function hexToBytea(text: string): Uint8Array {
  const length = (text.length - 2) / 2
  if (length < 65_536) return Buffer.from(text.slice(2), 'hex')
  const bytes = Buffer.from(new SharedArrayBuffer(length))
  bytes.write(text.slice(2), 'hex')
  return bytes
}

// A smaller buffer pool than PGlite's 128 MB, which is resident memory of an idle gateway, while the pages it would
// hold are in the operating system's cache (a data folder) or in this thread's memory already (in memory).
const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB']

const pglite = await PGlite.create(dataDir, {
  startParams,
  ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}),
  ...(initialData ? { loadDataDir: new Blob([initialData]) } : {}),
  parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v), [BYTEA_OID]: hexToBytea },
  // Typed as text, but PGlite's Bind message sends a Uint8Array as a binary parameter (db/index.test.ts covers it).
  serializers: { [BYTEA_OID]: (value: Uint8Array) => value as unknown as string },
})
// Notifications of the channels LISTENed to (as statements of the caller's), after their transactions commit.
pglite.onNotification(channel => parentPort!.postMessage({ notification: channel }))
parentPort!.postMessage({ ready: true })

parentPort!.on('message', async (message: Request | { close: true }) => {
  if ('close' in message) {
    await pglite.close()
    parentPort!.postMessage({ closed: true })
    return
  }
  try {
    const result = await pglite.query(message.sql, message.params)
    parentPort!.postMessage({ id: message.id, rows: result.rows, affectedRows: result.affectedRows })
  } catch (error) {
    const e = error as { message?: string; code?: string; detail?: string; constraint?: string }
    // An aborted WebAssembly instance is not a failed statement: PGlite is unusable now, so the thread ends and the
    // driver opens PGlite again (pglite-dialect.ts).
    const fatal = error instanceof WebAssembly.RuntimeError
    parentPort!.postMessage({ id: message.id, error: { message: e.message ?? String(error), code: e.code, detail: e.detail, constraint: e.constraint, fatal } })
    if (fatal) process.exit(1)
  }
})
