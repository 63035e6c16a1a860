import t from 'tap'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { run } from '../../test/helpers/processes.js'
import { projectRoot } from './paths.js'
import { workerEnv, workerExecArgv } from './threads.js'

t.test('a worker starts with the process\'s options less the code the host loads at start', async t => {
  t.same(workerExecArgv([
    '--import=file:///mocks/import.mjs', '--enable-source-maps', '--import', 'file:///info.mjs', '-r', 'agent.cjs',
    '--max-old-space-size=100', '--loader=ts-node/esm', '--experimental-loader', 'x.mjs', '--require=y.cjs', '--cpu-prof', '--cpu-prof-dir=/tmp/p',
  ]), ['--enable-source-maps', '--max-old-space-size=100', '--cpu-prof', '--cpu-prof-dir=/tmp/p'])
  t.same(workerExecArgv([]), [])
  t.same(workerExecArgv(['--import']), [], 'a last option without its value')
})

t.test('a worker\'s NODE_OPTIONS lose the same options, quoted or not; the rest of the environment stays', async t => {
  t.same(workerEnv({
    PATH: '/bin', NODE_OPTIONS: '"--import=./hooks/import.mjs" --max-old-space-size=200 --require ./agent.cjs "--enable-source-maps"',
  }), { PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=200 "--enable-source-maps"' })
  t.same(workerEnv({ PATH: '/bin', NODE_OPTIONS: '--import=x.mjs -r y.cjs' }), { PATH: '/bin' }, 'none left: no NODE_OPTIONS at all')
  t.same(workerEnv({ PATH: '/bin' }), { PATH: '/bin' })
  t.same(workerEnv({ NODE_OPTIONS: '--loader' }), {}, 'a last option without its value')
})

t.test('a worker starts whatever options the process was started with, and without the code the host loads at start', async t => {
  const dir = t.testdir({
    'hook.mjs': `import { isMainThread } from 'node:worker_threads'\nconsole.log(isMainThread ? 'hook in the main thread' : 'hook in a worker')\n`,
    'start.mjs': `import { startWorker } from ${JSON.stringify(pathToFileURL(join(projectRoot, 'dist', 'src', 'lib', 'threads.js')).href)}
startWorker(new URL('data:text/javascript,console.log("worker started")')).on('exit', code => console.log('worker exit', code))\n`,
  })
  // Options of the whole process, which Node refuses by name when a worker's options are given explicitly.
  const inherited = await run('--max-old-space-size=256', ['--expose-gc', join(dir, 'start.mjs')])
  t.match(inherited, { code: 0, stdout: /worker started\nworker exit 0/ }, 'nothing to leave out: the worker inherits the options')
  const stripped = await run('--max-old-space-size=256', ['--expose-gc', `--import=${pathToFileURL(join(dir, 'hook.mjs')).href}`, join(dir, 'start.mjs')])
  t.equal(stripped.code, 0, stripped.stderr)
  t.match(stripped.stdout, /hook in the main thread\nworker started\nworker exit 0/)
  t.notMatch(stripped.stdout, /hook in a worker/)
})
