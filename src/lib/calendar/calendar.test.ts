import t from 'tap'
import { addDays, easterSunday, slovakCalendar as sk, slovenianCalendar as si, workingDayCalendar } from './index.js'

t.test('Easter Sunday by the Gregorian computus, at both ends of its range', async t => {
  const known: Record<number, string> = {
    1818: '1818-03-22', 1943: '1943-04-25', 2000: '2000-04-23', 2008: '2008-03-23', 2019: '2019-04-21',
    2024: '2024-03-31', 2025: '2025-04-20', 2026: '2026-04-05', 2027: '2027-03-28', 2038: '2038-04-25',
  }
  for (const [year, date] of Object.entries(known)) t.equal(easterSunday(Number(year)), date, year)
})

t.test('Slovenian holidays: Easter Monday and Whit Sunday move with Easter', async t => {
  t.ok(si.isHoliday('2025-04-21'), 'Easter Monday 2025')
  t.ok(si.isHoliday('2024-04-01'), 'Easter Monday 2024')
  t.notOk(si.isHoliday('2025-04-22'))
  t.ok(si.isHoliday('2025-06-08'), 'Whit Sunday 2025 (Easter + 49)')
  t.notOk(si.isHoliday('2025-06-09'), 'Whit Monday is not a Slovenian holiday')
})

t.test('Slovenian holidays: the fixed days, and 2 January only outside 2013–2016', async t => {
  for (const d of ['2025-01-01', '2025-02-08', '2025-04-27', '2025-05-01', '2025-05-02', '2025-06-25', '2025-08-15',
    '2025-10-31', '2025-11-01', '2025-12-25', '2025-12-26']) t.ok(si.isHoliday(d), d)
  t.ok(si.isHoliday('2012-01-02'))
  t.notOk(si.isHoliday('2013-01-02'), 'ZUJF: a working day from 2013')
  t.notOk(si.isWorkingDay('2015-01-01'))
  t.ok(si.isWorkingDay('2015-01-02'), 'a Friday, working in 2015')
  t.notOk(si.isHoliday('2016-01-02'))
  t.ok(si.isHoliday('2017-01-02'), 'work-free again from 2017')
})

t.test('working days are Monday to Friday that are no holiday', async t => {
  t.ok(si.isWorkingDay('2025-03-03'), 'a Monday')
  t.notOk(si.isWorkingDay('2025-03-08'), 'a Saturday')
  t.notOk(si.isWorkingDay('2025-03-09'), 'a Sunday')
  t.notOk(si.isWorkingDay('2025-12-25'), 'Christmas on a Thursday')
  t.equal(si.nextWorkingDayAfter('2025-12-24'), '2025-12-29', 'over Christmas, Independence Day and a weekend')
  t.equal(si.nextWorkingDayAfter('2025-04-26'), '2025-04-28', 'a Saturday before a Sunday holiday (27 April 2025)')
  t.equal(si.nextWorkingDayAfter('2026-04-30'), '2026-05-04', '1 and 2 May 2026 are Friday and Saturday')
  t.equal(si.nextWorkingDayAfter('2025-03-03'), '2025-03-04')
})

t.test('a calendar is data: another list of holidays, with validity dates', async t => {
  const c = workingDayCalendar([{ day: '03-04', name: 'test', validFrom: '2025-01-01', validTo: '2025-12-31' }, { easterOffset: -2, name: 'Good Friday' }])
  t.notOk(c.isWorkingDay('2025-03-04'))
  t.ok(c.isWorkingDay('2026-03-04'), 'after validTo')
  t.ok(c.isWorkingDay('2024-03-04'), 'before validFrom')
  t.notOk(c.isWorkingDay('2025-04-18'), 'Good Friday 2025')
})

t.test('addDays crosses months, years and leap days', async t => {
  t.equal(addDays('2024-02-28', 1), '2024-02-29')
  t.equal(addDays('2025-02-28', 1), '2025-03-01')
  t.equal(addDays('2025-12-31', 1), '2026-01-01')
  t.equal(addDays('2025-03-03', 90), '2025-06-01')
  t.equal(addDays('2025-01-01', -1), '2024-12-31')
})

t.test('Slovak days of rest: Good Friday and Easter Monday move with Easter', async t => {
  t.ok(sk.isHoliday('2026-04-03'), 'Good Friday 2026')
  t.ok(sk.isHoliday('2026-04-06'), 'Easter Monday 2026')
  t.notOk(sk.isHoliday('2026-04-05'), 'Easter Sunday is a Sunday, not a listed day')
  t.ok(sk.isHoliday('2025-04-18') && sk.isHoliday('2025-04-21'), 'Easter 2025')
  t.equal(sk.nextWorkingDayAfter('2026-04-02'), '2026-04-07', 'from the Thursday before Easter to the Tuesday after')
})

t.test('Slovak days of rest: the fixed days with their validity', async t => {
  for (const d of ['2025-01-01', '2025-01-06', '2025-05-01', '2025-05-08', '2025-07-05', '2025-08-29', '2025-09-15',
    '2025-11-01', '2025-12-24', '2025-12-25', '2025-12-26']) t.ok(sk.isHoliday(d), d)
  t.ok(sk.isHoliday('2023-09-01'), '1 September until 2023')
  t.notOk(sk.isHoliday('2024-09-01'))
  t.ok(sk.isHoliday('2024-11-17'), '17 November until 2024')
  t.notOk(sk.isHoliday('2025-11-17'))
  t.notOk(sk.isHoliday('2026-05-08'), 'a working day in 2026')
  t.notOk(sk.isHoliday('2026-09-15'), 'a working day in 2026')
  t.ok(sk.isHoliday('2027-05-08') && sk.isHoliday('2027-09-15'), 'days of rest again from 2027')
  t.equal(sk.nextWorkingDayAfter('2026-12-23'), '2026-12-28', 'over 24–26 December and a Sunday')
})
