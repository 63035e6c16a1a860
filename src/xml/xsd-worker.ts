import { parentPort, workerData } from 'node:worker_threads'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * One xmllint (libxml2 compiled to WebAssembly) kept warm: the module is compiled once per worker and a
 * fresh instance runs each batch, because xmllint's main() may run only once per instance.
 * Instantiating a compiled module costs a few milliseconds, against ~50 ms for a worker start and compile.
 */
interface Batch { id: number; schema: string; files: { fileName: string; contents: string }[]; docs: { name: string; bytes: Uint8Array }[] }
interface EmscriptenOptions {
  inputFiles: { fileName: string; contents: Uint8Array | string }[]
  arguments: string[]
  print(text: string): void
  printErr(text: string): void
  onExit(code: number): void
  onAbort(reason: unknown): void
  instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): WebAssembly.Exports
  wasmMemory: WebAssembly.Memory
}

const require = createRequire(import.meta.url)
const packageDir = dirname(require.resolve('xmllint-wasm/package.json'))
const runXmllint = require(join(packageDir, 'xmllint-node.js')) as (options: EmscriptenOptions) => Promise<unknown>
const compiled = new WebAssembly.Module(readFileSync(join(packageDir, 'xmllint.wasm')))
const { schemaFiles, maxMemoryPages, maxIssues } = workerData as { schemaFiles: { fileName: string; contents: string }[]; maxMemoryPages: number; maxIssues: number }
const issueOf = /^(d\d+\.xml):\d+: /

parentPort!.on('message', (batch: Batch) => {
  let stderr = ''
  // Only the first issues of each document are kept: its stderr may otherwise run to tens of megabytes.
  const issues = new Map<string, number>()
  let answered = false
  const answer = (exitCode: number, text: string): void => {
    if (answered) return
    answered = true
    parentPort!.postMessage({ id: batch.id, exitCode, stderr: text })
  }
  try {
    void runXmllint({
      inputFiles: [...schemaFiles, ...batch.files, ...batch.docs.map(d => ({ fileName: d.name, contents: d.bytes }))],
      arguments: ['--noout', '--nonet', '--schema', batch.schema, ...batch.docs.map(d => d.name)],
      print: () => {},
      printErr: text => {
        const doc = issueOf.exec(text)?.[1]
        if (doc) {
          const n = (issues.get(doc) ?? 0) + 1
          issues.set(doc, n)
          if (n > maxIssues) return
        }
        stderr += text + '\n'
      },
      onExit: code => answer(code, stderr),
      onAbort: reason => answer(-1, `xmllint aborted: ${String(reason)}`),
      instantiateWasm(imports, done) {
        const instance = new WebAssembly.Instance(compiled, imports)
        done(instance, compiled)
        return instance.exports
      },
      wasmMemory: new WebAssembly.Memory({ initial: 256, maximum: maxMemoryPages }),
    }).catch((error: unknown) => answer(-1, String(error)))
  } catch (error) {
    answer(-1, String(error))
  }
})
