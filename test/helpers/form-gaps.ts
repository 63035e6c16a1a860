import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { lifecycleNeeds, schemaDir, type FormModule } from '../../src/forms/index.js'

/**
 * What a registered form lacks to be whole (README "Adding a form"): its schema file, a fixture for each finding
 * code (`invalid/CODE.xml` for its rules, `register/CODE.xml` for its register rules; the summary of a register
 * check is raised by the lifecycle, not by a document), and the register behaviour its lifecycle needs.
 */
export function formGaps(form: FormModule, fixtures: string): string[] {
  const gaps: string[] = []
  if (!existsSync(resolve(schemaDir, form.xsd))) gaps.push(`${form.type}: no schema ${form.xsd}`)
  for (const def of Object.values(form.findings)) {
    if (!existsSync(join(fixtures, 'invalid', `${def.code}.xml`))) gaps.push(`${form.type}: no fixture invalid/${def.code}.xml`)
  }
  const summary = new Set(Object.values(form.register?.checkSummary ?? {}).flatMap(d => (typeof d === 'string' ? [] : [d.code])))
  for (const def of Object.values(form.registerFindings ?? {})) {
    if (!summary.has(def.code) && !existsSync(join(fixtures, 'register', `${def.code}.xml`))) gaps.push(`${form.type}: no fixture register/${def.code}.xml`)
  }
  const needs = lifecycleNeeds(form)
  if (needs) gaps.push(`${form.type}: its ${form.lifecycle} lifecycle needs register.${needs}`)
  if (form.register?.check && !form.register.checkSummary) gaps.push(`${form.type}: a register check needs register.checkSummary`)
  return gaps
}
