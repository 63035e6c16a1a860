import { Worker, type WorkerOptions } from 'node:worker_threads'

/** Options of the process that name code to load at start, each followed by its value unless written `--opt=value`. */
const preloads = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader'])

/**
 * The Node options a worker thread of ours starts with: the process's own, less the modules it loads and the
 * module hooks it registers at start (`--import`, `--require`, `--loader`). Those belong to the host (a test
 * runner's module mocks, an instrumentation agent): each worker would load them again and then resolve every module
 * of its own through them, which makes a worker start several times slower, and the workers' code needs none of
 * them. Everything else (source maps, profiling, memory limits) is kept.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  return withoutPreloads(execArgv, arg => arg)
}

/**
 * The environment of a worker thread of ours: the process's, with the same options left out of NODE_OPTIONS, which
 * a worker reads again (a test runner puts its module hooks there too; each worker then started a hooks thread of its
 * own and took twice as long to start).
 */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: given, ...rest } = env
  // Node reads NODE_OPTIONS with double quotes around an option's text.
  const kept = withoutPreloads(given?.match(/"[^"]*"|\S+/g) ?? [], token => token.replace(/^"(.*)"$/, '$1'))
  return kept.length > 0 ? { ...rest, NODE_OPTIONS: kept.join(' ') } : rest
}

/**
 * Starts a worker thread of ours with {@link workerExecArgv} and {@link workerEnv}. When the process has nothing to
 * leave out, the worker inherits its options as Node passes them; otherwise Node checks the list given, and refuses
 * the options that belong to the whole process (`--max-old-space-size`, `--expose-gc`), which a worker shares
 * anyway: they are left out too.
 */
export function startWorker(url: URL, options: Omit<WorkerOptions, 'execArgv' | 'env'> = {}): Worker {
  const env = workerEnv()
  const execArgv = workerExecArgv()
  if (execArgv.length === process.execArgv.length) return new Worker(url, { ...options, env })
  try {
    return new Worker(url, { ...options, env, execArgv })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error
    // Node names them in its message: `Initiated Worker with invalid execArgv flags: --a, --b`.
    const refused = new Set((error as Error).message.replace(/^[^:]*: /, '').split(', '))
    return new Worker(url, { ...options, env, execArgv: execArgv.filter(arg => !refused.has(arg)) })
  }
}

function withoutPreloads(args: readonly string[], bare: (arg: string) => string): string[] {
  const kept: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = bare(args[i]!)
    if (!preloads.has(arg.split('=', 1)[0]!)) kept.push(args[i]!)
    else if (!arg.includes('=')) i++
  }
  return kept
}
