import { defineFindings } from '../../../validation/index.js'

/** ELDP findings of processing ("chyby spracovania", sk-ezu §7): an error makes the result "chybný". */
export const eldpRegisterFindings = defineFindings('SK-ELDP', 'sk', {
  '020': {
    field: 'Dátum vzniku', severity: 'error',
    en: 'The register has no insurance relationship of this person with this employer that started on this date. Check the date against the prihláška, or register the relationship (RLFO) first.',
    sk: 'Register neobsahuje poistný vzťah tejto osoby u zamestnávateľa, ktorý vznikol v tento deň. Skontrolujte dátum podľa prihlášky alebo poistný vzťah najprv zaregistrujte (RLFO).',
  },
  '021': {
    field: 'Dátum zániku', severity: 'error',
    en: 'The end of the relationship differs from the register ({end}). Give the date of the odhláška, or leave the element out while the relationship lasts.',
    sk: 'Dátum zániku poistného vzťahu sa líši od registra ({end}). Uveďte dátum z odhlášky, alebo element vynechajte, kým poistný vzťah trvá.',
  },
})
