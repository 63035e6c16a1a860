/**
 * The admission rules of MVP and VPP: steps 2 and 3 of EZU's ordered input check (sk-ezu §6.3). They run
 * whether or not the schema is satisfied, so each reads only what its regex proves well-shaped.
 */
import { child, type XmlElement } from '../../../xml/index.js'
import type { EarlierDocument, Rule } from '../../form-module.js'
import { isCancelled, wasForwarded } from '../common/rules.js'
import { PERIOD } from '../common/module.js'
import type { ReportFindings } from './findings.js'

/** The first period in euro (sk-ezu §8.1); earlier SKK periods are not accepted (DOCUMENTS §3.2, proposal). */
export const FIRST_EUR_PERIOD = '2009-01'

/** The report's period, when it is well-shaped. */
export function periodOf(root: XmlElement): string | undefined {
  const text = child(root, 'Obdobie')?.text
  return text !== undefined && PERIOD.test(text) ? text : undefined
}

/** Step 2 (DOCUMENTS §3.2): a period from 01/2009 up to the month of the filing date. */
export function checkPeriod(F: ReportFindings): Rule {
  return (root, report, ctx) => {
    const period = child(root, 'Obdobie')
    if (!period || !PERIOD.test(period.text)) return
    if (period.text < FIRST_EUR_PERIOD) report(F['001'], period)
    else if (period.text > ctx.filingDate.slice(0, 7)) report(F['002'], period)
  }
}

/**
 * Step 3, "documents" (sk-ezu §6.2, XML upload): whether an R or an O may be sent for the period, given the
 * employer's earlier reports of the period. Only one R per period is processed: a new R needs every earlier
 * R cancelled, and none forwarded. An O corrects a forwarded R; an O still unprocessed does not block
 * another one in XML, but the filer is warned ([CONFLICT] sk-ezu §6.2: manual entry would forbid it).
 */
export function checkKindAdmissible(F: ReportFindings): Rule {
  return (root, report, ctx) => {
    if (!ctx.earlier) return
    const kind = child(root, 'DruhVykazu')
    if (!kind || (kind.text !== 'R' && kind.text !== 'O')) return
    const regular = ctx.earlier.filter(d => d.kind === 'R')
    const forwarded = newest(regular.filter(wasForwarded))
    const pending = newest(regular.filter(d => !isCancelled(d) && !wasForwarded(d)))
    if (kind.text === 'R') {
      if (forwarded) report(F['003'], kind, { number: forwarded.number })
      else if (pending) report(F['004'], kind, { number: pending.number })
    } else if (forwarded) {
      for (const o of ctx.earlier.filter(d => d.kind === 'O' && !isCancelled(d) && !wasForwarded(d))) {
        report(F['005'], kind, { number: o.number })
      }
    } else if (pending) report(F['006'], kind, { number: pending.number })
    else report(F['007'], kind)
  }
}

/** The most recent of documents listed oldest first. */
function newest(docs: readonly EarlierDocument[]): EarlierDocument | undefined {
  return docs[docs.length - 1]
}
