import { missingChild } from '../../form-module.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import { personOf, relationships, report, type SkRegisterContext } from '../common/register.js'
import { eldpRegisterFindings as ELDP } from './register-findings.js'

/** ELDP (sk-ezu §7): the relationship it records must be in the register as the sheet gives it; else "chybný". */
export function processEldp(ctx: SkRegisterContext, root: XmlElement): void {
  const start = descend(root, 'PoistnyVztah', 'DatumVzniku')!
  const end = descend(root, 'PoistnyVztah', 'DatumZaniku')
  const row = relationships(ctx, personOf(child(root, 'Poistenec'))).find(r => r.status !== 'annulled' && r.start_date === start.text)
  if (!row) return report(ctx, ELDP['020'], start)
  if ((end?.text ?? null) !== row.end_date) {
    report(ctx, ELDP['021'], end ?? missingChild(child(root, 'PoistnyVztah')!, 'DatumZaniku'), { end: row.end_date ?? 'trvá' })
  }
}

