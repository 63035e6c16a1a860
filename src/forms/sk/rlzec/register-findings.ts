import { defineFindings } from '../../../validation/index.js'

/** RLZEC findings of the register rules, checked when the back office processes the list (DOCUMENTS.md §3.5). */
export const rlzecRegisterFindings = defineFindings('SK-RLZEC', 'sk', {
  '020': {
    field: 'dátum zániku', severity: 'warning',
    en: '{count} insurance relationship(s) of this employer are still open after the day the employer ceases: deregister the employees (RLFO odhláška).',
    sk: '{count} poistných vzťahov zamestnávateľa zostáva otvorených po dni zániku zamestnávateľa: odhláste zamestnancov (RLFO odhláška).',
  },
})
