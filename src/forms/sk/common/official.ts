import { join } from 'node:path'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import { defineFindings, type FindingDef } from '../../../validation/index.js'
import { projectRoot } from '../../../lib/index.js'
import type { OfficialContext, OfficialEmployer } from '../../form-module.js'
import { officialText, type InternalBuilder } from '../../official.js'

/** Sociálna poisťovňa's own schemas as we wrote them from sk-official.md §3–§6. */
export const officialSchema = (file: string): string => join(projectRoot, 'xsd', 'sp', file)

/** The employer block of every official document: `identifikacia` holds the IČZ, the identifier and the name. */
export function officialEmployer(root: XmlElement, iczName: 'variabilnySymbol' | 'icz'): OfficialEmployer {
  const identification = descend(root, 'zamestnavatel', 'identifikacia')
  const icz = child(identification, iczName)
  const identifier = child(identification, 'identifikator')
  const dic = child(identifier, 'dic')
  const at = identifier ?? icz ?? identification ?? root
  return {
    ...(icz ? { icz: icz.text } : {}),
    ...(dic ? { dic: dic.text } : {}),
    at: { path: at.path, line: at.line },
  }
}

/**
 * `Zamestnavatel` (DOCUMENTS.md §3.1) from the official employer block: the DIČ the document names, else the one
 * its IČZ binding gives (pointing at the identifier it stands for), else none.
 */
export function internalEmployer(b: InternalBuilder, root: XmlElement, iczName: 'variabilnySymbol' | 'icz', ctx: OfficialContext): XmlElement {
  const zamestnavatel = child(root, 'zamestnavatel') ?? root
  const identification = child(zamestnavatel, 'identifikacia') ?? zamestnavatel
  const icz = child(identification, iczName)
  const identifier = child(identification, 'identifikator')
  const ico = child(identifier, 'ico')
  const dic = child(identifier, 'dic')
  const name = child(identification, 'nazov')
  const employer = officialEmployer(root, iczName)
  return b.node('Zamestnavatel', zamestnavatel, [
    icz && b.leaf('Icz', icz.text, icz),
    ico && b.leaf('Ico', ico.text, ico),
    dic ? b.leaf('Dic', dic.text, dic) : ctx.dic !== undefined ? b.leaf('Dic', ctx.dic, { path: employer.at.path, line: employer.at.line ?? 0 }) : undefined,
    name && b.leaf('Nazov', officialText(name.text), name),
  ])
}

/** The field of an official path's finding: the official element's or attribute's own name. */
export function officialFieldOf(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1)
  return last.replace(/^@/, '').replace(/\[[0-9]+\]$/, '')
}

/** SKO-EMP-1 (sk-official.md §1.3, §8): given at intake, where the IČZ binding is known. */
export const employerFindings = defineFindings('SKO-EMP', 'sk', {
  '1': {
    field: 'identifikator', severity: 'error',
    en: 'The employer\'s DIČ cannot be determined: the document names no DIČ, and no earlier document of yours with this IČZ named it. Name the DIČ (identifikator/dic) once; later documents with this IČZ may then give the IČO only.',
    sk: 'DIČ zamestnávateľa nemožno určiť: dokument neuvádza DIČ a žiadny váš skorší dokument s týmto IČZ ho neuviedol. Raz uveďte DIČ (identifikator/dic); ďalšie dokumenty s týmto IČZ potom môžu uvádzať len IČO.',
  },
}) satisfies Record<string, FindingDef>
