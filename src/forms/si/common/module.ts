import { childText, descend, type XmlElement } from '../../../xml/index.js'
import type { FindingDef } from '../../../validation/index.js'
import type { DocumentFacts } from '../../form-module.js'

/** A form module's findings keyed by their full code (`SI-M1-001`). */
export function indexByCode(defs: Readonly<Record<string, FindingDef>> | readonly FindingDef[]): Readonly<Record<string, FindingDef>> {
  return Object.freeze(Object.fromEntries(Object.values(defs).map(d => [d.code, d])))
}

/** What every SI form tells the gateway (DOCUMENTS.md §1.7): the obligor's tax number and the filer's reference. */
export function siFacts(root: XmlElement): DocumentFacts {
  const employer = descend(root, 'Zavezanec', 'DavcnaStevilka')?.text
  const externalId = childText(root, 'ZunanjiId')
  return { ...(employer !== undefined ? { employer } : {}), ...(externalId !== undefined ? { externalId } : {}) }
}
