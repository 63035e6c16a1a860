import { workingDayCalendar, type Holiday } from './calendar.js'

/**
 * Slovak public holidays and days of rest (zákon 241/1993 Z. z., as domain/sk-ezu.md §5.3 lists them), kept as data
 * with validity dates because the consolidation acts change them: 1 September is a working day from 2024,
 * 17 November from 2025, and 8 May and 15 September in 2026 only. A change of the law is a new entry, or a `validTo`
 * on an old one, never an edit of the past. Some 2026 reports name 6 January instead of 15 September (sk-ezu §5.3
 * [CONFLICT]); the entries follow the domain text, and a correction is a change of this data.
 */
export const slovakHolidays: readonly Holiday[] = Object.freeze([
  { day: '01-01', name: 'Deň vzniku Slovenskej republiky' },
  { day: '01-06', name: 'Zjavenie Pána (Traja králi)' },
  { easterOffset: -2, name: 'Veľký piatok' },
  { easterOffset: 1, name: 'Veľkonočný pondelok' },
  { day: '05-01', name: 'Sviatok práce' },
  { day: '05-08', name: 'Deň víťazstva nad fašizmom', validTo: '2025-12-31' },
  { day: '05-08', name: 'Deň víťazstva nad fašizmom', validFrom: '2027-01-01' },
  { day: '07-05', name: 'Sviatok svätého Cyrila a Metoda' },
  { day: '08-29', name: 'Výročie Slovenského národného povstania' },
  { day: '09-01', name: 'Deň Ústavy Slovenskej republiky', validTo: '2023-12-31' },
  { day: '09-15', name: 'Sedembolestná Panna Mária', validTo: '2025-12-31' },
  { day: '09-15', name: 'Sedembolestná Panna Mária', validFrom: '2027-01-01' },
  { day: '11-01', name: 'Sviatok všetkých svätých' },
  { day: '11-17', name: 'Deň boja za slobodu a demokraciu', validTo: '2024-12-31' },
  { day: '12-24', name: 'Štedrý deň' },
  { day: '12-25', name: 'Prvý sviatok vianočný' },
  { day: '12-26', name: 'Druhý sviatok vianočný' },
])

/** Working days in Slovakia: Monday to Friday, except the days of rest above. */
export const slovakCalendar = workingDayCalendar(slovakHolidays)
