import type { FormModule } from './form-module.js'
import { registerForm } from './registry.js'
import type { FindingDef } from '../validation/index.js'
import { xsdFindings } from '../validation/index.js'
import { siCommonFindings } from './si/common/findings.js'
import { m1 } from './si/m1/index.js'
import { m2 } from './si/m2/index.js'
import { m3 } from './si/m3/index.js'
import { m12 } from './si/m12/index.js'
import { endm } from './si/endm/index.js'
import { skCommonFindings } from './sk/common/findings.js'
import { employerFindings } from './sk/common/official.js'
import { mvp } from './sk/mvp/index.js'
import { vpp } from './sk/vpp/index.js'
import { rlfo } from './sk/rlfo/index.js'
import { rlzec } from './sk/rlzec/index.js'
import { eldp } from './sk/eldp/index.js'
import { preg } from './sk/preg/index.js'

/** Every document type the gateway accepts: the one list of them. Each form module is whole in its own folder. */
const builtIn: readonly FormModule[] = [m1, m2, m3, m12, endm, mvp, vpp, rlfo, rlzec, eldp, preg]
for (const form of builtIn) registerForm(form)

/** The types of the forms the gateway ships (OpenAPI's `DocumentType`, the WSDL's documentation, mandates' types). */
export const documentTypes: readonly string[] = builtIn.map(f => f.type)

/** The single finding catalogue, from every shipped form and shared group. */
export const findingCatalogue: readonly FindingDef[] = [
  ...Object.values(xsdFindings.SI),
  ...Object.values(siCommonFindings),
  ...Object.values(xsdFindings.SK),
  ...Object.values(skCommonFindings),
  ...Object.values(employerFindings),
  ...builtIn.flatMap(f => [...Object.values(f.findings), ...Object.values(f.registerFindings ?? {}), ...(f.pairing?.expired ? [f.pairing.expired] : []), ...Object.values(f.official?.findings ?? {})]),
].filter((d, i, all) => all.findIndex(o => o.code === d.code) === i)

export { forms, findForm, findReader, formOf, countryOf, registerForm, loadFormModules, lifecycleNeeds } from './registry.js'
export type { FormRegister, Register, RegisterDocument, RegisterScope, RegisterCheck, Insurance, InsuranceEvent, Claim } from './register.js'
export { checkDavcna } from './si/common/identifiers.js'
/** The 91st day of an absence and the first working day after it, from which the higher rate applies (si-endm §3.3). */
export { day91, type Day91 } from './si/endm/index.js'
export { checkDic } from './sk/common/identifiers.js'
/** SKO-EMP-1: an official document whose employer's DIČ neither it nor its IČZ binding gives (sk-official.md §1.3). */
export { employerFindings } from './sk/common/official.js'
/** Slovak documents: whether an earlier document got as far as being forwarded to the authority (sk-ezu §3.3). */
export { wasForwarded } from './sk/common/rules.js'
export type { FormModule, DocumentType, DocumentFacts, Country, LifecycleStart, PairingFacts, FormPairing, OfficialEmployer, OfficialReader, DocumentEntry } from './form-module.js'
/** What a form's rules are: `(root, report, ctx)`, adding findings through `report`, never throwing. */
export type { Rule, RuleContext, Report } from './form-module.js'
/** For an SI form: its facts (the obligor's tax number, the filer's reference); findings keyed by full code, as `FormModule.findings` is. */
export { siFacts, indexByCode } from './si/common/module.js'
/** A `fieldOf` that labels the shared SI blocks (Zavezanec, Zavarovanec, …) with their rubrika, and a form's own elements as given. */
export { siFieldOf } from './si/common/fields.js'
export type { CodeLists } from './code-lists.js'
/** Findings about a mapped official document, moved to where their values were read in it. */
export { toOfficialLocation, toOfficialLocations, plainSource } from './official.js'
export { createValidator, checkDocument, identifyDocument, judgeDocument, judgeOfficialDocument, admitDocument, readInternal, internalOf, withEmployer, internalBytes, schemaDir, xsdOptions } from './validate.js'
export type { Validator, ValidateOptions, IdentifiedDocument } from './validate.js'
export type { EarlierDocument } from './form-module.js'
export { loadCodeLists } from './code-lists-file.js'
