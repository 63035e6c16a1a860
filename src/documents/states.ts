import type { Country } from '../forms/index.js'

/** State codes of SPEC.md §4a, with the official wording (EZU for sk; our Slovenian rendering for sl). */
export const acceptanceLabels = {
  awaiting_first_register_check: { en: 'received, awaiting the first register check', sk: 'prijatý – čaká prvú kontrolu na register', sl: 'prejet – čaka prvo kontrolo registra' },
  register_check_running: { en: 'received, register check running', sk: 'prijatý – prebieha kontrola na register', sl: 'prejet – poteka kontrola registra' },
  awaiting_repeated_register_check: { en: 'received, awaiting a repeated register check', sk: 'prijatý – čaká opakovanú kontrolu na register', sl: 'prejet – čaka ponovno kontrolo registra' },
  not_accepted: { en: 'not accepted', sk: 'neakceptovaný', sl: 'nesprejet' },
  not_accepted_registration_errors: { en: 'not accepted, registration errors', sk: 'neakceptovaný – chyby registrácie', sl: 'nesprejet – napake registracije' },
  accepted: { en: 'accepted', sk: 'akceptovaný', sl: 'sprejet' },
  cancelled: { en: 'cancelled', sk: 'stornovaný', sl: 'storniran' },
} as const

export const processingLabels = {
  unprocessed: { en: 'unprocessed', sk: 'nespracovaný', sl: 'neobdelan' },
  forwarded: { en: 'forwarded for processing', sk: 'odoslaný na spracovanie', sl: 'posredovan v obdelavo' },
  returned: { en: 'returned', sk: 'vrátený', sl: 'vrnjen' },
  processed: { en: 'processed', sk: 'spracovaný', sl: 'potrjen' },
  refused: { en: 'refused', sk: 'zamietnutý', sl: 'zavrnjen' },
  faulty: { en: 'faulty', sk: 'chybný', sl: 'napačen' },
} as const

export type Acceptance = keyof typeof acceptanceLabels
export type Processing = keyof typeof processingLabels

export interface DocumentState { readonly acceptance: Acceptance; readonly processing: Processing }

export function stateLabel(country: Country, state: DocumentState): { en: string; sl?: string; sk?: string } {
  const a = acceptanceLabels[state.acceptance]
  const p = processingLabels[state.processing]
  const local = country === 'SI' ? 'sl' : 'sk'
  return { en: `${a.en} / ${p.en}`, [local]: `${a[local]} / ${p[local]}` }
}
