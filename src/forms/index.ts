import type { FormModule } from './form-module.js'
import type { FindingDef } from '../validation/finding.js'
import { xsdFindings } from '../validation/xsd-findings.js'
import { siCommonFindings } from './si/common/findings.js'
import { m1 } from './si/m1/index.js'
import { m2 } from './si/m2/index.js'
import { m3 } from './si/m3/index.js'
import { m12 } from './si/m12/index.js'
import { skCommonFindings } from './sk/common/findings.js'
import { mvp } from './sk/mvp/index.js'
import { vpp } from './sk/vpp/index.js'
import { rlfo } from './sk/rlfo/index.js'
import { rlzec } from './sk/rlzec/index.js'
import { eldp } from './sk/eldp/index.js'

/** Every document type the gateway accepts, listed explicitly so that grep finds them. */
export const forms: readonly FormModule[] = [m1, m2, m3, m12, mvp, vpp, rlfo, rlzec, eldp]
export const documentTypes = forms.map(f => f.type)

const byRoot = new Map(forms.map(f => [`${f.namespace}|${f.root}`, f]))

/** The form for a (namespace, root element) pair; any other pair is not a document of ours (DOCUMENTS.md §1.1). */
export function findForm(namespace: string, root: string): FormModule | undefined {
  return byRoot.get(`${namespace}|${root}`)
}

/** The single finding catalogue, from every form and shared group. */
export const findingCatalogue: readonly FindingDef[] = [
  ...Object.values(xsdFindings.SI),
  ...Object.values(siCommonFindings),
  ...Object.values(xsdFindings.SK),
  ...Object.values(skCommonFindings),
  ...forms.flatMap(f => [...Object.values(f.findings), ...Object.values(f.registerFindings ?? {})]),
].filter((d, i, all) => all.findIndex(o => o.code === d.code) === i)

export { countryOf } from './form-module.js'
export { checkDavcna } from './si/common/identifiers.js'
export { checkDic } from './sk/common/identifiers.js'
export type { FormModule, DocumentType, DocumentFacts, Country } from './form-module.js'
export type { CodeLists } from './code-lists.js'
