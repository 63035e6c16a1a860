import t from 'tap'
import { createWorkerPool } from './worker-pool.js'

const handler = `data:text/javascript,${encodeURIComponent(`
export function handle(task) {
  if (task.n < 0) throw Object.assign(new Error('negative'), { code: 'NEGATIVE' })
  if (task.n === 0) process.exit(3)
  return task.n * 2
}`)}`
const pool = (workers: number) => {
  const p = createWorkerPool({ handlers: { double: handler }, workers, largeBytes: 1024, revive: r => new Error(`revived ${r.code}`) })
  t.teardown(() => p.close())
  return p
}

t.test('the threads start with the first task, and the least loaded one takes a task', async t => {
  const p = pool(2)
  t.equal(p.stats.workersStarted, 0, 'none before the first task')
  t.same(await p.run({ op: 'double', n: 2 }, { bytes: 10 }), { value: 4, worker: 0 })
  t.equal(p.stats.workersStarted, 2, 'all of them, ready for a burst')
  t.same(await p.run({ op: 'double', n: 3 }, { bytes: 10 }), { value: 6, worker: 0 }, 'an idle thread is used again')
  const both = await Promise.all([p.run({ op: 'double', n: 4 }, { bytes: 10 }), p.run({ op: 'double', n: 5 }, { bytes: 10 })])
  t.same(both.map(r => r.worker), [0, 1], 'a second task while the first is busy goes to the second thread')
  t.equal(p.stats.workersStarted, 2)
})

t.test('a refusal comes back revived; a thread that dies fails its own work only, and another takes its place', async t => {
  const p = pool(1)
  await t.rejects(p.run({ op: 'double', n: -1 }, { bytes: 1 }), /revived NEGATIVE/)
  await t.rejects(p.run({ op: 'double', n: 0 }, { bytes: 1 }), /worker stopped/)
  t.same(await p.run({ op: 'double', n: 7 }, { bytes: 1 }), { value: 14, worker: 0 })
  t.equal(p.stats.workersStarted, 2)
})

t.test('idle until a task waits; a restarted worker is a fresh thread in the same place', async t => {
  const p = pool(1)
  t.ok(p.idle)
  const running = p.run({ op: 'double', n: 1 }, { bytes: 1 })
  t.notOk(p.idle, 'a task waits for its answer')
  await running
  t.ok(p.idle)
  p.restart(0)
  t.equal(p.stats.workersStarted, 2)
  t.same(await p.run({ op: 'double', n: 8 }, { bytes: 1 }), { value: 16, worker: 0 })
})
