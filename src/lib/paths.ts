import { fileURLToPath } from 'node:url'

/** Root of the project tree (where package.json, xsd/ and codelists/ live), also when running from dist/. */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url))
