import { defineFindings } from '../../../validation/index.js'

/**
 * Findings of PREG's own plain rules (DOCUMENTS.md §3.7, a proposal); the person and employer checks are
 * SK-COMMON. Numbers 001–019 are plain rules.
 */
export const pregFindings = defineFindings('SK-PREG', 'sk', {
  '001': {
    field: 'Od / Do', severity: 'error',
    en: 'A preliminary registration is filed for a start or end of insurance within 30 days of the filing date, before or after it. For another date file a registration list (RLFO).',
    sk: 'Predbežná registrácia sa podáva na začiatok alebo koniec poistenia najviac 30 dní pred dňom podania alebo po ňom. Pri inom dátume podajte registračný list (RLFO).',
  },
  '002': {
    field: 'PP (typ pracovného pomeru)', severity: 'error',
    en: 'The employee type is not in the list of the Sociálna poisťovňa. Enter a code from the list of employee types.',
    sk: 'Typ zamestnanca nie je v číselníku Sociálnej poisťovne. Uveďte kód z číselníka typov zamestnanca.',
  },
})

/** What the lifecycle adds to a preliminary registration that no RLFO confirmed in time (DOCUMENTS.md §3.7). */
export const pregLifecycleFindings = defineFindings('SK-PREG', 'sk', {
  '020': {
    field: 'predbežná registrácia', severity: 'warning',
    en: 'No registration list (RLFO) confirmed this preliminary registration before its deadline: it has expired. File the registration list now; a late registration is the employer\'s to explain to the Sociálna poisťovňa.',
    sk: 'Túto predbežnú registráciu nepotvrdil do lehoty žiadny registračný list (RLFO): jej platnosť uplynula. Registračný list podajte hneď; oneskorenú registráciu vysvetlí zamestnávateľ Sociálnej poisťovni.',
  },
})
