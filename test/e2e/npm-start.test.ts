import t from 'tap'
import { spawn } from 'node:child_process'
import { copyFileSync, cpSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/lib/index.js'
import { call } from '../helpers/gateway.js'
import { embeddedEnv } from '../helpers/processes.js'

/** Process ids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return children ? children.split(' ').map(Number) : []
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap(child => [child, ...descendantsOf(child)])
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('npm start hands SIGTERM to the gateway: it drains, exits 0, and no process is left', { skip: process.platform === 'linux' ? false : 'reads /proc' }, async t => {
  // The real `start` script, in a copy of the project: it removes and rebuilds dist/, which the other test files
  // are running from. Sources are copied (tsc compiles them, about as long as one test file takes); what is only
  // read is linked.
  const copy = t.testdir({})
  for (const file of ['package.json', 'tsconfig.json']) copyFileSync(join(projectRoot, file), join(copy, file))
  for (const dir of ['src', 'test', 'bench', 'migrations']) cpSync(join(projectRoot, dir), join(copy, dir), { recursive: true })
  for (const shared of ['node_modules', 'xsd', 'codelists', 'wsdl', 'openapi.yaml']) symlinkSync(join(projectRoot, shared), join(copy, shared))

  // As from an operator's shell: tap adds its loaders to NODE_OPTIONS of every process a test spawns, and tsc
  // fails under them, so `env` (which then becomes npm, keeping the pid) removes the variable again.
  const npm = spawn('env', ['-u', 'NODE_OPTIONS', 'npm', 'start'], { cwd: copy, env: embeddedEnv(join(copy, 'data'), { PORT: '0' }) })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: string | null }>(resolve => npm.on('exit', (code, signal) => resolve({ code, signal })))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen:\n${output}`)), 180_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const m = /"port":(\d+),"database"/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    npm.stdout.on('data', onData)
    npm.stderr.on('data', onData)
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`npm start exited with ${code}:\n${output}`)) })
  })
  // Whatever happens, nothing this test started outlives it.
  const started = [npm.pid!, ...descendantsOf(npm.pid!)]
  t.teardown(() => { for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL') })

  // With `exec`, the shell npm runs the script in becomes node: npm's only child is the gateway itself.
  const [gateway, ...others] = childrenOf(npm.pid!)
  t.same(others, [], 'one child')
  t.match(readFileSync(`/proc/${gateway}/cmdline`, 'utf8').split('\0'), [/(^|\/)node$/, 'dist/src/main.js'], 'npm\'s child is node, not sh')
  const ca = readFileSync(join(copy, 'certs-dev', 'ca.pem'), 'utf8')
  t.match((await call(`https://127.0.0.1:${port}`, ca, { path: '/healthz' })).status, 200)

  npm.kill('SIGTERM')
  t.same(await exited, { code: 0, signal: null }, 'npm exits 0, with the gateway\'s own exit code')
  t.match(output, /"signal":"SIGTERM","msg":"shutting down/)
  t.match(output, /"msg":"stopped"/)
  const alive = () => started.filter(isAlive)
  for (let waited = 0; alive().length > 0 && waited < 10_000; waited += 100) await new Promise(resolve => setTimeout(resolve, 100))
  t.same(alive(), [], 'no process is left')
})
