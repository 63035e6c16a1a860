import { child, descend, type XmlElement } from '../../../xml/index.js'
import { defineFindings, type FindingDef } from '../../../validation/index.js'
import type { OfficialContext, OfficialReader, Rule } from '../../form-module.js'
import {
  attributeAt, finishInternal, InternalBuilder, officialAmount, officialDate, officialInteger, officialPeriod, officialText,
} from '../../official.js'
import { internalEmployer, officialEmployer, officialFieldOf, officialSchema } from '../common/official.js'

/**
 * Sociálna poisťovňa's own MVP and VPP (sk-official.md §3–§4): the same tree for both, read into our report
 * (DOCUMENTS.md §3.2–3.3). Rows are empty elements whose attributes carry the values.
 */

const funds = [['np', 'Np'], ['sp', 'Sp'], ['ip', 'Ip'], ['pvn', 'Pvn'], ['up', 'Up'], ['gp', 'Gp'], ['rfs', 'Rfs']] as const
/** Funds with an employee share in our vocabulary (DOCUMENTS.md §3.1). */
const withEmployee: ReadonlySet<string> = new Set(['np', 'sp', 'ip', 'pvn'])
/** Amounts SP's schemas carry but marks unused: the employee's share of UP, GP and RFS. */
const unused = ['up', 'gp', 'rfs'] as const

type ReportType = 'MVP' | 'VPP'

const officialNames = {
  MVP: { namespace: 'http://socpoist.sk/xsd/mvpp2026', root: 'mvpp', xsd: 'mvpp2026.xsd', period: 'obdobie', flag: 'mvp' },
  VPP: { namespace: 'http://socpoist.sk/xsd/vpp2026', root: 'vpp', xsd: 'vpp2026.xsd', period: 'obdobieVyplPrijmov', flag: 'vpp' },
} as const

const reportFindings = defineFindings('SKO-REP', 'sk', {
  '1': {
    field: 'nepoužívaná suma', severity: 'warning',
    en: 'Sociálna poisťovňa marks this amount as unused (the employee\'s share of injury and guarantee insurance and of the solidarity reserve fund, and their bases): it should be absent or 0.',
    sk: 'Sociálna poisťovňa túto sumu označuje ako nepoužívanú (podiel zamestnanca na úrazovom a garančnom poistení a rezervnom fonde solidarity a ich vymeriavacie základy): má chýbať alebo byť 0.',
  },
  '2': {
    field: 'poistne', severity: 'error',
    en: 'The summary does not add up: ospZamnec and pfpZamtel must equal the sums of the rows, and spoluPoistne every amount of the summary.',
    sk: 'Súhrn nesedí: ospZamnec a pfpZamtel sa musia rovnať súčtom riadkov a spoluPoistne súčtu všetkých súm súhrnu.',
  },
  '3': {
    field: 'vymeriavací základ zamestnanca', severity: 'warning',
    en: 'The employee\'s assessment base differs from the employer\'s for this fund, although the row claims no exception (vynimkaVZ 0).',
    sk: 'Vymeriavací základ zamestnanca sa v tomto fonde líši od vymeriavacieho základu zamestnávateľa, hoci riadok neuvádza výnimku (vynimkaVZ 0).',
  },
  '4': {
    field: 'typZec', severity: 'error',
    en: 'This employee type is not valid for this report on the first day of its period.',
    sk: 'Tento typ zamestnanca nie je pre tento výkaz platný k prvému dňu obdobia.',
  },
})

const vppFindings = defineFindings('SKO-VPP', 'sk', {
  '1': {
    field: 'cisloVykazu', severity: 'warning',
    en: 'The report number of a regular VPP is the month, 99 and the year of its period (MM99RRRR).',
    sk: 'Číslo riadneho výkazu VPP je mesiac, 99 a rok jeho obdobia (MM99RRRR).',
  },
  '2': {
    field: 'rozsahSP', severity: 'error',
    en: 'In a VPP, rozsahSP marks income from an invalidly ended employment and may only be 2222222.',
    sk: 'Vo VPP rozsahSP označuje príjem z neplatne skončeného pracovného pomeru a môže byť len 2222222.',
  },
})

/** Exact amounts in cents; undefined for what is no decimal of at most two fraction digits. */
function cents(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined
  const m = /^(-?)([0-9]+)\.([0-9]{2})$/.exec(officialAmount(text))
  if (!m) return undefined
  const value = BigInt(m[2]! + m[3]!)
  return m[1] === '-' ? -value : value
}

const rowsOf = (root: XmlElement): XmlElement[] =>
  descend(root, 'priloha', 'poistneZamestnancov')?.children.filter(c => c.name === 'poistneZamestnanca') ?? []

