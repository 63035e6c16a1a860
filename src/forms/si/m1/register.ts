import { candidates, open, report, siKeyOf, type SiInsuranceKey, variableData, type SiRegisterContext } from '../common/register.js'
import { descend } from '../../../xml/index.js'
import { m1RegisterFindings as M1 } from './register-findings.js'

/** M1 (DOCUMENTS §2.4): no open insurance with the same r.2, r.3/r.4, r.5, r.14 and r.15. */
export function applyM1(ctx: SiRegisterContext): void {
  const key = siKeyOf(ctx.root)
  const already = candidates(ctx, 'M1').find(row => {
    const k = row.insurance_key as unknown as SiInsuranceKey
    return row.status === 'open' && k.RegistrskaStevilka === key.RegistrskaStevilka && k.MaticnaStevilka === key.MaticnaStevilka
      && k.Emso === key.Emso && k.DatumPricetkaZavarovanja === key.DatumPricetkaZavarovanja && k.PodlagaZaZavarovanje === key.PodlagaZaZavarovanje
  })
  if (already) return report(ctx, M1['020'], descend(ctx.root, 'ZavarovanjeNespremenljivo', 'DatumPricetkaZavarovanja')!)
  open(ctx, 'M1', key, key.DatumPricetkaZavarovanja, variableData(ctx.root))
}

