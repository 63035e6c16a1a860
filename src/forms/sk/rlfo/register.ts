import type { Insurance } from '../../register.js'
import { child, childText, type OfficialValue, type XmlElement } from '../../../xml/index.js'
import { newId } from '../../../lib/index.js'
import { addEvent, covers, entryData, hasError, personOf, referred, relationshipKind, relationships, report, reportOfficial, type SkRegisterContext } from '../common/register.js'
import { rlfoRegisterFindings as RLFO } from './register-findings.js'
import { officialValue, rlRegisterFindings as RL } from './official.js'

type Entry = Record<string, string>

/**
 * SKO-RL-5: an official entry that gives only the end of a leave (konMD, konRD) or of an interruption (zanikPrerus)
 * ends the relationship's open one of that kind, whose start (and reason) it takes (sk-official.md §8).
 */
function endOpenPeriod(ctx: SkRegisterContext, osoba: XmlElement, end: OfficialValue): void {
  const typ = childText(osoba, 'Typ')
  const to = childText(osoba, 'DatumDo') ?? ''
  const row = referred(ctx, osoba, r => covers(r, to), RLFO['026'])
  if (!row) return
  const list = typ === 'PE' ? 'Prerusenia' : 'Zmeny'
  const periods = (row.data[list] as Entry[] | undefined) ?? []
  const reason = childText(osoba, 'DovodZmeny')
  let open = -1
  periods.forEach((p, i) => {
    if (p.DatumDo === undefined && (typ === 'PE' || p.DovodZmeny === reason) && (p.DatumOd ?? '') <= to) open = i
  })
  if (open < 0) return reportOfficial(ctx, RL['5'], end)
  const ended = { ...periods[open]!, DatumDo: to }
  const icpv = childText(osoba, 'Icpv')
  const data = { ...row.data, ...(icpv && !row.data.Icpv ? { Icpv: icpv } : {}), [list]: periods.map((p, i) => (i === open ? ended : p)) }
  ctx.register.update(row, { status: row.status, end_date: row.end_date, data })
  addEvent(ctx, row.id, typ === 'PE' ? 'interrupted' : 'changed', row.status, row.end_date, { ...entryData(osoba), ...ended })
}

function applyEntry(ctx: SkRegisterContext, osoba: XmlElement): void {
  const typ = childText(osoba, 'Typ')
  const from = childText(osoba, 'DatumOd') ?? ''
  const to = childText(osoba, 'DatumDo') ?? null
  const type = childText(osoba, 'TypZamestnanca') ?? ''
  const person = personOf(osoba)
  const data = entryData(osoba)
  if (typ === 'PA') {
    const twice = relationships(ctx, person).some(r => r.status !== 'annulled' && r.insurance_key.TypZamestnanca === type && r.start_date === from)
    if (twice) return report(ctx, RLFO['024'], child(osoba, 'DatumOd') ?? osoba)
    const row: Insurance = {
      id: newId(ctx.now.getTime()), environment: ctx.document.environment, country: 'SK', employer: ctx.document.employer, person,
      kind: relationshipKind, insurance_key: { TypZamestnanca: type, DatumOd: from }, start_date: from, end_date: null, status: 'open',
      data: { ...(childText(osoba, 'Cudzinec') === 'true' ? { Cudzinec: true } : {}) }, created_at: ctx.now,
    }
    ctx.register.insert(row)
    addEvent(ctx, row.id, 'opened', 'open', null, data)
    return
  }
  const withIcpv = (row: Insurance): Record<string, unknown> => {
    const icpv = childText(osoba, 'Icpv')
    return icpv && !row.data.Icpv ? { ...row.data, Icpv: icpv } : row.data
  }
  const official = osoba.officialValues ?? {}
  if (typ === 'OD') {
    const closed = relationships(ctx, person).some(r => r.status === 'closed' && r.insurance_key.TypZamestnanca === type)
    const row = referred(ctx, osoba, r => r.status === 'open', closed ? RLFO['025'] : RLFO['020'])
    if (!row || !to) return
    if (to < row.start_date) return report(ctx, RLFO['026'], child(osoba, 'DatumDo')!, { start: row.start_date, end: '' })
    // SKO-RL-3: the official odhláška states the start it believes registered; the register's start decides.
    const stated = official[officialValue.registeredStart]
    if (stated && stated.value !== row.start_date) reportOfficial(ctx, RL['3'], stated, { start: row.start_date })
    ctx.register.update(row, { status: 'closed', end_date: to, data: withIcpv(row) })
    addEvent(ctx, row.id, 'closed', 'closed', to, data)
    return
  }
  const dataChange = official[officialValue.dataChangeOnly]
  if (typ === 'ZM' && dataChange) {
    // SKO-RL-4: a change of data only refers to a relationship on the day it applies, and changes nothing in it.
    const applies = childText(osoba, 'DatumZmeny') ?? ''
    referred(ctx, osoba, r => covers(r, applies), RL['4'], { def: RL['4'], at: dataChange })
    return
  }
  const end = official[officialValue.endWithoutStart]
  if ((typ === 'PE' || typ === 'ZM') && end) return endOpenPeriod(ctx, osoba, end)
  if (typ === 'PE' || typ === 'ZM') {
    const row = referred(ctx, osoba, r => covers(r, from), RLFO['026'])
    if (!row) return
    const list = typ === 'PE' ? 'Prerusenia' : 'Zmeny'
    const { Typ: _typ, Icpv: _icpv, ...entry } = data
    ctx.register.update(row, { status: row.status, end_date: row.end_date, data: { ...withIcpv(row), [list]: [...((row.data[list] as unknown[]) ?? []), entry] } })
    addEvent(ctx, row.id, typ === 'PE' ? 'interrupted' : 'changed', row.status, row.end_date, data)
    return
  }
  if (typ === 'ZP') {
    // DOCUMENTS §3.4: the cancellation's date is the registered start of the relationship it cancels.
    const row = referred(ctx, osoba, r => r.start_date === from, RLFO['022'])
    if (!row) return
    ctx.register.update(row, { status: 'annulled', end_date: row.end_date, data: withIcpv(row) })
    addEvent(ctx, row.id, 'annulled', 'annulled', row.end_date, data)
  }
}

/** An RLFO, single or batch: every entry in order; one failing entry refuses the whole list, which then changes nothing. */
export function processRlfo(ctx: SkRegisterContext, root: XmlElement): void {
  const mark = ctx.register.mark()
  for (const osoba of root.children.filter(c => c.name === 'Osoba')) applyEntry(ctx, osoba)
  if (hasError(ctx)) ctx.register.rollbackTo(mark)
}

