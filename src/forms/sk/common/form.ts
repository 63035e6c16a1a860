import type { XmlElement } from '../../../xml/index.js'
import type { FindingDef } from '../../../validation/index.js'
import { formNames, type DocumentEntry, type FormModule, type FormPairing, type LifecycleStart, type OfficialReader, type Rule } from '../../form-module.js'
import type { FormRegister } from '../../register.js'
import { indexByCode } from '../../si/common/module.js'
import { skCheckStep, skFacts } from './module.js'

/** What a Slovak form says of itself; `skForm` fills in what every one of them shares. */
export interface SkFormSpec {
  readonly type: string
  /** First letter of a document's number (DOCUMENTS.md §4). */
  readonly numberPrefix: (root: XmlElement) => string
  readonly fieldOf: (path: string) => string
  /** Its findings, the SK-COMMON ones its rules can give first. */
  readonly findings: readonly FindingDef[]
  readonly registerFindings: Readonly<Record<string, FindingDef>> | readonly FindingDef[]
  readonly rules: readonly Rule[]
  /** The first steps of the ordered input check (sk-ezu §6.3). */
  readonly admission: readonly Rule[]
  readonly lifecycle: LifecycleStart
  /** Absent: the built-in back office processes its documents as filed (a PREG never reaches it). */
  readonly register?: FormRegister
  readonly pairing?: FormPairing
  /** The STORNO_NOT_ALLOWED detail once a document of it is processed (`FormModule.afterProcessing`). */
  readonly afterProcessing?: string
  readonly series?: (root: XmlElement) => string | undefined
  readonly needsEarlierContent?: (root: XmlElement) => boolean
  /** Sociálna poisťovňa's own format of the document, read beside ours (sk-official.md). */
  readonly official?: OfficialReader
  /** The entries of a document of several, as its view lists them. */
  readonly entries?: (root: XmlElement) => DocumentEntry[]
}

/**
 * A Slovak form (DOCUMENTS.md §3): namespace `urn:ehrs:sk:<type>:1`, schema `<type>.xsd`, the employer's facts,
 * findings keyed by full code and judged step by step (sk-ezu §6.3); its insurances are the relationships an
 * RLFO opens, which every SK document is checked against.
 */
export function skForm(spec: SkFormSpec): FormModule {
  return Object.freeze({
    ...formNames('SK', spec.type),
    lifecycle: spec.lifecycle,
    ...(spec.register ? { register: spec.register } : {}),
    ...(spec.pairing ? { pairing: spec.pairing } : {}),
    ...(spec.afterProcessing !== undefined ? { afterProcessing: spec.afterProcessing } : {}),
    insuranceKind: 'RLFO',
    numberPrefix: spec.numberPrefix,
    findings: indexByCode(spec.findings),
    registerFindings: indexByCode(spec.registerFindings),
    rules: spec.rules,
    admission: Object.freeze([...spec.admission]),
    facts: skFacts,
    checkStep: skCheckStep,
    fieldOf: spec.fieldOf,
    ...(spec.series ? { series: spec.series } : {}),
    ...(spec.needsEarlierContent ? { needsEarlierContent: spec.needsEarlierContent } : {}),
    ...(spec.official ? { official: spec.official } : {}),
    ...(spec.entries ? { entries: spec.entries } : {}),
  })
}
