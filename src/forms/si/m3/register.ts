import { addEvent, candidates, match, report, setStatus, variableData, type SiRegisterContext } from '../common/register.js'
import { child, descend } from '../../../xml/index.js'
import { m3RegisterFindings as M3 } from './register-findings.js'

/** Rubrike 6–11, which M3 changes only for a foreigner without residence in Slovenia (si-forms §5.3). */
const foreignerData = ['Drzavljanstvo', 'Priimek', 'Ime', 'PrebivalisceVTujini']

/** M3 (DOCUMENTS §2.6, si-forms §5): code 01 changes an open insurance, code 16 annuls a closed one. */
export function applyM3(ctx: SiRegisterContext): void {
  const code = descend(ctx.root, 'Sprememba', 'VzrokSpremembeZavarovanja')!
  const { insurance, differing } = match(ctx.root, candidates(ctx, 'M1'))
  if (!insurance) {
    if (differing.length > 0) for (const at of differing) report(ctx, M3['022'], at)
    else report(ctx, M3['023'], descend(ctx.root, 'Zavarovanec', 'Emso')!)
    return
  }
  if (insurance.status === 'annulled') return report(ctx, M3['024'], code)
  const date = descend(ctx.root, 'Sprememba', 'DatumSpremembeZavarovanja')?.text ?? ''
  if (code.text === '16') {
    if (insurance.status === 'open') return report(ctx, M3['021'], code)
    setStatus(ctx, insurance, 'annulled', insurance.end_date)
    addEvent(ctx, insurance.id, 'annulled', 'annulled', insurance.end_date, { DatumSpremembeZavarovanja: date })
    return
  }
  if (insurance.status === 'closed') return report(ctx, M3['020'], code)
  const changes = variableData(ctx.root, { names: true })
  const previous = insurance.data as Record<string, string>
  const insured = child(ctx.root, 'Zavarovanec')!
  const foreignerChange = insured.children.find(e => foreignerData.includes(e.name))
  if (foreignerChange && !Object.keys(previous).some(k => k.startsWith('PrebivalisceVTujini/'))) report(ctx, M3['025'], foreignerChange)
  setStatus(ctx, insurance, 'open', null, { ...previous, ...variableData(ctx.root, { names: false }) })
  addEvent(ctx, insurance.id, 'changed', 'open', null, { ...changes, DatumSpremembeZavarovanja: date })
}

