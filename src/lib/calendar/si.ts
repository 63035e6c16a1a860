import { workingDayCalendar, type Holiday } from './calendar.js'

/**
 * Slovenian work-free public holidays (Zakon o praznikih in dela prostih dnevih; domain/si-endm.md §3.3a), kept as
 * data with validity dates because the law changes them: 2 January was a working day from 2013 to 2016 (dropped by
 * the 2012 public-finance act, ZUJF, and restored from 2017). A change of the law is a new entry, or a `validTo`
 * on an old one, never an edit of the past.
 */
export const slovenianHolidays: readonly Holiday[] = Object.freeze([
  { day: '01-01', name: 'novo leto' },
  { day: '01-02', name: 'novo leto', validTo: '2012-12-31' },
  { day: '01-02', name: 'novo leto', validFrom: '2017-01-01' },
  { day: '02-08', name: 'Prešernov dan, slovenski kulturni praznik' },
  { easterOffset: 0, name: 'velikonočna nedelja' },
  { easterOffset: 1, name: 'velikonočni ponedeljek' },
  { day: '04-27', name: 'dan upora proti okupatorju' },
  { day: '05-01', name: 'praznik dela' },
  { day: '05-02', name: 'praznik dela' },
  { easterOffset: 49, name: 'binkoštna nedelja, binkošti' },
  { day: '06-25', name: 'dan državnosti' },
  { day: '08-15', name: 'Marijino vstajenje' },
  { day: '10-31', name: 'dan reformacije' },
  { day: '11-01', name: 'dan spomina na mrtve' },
  { day: '12-25', name: 'božič' },
  { day: '12-26', name: 'dan samostojnosti in enotnosti' },
])

/** Working days in Slovenia: Monday to Friday, except the holidays above. */
export const slovenianCalendar = workingDayCalendar(slovenianHolidays)
