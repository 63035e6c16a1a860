import t from 'tap'
import { createAdmission, type AdmissionLimits, type RefusalReason } from './admission.js'
import { RetryLaterError } from '../problems.js'

function setup(limits: Partial<AdmissionLimits> = {}) {
  let now = 1_000_000
  const refused: RefusalReason[] = []
  const admission = createAdmission(
    { rate: { count: 5, perMs: 1000 }, maxInFlightPerClient: 100, maxInFlightBytes: 1000, ...limits },
    () => now, reason => refused.push(reason),
  )
  return { admission, refused, advance: (ms: number) => { now += ms }, setNow: (ms: number) => { now = ms } }
}

/** The refusal a call throws, as code and Retry-After. */
function refusal(fn: () => unknown): { code: string; retryAfter: number } | undefined {
  try {
    fn()
    return undefined
  } catch (error) {
    if (!(error instanceof RetryLaterError)) throw error
    return { code: error.code, retryAfter: error.retryAfterSeconds }
  }
}

t.test('a client may burst two seconds of its rate, then one submission per token', async t => {
  const { admission, refused, advance } = setup()
  for (let i = 0; i < 10; i++) admission.admit('a', 0, true).release()
  t.same(refusal(() => admission.admit('a', 0, true)), { code: 'RATE_LIMITED', retryAfter: 1 })
  advance(199)
  t.ok(refusal(() => admission.admit('a', 0, true)), 'a token takes 200 ms at 5/s')
  advance(1)
  t.notOk(refusal(() => admission.admit('a', 0, true).release()))
  t.ok(refusal(() => admission.admit('a', 0, true)))
  t.same(refused, ['rate', 'rate', 'rate'])
  t.notOk(refusal(() => admission.admit('b', 0, true).release()), 'another client has its own bucket')
  t.notOk(refusal(() => admission.admit('a', 0, false).release()), 'a call that is not a submission is not rate limited')
})

t.test('Retry-After is the time to the next token, rounded up to whole seconds', async t => {
  const { admission, advance } = setup({ rate: { count: 2, perMs: 60_000 } })
  // 2/m: the burst is two seconds' worth, less than one token, so one.
  admission.admit('a', 0, true).release()
  t.same(refusal(() => admission.admit('a', 0, true)), { code: 'RATE_LIMITED', retryAfter: 30 })
  advance(29_001)
  t.same(refusal(() => admission.admit('a', 0, true)), { code: 'RATE_LIMITED', retryAfter: 1 })
  advance(999)
  t.notOk(refusal(() => admission.admit('a', 0, true)))
})

t.test('a clock that steps back refills nothing and takes nothing', async t => {
  const { admission, setNow, advance } = setup({ rate: { count: 1, perMs: 1000 } })
  admission.admit('a', 0, true).release()
  admission.admit('a', 0, true).release()
  setNow(0)
  t.ok(refusal(() => admission.admit('a', 0, true)))
  setNow(1_000_000)
  advance(1000)
  t.notOk(refusal(() => admission.admit('a', 0, true)))
})

t.test('a client has at most MAX_INFLIGHT_PER_CLIENT submissions at once; a release frees a slot', async t => {
  const { admission, refused } = setup({ rate: { count: 1000, perMs: 1000 }, maxInFlightPerClient: 2 })
  const first = admission.admit('a', 0, true)
  admission.admit('a', 0, true)
  t.same(refusal(() => admission.admit('a', 0, true)), { code: 'RATE_LIMITED', retryAfter: 1 })
  t.same(refused, ['client_concurrency'])
  t.notOk(refusal(() => admission.admit('a', 0, false).release()), 'reads are not held to it')
  t.notOk(refusal(() => admission.admit('b', 0, true)), 'nor is another client')
  first.release()
  first.release()
  t.notOk(refusal(() => admission.admit('a', 0, true)), 'released once, one slot')
  t.ok(refusal(() => admission.admit('a', 0, true)))
  t.equal(admission.inFlightRequests(), 3, 'two of a, one of b')
})

t.test('the gateway works on at most MAX_INFLIGHT_BYTES at once, declared or counted as they arrive', async t => {
  const { admission, refused } = setup()
  const big = admission.admit('a', 600, true)
  t.same(refusal(() => admission.admit('b', 500, true)), { code: 'OVERLOADED', retryAfter: 1 })
  t.notOk(refusal(() => admission.admit('b', 0, false).release()), 'a request without a body still passes')
  const chunked = admission.admit('b', 0, true)
  chunked.addBytes(300)
  t.same(refusal(() => chunked.addBytes(200)), { code: 'OVERLOADED', retryAfter: 1 })
  t.equal(admission.inFlightBytes(), 900)
  big.release()
  t.equal(admission.inFlightBytes(), 300)
  chunked.release()
  t.equal(admission.inFlightBytes(), 0)
  t.equal(admission.inFlightRequests(), 0)
  t.same(refused, ['gateway_bytes', 'gateway_bytes'])
})

t.test('a refused request takes nothing: the rate is judged first, then concurrency, then bytes', async t => {
  const { admission, refused } = setup({ rate: { count: 1, perMs: 1000 }, maxInFlightPerClient: 1, maxInFlightBytes: 100 })
  const held = admission.admit('a', 100, true)
  t.same(refusal(() => admission.admit('a', 100, true)), { code: 'RATE_LIMITED', retryAfter: 1 })
  t.same(refused, ['client_concurrency'], 'a token was left, the slot was not')
  t.same(refusal(() => admission.admit('b', 100, true)), { code: 'OVERLOADED', retryAfter: 1 })
  t.equal(admission.inFlightBytes(), 100)
  held.release()
  t.notOk(refusal(() => admission.admit('b', 100, true)), 'b lost no token to its refusal')
})

t.test('a SOAP call turns out to be a submission, or not, once its envelope is read', async t => {
  // 1 per 2 s: a burst of one.
  const { admission } = setup({ rate: { count: 1, perMs: 2000 }, maxInFlightPerClient: 5 })
  const poll = admission.admit('a', 0, true)
  poll.asRead()
  t.notOk(poll.isSubmission)
  poll.release()
  const submit = admission.admit('a', 0, false)
  submit.asSubmission()
  t.ok(submit.isSubmission)
  submit.asSubmission()
  const late = admission.admit('a', 0, false)
  t.same(refusal(() => late.asSubmission()), { code: 'RATE_LIMITED', retryAfter: 2 }, 'the token given back by the poll was used by the submission')
  late.release()
  submit.release()
})
