import t from 'tap'
import { createEventSignal } from './signal.js'
import type { ListenHooks } from '../db/index.js'

// The signal's own mechanics, with a listener whose connection the test controls: what a LISTEN connection that
// is up, down or reopened means for the waiters.

function controlledListener() {
  let hooks: ListenHooks | undefined
  let opened = 0
  let closed = 0
  return {
    listen: (h: ListenHooks) => { hooks = h; opened++; return { close: async () => { closed++ } } },
    hooks: () => hooks!,
    counts: () => ({ opened, closed }),
  }
}

t.test('one listener for every waiter, opened with the first, woken together by one notification', async t => {
  const listener = controlledListener()
  const signal = createEventSignal({ listen: listener.listen, latestSeq: async () => 0, pollMs: 10 })
  t.same(listener.counts(), { opened: 0, closed: 0 }, 'nothing is opened before anyone waits')
  const tickets = Array.from({ length: 1000 }, () => signal.next())
  t.same(listener.counts(), { opened: 1, closed: 0 }, 'a thousand waiters, one listener')
  listener.hooks().onLive(true)
  listener.hooks().onNotify()
  await Promise.all(tickets.map(ticket => ticket.settled))
  await signal.close()
  t.same(listener.counts(), { opened: 1, closed: 1 })
  await signal.next().settled
  t.pass('after close, a ticket settles at once')
})

t.test('while nothing is heard the signal polls the latest seq, and wakes waiters when it grows', async t => {
  const listener = controlledListener()
  let seq = 5
  let polls = 0
  const signal = createEventSignal({ listen: listener.listen, latestSeq: async () => { polls++; return seq }, pollMs: 5 })
  // The poll's timer does not keep a process alive (a server's sockets do); this test's waits must.
  const alive = setInterval(() => undefined, 1000)
  t.teardown(async () => { clearInterval(alive); await signal.close() })
  // The first poll has nothing to compare with: it wakes, so that nothing committed meanwhile is missed.
  await signal.next().settled
  const waiting = signal.next()
  let isSettled = false
  void waiting.settled.then(() => { isSettled = true })
  const before = polls
  while (polls < before + 3) await new Promise(resolve => setTimeout(resolve, 5))
  t.notOk(isSettled, 'the same seq wakes nobody')
  seq = 6
  await waiting.settled
  t.pass('a new seq wakes the waiter')

  // Once the listener is live, polling stops.
  listener.hooks().onLive(true)
  const quiet = signal.next()
  await new Promise(resolve => setTimeout(resolve, 30))
  const afterLive = polls
  await new Promise(resolve => setTimeout(resolve, 30))
  t.ok(polls - afterLive <= 1, 'no polling while notifications are heard')
  quiet.cancel()
})
