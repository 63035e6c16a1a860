import { child, descend, type OfficialValue, type XmlElement } from '../../../xml/index.js'
import { defineFindings, type Finding, type FindingDef } from '../../../validation/index.js'
import type { OfficialContext, OfficialReader, Rule } from '../../form-module.js'
import { attributeAt, finishInternal, InternalBuilder, officialDate, officialFlag, officialInteger, officialText } from '../../official.js'
import { internalEmployer, officialEmployer, officialFieldOf, officialSchema } from '../common/official.js'
import { checkRodneCislo } from '../common/identifiers.js'
import { rlfoFindings } from './findings.js'

/**
 * Sociálna poisťovňa's own registration list (sk-official.md §5), read into our RLFO (DOCUMENTS.md §3.4): one
 * `Osoba` per `regListZec`, in order, except where one official entry says two things (§5.2 md and rd, §5.3 a
 * prihláška that also ends).
 */

const NAMESPACE = 'http://socpoist.sk/xsd/rlzec2026'

/** The child of `typRegListuFO` for each `typRL`. */
const kindOf: Readonly<Record<string, string>> = { prihlaska: 'PA', odhlaska: 'OD', zmena: 'ZM', prerusenie: 'PE', zruseniePrihlasky: 'ZP' }

/**
 * Names of the values an `Osoba` keeps in `officialValues` for the register (sk-official.md §8, SKO-RL-3…5): an
 * odhláška's stated start, a zmena without md/rd (a change of data only), an end without its start.
 */
export const officialValue = { registeredStart: 'datVzniku', dataChangeOnly: 'zmenaUdajov', endWithoutStart: 'koniecBezZaciatku' } as const

export const rlFindings = defineFindings('SKO-RL', 'sk', {
  '1': {
    field: 'typRL', severity: 'error',
    en: 'typRL does not match the registration list the entry carries (PA prihlaska, OD odhlaska, ZM zmena, PE prerusenie, ZP zruseniePrihlasky). Correct typRL or the entry.',
    sk: 'typRL nezodpovedá registračnému listu, ktorý záznam obsahuje (PA prihlaska, OD odhlaska, ZM zmena, PE prerusenie, ZP zruseniePrihlasky). Opravte typRL alebo záznam.',
  },
  '2': {
    field: 'datVznikPoist', severity: 'error',
    en: 'A cancellation of the registration (ZP) cancels the insurance from its start: datVznikPoist, when given, must equal datZruseniaPoist.',
    sk: 'Zrušenie prihlásenia (ZP) ruší poistenie od jeho vzniku: datVznikPoist, ak je uvedený, sa musí rovnať datZruseniaPoist.',
  },
})

/** Findings of the register rules on what only the official registration list says (sk-official.md §8). */
export const rlRegisterFindings = defineFindings('SKO-RL', 'sk', {
  '3': {
    field: 'datVzniku', severity: 'warning',
    en: 'The start the odhláška gives (datVzniku) is not the registered start of the relationship it closes ({start}). The relationship was closed; check the dates in your records.',
    sk: 'Vznik uvedený v odhláške (datVzniku) nie je zaregistrovaný začiatok poistného vzťahu, ktorý odhláška ukončuje ({start}). Poistný vzťah bol ukončený; skontrolujte dátumy vo svojej evidencii.',
  },
  '4': {
    field: 'zecZmena', severity: 'error',
    en: 'A zmena without md or rd changes only the person\'s data (address, account, …): it must refer to an insurance relationship of this person and type (PP) that the register has on the date the change applies. It changes no insurance state.',
    sk: 'Zmena bez md a rd mení len údaje osoby (adresa, účet, …): musí sa vzťahovať na poistný vzťah tejto osoby s týmto typom (PP), ktorý register eviduje ku dňu uplatnenia zmeny. Stav poistenia nemení.',
  },
  '5': {
    field: 'datKon / datZaniku', severity: 'error',
    en: 'The entry gives only the end (konMD, konRD or zanikPrerus), and the register has no open maternity or parental leave, or interruption, of this relationship that it could end. Give the start as well, or file the start first.',
    sk: 'Záznam uvádza len koniec (konMD, konRD alebo zanikPrerus) a register neeviduje otvorenú materskú alebo rodičovskú dovolenku ani prerušenie tohto poistného vzťahu, ktoré by mohol ukončiť. Uveďte aj začiatok alebo najprv podajte začiatok.',
  },
}) satisfies Record<string, FindingDef>

