export { easterSunday } from './easter.js'
export { addDays, workingDayCalendar } from './calendar.js'
export type { Holiday, WorkingDayCalendar } from './calendar.js'
export { slovenianCalendar, slovenianHolidays } from './si.js'
