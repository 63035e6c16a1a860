import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { GatewayError } from '../problems.js'
import { loadCodeLists } from '../forms/index.js'
import { createValidator } from '../forms/index.js'
import type { Finding } from '../validation/index.js'
import { localDate } from '../lib/index.js'

export interface FileVerdict {
  readonly file: string
  readonly valid: boolean
  readonly type?: string
  /** `sp`: the file is in Sociálna poisťovňa's own format (sk-official.md). */
  readonly format?: 'ehrs' | 'sp'
  /** What offline validation cannot judge of the file, and the gateway will on filing. */
  readonly note?: string
  readonly problem?: { code: string; detail: string }
  readonly findings: readonly Finding[]
}

/**
 * `ehrs validate`: the server's own parser, XSD and plain rules, with today (or `filingDate`) as the filing date.
 * Exit 0 when every file is valid, 1 when a document has errors, 2 when a file cannot be validated at all.
 */
export async function validateFiles(
  files: readonly string[], cwd = process.cwd(), filingDate = localDate(new Date()),
): Promise<{ verdicts: FileVerdict[]; exitCode: number }> {
  const validator = createValidator(loadCodeLists())
  const verdicts: FileVerdict[] = []
  let exitCode = 0
  for (const file of files) {
    let bytes: Uint8Array
    try {
      bytes = readFileSync(resolve(cwd, file))
    } catch (error) {
      verdicts.push({ file, valid: false, problem: { code: 'FILE_UNREADABLE', detail: (error as Error).message }, findings: [] })
      exitCode = 2
      continue
    }
    try {
      const identified = validator.identify(bytes)
      const findings = await validator.validate(identified, { filingDate })
      const valid = !findings.some(f => f.severity === 'error')
      if (!valid) exitCode = Math.max(exitCode, 1)
      const employer = identified.official?.employer
      const note = employer && employer.dic === undefined
        ? `The file names no DIČ: on filing, the gateway takes it from your earlier accepted documents with IČZ ${employer.icz ?? '(none)'}, and refuses the file with SKO-EMP-1 when there are none.`
        : undefined
      verdicts.push({ file, valid, type: identified.form.type, format: identified.format, ...(note ? { note } : {}), findings })
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error
      verdicts.push({ file, valid: false, problem: { code: error.code, detail: error.message }, findings: [] })
      exitCode = 2
    }
  }
  return { verdicts, exitCode }
}

export function formatVerdicts(verdicts: readonly FileVerdict[]): string {
  const lines: string[] = []
  for (const v of verdicts) {
    if (v.problem) {
      lines.push(`${v.file}: unusable: ${v.problem.code}: ${v.problem.detail}`)
      continue
    }
    const errors = v.findings.filter(f => f.severity === 'error').length
    lines.push(`${v.file}: ${v.type}${v.format === 'sp' ? ' (Sociálna poisťovňa format)' : ''} ${v.valid ? 'valid' : 'invalid'} (${errors} error(s), ${v.findings.length - errors} warning(s))`)
    if (v.note) lines.push(`  note: ${v.note}`)
    for (const f of v.findings) {
      lines.push(`  ${f.line !== undefined ? `line ${f.line}: ` : ''}${f.severity} ${f.code} [${f.field}] ${f.path}: ${f.message.en}`)
    }
  }
  return lines.join('\n') + '\n'
}
