import { childText, descend, type XmlElement } from '../../../xml/element.js'
import type { FormModule } from '../../form-module.js'
import { siFieldOf } from '../common/fields.js'
import { siCommonFindings } from '../common/findings.js'
import { m1Findings } from './findings.js'
import { m1Rules } from './rules.js'

/** M1, registration into compulsory social insurance (DOCUMENTS.md §2.4). */
export const m1: FormModule = Object.freeze({
  type: 'M1',
  country: 'SI',
  language: 'sl',
  namespace: 'urn:ehrs:si:m1:1',
  root: 'M1',
  xsd: 'm1.xsd',
  numberPrefix: () => 'P',
  // Keyed by full code; the shared SI-COMMON findings are listed too, since M1's rules give them.
  findings: Object.freeze({ ...indexByCode(siCommonFindings), ...indexByCode(m1Findings) }),
  rules: m1Rules,
  facts: (root: XmlElement) => {
    const employer = descend(root, 'Zavezanec', 'DavcnaStevilka')?.text
    const externalId = childText(root, 'ZunanjiId')
    return { ...(employer !== undefined ? { employer } : {}), ...(externalId !== undefined ? { externalId } : {}) }
  },
  fieldOf: siFieldOf('M1'),
})

function indexByCode<T extends { code: string }>(defs: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.values(defs).map(d => [d.code, d]))
}
