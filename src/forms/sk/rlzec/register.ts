import { descend, type XmlElement } from '../../../xml/index.js'
import { relationships, report, type SkRegisterContext } from '../common/register.js'
import { rlzecRegisterFindings as RLZEC } from './register-findings.js'

/** RLZEC odhláška (DOCUMENTS §3.5): a warning for relationships still open after the employer ceases. */
export function processRlzec(ctx: SkRegisterContext, root: XmlElement): void {
  const end = descend(root, 'Odhlaska', 'DatumZaniku')
  if (!end) return
  // DatumZaniku is the first day the employer employs no one: a relationship lasting into it is still open then.
  const open = relationships(ctx).filter(r => r.status !== 'annulled' && (r.end_date === null || r.end_date >= end.text))
  if (open.length > 0) report(ctx, RLZEC['020'], end, { count: open.length })
}

