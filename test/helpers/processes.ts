import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { projectRoot, workerEnv } from '../../src/lib/index.js'

export const ehrsBin = join(projectRoot, 'bin', 'ehrs.js')
export const mainJs = join(projectRoot, 'dist', 'src', 'main.js')

/** The environment of a child that must use its own embedded database, whatever this test run uses. */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra }
  delete env.DATABASE_URL
  return env
}

export interface Run { code: number | null; stdout: string; stderr: string }

/**
 * Node with `args`, started without the test runner's start-up hooks. tap's process tracker adds its `--import` to
 * NODE_OPTIONS of every process a test spawns, whatever environment the test gives (it wraps `spawn` itself), and
 * with it every module of the child is resolved through a hooks thread: a CLI command took twice the CPU, and a
 * gateway process started that much slower. `env -u NODE_OPTIONS` drops it between the spawn and Node; the
 * environment's own NODE_OPTIONS, less the code to load at start (as a worker thread's), are set again.
 */
function nodeCommand(args: readonly string[], env: NodeJS.ProcessEnv): [string, string[]] {
  const kept = workerEnv(env).NODE_OPTIONS
  return ['env', ['-u', 'NODE_OPTIONS', ...(kept ? [`NODE_OPTIONS=${kept}`] : []), process.execPath, ...args]]
}

/** A Node script. */
export function run(script: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const [program, argv] = nodeCommand([script, ...args], options.env ?? process.env)
  return runProgram(program, argv, options)
}

/** Any program; rejects when it cannot be started (not installed). */
export function runProgram(program: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd ?? projectRoot, env: options.env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => { stdout += c })
    child.stderr.on('data', c => { stderr += c })
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

export interface ServerProcess {
  readonly child: ChildProcess
  readonly port: number
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `node dist/src/main.js` as a user would, and waits until it listens. */
export function startServerProcess(cwd: string, env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  return startListeningProcess([...nodeArgs, mainJs], { cwd, env: { ...env, PORT: '0' }, port: /"port":(\d+),"database"/ })
}

/**
 * Starts Node with `args` and waits until its output shows the port it listens on (the first group of `port`).
 * Rejects if it exits first or does not listen within a minute.
 */
export function startListeningProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; port: RegExp }): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const env = options.env ?? process.env
    const child = spawn(...nodeCommand(args, env), { cwd: options.cwd ?? projectRoot, env })
    let output = ''
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const m = options.port.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({
          child, port: Number(m[1]), output: () => output,
          stop: (signal = 'SIGTERM') => new Promise(done => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode)
            child.once('exit', code => done(code))
            child.kill(signal)
          }),
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)) })
  })
}
