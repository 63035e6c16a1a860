/**
 * For tests: the earlier documents a "documents" fixture assumes, read from its comment
 * `<!-- earlier: R:accepted:forwarded, O:accepted:unprocessed -->` (kind:acceptance:processing, oldest first).
 */
import type { EarlierDocument } from '../../src/forms/index.js'

const COMMENT = /<!--\s*earlier:([^>]*?)-->/

/**
 * The earlier documents named by the fixture's comment, numbered `<prefix>2503000000nn` in order; undefined
 * when the fixture has no such comment (it then needs no earlier documents).
 */
export function earlierFromComment(xml: string, prefix: string): EarlierDocument[] | undefined {
  const m = COMMENT.exec(xml)
  if (!m) return undefined
  return m[1]!.split(',').map(s => s.trim()).filter(s => s !== '').map((entry, i) => {
    const [kind, acceptance, processing] = entry.split(':')
    if (!kind || !acceptance || !processing) throw new Error(`earlier comment: "${entry}" is not kind:acceptance:processing`)
    return { number: `${prefix}2503${String(i + 1).padStart(8, '0')}`, kind, acceptance, processing }
  })
}
