import { addEvent, candidates, match, report, setStatus, variableData, type SiRegisterContext } from '../common/register.js'
import { child, descend, type XmlElement } from '../../../xml/index.js'
import { m3RegisterFindings as M3 } from './register-findings.js'

/** r.7 and r.8, which an M3 may repeat unchanged (DOCUMENTS §2.2). */
const names = ['Priimek', 'Ime']

/**
 * r.7/r.8 of the document that differ from the register's. An insurance registered before the register kept
 * names has none to compare with: its names count as unchanged.
 */
function changedNames(ctx: SiRegisterContext, registered: Record<string, string>): XmlElement[] {
  const insured = child(ctx.root, 'Zavarovanec')
  return names.flatMap(name => {
    const given = child(insured, name)
    return given && registered[name] !== undefined && registered[name] !== given.text ? [given] : []
  })
}

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
  const previous = insurance.data as Record<string, string>
  const renamed = changedNames(ctx, previous)
  if (code.text === '16') {
    if (insurance.status === 'open') return report(ctx, M3['021'], code)
    // An annulment changes nothing: a surname or name it repeats is the registered one.
    if (renamed.length > 0) return renamed.forEach(at => report(ctx, M3['027'], at))
    setStatus(ctx, insurance, 'annulled', insurance.end_date)
    addEvent(ctx, insurance.id, 'annulled', 'annulled', insurance.end_date, { DatumSpremembeZavarovanja: date })
    return
  }
  if (insurance.status === 'closed') return report(ctx, M3['020'], code)
  const insured = child(ctx.root, 'Zavarovanec')!
  // r.7/r.8 repeated as registered are no change; the rest of r.6–r.11 is given only when it changes.
  const otherChanges = insured.children.filter(e => ['Drzavljanstvo', 'PrebivalisceVTujini'].includes(e.name))
  if (!child(ctx.root, 'ZavarovanjeSpremenljivo') && otherChanges.length === 0 && renamed.length === 0) {
    const given = insured.children.find(e => names.includes(e.name))
    if (given && names.every(name => previous[name] !== undefined)) return report(ctx, M3['026'], given)
  }
  const foreignerChange = [...otherChanges, ...renamed][0]
  if (foreignerChange && !Object.keys(previous).some(k => k.startsWith('PrebivalisceVTujini/'))) report(ctx, M3['025'], foreignerChange)
  const given = variableData(ctx.root)
  const changes = Object.fromEntries(Object.entries(given).filter(([k, v]) => !names.includes(k) || previous[k] !== v))
  setStatus(ctx, insurance, 'open', null, { ...previous, ...given })
  addEvent(ctx, insurance.id, 'changed', 'open', null, { ...changes, DatumSpremembeZavarovanja: date })
}
