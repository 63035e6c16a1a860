import { childText, descend, type XmlElement } from '../../../xml/index.js'
import type { Finding } from '../../../validation/index.js'
import type { DocumentFacts } from '../../form-module.js'

/** YYYY-MM with a real month: the shape `Obdobie` must have before anything reads it. */
export const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/

/**
 * What every SK document tells the gateway (DOCUMENTS.md §1.7): the employer's tax number, the period and
 * kind of a report (`DruhEldp` for ELDP), and the filer's reference.
 */
export function skFacts(root: XmlElement): DocumentFacts {
  const employer = descend(root, 'Zamestnavatel', 'Dic')?.text
  const period = childText(root, 'Obdobie')
  const kind = childText(root, 'DruhVykazu') ?? childText(root, 'DruhEldp')
  const externalId = childText(root, 'ExternyId')
  const icz = descend(root, 'Zamestnavatel', 'Icz')?.text
  return {
    ...(employer !== undefined ? { employer } : {}),
    ...(period !== undefined && PERIOD.test(period) ? { period } : {}),
    ...(kind === 'R' || kind === 'O' ? { kind } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(icz !== undefined && /^[0-9]{10}$/.test(icz) ? { icz } : {}),
  }
}

/**
 * The step of EZU's automatic input check (sk-ezu §6.3) a finding belongs to: 1 employer identification,
 * 2 document version for the period, 3 the period/kind (R/O) combination, 4 required data (the schema),
 * 5 the methodological rules. A finding belongs to the step of the element it points at.
 */
export function skCheckStep(finding: Finding): number {
  const top = finding.path.split('/')[2]?.replace(/\[[0-9]+\]$/, '')
  if (top === 'Zamestnavatel') return 1
  if (top === 'Obdobie') return 2
  if (top === 'DruhVykazu' || top === 'DruhEldp') return 3
  return finding.code.startsWith('SK-XSD-') ? 4 : 5
}
