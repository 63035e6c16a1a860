import t from 'tap'
import type { Db, TimerRow } from '../db/index.js'
import { newId } from '../lib/index.js'
import { createTimerRunner, scheduleTimers, type TimerHandler } from './timers.js'
import { testDb } from '../../test/helpers/db.js'

const start = new Date('2025-03-03T08:00:00Z')
const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000)

/** Documents for timers to point at (timers reference documents). */
async function documents(db: Db, n: number): Promise<string[]> {
  const client = newId()
  await db.insertInto('clients').values({ id: client, name: 'c', tax_number: '45678138', environment: 'test', created_at: start }).execute()
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = newId()
    const message = newId()
    await db.insertInto('message_log').values({ id: message, received_at: start, transport: 'rest', size: 0, status: 201, findings: '[]' }).execute()
    await db.insertInto('documents').values({
      id, client_id: client, environment: 'test', type: 'M1', number: `P2503${String(i).padStart(8, '0')}`, employer: '45678138',
      received_at: start, sha256: id, size: 0, message_id: message, findings: '[]',
    }).execute()
    ids.push(id)
  }
  return ids
}

function recorder(fail: (timer: TimerRow) => boolean = () => false): { handler: TimerHandler; ran: string[] } {
  const ran: string[] = []
  return {
    ran,
    // Like a transaction: a batch with a failing timer leaves no trace.
    handler: async (_trx, timers) => {
      if (timers.some(fail)) throw new Error('back office unavailable')
      ran.push(...timers.map(timer => timer.document_id))
      return timers.map(() => 'done' as const)
    },
  }
}

t.test('timers run when due, in due order within a lane, once', async t => {
  const { db } = await testDb(t)
  const [a, b, c] = await documents(db, 3)
  await scheduleTimers(db, start, [
    { lane: 'l', kind: 'k', documentId: b!, dueAt: at(20) },
    { lane: 'l', kind: 'k', documentId: a!, dueAt: at(10) },
    { lane: 'l', kind: 'k', documentId: c!, dueAt: at(60) },
  ])
  let now = at(30)
  const { handler, ran } = recorder()
  const runner = createTimerRunner(db, { now: () => now }, { k: handler })
  t.equal(await runner.runDue(), 2)
  t.same(ran, [a, b], 'the one due later waits')
  t.equal(await runner.runDue(), 0, 'nothing runs twice')
  now = at(60)
  t.equal(await runner.runDue(), 1)
  t.same(ran, [a, b, c])
  const rows = await db.selectFrom('timers').select(['outcome', 'done_at']).execute()
  t.ok(rows.every(r => r.outcome === 'done' && r.done_at !== null))
})

t.test('a timer that fails is postponed with backoff and does not hold up the others', async t => {
  const { db } = await testDb(t)
  const [a, b, c] = await documents(db, 3)
  await scheduleTimers(db, start, [a, b, c].map((id, i) => ({ lane: 'l', kind: 'k', documentId: id!, dueAt: at(i) })))
  let now = at(10)
  let broken = true
  const { handler, ran } = recorder(timer => broken && timer.document_id === b)
  const errors: unknown[] = []
  const runner = createTimerRunner(db, { now: () => now }, { k: handler }, { onError: e => errors.push(e) })
  await runner.runDue()
  t.same(ran, [a, c], 'the others ran')
  const failed = await db.selectFrom('timers').selectAll().where('document_id', '=', b!).executeTakeFirstOrThrow()
  t.match(failed, { done_at: null, attempts: 1, last_error: 'back office unavailable' })
  t.ok(failed.due_at.getTime() > now.getTime(), 'postponed')
  t.equal(errors.length, 1, 'reported')
  broken = false
  now = at(3600)
  await runner.runDue()
  t.same(ran, [a, c, b], 'and runs once it can')
})

