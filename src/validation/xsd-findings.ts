import { defineFindings, makeFinding, type Finding, type FindingDef } from './finding.js'
import type { XmlElement } from '../xml/element.js'
import type { XsdIssue } from '../xml/xsd.js'
import type { FormModule } from '../forms/form-module.js'

/**
 * Schema violations become findings like any other. xmllint's own text is English only and may quote the
 * value found (personal data), so it is never passed on: each class of violation has a fixed text.
 */
const si = defineFindings('SI-XSD', 'sl', {
  '000': { field: '', severity: 'error', en: 'The document does not match the schema.', sl: 'Dokument ni skladen s shemo.' },
  '001': { field: '', severity: 'error', en: 'This element is not allowed here: check the element name, its namespace and the order of elements.', sl: 'Element na tem mestu ni dovoljen: preverite ime elementa, imenski prostor in vrstni red elementov.' },
  '002': { field: '', severity: 'error', en: 'A required element is missing.', sl: 'Manjka obvezen element.' },
  '003': { field: '', severity: 'error', en: 'The value does not have the required format, length or range.', sl: 'Vrednost nima predpisane oblike, dolžine ali razpona.' },
  '004': { field: '', severity: 'error', en: 'Attribute not allowed, missing, or with a wrong value: only verzija="1" is allowed, on the root element.', sl: 'Atribut ni dovoljen, manjka ali ima napačno vrednost: dovoljen je le verzija="1" na korenskem elementu.' },
  '005': { field: '', severity: 'error', en: 'This element may not contain text, only elements.', sl: 'Ta element ne sme vsebovati besedila, le elemente.' },
  '006': { field: '', severity: 'error', en: 'The value is not one of the allowed codes.', sl: 'Vrednost ni med dovoljenimi kodami.' },
})
const sk = defineFindings('SK-XSD', 'sk', {
  '000': { field: '', severity: 'error', en: si['000'].en, sk: 'Dokument nezodpovedá schéme.' },
  '001': { field: '', severity: 'error', en: si['001'].en, sk: 'Element tu nie je povolený: skontrolujte názov elementu, menný priestor a poradie elementov.' },
  '002': { field: '', severity: 'error', en: si['002'].en, sk: 'Chýba povinný element.' },
  '003': { field: '', severity: 'error', en: si['003'].en, sk: 'Hodnota nemá predpísaný formát, dĺžku alebo rozsah.' },
  '004': { field: '', severity: 'error', en: si['004'].en, sk: 'Atribút nie je povolený, chýba alebo má nesprávnu hodnotu: povolený je len verzija="1" na koreňovom elemente.' },
  '005': { field: '', severity: 'error', en: si['005'].en, sk: 'Tento element nesmie obsahovať text, len elementy.' },
  '006': { field: '', severity: 'error', en: si['006'].en, sk: 'Hodnota nie je medzi povolenými kódmi.' },
})

export const xsdFindings = { SI: si, SK: sk } as const

type XsdKind = keyof typeof si

const elementName = /Element '(?:\{[^}]*\})?([^']+)'/
const expectedNames = /Expected is(?: one of)? \( ([^)]*) \)/

function classify(message: string): XsdKind {
  if (/attribute '|The attribute '/.test(message)) return '004'
  if (/This element is not expected/.test(message)) return '001'
  if (/Missing child element/.test(message)) return '002'
  if (/\[facet 'enumeration'\]/.test(message)) return '006'
  if (/\[facet '|is not a valid value|is not valid|is not accepted by the pattern/.test(message)) return '003'
  if (/Character content|Element content is not allowed|is not allowed/.test(message)) return '005'
  return '000'
}

/** Turns xmllint's issues for one document into findings that point at the element and its form field. */
export function xsdIssuesToFindings(form: FormModule, root: XmlElement, issues: readonly XsdIssue[]): Finding[] {
  const byLine = indexByLine(root)
  const seen = new Set<string>()
  const findings: Finding[] = []
  for (const issue of issues) {
    let kind = classify(issue.message)
    const name = elementName.exec(issue.message)?.[1]
    const element = byLine.get(issue.line)?.find(e => e.name === name) ?? byLine.get(issue.line)?.[0]
    let path = element?.path ?? `/${root.name}`
    const expected = (expectedNames.exec(issue.message)?.[1] ?? '').split(',').map(n => n.trim().replace(/^\{[^}]*\}/, '')).filter(Boolean)
    if (kind === '002' && expected[0]) {
      // Point at the first missing child, so that the field names what to add.
      path = `${path}/${expected[0]}`
    } else if (kind === '001' && element && expected.length > 0) {
      // libxml2 lists what may come next: optional elements, then the next required one. "Ime is not expected,
      // expected is one of (Drzavljanstvo, Priimek)" where the parent has no Priimek means Priimek is missing.
      const required = expected[expected.length - 1]!
      const parentPath = path.slice(0, path.lastIndexOf('/'))
      const parent = findByPath(root, parentPath)
      // Only an element the form knows (it has a field of its own) can be "early"; an unknown one is just wrong.
      const isKnownElement = form.fieldOf(path) !== form.fieldOf(parentPath)
      if (parent && isKnownElement && !parent.children.some(c => c.name === required)) {
        kind = '002'
        path = `${parentPath}/${required}`
      }
    }
    const def: FindingDef = xsdFindings[form.country][kind]
    const key = `${def.code}|${path}`
    if (seen.has(key)) continue
    seen.add(key)
    findings.push(makeFinding(def, { path, line: issue.line }, form.fieldOf(path)))
  }
  return findings
}

function indexByLine(root: XmlElement): Map<number, XmlElement[]> {
  const map = new Map<number, XmlElement[]>()
  const stack = [root]
  while (stack.length > 0) {
    const el = stack.pop()!
    const list = map.get(el.line)
    if (list) list.push(el)
    else map.set(el.line, [el])
    stack.push(...el.children)
  }
  return map
}

function findByPath(root: XmlElement, path: string): XmlElement | undefined {
  const stack = [root]
  while (stack.length > 0) {
    const el = stack.pop()!
    if (el.path === path) return el
    if (path.startsWith(el.path + '/')) stack.push(...el.children)
  }
  return undefined
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
const rootAttributes = new Set(['verzija', `{${XSI}}schemaLocation`, `{${XSI}}noNamespaceSchemaLocation`])

/**
 * DOCUMENTS.md §1.2: the root carries `verzija` and may carry xsi:schemaLocation (ignored, never fetched);
 * no other attribute appears anywhere. XML Schema itself admits every xsi: attribute on every element
 * (xsi:type could even swap an element's type), so that part is checked here.
 */
export function attributeFindings(form: FormModule, root: XmlElement): Finding[] {
  const findings: Finding[] = []
  const stack = [root]
  while (stack.length > 0) {
    const el = stack.pop()!
    const allowed = el === root ? rootAttributes : new Set<string>()
    if (Object.keys(el.attributes).some(name => !allowed.has(name))) {
      findings.push(makeFinding(xsdFindings[form.country]['004'], { path: el.path, line: el.line }, form.fieldOf(el.path)))
    }
    stack.push(...el.children)
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
}
