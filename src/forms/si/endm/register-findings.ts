import { defineFindings } from '../../../validation/index.js'

/** ENDM rules that read the register of processed claims (DOCUMENTS.md §2.8): checked when the back office processes the claim. */
export const endmRegisterFindings = defineFindings('SI-ENDM', 'sl', {
  '020': {
    field: 'zadržanost', severity: 'error',
    en: 'Claim {number} of this employer for this worker already covers days of this absence. Claim each day once: if that claim is wrong, cancel it while it is unprocessed, then file this one.',
    sl: 'Zahtevek {number} tega delodajalca za tega delavca že zajema dneve te zadržanosti. Vsak dan uveljavljajte enkrat: če je tisti zahtevek napačen, ga stornirajte, dokler ni obdelan, nato vložite ta zahtevek.',
  },
  '021': {
    field: 'številka eBOL', severity: 'error',
    en: 'Claim {number} of this employer already rests on this eBOL sick note. A sick note supports one claim: check the eBOL number, or cancel the other claim while it is unprocessed.',
    sl: 'Zahtevek {number} tega delodajalca že temelji na tem bolniškem listu eBOL. Bolniški list podpira en zahtevek: preverite številko eBOL ali stornirajte drugi zahtevek, dokler ni obdelan.',
  },
})