/** The registration lists of an official document, in order. */
export const officialEntries = (root: XmlElement): XmlElement[] =>
  descend(root, 'zoznamRLZec', 'regListyZec')?.children.filter(c => c.name === 'regListZec') ?? []

/** The entry's registration list proper: the one child of `typRegListuFO` that names a kind. */
const entryForm = (entry: XmlElement): XmlElement | undefined =>
  child(entry, 'typRegListuFO')?.children.find(c => kindOf[c.name] !== undefined)

const typRL = (entry: XmlElement): string | undefined => {
  const value = entry.attributes.typRL
  return value === undefined ? undefined : officialText(value)
}

const valueAt = (value: string, el: XmlElement, attribute?: string): OfficialValue =>
  ({ value, path: attribute ? `${el.path}/@${attribute}` : el.path, line: el.line })

/** What one `Osoba` says beyond the person: its type and the dates and reasons of the event. */
interface Event {
  readonly typ: string
  readonly typZamestnanca?: () => XmlElement | undefined
  readonly datumOd?: XmlElement
  readonly datumDo?: XmlElement
  readonly datumZmeny?: XmlElement
  readonly dovodZmeny?: XmlElement
  readonly dovodPrerusenia?: XmlElement
  readonly officialValues?: Readonly<Record<string, OfficialValue>>
}

/** Reads one kind of entry; the leaves it builds are its own, as every element of the built tree must be. */
class EntryReader {
  constructor(private readonly b: InternalBuilder) {}

  dateAttribute(name: string, el: XmlElement | undefined, attribute: string): XmlElement | undefined {
    const value = el?.attributes[attribute]
    return value === undefined ? undefined : this.b.leaf(name, officialDate(value), attributeAt(el!, attribute))
  }

  dateElement(name: string, el: XmlElement | undefined): XmlElement | undefined {
    return el && this.b.leaf(name, officialDate(el.text), el)
  }

  /** `TypZamestnanca` from a `zec…` element's `typZec`; `zecNPOdhl` has none and stands for ZECN (sk-official.md §5.1). */
  employeeType(zec: XmlElement | undefined): () => XmlElement | undefined {
    return () => {
      if (zec?.name === 'zecNPOdhl') return this.b.leaf('TypZamestnanca', 'ZECN', zec)
      const value = zec?.attributes.typZec
      return value === undefined ? undefined : this.b.leaf('TypZamestnanca', officialText(value), attributeAt(zec!, 'typZec'))
    }
  }

  /** PA, and (§5.3) an OD of the same person right after it when the prihláška also gives the end. */
  prihlaska(form: XmlElement): Event[] {
    const zec = descend(form, 'typPoistPrihl', 'zecPrihl')
    const type = this.employeeType(zec)
    const registration: Event = { typ: 'PA', typZamestnanca: type, datumOd: this.dateElement('DatumOd', child(zec, 'datVznikPoist')) }
    const end = this.dateAttribute('DatumDo', child(zec, 'zanik'), 'datZaniku')
    return end ? [registration, { typ: 'OD', typZamestnanca: type, datumDo: end }] : [registration]
  }

  odhlaska(form: XmlElement): Event[] {
    const zec = child(form, 'typPoistOdhl')?.children[0]
    const zanik = child(zec, 'zanik')
    const start = zanik?.attributes.datVzniku
    return [{
      typ: 'OD', typZamestnanca: this.employeeType(zec), datumDo: this.dateAttribute('DatumDo', zanik, 'datZaniku'),
      ...(start !== undefined ? { officialValues: { [officialValue.registeredStart]: valueAt(officialDate(start), zanik!, 'datVzniku') } } : {}),
    }]
  }

  /** One ZM per leave (MD first, then RD); neither is a change of data only (SKO-RL-4). */
  zmena(form: XmlElement): Event[] {
    const zec = descend(form, 'typPoistZmena', 'zecZmena')
    const type = this.employeeType(zec)
    const leaves = (['MD', 'RD'] as const).flatMap(reason => {
      const leave = child(zec, reason.toLowerCase())
      if (!leave) return []
      const start = child(leave, `zac${reason}`) ?? descend(leave, `zac_kon${reason}`, `zac${reason}`)
      const end = child(leave, `kon${reason}`) ?? descend(leave, `zac_kon${reason}`, `kon${reason}`)
      return [{
        typ: 'ZM', typZamestnanca: type,
        datumOd: this.dateAttribute('DatumOd', start, 'datZac'), datumDo: this.dateAttribute('DatumDo', end, 'datKon'),
        datumZmeny: this.dateAttribute('DatumZmeny', form, 'datUplatnenia'), dovodZmeny: this.b.leaf('DovodZmeny', reason, leave),
        ...(!start && end ? { officialValues: { [officialValue.endWithoutStart]: valueAt(reason, end, 'datKon') } } : {}),
      }]
    })
    if (leaves.length > 0) return leaves
    return [{
      typ: 'ZM', typZamestnanca: type, datumZmeny: this.dateAttribute('DatumZmeny', form, 'datUplatnenia'),
      officialValues: { [officialValue.dataChangeOnly]: valueAt('', zec ?? form) },
    }]
  }

