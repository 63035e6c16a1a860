import { findingCatalogue, forms } from '../forms/index.js'

/**
 * The finding catalogue as the Markdown table README.md shows, so that the README is generated from the
 * code: `node -e "import('./dist/src/validation/catalogue-markdown.js').then(m => console.log(m.findingCatalogueMarkdown()))"`.
 */
export function findingCatalogueMarkdown(): string {
  const register = new Set(forms.flatMap(f => Object.keys(f.registerFindings ?? {})))
  const rows = [...findingCatalogue].sort((a, b) => (a.code < b.code ? -1 : 1))
    .map(d => `| \`${d.code}\` | ${d.severity} | ${register.has(d.code) ? 'processing' : 'submission'} | ${d.field || '(the element concerned)'} | ${d.en.replace(/\|/g, '\\|')} |`)
  return [
    '| code | severity | checked at | field | message (English; every finding also has the form\'s language) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}
