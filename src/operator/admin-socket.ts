import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Where the running gateway listens for operator actions: DATA_DIR/admin.sock, unless that path is longer
 * than a Unix socket path may be (about 100 bytes), then a folder of this user's own under the temp dir.
 */
export function adminSocketPath(dataDir: string): string {
  const inDataDir = join(resolve(dataDir), 'admin.sock')
  if (Buffer.byteLength(inDataDir) <= 100) return inDataDir
  const dir = join(tmpdir(), `ehrs-${process.getuid?.() ?? 'user'}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return join(dir, `${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}.sock`)
}
