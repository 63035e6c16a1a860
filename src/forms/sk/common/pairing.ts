/**
 * Which RLFO entry confirms a preliminary registration (DOCUMENTS.md §3.7, sk-ezu §10): the same type (PA or OD),
 * person, employee type and date (`DatumOd` of a PA, `DatumDo` of an OD). The employer and the register are the
 * gateway's to compare; the key holds what the documents say.
 */
import { childText, type XmlElement } from '../../../xml/index.js'
import type { PairingFacts } from '../../form-module.js'

/** Types a preliminary registration can be: only these RLFO entries confirm one. */
const PAIRED_TYPES: ReadonlySet<string> = new Set(['PA', 'OD'])

/** A temporary number is another person than a rodné číslo with the same digits. */
function personKey(el: XmlElement): string | undefined {
  const rc = childText(el, 'RodneCislo')
  if (rc !== undefined) return `RC:${rc}`
  const temporary = childText(el, 'DocasneRodneCislo')
  return temporary === undefined ? undefined : `DRC:${temporary}`
}

function pairingKey(typ: string | undefined, el: XmlElement, date: string | undefined): string | undefined {
  const type = childText(el, 'TypZamestnanca')
  const person = personKey(el)
  if (typ === undefined || !PAIRED_TYPES.has(typ) || type === undefined || person === undefined || date === undefined) return undefined
  return [typ, type, person, date].join('|')
}

/** A PREG waits for the RLFO entry of its key; its deadline runs from its `Datum`. */
export function awaitedPairing(root: XmlElement): PairingFacts {
  const date = childText(root, 'Datum')
  const key = pairingKey(childText(root, 'Typ'), root, date)
  return key !== undefined && date !== undefined ? { awaits: { key, date } } : {}
}

/** The keys of an RLFO's PA and OD entries: the preliminary registrations it confirms. */
export function confirmedPairings(root: XmlElement): PairingFacts {
  const keys = root.children.filter(c => c.name === 'Osoba').flatMap(osoba => {
    const typ = childText(osoba, 'Typ')
    const key = pairingKey(typ, osoba, childText(osoba, typ === 'OD' ? 'DatumDo' : 'DatumOd'))
    return key === undefined ? [] : [key]
  })
  return keys.length > 0 ? { confirms: [...new Set(keys)] } : {}
}