t.test('two runners on one database run each timer once', async t => {
  const { db } = await testDb(t)
  const ids = await documents(db, 40)
  await scheduleTimers(db, start, ids.map((id, i) => ({ lane: `l${i % 3}`, kind: 'k', documentId: id, dueAt: at(i) })))
  const now = (): Date => at(100)
  const one = recorder()
  const two = recorder()
  const first = createTimerRunner(db, { now }, { k: one.handler }, { batchSize: 4 })
  const second = createTimerRunner(db, { now }, { k: two.handler }, { batchSize: 4 })
  for (let i = 0; i < 5; i++) await Promise.all([first.runDue(), second.runDue()])
  t.same([...one.ran, ...two.ran].sort(), [...ids].sort(), 'every timer ran exactly once')
})

t.test('while submissions arrive, timers on a single-connection database wait up to the lag limit', async t => {
  const { db } = await testDb(t)
  const [a] = await documents(db, 1)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(0) }])
  let now = at(10)
  let busy = true
  const { handler, ran } = recorder()
  const runner = createTimerRunner(db, { now: () => now }, { k: handler }, { yieldTo: { busy: () => busy, maxLagMs: 30_000 } })
  t.equal(await runner.runDue(), 0, 'busy, and only 10 s late')
  now = at(31)
  t.equal(await runner.runDue(), 1, 'too late to wait any longer')
  t.same(ran, [a])
  busy = false
})

t.test('a fault met by a slow run is reported once, however many polls joined the run meanwhile', async t => {
  const { db } = await testDb(t)
  const [a] = await documents(db, 1)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(10) }])
  let reached: () => void
  const inHandler = new Promise<void>(resolve => { reached = resolve })
  let fail: () => void
  const failed = new Promise<void>(resolve => { fail = resolve })
  const slowFault: TimerHandler = async () => {
    reached()
    await failed
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })
  }
  const faults: unknown[] = []
  const runner = createTimerRunner(db, { now: () => at(30) }, { k: slowFault }, { pollMs: 5, onDbFault: error => faults.push(error) })
  runner.start()
  t.teardown(() => runner.stop())
  await inHandler
  // Polls every 5 ms while the run waits in its handler: each joins it.
  await new Promise(resolve => setTimeout(resolve, 60))
  fail!()
  await new Promise(resolve => setTimeout(resolve, 30))
  t.equal(faults.length, 1, 'one run failed, one fault reported')
})

t.test('a database fault blames no timer: the poll backs off, reports it, and runs the timer once the database answers', async t => {
  const { db } = await testDb(t)
  const [a] = await documents(db, 1)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(10) }])
  // The handler meets the fault as PostgreSQL reports a terminated backend (SQLSTATE 57P01).
  let failing = true
  const { handler, ran } = recorder()
  const faultyHandler: TimerHandler = async (trx, timers, now) => {
    if (failing) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })
    return handler(trx, timers, now)
  }
  const faults: unknown[] = []
  const errors: unknown[] = []
  let answered = 0
  const runner = createTimerRunner(db, { now: () => at(30) }, { k: faultyHandler }, {
    pollMs: 20, onError: error => errors.push(error), onDbFault: error => faults.push(error), onDbAnswered: () => { answered++ },
  })
  await t.rejects(runner.runDue(), { code: '57P01' }, 'a direct run fails with the fault')
  runner.start()
  t.teardown(() => runner.stop())
  await new Promise(resolve => setTimeout(resolve, 400))
  t.ok(faults.length >= 1 && faults.length <= 3, `polls every 20 ms, but met the fault only ${faults.length} time(s) in 400 ms: it backs off`)
  t.same(errors, [], 'no timer is blamed and nothing is reported as a failed transition')
  const [row] = await db.selectFrom('timers').select(['attempts', 'done_at']).execute()
  t.same(row, { attempts: 0, done_at: null }, 'the timer is not postponed: it waits for the database, not for a backoff of its own')
  failing = false
  for (let i = 0; i < 250 && answered === 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
  t.same(ran, [a], 'it runs once the database answers')
  t.ok(answered > 0, 'and the runner says the database answers')
})

