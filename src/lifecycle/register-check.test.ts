import t from 'tap'
import { decideRegisterCheck, repeatedCheckDue } from './register-check.js'

t.test('the three examples of sk-ezu §5.4', async t => {
  const a = decideRegisterCheck(undefined, 15)
  t.same(a, { accepted: false, baseline: 15, needed: 8, message: 'first' }, 'A: 15 errors, fix at least 8')
  t.same(decideRegisterCheck(a.baseline, 10), { accepted: false, baseline: 15, needed: 3, message: 'repeated' }, 'B: fixed 5 of 8, fix at least 3 more')
  t.same(decideRegisterCheck(15, 17), { accepted: false, baseline: 17, needed: 9, message: 'more_than_before' }, 'C: 17 > 15, fix at least 9')
})

t.test('acceptance', async t => {
  t.same(decideRegisterCheck(undefined, 0), { accepted: true, baseline: 0, needed: 0, message: null }, 'a first check without errors')
  t.equal(decideRegisterCheck(15, 7).accepted, true, 'half fixed (7 ≤ 7) is enough')
  t.equal(decideRegisterCheck(15, 8).accepted, false)
  t.same(decideRegisterCheck(1, 1), { accepted: false, baseline: 1, needed: 1, message: 'repeated' }, 'one error must be fixed')
  t.equal(decideRegisterCheck(1, 0).accepted, true)
})

t.test('a repeated check moves off the weekend; short (test) delays do not', async t => {
  const hour = 3_600_000
  // Thursday 2025-03-06 10:00 CET + 48 h = Saturday ⇒ Monday 2025-03-10 10:00 CET.
  t.equal(repeatedCheckDue(new Date('2025-03-06T09:00:00Z'), 48 * hour).toISOString(), '2025-03-10T09:00:00.000Z')
  // Friday + 48 h = Sunday ⇒ Monday.
  t.equal(repeatedCheckDue(new Date('2025-03-07T09:00:00Z'), 48 * hour).toISOString(), '2025-03-10T09:00:00.000Z')
  t.equal(repeatedCheckDue(new Date('2025-03-03T09:00:00Z'), 48 * hour).toISOString(), '2025-03-05T09:00:00.000Z', 'Monday + 48 h = Wednesday')
  t.equal(repeatedCheckDue(new Date('2025-03-08T09:00:00Z'), 60_000).toISOString(), '2025-03-08T09:01:00.000Z', 'a test delay on a Saturday')
})

t.test('the repeated check moves over Slovak days of rest, not only weekends (sk-ezu §5.3 B)', async t => {
  const hours48 = 48 * 3_600_000
  // Tuesday 22 December 2026 + 48 h = Thursday 24 December; 24–26 December are days of rest, 27th a Sunday.
  t.equal(repeatedCheckDue(new Date('2026-12-22T09:00:00Z'), hours48).toISOString(), '2026-12-28T09:00:00.000Z')
  // Thursday before Easter 2026 + 48 h = Saturday; Good Friday, Easter Monday ⇒ Tuesday 7 April.
  t.equal(repeatedCheckDue(new Date('2026-04-02T09:00:00Z'), hours48).toISOString(), '2026-04-07T09:00:00.000Z')
  t.equal(repeatedCheckDue(new Date('2026-05-06T09:00:00Z'), hours48).toISOString(), '2026-05-08T09:00:00.000Z', '8 May is a working day in 2026')
  t.equal(repeatedCheckDue(new Date('2025-05-06T09:00:00Z'), hours48).toISOString(), '2025-05-09T09:00:00.000Z', 'but not in 2025')
  // 23:30 on Saturday 28 March 2026 (CET) moves to 23:30 on Monday 30 March (CEST), the same local time.
  t.equal(repeatedCheckDue(new Date('2026-03-26T22:30:00Z'), hours48).toISOString(), '2026-03-30T21:30:00.000Z', 'across the change to summer time')
  t.equal(repeatedCheckDue(new Date('2026-12-23T09:00:00Z'), 60_000).toISOString(), '2026-12-23T09:01:00.000Z', 'a test delay runs when due')
  t.equal(repeatedCheckDue(new Date('2026-12-24T09:00:00Z'), 60_000).toISOString(), '2026-12-24T09:01:00.000Z', 'even on a day of rest')
})
