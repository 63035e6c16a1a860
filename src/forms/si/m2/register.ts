import { addEvent, candidates, match, report, setStatus, type SiRegisterContext } from '../common/register.js'
import { child, descend } from '../../../xml/index.js'
import { m2RegisterFindings as M2 } from './register-findings.js'

/** M2 (DOCUMENTS §2.5, si-forms §6): the key identifies an open insurance, which it closes on r.32. */
export function applyM2(ctx: SiRegisterContext): void {
  const { insurance, differing } = match(ctx.root, candidates(ctx, 'M1'))
  if (!insurance) {
    if (differing.length > 0) for (const at of differing) report(ctx, M2['021'], at)
    else report(ctx, M2['022'], descend(ctx.root, 'Zavarovanec', 'Emso')!)
    return
  }
  if (insurance.status === 'closed') return report(ctx, M2['020'], child(ctx.root, 'ZavarovanjeNespremenljivo')!)
  if (insurance.status === 'annulled') return report(ctx, M2['023'], child(ctx.root, 'ZavarovanjeNespremenljivo')!)
  const reason = descend(ctx.root, 'Odjava', 'VzrokSpremembeZavarovanja')?.text ?? ''
  const end = descend(ctx.root, 'Odjava', 'DatumSpremembeZavarovanja')?.text ?? ''
  setStatus(ctx, insurance, 'closed', end)
  addEvent(ctx, insurance.id, 'closed', 'closed', end, { VzrokSpremembeZavarovanja: reason, DatumSpremembeZavarovanja: end })
}