  prerusenie(form: XmlElement): Event[] {
    const zec = descend(form, 'typPoistPrerus', 'zecPrerus')
    const start = child(zec, 'vznikPrerus') ?? descend(zec, 'vznik_zanikPrerus', 'vznikPrerus')
    const end = child(zec, 'zanikPrerus') ?? descend(zec, 'vznik_zanikPrerus', 'zanikPrerus')
    const reason = start?.attributes.dovod
    return [{
      typ: 'PE', typZamestnanca: this.employeeType(zec),
      datumOd: this.dateAttribute('DatumOd', start, 'datVzniku'), datumDo: this.dateAttribute('DatumDo', end, 'datZaniku'),
      ...(reason !== undefined ? { dovodPrerusenia: this.b.leaf('DovodPrerusenia', officialInteger(reason), attributeAt(start!, 'dovod')) } : {}),
      ...(!start && end ? { officialValues: { [officialValue.endWithoutStart]: valueAt('PE', end, 'datZaniku') } } : {}),
    }]
  }

  /** ZP: our `DatumOd` is the start being cancelled, `datZruseniaPoist` (datVznikPoist: SKO-RL-2). */
  zruseniePrihlasky(form: XmlElement): Event[] {
    const zec = descend(form, 'typPoistZrus', 'zecZrus')
    return [{ typ: 'ZP', typZamestnanca: this.employeeType(zec), datumOd: this.dateElement('DatumOd', descend(zec, 'poistenie', 'datZruseniaPoist')) }]
  }

  /**
   * The person of `identFO`. An absent `datumNarodenia` is the one the RČ encodes (sk-official.md §5.1), read from
   * the RČ; an RČ that encodes none is given as it is, so that our date type refuses it there.
   */
  person(identFO: XmlElement | undefined): (XmlElement | undefined)[] {
    const b = this.b
    const text = (name: string, el: XmlElement | undefined): XmlElement | undefined => el && b.leaf(name, officialText(el.text), el)
    const icpv = child(identFO, 'icpv')
    const rc = child(identFO, 'rc')
    const born = child(identFO, 'datumNarodenia')
    const foreigner = child(identFO, 'priznakCudzinec')
    return [
      icpv && b.leaf('Icpv', icpv.text, icpv),
      rc && b.leaf('RodneCislo', rc.text, rc),
      text('Priezvisko', child(identFO, 'priezvisko')),
      text('Meno', child(identFO, 'meno')),
      born ? this.dateElement('DatumNarodenia', born) : rc && b.leaf('DatumNarodenia', checkRodneCislo(rc.text).birthDate ?? rc.text, rc),
      foreigner && b.leaf('Cudzinec', officialFlag(foreigner.text), foreigner),
    ]
  }

  /** The events of one entry; an entry its schema refuses may have no kind, and is then its `typRL` alone. */
  events(entry: XmlElement): Event[] {
    const form = entryForm(entry)
    switch (form?.name) {
      case 'prihlaska': return this.prihlaska(form)
      case 'odhlaska': return this.odhlaska(form)
      case 'zmena': return this.zmena(form)
      case 'prerusenie': return this.prerusenie(form)
      case 'zruseniePrihlasky': return this.zruseniePrihlasky(form)
      default: return [{ typ: typRL(entry) ?? '' }]
    }
  }

