import { findingCatalogue, forms } from './index.js'

/**
 * The finding catalogue as the Markdown table README.md shows, so that the README is generated from the
 * code: `node -e "import('./dist/src/forms/catalogue-markdown.js').then(m => console.log(m.findingCatalogueMarkdown()))"`.
 */
export function findingCatalogueMarkdown(): string {
  // A report's register findings come from its register check (KNR), the others' from processing.
  // A preliminary registration's expiry comes from its deadline.
  const checkedAt = new Map([
    ...forms.flatMap(f => Object.keys(f.registerFindings ?? {})
      .map(code => [code, f.type === 'MVP' || f.type === 'VPP' ? 'register check' : 'processing'] as const)),
    ...forms.flatMap(f => (f.pairing?.expired ? [[f.pairing.expired.code, 'expiry'] as const] : [])),
  ])
  const rows = [...findingCatalogue].sort((a, b) => (a.code < b.code ? -1 : 1))
    .map(d => `| \`${d.code}\` | ${d.severity} | ${checkedAt.get(d.code) ?? 'submission'} | ${d.field || '(the element concerned)'} | ${d.en.replace(/\|/g, '\\|')} |`)
  return [
    '| code | severity | checked at | field | message (English; every finding also has the form\'s language) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}
