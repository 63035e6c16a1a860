/**
 * What is wrong inside a document. Texts are fixed templates that never repeat the value found; a template
 * may name a count or a document number (`{n}`), never personal data.
 */
export type Severity = 'error' | 'warning'
export type FormLanguage = 'sl' | 'sk'

export interface Finding {
  readonly code: string
  readonly severity: Severity
  /** The form field ("rubrika 18", "Rodné číslo"). */
  readonly field: string
  /** Element path from the root without prefixes, 1-based index on repeated elements. */
  readonly path: string
  readonly line?: number
  readonly message: { readonly en: string; readonly sl?: string; readonly sk?: string }
}

/** One entry of the finding catalogue. */
export interface FindingDef {
  readonly code: string
  readonly severity: Severity
  readonly field: string
  readonly language: FormLanguage
  readonly en: string
  readonly local: string
}

type Texts<L extends FormLanguage> = { field: string; severity: Severity; en: string } & Record<L, string>

/**
 * Declares the findings of one form (or shared group): `defineFindings('SI-M1', 'sl', { '001': {...} })`
 * gives `{ '001': FindingDef with code 'SI-M1-001' }`.
 */
export function defineFindings<L extends FormLanguage, K extends string>(
  prefix: string, language: L, defs: Record<K, Texts<L>>,
): Record<K, FindingDef> {
  const out = {} as Record<K, FindingDef>
  for (const key of Object.keys(defs) as K[]) {
    const d = defs[key]
    out[key] = Object.freeze({
      code: `${prefix}-${key}`, severity: d.severity, field: d.field, language, en: d.en, local: (d as Record<L, string>)[language],
    })
  }
  return out
}

/** Where a finding points: an element of the parsed document, or a path when the element is absent. */
export interface FindingLocation { readonly path: string; readonly line?: number }

/** Values for a template's `{name}` placeholders: counts and document numbers only. */
export type FindingParams = Readonly<Record<string, string | number>>

function fill(template: string, params: FindingParams | undefined): string {
  return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template
}

export function makeFinding(def: FindingDef, at: FindingLocation, field = def.field, params?: FindingParams): Finding {
  return {
    code: def.code,
    severity: def.severity,
    field,
    path: at.path,
    ...(at.line !== undefined ? { line: at.line } : {}),
    message: { en: fill(def.en, params), [def.language]: fill(def.local, params) },
  }
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some(f => f.severity === 'error')
}
