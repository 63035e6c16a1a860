import type { FormRegister, RegisterDocument } from '../../register.js'
import { makeFinding, type Finding } from '../../../validation/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import { endmRegisterFindings as R } from './register-findings.js'

function ebolNumbers(root: XmlElement): XmlElement[] {
  return child(root, 'Zadrzanost')?.children.filter(c => c.name === 'StevilkaEBol') ?? []
}

/**
 * ENDM's register (DOCUMENTS.md §2.8): in filing order, a claim is refused when a processed claim of the same
 * employer for the same person overlaps its absence, or cites one of its eBOL numbers; otherwise it is entered.
 * Cancelled and refused claims never reach the register, so they block nothing.
 */
export function endmRegister(fieldOf: (path: string) => string): FormRegister {
  const person = (root: XmlElement): string => descend(root, 'Zavarovanec', 'Emso')?.text ?? ''
  return {
    // No insurance is read (kind ENDM has none): only the claims of the person and of the eBOL numbers.
    scope: (_document, root) => ({ kind: 'ENDM', person: person(root), claims: { person: person(root), ebolNumbers: ebolNumbers(root).map(e => e.text) } }),
    apply(register, document: RegisterDocument, root, now): Finding[] {
      const absence = child(root, 'Zadrzanost')!
      const from = child(absence, 'DatumOd')!.text
      const to = child(absence, 'DatumDo')!.text
      const findings: Finding[] = []
      const others = register.claims(document.environment, document.employer).filter(c => c.document_id !== document.id)
      const overlapping = others.find(c => c.person === person(root) && c.absence_from <= to && from <= c.absence_to)
      if (overlapping) findings.push(makeFinding(R['020'], absence, fieldOf(absence.path), { number: overlapping.number }))
      for (const ebol of ebolNumbers(root)) {
        const citing = others.find(c => c.ebol_numbers.includes(ebol.text))
        if (citing) findings.push(makeFinding(R['021'], ebol, fieldOf(ebol.path), { number: citing.number }))
      }
      if (findings.length > 0) return findings
      register.addClaim({
        document_id: document.id, number: document.number, environment: document.environment, employer: document.employer,
        person: person(root), absence_from: from, absence_to: to, ebol_numbers: ebolNumbers(root).map(e => e.text), created_at: now,
      })
      return []
    },
  }
}
