import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { projectRoot } from '../../src/lib/index.js'

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
 * A child's environment without the test runner's own start-up hooks (`--import=…@tapjs/…` in NODE_OPTIONS), which
 * would otherwise load in every gateway or CLI process a test starts and slow each one's start; any other
 * NODE_OPTIONS stay.
 */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: given, ...rest } = env
  const kept = (given ?? '').split(/\s+/).filter(option => option !== '' && !/^--import=\S*@tapjs[/\\]/.test(option))
  return kept.length > 0 ? { ...rest, NODE_OPTIONS: kept.join(' ') } : rest
}

/** A Node script. */
export function run(script: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return runProgram(process.execPath, [script, ...args], options)
}

/** Any program; rejects when it cannot be started (not installed). */
export function runProgram(program: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd ?? projectRoot, env: childEnv(options.env ?? process.env) })
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
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? projectRoot, env: childEnv(options.env ?? process.env) })
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
