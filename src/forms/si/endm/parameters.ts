/**
 * How many working days of an absence for illness or injury outside work the employer bears before compulsory
 * health insurance does, as dated parameters (si-endm §3.5, marked [CONFLICT]): each entry is one public source's
 * reading, valid for the days claimed from `validFrom`. Where several are valid on a day the sources disagree,
 * and the gateway does not choose: a claim that starts earlier than any of them allows gets a warning
 * (SI-ENDM-019), never an error. Other reasons of absence (care of a family member, blood donation, isolation,
 * …) are borne from the first day, and the annual 80-day rule needs the employer's other claims: ZZZS decides.
 * A new reading is a new entry, or a `validTo` on an old one.
 */
export interface EmployerBorneDays {
  readonly validFrom: string
  readonly validTo?: string
  readonly workingDays: number
  readonly source: string
}

export const employerBorneDays: readonly EmployerBorneDays[] = Object.freeze([
  { validFrom: '2023-10-07', workingDays: 20, source: 'Pravilnik 2023 (Ur. l. RS 99/2023), art. 2, as zdops.si summarises it; a 2026 article (siol.net) again speaks of 20' },
  { validFrom: '2024-01-01', workingDays: 30, source: 'ZZZS page for insured persons: the employer bears the first 30 working days for absence periods from 1. 1. 2024' },
])

/** The readings valid on `date` (YYYY-MM-DD); none before the first source the gateway knows. */
export function employerBorneDaysOn(date: string): readonly EmployerBorneDays[] {
  return employerBorneDays.filter(p => p.validFrom <= date && (p.validTo === undefined || date <= p.validTo))
}
