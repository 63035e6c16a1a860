/**
 * For the rules tests of a form (src/forms/<country>/<form>/rules.test.ts): its fixtures, its rules run as the
 * validator runs them, and the checks every form makes of its fixtures and finding texts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { localDate } from '../../src/lib/dates.js'
import type { Finding } from '../../src/validation/index.js'
import { parseXml, parseXmlBytes } from '../../src/xml/index.js'
import type { CodeLists } from '../../src/forms/code-lists.js'
import { loadCodeLists } from '../../src/forms/code-lists-file.js'
import { applyRules, type EarlierDocument, type FormModule, type RuleContext } from '../../src/forms/form-module.js'
import { createValidator, type IdentifiedDocument, type Validator } from '../../src/forms/validate.js'
import { fixturesDir } from './paths.js'

let loaded: CodeLists | undefined
/** The code lists of codelists/, read once for all forms. */
function sharedCodeLists(): CodeLists {
  return loaded ??= loadCodeLists()
}

/** The finding codes, sorted. */
export const codes = (findings: readonly Finding[]): string[] => findings.map(f => f.code).sort()

/** `[name, document, code, path, field]`: a document the schema refuses, and the first finding it gives. */
export type SchemaCase = [string, string, string, string, string]

export interface FormRulesOptions {
  /** The filing date a document is judged on unless a test says otherwise. */
  readonly filingDate: string
}

export interface InvalidOptions {
  /** Findings every invalid fixture gives besides the one it is named for. */
  readonly always?: readonly string[]
  /** Findings the fixture named for a code gives besides that one (all caused by the same edit). */
  readonly also?: Readonly<Record<string, readonly string[]>>
  /** The earlier documents a fixture (`invalid/<name>`) assumes. */
  readonly earlier?: (name: string) => readonly EarlierDocument[] | undefined
}

export interface TextsOptions {
  readonly earlier?: (name: string) => readonly EarlierDocument[] | undefined
  /** Removes what a text may carry before it is searched for values. */
  readonly scrub?: (text: string) => string
}