/** A code-list entry's flags on the first day of the report's period. */
function typeFlags(ctx: { readonly codeLists: OfficialContext['codeLists'] }, code: string | undefined, period: string): readonly string[] | undefined {
  if (code === undefined || !/^[0-9]{4}-[0-9]{2}$/.test(period)) return undefined
  return ctx.codeLists.entry('sk/typ-zamestnanca', code, `${period}-01`)?.flags
}

function toInternal(type: ReportType, ns: string) {
  const names = officialNames[type]
  return (root: XmlElement, ctx: OfficialContext): XmlElement => {
    const b = new InternalBuilder(ns)
    // The register check reads a 20,000-row report's persons only: what it does not keep is not built.
    const wanted = (name: string): boolean => ctx.keep === undefined || ctx.keep.has(name)
    const at = (name: string): XmlElement | undefined => child(root, name)
    const leafOf = (name: string, from: XmlElement | undefined, convert: (text: string) => string = t => t): XmlElement | undefined =>
      from && b.leaf(name, convert(from.text), from)
    const period = at(names.period)
    const internalPeriod = period ? officialPeriod(period.text) : ''
    const iban = descend(root, 'zamestnavatel', 'ucet', 'iban')
    const premiums = wanted('Suhrn') ? at('poistne') : undefined
    const summary = premiums && b.node('Suhrn', premiums, [
      ...funds.map(([o, f]) => {
        const fund = child(premiums, o)
        return fund && b.node(f, fund, [
          leafOf('PoistneZamestnavatel', child(fund, `${o}Zamtel`), officialAmount),
          withEmployee.has(o) ? leafOf('PoistneZamestnanec', child(fund, `${o}Zamnec`), officialAmount) : undefined,
        ])
      }),
      leafOf('PoistneSpolu', child(premiums, 'spoluPoistne'), officialAmount),
    ])
    const rowList = descend(root, 'priloha', 'poistneZamestnancov')
    const rows = rowsOf(root).map(row => {
      const a = row.attributes
      const attr = (name: string, attribute: string, convert: (text: string) => string = t => t.trim()): XmlElement | undefined =>
        a[attribute] === undefined || !wanted(name) ? undefined : b.leaf(name, convert(a[attribute]!), attributeAt(row, attribute))
      if (!wanted('Priezvisko')) return b.node('Riadok', row, [attr('RodneCislo', 'rc'), attr('Icpv', 'icpv')])
      const flags = typeFlags(ctx, a.typZec?.trim(), internalPeriod)
      const scope = type === 'MVP' ? a.rozsahSP?.trim() : undefined
      return b.node('Riadok', row, [
        attr('PoradoveCislo', 'pc', officialInteger),
        attr('RodneCislo', 'rc'),
        attr('Icpv', 'icpv'),
        // The official row names no one; no rule or view reads our row's names (sk-official.md §3.2).
        b.leaf('Priezvisko', unnamed, row),
        b.leaf('Meno', unnamed, row),
        type === 'MVP' && flags?.includes('agreement') ? b.leaf('Dohoda', 'true', attributeAt(row, 'typZec')) : undefined,
        type === 'VPP' && a.typZec !== undefined ? b.leaf('PoistnaRola', flags?.includes('irregular') ? 'NP' : 'PP', attributeAt(row, 'typZec')) : undefined,
        a.vynimkaVZ?.trim() === '1' ? b.leaf('VynimkaVz', '1', attributeAt(row, 'vynimkaVZ')) : undefined,
        ...funds.map(([o, f], i) => b.node(f, row, [
          attr('Vz', `vz${capital(o)}`, officialAmount),
          attr('PoistneZamestnavatel', `${o}Zamtel`, officialAmount),
          withEmployee.has(o) ? attr('PoistneZamestnanec', `${o}Zamnec`, officialAmount) : undefined,
          scope?.[i] === '2' ? b.leaf('Oprava', 'true', attributeAt(row, 'rozsahSP')) : undefined,
        ])),
      ])
    })
    return finishInternal(b.node(type, root, [
      wanted('Zamestnavatel') ? internalEmployer(b, root, 'variabilnySymbol', ctx) : undefined,
      period && b.leaf('Obdobie', internalPeriod, period),
      leafOf('DruhVykazu', at('typVykazu')),
      type === 'MVP' ? leafOf('DenVyplaty', at('denVyplaty'), officialDate) : undefined,
      iban && b.node('BankoveSpojenie', child(child(root, 'zamestnavatel'), 'ucet')!, [b.leaf('Iban', officialText(iban.text), iban)]),
      summary,
      b.node('Priloha', at('priloha') ?? root, rowList ? rows : []),
    ]))
  }
}

/** What our row carries for the names the official row lacks: a placeholder our schema accepts, read by nothing. */
const unnamed = '-'

const capital = (s: string): string => s[0]!.toUpperCase() + s.slice(1)

