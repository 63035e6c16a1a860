import { defineFindings } from '../../../validation/index.js'

/** Findings of M1's own rules (DOCUMENTS.md §2.2–2.4, si-forms §4); shared checks are SI-COMMON. */
export const m1Findings = defineFindings('SI-M1', 'sl', {
  '001': {
    field: 'rubrika 14', severity: 'error',
    en: 'The insurance starts more than 30 days after the filing date. File the M1 at most 30 days in advance.',
    sl: 'Zavarovanje se začne več kot 30 dni po datumu vložitve. Prijavo M1 vložite največ 30 dni vnaprej.',
  },
  '002': {
    field: 'rubrika 14', severity: 'warning',
    en: 'The M1 is filed more than 8 days after the insurance started; the deadline is 8 days (for employees, before work begins).',
    sl: 'Prijava M1 je vložena več kot 8 dni po pričetku zavarovanja; rok je 8 dni (za delavce pred začetkom dela).',
  },
  '003': {
    field: 'rubrika 6', severity: 'warning',
    en: 'Citizenship is expected for an insured person with a permanent address abroad. Enter the country code of the citizenship.',
    sl: 'Pri zavarovancu s stalnim prebivališčem v tujini se pričakuje državljanstvo. Vpišite šifro države državljanstva.',
  },
  '004': {
    field: 'rubrika 18', severity: 'warning',
    en: 'The registration number of the unit where the person works is expected when the obligor is a business subject. Enter it, or the number of rubrika 3 for the seat.',
    sl: 'Pri zavezancu, ki je poslovni subjekt, se pričakuje matična številka enote, v kateri oseba dela. Vpišite jo ali za sedež številko iz rubrike 3.',
  },
  '005': {
    field: 'rubrika 26', severity: 'warning',
    en: 'The type of employment is expected for an employment basis of insurance. Enter the code of rubrika 26.',
    sl: 'Pri podlagi za zavarovanje iz delovnega razmerja se pričakuje vrsta delovnega razmerja. Vpišite šifro rubrike 26.',
  },
  '006': {
    field: 'rubrika 27', severity: 'warning',
    en: 'Shift work is expected for an employment basis of insurance. Enter the code of rubrika 27.',
    sl: 'Pri podlagi za zavarovanje iz delovnega razmerja se pričakuje podatek o izmenskem delu. Vpišite šifro rubrike 27.',
  },
  '007': {
    field: 'rubrika 21', severity: 'warning',
    en: 'For this insurance basis a school certificate is required: enter its validity end in rubrika 21.',
    sl: 'Za to podlago za zavarovanje je potrebno potrdilo o šolanju: v rubriko 21 vpišite datum izteka njegove veljavnosti.',
  },
})