export function formRules(form: FormModule, { filingDate }: FormRulesOptions) {
  const fixtures = join(fixturesDir, form.country.toLowerCase(), form.type.toLowerCase())
  const lists = sharedCodeLists()

  function read(name: string): string {
    return readFileSync(join(fixtures, name), 'utf8')
  }

  /**
   * Admission rules (where the form has them) and plain rules, as the validator runs them on a schema-valid
   * document (without the step cut).
   */
  function run(xml: string, date = filingDate, earlier?: readonly EarlierDocument[]): Finding[] {
    const { root } = parseXml(xml)
    const ctx: RuleContext = { filingDate: date, codeLists: lists, ...(earlier ? { earlier } : {}) }
    return [...(form.admission ? applyRules(form, root, ctx, form.admission) : []), ...applyRules(form, root, ctx)]
  }

  const validFixtures = readdirSync(fixtures).filter(n => n.startsWith('valid-'))
  const invalidFixtures = readdirSync(join(fixtures, 'invalid')).filter(n => n.endsWith('.xml'))

  /** The text of the first `element` (with or without the form's prefix) of a document. */
  function textOf(xml: string, element: string): string {
    return new RegExp(`<(?:${form.type.toLowerCase()}:)?${element}>([^<]+)<`).exec(xml)![1]!
  }

  /** The document gives no error when filed today. */
  function noErrorToday(t: Test, name: string, xml: string): void {
    t.notOk(run(xml, localDate(new Date())).some(f => f.severity === 'error'), `${name} has no error when filed today`)
  }

  /**
   * Each valid fixture, filed on the date in its `element`, gives the findings `expected` lists for it (none
   * when not listed), and no error when filed today.
   */
  function validFixturesFiledOn(t: Test, element: string, expected: Readonly<Record<string, readonly string[]>> = {}): void {
    for (const name of validFixtures) {
      const xml = read(name)
      t.same(codes(run(xml, textOf(xml, element))), expected[name] ?? [], name)
      noErrorToday(t, name, xml)
    }
  }

  /** There are at least `atLeast` valid fixtures, and each gives no finding. */
  function validGiveNoFinding(t: Test, atLeast: number): void {
    t.ok(validFixtures.length >= atLeast)
    for (const name of validFixtures) t.same(codes(run(read(name))), [], name)
  }

  /** Every invalid fixture gives exactly the finding it is named for (and those `always` and `also` name). */
  function invalidGiveTheirFinding(t: Test, { always = [], also = {}, earlier }: InvalidOptions = {}): void {
    for (const name of invalidFixtures) {
      const code = name.replace(/\.xml$/, '')
      t.same(codes(run(read(`invalid/${name}`), filingDate, earlier?.(name))), [code, ...always, ...(also[code] ?? [])].sort(), name)
    }
  }

  /** Every finding of the form has a fixture `invalid/<code>.xml`. */
  function everyFindingHasAFixture(t: Test): void {
    for (const code of Object.keys(form.findings)) t.ok(existsSync(join(fixtures, 'invalid', `${code}.xml`)), code)
  }

  /** No text of the invalid fixtures' findings, in English or in the form's language, matches `values`. */
  function textsNeverRepeat(t: Test, values: RegExp, { earlier, scrub = text => text }: TextsOptions = {}): void {
    for (const name of invalidFixtures) {
      for (const f of run(read(`invalid/${name}`), filingDate, earlier?.(name))) {
        t.notMatch(scrub(`${f.message.en} ${f.message[form.language]}`), values, `${f.code} in ${name}`)
      }
    }
  }

  /** A document of this form, as the validator gets it once identified. */
  function identified(xml: string): IdentifiedDocument {
    const bytes = Buffer.from(xml)
    const doc = parseXmlBytes(bytes)
    return { form, doc, root: doc.root, format: 'ehrs', facts: form.facts(doc.root), bytes }
  }

  /** The real validator (closed when the test ends), and a document of this form through it. */
  function realValidator(t: Test): {
    validator: Validator
    validate: (xml: string, earlier?: readonly EarlierDocument[]) => Promise<Finding[]>
  } {
    const validator = createValidator(lists)
    const validate = (xml: string, earlier?: readonly EarlierDocument[]): Promise<Finding[]> =>
      validator.validate(identified(xml), { filingDate, ...(earlier ? { earlier } : {}) })
    return { validator, validate }
  }

  /** Through the validator, valid fixtures give no finding and invalid ones exactly the finding they are named for. */
  async function validatorOverFixtures(
    t: Test,
    validate: (xml: string, earlier?: readonly EarlierDocument[]) => Promise<Finding[]>,
    earlierOf: (name: string) => readonly EarlierDocument[] | undefined = () => undefined,
  ): Promise<void> {
    for (const name of validFixtures) t.same(await validate(read(name), earlierOf(name)), [], name)
    for (const name of invalidFixtures) {
      t.same(codes(await validate(read(`invalid/${name}`), earlierOf(`invalid/${name}`))), [name.replace(/\.xml$/, '')], name)
    }
  }

  /** Each document of `cases` gives first the schema error named, as an error. */
  async function schemaErrors(t: Test, validate: (xml: string) => Promise<Finding[]>, cases: readonly SchemaCase[]): Promise<void> {
    for (const [name, bad, code, path, field] of cases) t.match((await validate(bad))[0], { code, path, field, severity: 'error' }, name)
  }

  return {
    fixtures, codeLists: lists, read, run, codes, validFixtures, invalidFixtures, textOf, noErrorToday, validFixturesFiledOn,
    validGiveNoFinding, invalidGiveTheirFinding, everyFindingHasAFixture, textsNeverRepeat, identified, realValidator, validatorOverFixtures, schemaErrors,
  }
}
