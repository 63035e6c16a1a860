import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const pgBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
const exec = promisify(execFile)

interface Teardown { teardown(fn: () => unknown): void }

/** A PostgreSQL cluster of one test's own, which the test may stop, crash and start without disturbing any other. */
export interface PrivateCluster {
  readonly url: string
  /** `pg_ctl stop`; `immediate` is a crash as far as the clients can tell. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>
  start(): Promise<void>
  /** Backend pids of the connections that name themselves `applicationName`. */
  backendPids(applicationName: string): Promise<number[]>
  query(statement: string): Promise<pg.QueryResult>
}

/**
 * Why the private cluster cannot run here, or undefined when it can. In CI (`CI` set) the binaries are installed,
 * so their absence fails the test instead of skipping it.
 */
export function privateClusterUnavailable(): string | undefined {
  if (existsSync(join(pgBin, 'initdb'))) return undefined
  if (process.env.CI) return undefined
  return `needs the PostgreSQL 15 server binaries in ${pgBin} (apt-get install postgresql-15, as .ci/run does)`
}

/**
 * initdb into a temporary folder and start the server on a free port of 127.0.0.1, with its socket in that folder.
 * initdb and postgres refuse to run as root: as root (CI, containers) they run as the `postgres` user.
 */
export async function startPrivateCluster(t: Teardown): Promise<PrivateCluster> {
  const root = mkdtempSync(join(tmpdir(), 'ehrs-pg-'))
  const data = join(root, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await exec('id', ['-u', 'postgres'])
    const { stdout: gid } = await exec('id', ['-g', 'postgres'])
    chownSync(root, Number(stdout.trim()), Number(gid.trim()))
  }
  const run = async (program: string, args: readonly string[]): Promise<void> => {
    const command = [join(pgBin, program), ...args].map(a => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
    try {
      if (asRoot) await exec('su', ['postgres', '-s', '/bin/sh', '-c', command])
      else await exec('/bin/sh', ['-c', command])
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`${program} failed: ${e.stderr || e.message}`)
    }
  }
  const port = await freePort()
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start'])
  await start()
  t.teardown(async () => {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined)
    rmSync(root, { recursive: true, force: true })
  })
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const query = async (statement: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await client.query(statement)
    } finally {
      await client.end()
    }
  }
  return {
    url,
    stop: (mode = 'immediate') => run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start,
    query,
    async backendPids(applicationName) {
      const { rows } = await query(`select pid from pg_stat_activity where application_name = '${applicationName.replace(/'/g, "''")}'`)
      return rows.map(r => Number(r.pid))
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
