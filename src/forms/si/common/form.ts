import { formNames, type FormModule, type Rule } from '../../form-module.js'
import type { FindingDef } from '../../../validation/index.js'
import type { FormRegister } from '../../register.js'
import { indexByCode, siFacts } from './module.js'
import { siRegister, type SiRegisterContext } from './register.js'

/** What a Slovenian form says of itself; `siForm` fills in what every one of them shares. */
export interface SiFormSpec {
  readonly type: string
  /** First letter of its document numbers (DOCUMENTS.md §4). */
  readonly numberPrefix: string
  readonly fieldOf: (path: string) => string
  /** Its findings, the SI-COMMON ones its rules can give first. */
  readonly findings: readonly FindingDef[]
  readonly registerFindings: Readonly<Record<string, FindingDef>>
  readonly rules: readonly Rule[]
  /** The insurance it opens, changes or closes (an `M1` one or an `M12` one), or, for a claim, whose insurances a mandate shows. */
  readonly insuranceKind: 'M1' | 'M12'
  /** When the authority pays after processing a document of it (`FormModule.paymentDays`). */
  readonly paymentDays?: number
  /** What to do instead of a storno once processed (`FormModule.afterProcessing`). */
  readonly afterProcessing?: string
}

/**
 * Its register rules and changes, run when the back office processes it: on the insurance register (`apply`), or a
 * register of its own (`register`, as a refund claim keeps the claims before it).
 */
export type SiFormRegister = { readonly apply: (ctx: SiRegisterContext) => void } | { readonly register: FormRegister }

/**
 * A Slovenian form (DOCUMENTS.md §2): namespace `urn:ehrs:si:<type>:1`, schema `<type>.xsd`, the obligor's facts,
 * findings keyed by full code, and processed at once (after PROCESSING_DELAY) into the register.
 */
export function siForm(spec: SiFormSpec & SiFormRegister): FormModule {
  return Object.freeze({
    ...formNames('SI', spec.type),
    lifecycle: 'process',
    register: 'register' in spec ? spec.register : siRegister(spec.insuranceKind, spec.fieldOf, spec.apply),
    insuranceKind: spec.insuranceKind,
    numberPrefix: () => spec.numberPrefix,
    findings: indexByCode(spec.findings),
    registerFindings: indexByCode(spec.registerFindings),
    rules: spec.rules,
    facts: siFacts,
    fieldOf: spec.fieldOf,
    ...(spec.paymentDays !== undefined ? { paymentDays: spec.paymentDays } : {}),
    ...(spec.afterProcessing !== undefined ? { afterProcessing: spec.afterProcessing } : {}),
  })
}
