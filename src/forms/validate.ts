import { join } from 'node:path'
import { GatewayError } from '../problems.js'
import { parseXmlBytes, XmlError, createXsdValidator, type XmlDocument, type XsdIssue, type XsdValidatorOptions } from '../xml/index.js'
import { findForm } from './index.js'
import { applyRules, type FormModule, type DocumentFacts, type RuleContext } from './form-module.js'
import type { CodeLists } from './code-lists.js'
import type { Finding } from '../validation/index.js'
import { attributeFindings, boundFindings, maxFindings, xsdIssuesToFindings } from '../validation/index.js'
import { projectRoot } from '../lib/index.js'

/** A parsed document whose type is known. */
export interface IdentifiedDocument {
  readonly form: FormModule
  readonly doc: XmlDocument
  readonly facts: DocumentFacts
  readonly bytes: Uint8Array
}

export interface Validator {
  /**
   * Parses safely and finds the form by namespace and root element.
   * Throws GatewayError XML_MALFORMED, XML_DOCTYPE_FORBIDDEN or UNKNOWN_DOCUMENT_TYPE.
   */
  identify(bytes: Uint8Array): IdentifiedDocument
  /**
   * XSD, then (only when the schema is satisfied) the form's plain rules; a form with an ordered input check
   * also runs its admission rules and reports only up to the first step with an error. Findings in step
   * order, then document order; at most `maxFindings` of them, then one saying more were left out.
   * `earlier` feeds the "documents" rules; without it they stay silent.
   */
  validate(document: IdentifiedDocument, options: ValidateOptions): Promise<Finding[]>
  /** The form's admission rules alone (sk-ezu §6.3 steps 1–3), e.g. to re-judge R/O admissibility under a lock. */
  admit(document: IdentifiedDocument, options: ValidateOptions): Finding[]
  close(): Promise<void>
}

export interface ValidateOptions {
  readonly filingDate: string
  readonly earlier?: RuleContext['earlier']
}

export function createValidator(codeLists: CodeLists, options: Partial<XsdValidatorOptions> = {}): Validator {
  const xsd = createXsdValidator({ schemaDir, ...xsdOptions, ...options })
  return {
    identify: identifyDocument,
    async validate(document, options) {
      return judgeDocument(document, await xsd.validate(document.form.xsd, document.bytes), { codeLists, ...options })
    },
    admit: (document, options) => admitDocument(document, { codeLists, ...options }),
    close: () => xsd.close(),
  }
}

export const schemaDir = join(projectRoot, 'xsd')
/** One issue more than is listed tells that more were left out. */
export const xsdOptions = { maxIssues: maxFindings + 1 } as const

/** Parses safely and finds the form by namespace and root element; see {@link Validator.identify}. */
export function identifyDocument(bytes: Uint8Array): IdentifiedDocument {
  let doc: XmlDocument
  try {
    doc = parseXmlBytes(bytes)
  } catch (error) {
    if (error instanceof XmlError) {
      throw new GatewayError(error.kind === 'doctype' ? 'XML_DOCTYPE_FORBIDDEN' : 'XML_MALFORMED', error.message, [], { cause: error })
    }
    throw error
  }
  const form = findForm(doc.root.ns, doc.root.name)
  if (!form) {
    throw new GatewayError('UNKNOWN_DOCUMENT_TYPE',
      `No document type has root element ${doc.root.name} in namespace "${doc.root.ns}"`)
  }
  return { form, doc, facts: form.facts(doc.root), bytes }
}

/**
 * Everything after xmllint, on the thread that holds the tree: the schema issues as findings, then (only when
 * the schema is satisfied) the plain rules, the admission rules in any case; see {@link Validator.validate}.
 */
export function judgeDocument({ form, doc }: IdentifiedDocument, issues: readonly XsdIssue[], ctx: RuleContext): Finding[] {
  const schemaFindings = [...attributeFindings(form, doc.root), ...xsdIssuesToFindings(form, doc.root, issues)]
  const admission = form.admission ? applyRules(form, doc.root, ctx, form.admission) : []
  const findings = [...admission, ...(schemaFindings.length > 0 ? schemaFindings : applyRules(form, doc.root, ctx))]
  const byLine = (a: Finding, b: Finding): number => (a.line ?? 0) - (b.line ?? 0)
  const ordered = form.checkStep
    ? upToFirstFailingStep(findings, form.checkStep).sort((a, b) => form.checkStep!(a) - form.checkStep!(b) || byLine(a, b))
    : findings.sort(byLine)
  return boundFindings(form, doc.root, ordered)
}

/** The form's admission rules alone; see {@link Validator.admit}. */
export function admitDocument({ form, doc }: IdentifiedDocument, ctx: RuleContext): Finding[] {
  return form.admission ? applyRules(form, doc.root, ctx, form.admission) : []
}

/** The findings of every step up to and including the first one with an error (sk-ezu §6.3). */
function upToFirstFailingStep(findings: readonly Finding[], stepOf: (finding: Finding) => number): Finding[] {
  let failing = Infinity
  for (const f of findings) if (f.severity === 'error') failing = Math.min(failing, stepOf(f))
  return findings.filter(f => stepOf(f) <= failing)
}
