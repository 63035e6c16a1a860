import t from 'tap'
import { workerExecArgv } from './threads.js'

t.test('a worker starts with the process\'s options less the code the host loads at start', async t => {
  t.same(workerExecArgv([
    '--import=file:///mocks/import.mjs', '--enable-source-maps', '--import', 'file:///info.mjs', '-r', 'agent.cjs',
    '--max-old-space-size=100', '--loader=ts-node/esm', '--experimental-loader', 'x.mjs', '--require=y.cjs', '--cpu-prof', '--cpu-prof-dir=/tmp/p',
  ]), ['--enable-source-maps', '--max-old-space-size=100', '--cpu-prof', '--cpu-prof-dir=/tmp/p'])
  t.same(workerExecArgv([]), [])
  t.same(workerExecArgv(['--import']), [], 'a last option without its value')
})
