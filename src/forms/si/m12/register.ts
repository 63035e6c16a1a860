import { addEvent, candidates, open, report, setStatus, type M12Key, type SiRegisterContext } from '../common/register.js'
import { child, childText, descend, type XmlElement } from '../../../xml/index.js'
import { m12RegisterFindings as M12 } from './register-findings.js'

function m12KeyOf(root: XmlElement): M12Key {
  const insurance = child(root, 'Zavarovanje')
  return {
    RegistrskaStevilka: descend(root, 'Zavezanec', 'RegistrskaStevilka')?.text ?? '',
    PodlagaZaZavarovanje: childText(insurance, 'PodlagaZaZavarovanje') ?? '',
    DatumPricetkaZavarovanja: childText(insurance, 'DatumPricetkaZavarovanja') ?? '',
  }
}

/** M12 (DOCUMENTS §2.7): `prijava` needs no open M12 insurance with the same key, `odjava` exactly one. */
export function applyM12(ctx: SiRegisterContext): void {
  const key = m12KeyOf(ctx.root)
  const kind = child(ctx.root, 'VrstaPrijave')!
  const end = descend(ctx.root, 'Zavarovanje', 'DatumPrenehanjaZavarovanja')?.text ?? null
  const sameKey = candidates(ctx, 'M12').filter(row => {
    const k = row.insurance_key as unknown as M12Key
    return row.status === 'open' && k.RegistrskaStevilka === key.RegistrskaStevilka
      && k.PodlagaZaZavarovanje === key.PodlagaZaZavarovanje && k.DatumPricetkaZavarovanja === key.DatumPricetkaZavarovanja
  })
  if (kind.text === 'prijava') {
    if (sameKey.length > 0) return report(ctx, M12['020'], kind)
    const reason = descend(ctx.root, 'Zavarovanje', 'VzrokZavarovanja')?.text ?? ''
    const opened = open(ctx, 'M12', key, key.DatumPricetkaZavarovanja, { VzrokZavarovanja: reason })
    // si-forms §7: when the duration is known, the deregistration comes with the registration.
    if (end !== null) {
      setStatus(ctx, opened, 'closed', end)
      addEvent(ctx, opened.id, 'closed', 'closed', end)
    }
    return
  }
  if (sameKey.length !== 1) return report(ctx, M12['021'], kind)
  setStatus(ctx, sameKey[0]!, 'closed', end)
  addEvent(ctx, sameKey[0]!.id, 'closed', 'closed', end)
}

