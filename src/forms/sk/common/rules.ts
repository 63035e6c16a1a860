/**
 * Rules shared by the SK documents (DOCUMENTS.md §3.1, domain/identifiers.md §5–7). Except `checkEmployer`,
 * an admission rule that copes with any input, they run on schema-valid documents.
 */
import type { FindingDef } from '../../../validation/index.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import type { EarlierDocument, Report, Rule, RuleContext } from '../../form-module.js'
import { skCommonFindings as F } from './findings.js'
import { checkIban, checkIco, checkRodneCislo } from './identifiers.js'

/** Checks a code against a list valid on `onDate`; a complete list proves it wrong, a partial one cannot. */
export function checkCode(report: Report, ctx: RuleContext, at: XmlElement, list: string, onDate: string, unknown: FindingDef): void {
  switch (ctx.codeLists.check(list, at.text, onDate)) {
    case 'valid': return
    case 'unknown': report(unknown, at); return
    case 'not_valid_on_date': report(F['010'], at); return
    case 'unverified': report(F['009'], at)
  }
}

/** Step 1 of the input check (sk-ezu §6.3): the employer's identification. IČZ and DIČ have no check digit. */
export const checkEmployer: Rule = (root, report) => {
  const ico = descend(root, 'Zamestnavatel', 'Ico')
  if (ico && checkIco(ico.text) === 'checksum') report(F['001'], ico)
}

/** Every element below `from` with the local name `name`, in document order (not looking inside a match). */
export function elementsNamed(from: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  const stack = [...from.children].reverse()
  while (stack.length > 0) {
    const el = stack.pop()!
    if (el.name === name) found.push(el)
    else pushChildren(stack, el)
  }
  return found
}

/**
 * Every rodné číslo in the document (identifiers §5), and the date of birth next to it (DOCUMENTS §3.1).
 * A temporary number (DocasneRodneCislo) is checked for its format only, which the schema did.
 */
export const checkPersons: Rule = (root, report) => {
  const stack = [root]
  while (stack.length > 0) {
    const person = stack.pop()!
    const rc = child(person, 'RodneCislo')
    if (rc) checkPerson(report, person, rc)
    pushChildren(stack, person, c => c.children.length > 0)
  }
}

/** Pushes an element's children last first, so that popping the stack walks in document order without recursion. */
function pushChildren(stack: XmlElement[], el: XmlElement, keep: (c: XmlElement) => boolean = () => true): void {
  for (let i = el.children.length - 1; i >= 0; i--) if (keep(el.children[i]!)) stack.push(el.children[i]!)
}

function checkPerson(report: Report, person: XmlElement, rc: XmlElement): void {
  const { problem, warnings, birthDate } = checkRodneCislo(rc.text)
  if (problem === 'date' || problem === 'format') report(F['002'], rc)
  else if (problem === 'nine_digits_after_1953') report(F['003'], rc)
  else if (problem === 'checksum') report(F['004'], rc)
  if (warnings.includes('month_plus_20')) report(F['005'], rc)
  if (warnings.includes('historic_check_digit')) report(F['006'], rc)
  const born = child(person, 'DatumNarodenia')
  if (born && birthDate && born.text !== birthDate) report(F['007'], born)
}

/** Every IBAN of the document (ISO 13616). */
export const checkIbans: Rule = (root, report) => {
  for (const iban of elementsNamed(root, 'Iban')) if (checkIban(iban.text) === 'checksum') report(F['008'], iban)
}

/** Processing states a document reaches only after it was forwarded (sk-ezu §3.3). */
const afterForwarding: ReadonlySet<string> = new Set(['forwarded', 'processed', 'refused', 'faulty'])

/** "odoslaný na spracovanie" or any later processing state. */
export function wasForwarded(doc: Pick<EarlierDocument, 'processing'>): boolean {
  return afterForwarding.has(doc.processing)
}

export function isCancelled(doc: Pick<EarlierDocument, 'acceptance'>): boolean {
  return doc.acceptance === 'cancelled'
}