  /**
   * Our `Osoba` of each event. Its `Typ` is the kind the entry carries, which decides its dates; a `typRL` that
   * says otherwise is SKO-RL-1's to report, once, rather than every date rule's.
   */
  osoby(entry: XmlElement): XmlElement[] {
    const typAt = entry.attributes.typRL !== undefined ? attributeAt(entry, 'typRL') : entry
    return this.events(entry).map(event => {
      const osoba = this.b.node('Osoba', entry, [
        this.b.leaf('Typ', event.typ, typAt),
        event.typZamestnanca?.(),
        ...this.person(child(entry, 'identFO')),
        event.datumOd, event.datumDo, event.datumZmeny, event.dovodZmeny, event.dovodPrerusenia,
      ])
      return event.officialValues ? { ...osoba, officialValues: event.officialValues } : osoba
    })
  }
}

function toInternal(ns: string) {
  return (root: XmlElement, ctx: OfficialContext): XmlElement => {
    const b = new InternalBuilder(ns)
    const reader = new EntryReader(b)
    return finishInternal(b.node('RLFO', root, [
      internalEmployer(b, root, 'variabilnySymbol', ctx),
      ...officialEntries(root).flatMap(entry => reader.osoby(entry)),
    ]))
  }
}

/**
 * Our plain rules that do not apply to what an official entry says (sk-official.md §7.2): a change of data only
 * needs no start or reason of a leave, and an end without its start takes both from the register (SKO-RL-4, -5).
 */
function waives(finding: Finding, internal: XmlElement): boolean {
  if (finding.code !== rlfoFindings['002'].code) return false
  const osoba = internal.children.find(o => o.name === 'Osoba' && finding.path.startsWith(`${o.path}/`))
  const values = osoba?.officialValues ?? {}
  const element = finding.path.slice(finding.path.lastIndexOf('/') + 1)
  if (values[officialValue.dataChangeOnly]) return element === 'DatumOd' || element === 'DovodZmeny'
  if (values[officialValue.endWithoutStart]) return element === 'DatumOd' || element === 'DovodPrerusenia'
  return false
}

/** SKO-RL-1: `typRL` names the registration list the entry carries. */
const typeMatchesEntry: Rule = (root, report) => {
  for (const entry of officialEntries(root)) {
    const form = entryForm(entry)
    const stated = typRL(entry)
    if (form && stated !== undefined && kindOf[form.name] !== stated) report(rlFindings['1'], attributeAt(entry, 'typRL'))
  }
}

/** SKO-RL-2: a ZP's `datVznikPoist`, when given, is the start it cancels, `datZruseniaPoist`. */
const cancellationStart: Rule = (root, report) => {
  for (const entry of officialEntries(root)) {
    const insurance = descend(entryForm(entry), 'typPoistZrus', 'zecZrus', 'poistenie')
    const start = child(insurance, 'datVznikPoist')
    const cancelled = child(insurance, 'datZruseniaPoist')
    if (start && cancelled && officialDate(start.text) !== officialDate(cancelled.text)) report(rlFindings['2'], start)
  }
}

const isoDate = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/

/**
 * SK-RLFO-004 across the pair a prihláška that also ends becomes (sk-official.md §5.3): our rule compares dates
 * within one `Osoba`, and the PA and its OD each carry one of them.
 */
const registrationEndsAfterStart: Rule = (root, report) => {
  for (const entry of officialEntries(root)) {
    const zec = descend(entryForm(entry), 'typPoistPrihl', 'zecPrihl')
    const zanik = child(zec, 'zanik')
    const start = child(zec, 'datVznikPoist')
    if (!start || zanik?.attributes.datZaniku === undefined) continue
    const from = officialDate(start.text)
    const to = officialDate(zanik.attributes.datZaniku)
    if (isoDate.test(from) && isoDate.test(to) && to < from) report(rlfoFindings['004'], attributeAt(zanik, 'datZaniku'))
  }
}

/** The official registration list (sk-official.md §5), read as our RLFO. */
export function officialRegistrationList(ns: string): OfficialReader {
  return Object.freeze({
    format: 'sp',
    namespace: NAMESPACE,
    root: 'spRegListZec',
    xsd: officialSchema('rlzec2026.xsd'),
    repeatable: new Set(['regListZec']),
    employer: (root: XmlElement) => officialEmployer(root, 'variabilnySymbol'),
    toInternal: toInternal(ns),
    findings: Object.fromEntries(Object.values(rlFindings).map(d => [d.code, d])),
    rules: [typeMatchesEntry, cancellationStart, registrationEndsAfterStart],
    waives,
    fieldOf: officialFieldOf,
    // sk-official.md §1.2: counted on the official entries, also where one of them becomes two of ours.
    numberPrefix: (root: XmlElement) => (officialEntries(root).length === 1 ? 'R' : 'C'),
  } satisfies OfficialReader)
}