t.test('a handler that takes only the first timers of a batch leaves the rest, and what follows, to later transactions', async t => {
  const { db } = await testDb(t)
  const [a, b, c, d] = await documents(db, 4)
  await scheduleTimers(db, start, [
    { lane: 'l', kind: 'big', documentId: a!, dueAt: at(1) },
    { lane: 'l', kind: 'big', documentId: b!, dueAt: at(2) },
    { lane: 'l', kind: 'big', documentId: c!, dueAt: at(3) },
    { lane: 'l', kind: 'small', documentId: d!, dueAt: at(4) },
  ])
  const batches: string[][] = []
  const oneAtATime: TimerHandler = async (_trx, timers) => { batches.push([timers[0]!.document_id]); return ['done'] }
  const all: TimerHandler = async (_trx, timers) => { batches.push(timers.map(x => x.document_id)); return timers.map(() => 'done' as const) }
  const runner = createTimerRunner(db, { now: () => at(10) }, { big: oneAtATime, small: all })
  t.equal(await runner.runDue(), 4)
  t.same(batches, [[a], [b], [c], [d]], 'one transaction each, in due order across kinds')
  t.equal(await runner.runDue(), 0)
})

t.test('after a long transaction, submissions under way get the single connection before the next one starts', async t => {
  const { db } = await testDb(t)
  const [a, b] = await documents(db, 2)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(0) }, { lane: 'l', kind: 'k', documentId: b!, dueAt: at(1) }])
  const events: string[] = []
  let busy = false
  // Each transaction takes one timer and holds the connection a while, as a large report's register check does.
  const slow: TimerHandler = async (_trx, timers) => {
    events.push(`transaction ${timers[0]!.document_id === a ? 'a' : 'b'}`)
    busy = true
    await new Promise(resolve => setTimeout(resolve, 60))
    return ['done']
  }
  const runner = createTimerRunner(db, { now: () => at(60) }, { k: slow }, {
    yieldTo: { busy: () => { if (busy && events.length === 1) { events.push('submissions first'); busy = false; return true } return busy }, maxLagMs: 30_000 },
  })
  busy = false
  t.equal(await runner.runDue(), 2)
  t.same(events, ['transaction a', 'submissions first', 'transaction b'])
})

t.test('a kind with a preparer reads before its transaction, and the handler gets what was read', async t => {
  const { db } = await testDb(t)
  const [a, b] = await documents(db, 2)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(0) }, { lane: 'l', kind: 'other', documentId: b!, dueAt: at(1) }])
  const events: string[] = []
  const runner = createTimerRunner(db, { now: () => at(60) }, {
    k: async (_trx, timers, _now, prepared) => { events.push(`run ${String(prepared)}`); return timers.map(() => 'done' as const) },
    other: async (_trx, timers, _now, prepared) => { events.push(`other ${String(prepared)}`); return timers.map(() => 'done' as const) },
  }, { prepare: { k: async (_db, timers) => { events.push(`prepare ${timers.length}`); return 'read' } } })
  t.equal(await runner.runDue(), 2)
  t.same(events, ['prepare 1', 'run read', 'other undefined'])
})

t.test('what a handler leaves for after the commit happens once committed, and not when its transaction rolls back', async t => {
  const { db } = await testDb(t)
  const [a, b] = await documents(db, 2)
  await scheduleTimers(db, start, [{ lane: 'l', kind: 'k', documentId: a!, dueAt: at(10) }, { lane: 'l', kind: 'k', documentId: b!, dueAt: at(20) }])
  const effects: string[] = []
  const outcomes: string[] = []
  let failing = true
  const handler: TimerHandler = async (trx, timers, _now, _prepared, afterCommit) => {
    for (const timer of timers) afterCommit!(() => effects.push(timer.document_id))
    if (failing && timers.some(timer => timer.document_id === b)) throw new Error('back office unavailable')
    return timers.map(() => 'done' as const)
  }
  const runner = createTimerRunner(db, { now: () => at(30) }, { k: handler }, {
    onOutcome: (timer, outcome) => outcomes.push(`${timer.document_id === a ? 'a' : 'b'} ${outcome}`),
  })
  t.equal(await runner.runDue(), 1, 'the batch fails, a runs alone, b is postponed')
  t.same(effects, [a], 'only the committed transition had its effect')
  t.same(outcomes, ['a done', 'b failed'])
  failing = false
  t.equal(await createTimerRunner(db, { now: () => at(3600) }, { k: handler }).runDue(), 1)
  t.same(effects, [a, b])
})
