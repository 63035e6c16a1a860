import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** One schema violation reported by libxml2 for one document. */
export interface XsdIssue {
  readonly line: number
  /** libxml2's message, e.g. `Element '{urn:…}Emso': [facet 'pattern'] …`; `parser error : …` when the document is not well-formed. */
  readonly message: string
}

export interface SchemaCheckerOptions {
  /**
   * Folder with every schema file; all are loaded so that includes resolve. A schema given by absolute path
   * elsewhere is loaded on first use with the .xsd files beside it; it may include those, and schemaDir's
   * files by their relative path (`../../xsd/common.xsd`), as it would on disk.
   */
  readonly schemaDir: string
  /** Issues kept per document (default 1,000); libxml2 may report one per bad element, 100,000 for one document. */
  readonly maxIssues?: number
}

export interface SchemaChecker {
  /**
   * Validates one document against `schema` (a file name in schemaDir, or an absolute path): its first `maxIssues`
   * issues, [] when valid. Throws when the schema does not compile or its folder cannot be read.
   */
  check(schema: string, bytes: Uint8Array): XsdIssue[]
}

export interface SchemaFile { readonly path: string; readonly contents: Uint8Array }

/**
 * The XSD check, in the calling thread: libxml2 (compiled to WebAssembly) is loaded on first use, so a thread that
 * never checks a document never loads it. Each schema is compiled once per checker. Documents are checked on the
 * document workers (intake/document-worker.ts), next to the parsing and the rules, never on the request thread.
 */
export async function createSchemaChecker(options: SchemaCheckerOptions): Promise<SchemaChecker> {
  const { libxml2Checker } = await import('./xsd-libxml2.js')
  // The schema files keep their real paths, so a relative include resolves as it would on disk.
  const schemaDir = resolve(options.schemaDir)
  const checker = libxml2Checker(options.maxIssues ?? 1_000)
  // Each folder's files are read once, when a schema of it is first named.
  const folders = new Set<string>()
  const readFolder = (folder: string): void => {
    if (folders.has(folder)) return
    checker.learn(xsdFilesIn(folder))
    folders.add(folder)
  }
  readFolder(schemaDir)
  return {
    check(schema, bytes) {
      const path = resolve(schemaDir, schema)
      readFolder(dirname(path))
      return checker.check(path, bytes)
    },
  }
}

/** The .xsd files of a folder, by absolute path. */
function xsdFilesIn(folder: string): SchemaFile[] {
  return readdirSync(folder).filter(name => name.endsWith('.xsd'))
    .map(name => ({ path: join(folder, name), contents: readFileSync(join(folder, name)) }))
}
