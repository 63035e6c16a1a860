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
  const kept: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    const name = arg.split('=', 1)[0]!
    if (!preloads.has(name)) kept.push(arg)
    else if (!arg.includes('=')) i++
  }
  return kept
}
