import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/lib/index.js'

export const fixturesDir = join(projectRoot, 'test', 'fixtures')

export function fixture(relativePath: string): Buffer {
  return readFileSync(join(fixturesDir, relativePath))
}
