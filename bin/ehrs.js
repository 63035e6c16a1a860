#!/usr/bin/env node
// The operator CLI; `npm start`, `npm test` and `npm run build` compile it into dist/.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/src/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('ehrs: not built yet; run `npm run build` first\n')
  process.exit(2)
}
await import(entry.href)
