import t from 'tap'
import { day91 } from './day-91.js'

const higherRateFrom = (from: string): string | undefined => day91(from)?.higherRateFrom

t.test('day 91 is the first day of the absence + 90 days; the higher rate from the next working day', async t => {
  t.same(day91('2025-03-03'), { from: '2025-03-03', day91: '2025-06-01', higherRateFrom: '2025-06-02' }, 'day 91 a Sunday: Monday')
  t.same(day91('2025-01-01'), { from: '2025-01-01', day91: '2025-04-01', higherRateFrom: '2025-04-02' }, 'an absence from New Year: the day after day 91')
  t.equal(higherRateFrom('2024-10-01'), '2024-12-31', 'day 91 a Monday: Tuesday')
})

t.test('absences starting before Easter: Easter Monday is a holiday, Good Friday is not', async t => {
  t.same(day91('2025-01-21'), { from: '2025-01-21', day91: '2025-04-21', higherRateFrom: '2025-04-22' }, 'day 91 is Easter Monday')
  t.equal(higherRateFrom('2025-01-18'), '2025-04-22', 'day 91 is Good Friday: over Easter to Tuesday')
  t.equal(higherRateFrom('2025-01-20'), '2025-04-22', 'day 91 is Easter Sunday')
  t.equal(higherRateFrom('2024-01-02'), '2024-04-02', 'Easter 2024 is in March: day 91 is Easter Monday, 1 April')
  t.equal(higherRateFrom('2025-04-10'), '2025-07-10', 'starting shortly before Easter changes nothing at day 91')
})

t.test('around 1 and 2 January, with 2 January a working day only from 2013 to 2016', async t => {
  t.same(day91('2024-10-02'), { from: '2024-10-02', day91: '2024-12-31', higherRateFrom: '2025-01-03' }, 'over both New Year days')
  t.equal(higherRateFrom('2014-10-02'), '2015-01-02', '2015: 2 January was a working day')
  t.equal(higherRateFrom('2016-10-03'), '2017-01-03', '2017: work-free again (and 1 January a Sunday)')
  t.equal(higherRateFrom('2024-12-31'), '2025-04-01', 'an absence starting on New Year\'s Eve')
  t.equal(higherRateFrom('2025-01-02'), '2025-04-03', 'an absence starting on 2 January')
})

t.test('27 April to 2 May', async t => {
  t.same(day91('2026-01-26'), { from: '2026-01-26', day91: '2026-04-26', higherRateFrom: '2026-04-28' }, 'day 91 a Sunday before 27 April on a Monday')
  t.equal(higherRateFrom('2025-01-30'), '2025-05-05', 'day 91 on 30 April 2025: 1 and 2 May and a weekend follow')
  t.equal(higherRateFrom('2025-01-27'), '2025-04-28', 'day 91 on 27 April 2025, a Sunday')
  t.equal(higherRateFrom('2026-01-31'), '2026-05-04', '1 May 2026 a Friday, 2 May a Saturday')
})

t.test('day 91 on a Saturday before a Monday holiday', async t => {
  t.same(day91('2025-01-19'), { from: '2025-01-19', day91: '2025-04-19', higherRateFrom: '2025-04-22' }, 'Saturday before Easter Monday')
  t.equal(higherRateFrom('2023-09-24'), '2023-12-27', 'Saturday 23 December 2023, then Christmas and Independence Day on Monday and Tuesday')
  t.equal(higherRateFrom('2022-10-02'), '2023-01-03', 'Saturday 31 December 2022, then New Year on Sunday and 2 January on Monday')
})

t.test('only an existing date of the years 1900 to 9998 is a start', async t => {
  for (const bad of ['2025-02-29', '2025-13-01', '2025-04-31', '25-03-03', '2025-3-3', '2025-03-03T00:00:00Z', '', ' 2025-03-03', '1899-12-31', '9999-01-01', '２０２５-03-03']) {
    t.equal(day91(bad), undefined, JSON.stringify(bad))
  }
  t.ok(day91('2024-02-29'), 'a leap day')
  t.equal(day91('9998-12-31')?.higherRateFrom, '9999-04-01')
})
