import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findingCatalogueMarkdown } from './catalogue-markdown.js'
import { projectRoot } from '../lib/paths.js'

t.test('README.md shows the finding catalogue as the code defines it', async t => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8')
  const shown = /<!-- catalogue:start -->\n([\s\S]*?)\n<!-- catalogue:end -->/.exec(readme)?.[1]
  t.equal(shown, findingCatalogueMarkdown(),
    'regenerate: node -e "import(\'./dist/src/forms/catalogue-markdown.js\').then(m => console.log(m.findingCatalogueMarkdown()))"')
})
