import t from 'tap'
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