/** SKO-REP-1: the amounts SP marks unused, in the summary and the rows, are absent or 0. */
const unusedAmounts: Rule = (root, report) => {
  const F = reportFindings
  for (const fund of unused) {
    const amount = descend(root, 'poistne', fund, `${fund}Zamnec`)
    if (amount && cents(amount.text) !== 0n) report(F['1'], amount)
  }
  for (const row of rowsOf(root)) {
    for (const name of [...unused.map(f => `${f}Zamnec`), ...unused.map(f => `vzZec${capital(f)}`)]) {
      const value = row.attributes[name]
      if (value !== undefined && cents(value) !== 0n) report(F['1'], attributeAt(row, name))
    }
  }
}

/** SKO-REP-2: osp and pfp add up over the rows, and spoluPoistne is every amount of the summary. */
const summaryTotals: Rule = (root, report) => {
  const premiums = child(root, 'poistne')
  if (!premiums) return
  const rows = rowsOf(root)
  for (const [block, amount] of [['osp', 'ospZamnec'], ['pfp', 'pfpZamtel']] as const) {
    const stated = descend(premiums, block, amount)
    const inRows = rows.filter(r => r.attributes[amount] !== undefined)
    const sum = inRows.reduce((s, r) => s + (cents(r.attributes[amount]) ?? 0n), 0n)
    if (!stated) {
      if (inRows.length > 0) report(reportFindings['2'], premiums)
    } else if (cents(stated.text) !== sum) {
      report(reportFindings['2'], stated)
    }
  }
  const total = child(premiums, 'spoluPoistne')
  if (!total) return
  let sum = 0n
  for (const block of premiums.children) {
    if (block === total) continue
    for (const amount of block.children) sum += cents(amount.text) ?? 0n
  }
  if (cents(total.text) !== sum) report(reportFindings['2'], total)
}

/** SKO-REP-3: without an exception, the employee's base of NP, SP, IP and PvN is the employer's. */
const employeeBases: Rule = (root, report) => {
  for (const row of rowsOf(root)) {
    if (row.attributes.vynimkaVZ?.trim() !== '0') continue
    for (const fund of ['Np', 'Sp', 'Ip', 'Pvn']) {
      const employee = row.attributes[`vzZec${fund}`]
      const employer = row.attributes[`vz${fund}`]
      if (employee !== undefined && employer !== undefined && cents(employee) !== cents(employer)) report(reportFindings['3'], attributeAt(row, `vzZec${fund}`))
    }
  }
}

/** SKO-REP-4: a row's typZec is valid for the report on the first day of its period. */
function employeeTypes(type: ReportType): Rule {
  const names = officialNames[type]
  return (root, report, ctx) => {
    const period = child(root, names.period)
    if (!period) return
    const internal = officialPeriod(period.text)
    for (const row of rowsOf(root)) {
      const code = row.attributes.typZec?.trim()
      if (code === undefined) continue
      const entry = typeFlags(ctx, code, internal)
      if (!entry?.includes(names.flag)) report(reportFindings['4'], attributeAt(row, 'typZec'))
    }
  }
}

/** SKO-VPP-1: a regular VPP's number is MM 99 RRRR of its period. */
const vppNumber: Rule = (root, report) => {
  const number = child(root, 'cisloVykazu')
  const period = child(root, 'obdobieVyplPrijmov')
  if (!number || !period || child(root, 'typVykazu')?.text !== 'R') return
  if (number.text !== `${period.text.slice(0, 2)}99${period.text.slice(2)}`) report(vppFindings['1'], number)
}

/** SKO-VPP-2: in a VPP, rozsahSP marks an invalidly ended employment: 2222222 or nothing. */
const vppScope: Rule = (root, report) => {
  for (const row of rowsOf(root)) {
    const scope = row.attributes.rozsahSP
    if (scope !== undefined && scope.trim() !== '2222222') report(vppFindings['2'], attributeAt(row, 'rozsahSP'))
  }
}

/** The official format of MVP or VPP (sk-official.md §3, §4). */
export function officialReport(type: ReportType, ns: string): OfficialReader {
  const names = officialNames[type]
  const findings: Record<string, FindingDef> = Object.fromEntries(
    [...Object.values(reportFindings), ...(type === 'VPP' ? Object.values(vppFindings) : [])].map(d => [d.code, d]))
  return Object.freeze({
    format: 'sp',
    namespace: names.namespace,
    root: names.root,
    xsd: officialSchema(names.xsd),
    repeatable: new Set(['poistneZamestnanca']),
    employer: (root: XmlElement) => officialEmployer(root, 'variabilnySymbol'),
    toInternal: toInternal(type, ns),
    findings,
    rules: [unusedAmounts, summaryTotals, employeeBases, employeeTypes(type), ...(type === 'VPP' ? [vppNumber, vppScope] : [])],
    // SKO-REP-2 is the sum rule of the official format.
    replaces: new Set([`SK-${type}-012`]),
    fieldOf: officialFieldOf,
  } satisfies OfficialReader)
}
