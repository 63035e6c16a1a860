import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadConfig, ConfigError } from '../config.js'
import { OperatorError } from '../operator/index.js'
import { ensureDevPki } from '../pki/index.js'
import { devPkiDir } from '../dev-setup.js'
import { parseArgs, UsageError, type ParsedArgs } from './args.js'
import { usage } from './usage.js'
import { runRemoteOrLocal } from './connection.js'
import { validateFiles, formatVerdicts } from './validate.js'
import { formatResult } from './output.js'

/** `ehrs`: the operator's command line (SPEC.md §3). Exit 0 done, 1 a negative verdict, 2 usage or input errors. */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv)
  const [group, command, ...rest] = args.positionals
  const json = args.flags.json === true
  if (!group || args.flags.help) {
    process.stdout.write(usage)
    return group ? 0 : 2
  }
  const key = command && !['migrate', 'validate'].includes(group) ? `${group} ${command}` : group

  if (key === 'validate') {
    const files = args.positionals.slice(1)
    if (files.length === 0) throw new UsageError('ehrs validate needs at least one FILE')
    const { verdicts, exitCode } = await validateFiles(files)
    process.stdout.write(json ? JSON.stringify(verdicts, null, 2) + '\n' : formatVerdicts(verdicts))
    return exitCode
  }
  if (key === 'certs dev') {
    const pki = ensureDevPki(devPkiDir, { force: true })
    process.stdout.write(json ? JSON.stringify(pki, null, 2) + '\n'
      : `Development PKI written to ${pki.dir}: ca.pem, server.pem, signing.pem, client-demo.pem (keys beside them).\n` +
        'Restart the gateway to use it; register client-demo.pem with `ehrs clients add` if the database already exists.\n')
    return 0
  }

  const { operation, params } = operationFor(key, rest, args)
  const config = loadConfig()
  const result = await runRemoteOrLocal(config, operation, params)
  process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : formatResult(operation, result))
  if (operation === 'audit.verify' && !(result as { ok: boolean }).ok) return 1
  return 0
}

function operationFor(key: string, rest: string[], args: ParsedArgs): { operation: string; params: Record<string, unknown> } {
  const f = args.flags
  const str = (name: string) => (typeof f[name] === 'string' ? (f[name] as string) : undefined)
  const readCert = () => {
    const file = str('cert')
    if (!file) throw new UsageError('--cert FILE is required')
    try {
      return readFileSync(file, 'utf8')
    } catch {
      throw new UsageError(`cannot read --cert ${file}`)
    }
  }
  switch (key) {
    case 'clients add':
      return { operation: 'clients.add', params: { name: str('name'), taxNumber: str('tax-number'), env: str('env'), software: str('software'), certPem: readCert() } }
    case 'clients cert-add': return { operation: 'clients.cert-add', params: { id: rest[0], certPem: readCert() } }
    case 'clients cert-revoke': return { operation: 'clients.cert-revoke', params: { fingerprint: rest[0] } }
    case 'clients list': return { operation: 'clients.list', params: {} }
    case 'clients show': return { operation: 'clients.show', params: { id: rest[0] } }
    case 'mandates add':
      return { operation: 'mandates.add', params: { employer: str('employer'), client: str('client'), types: str('types'), from: str('from'), to: str('to') } }
    case 'mandates revoke': return { operation: 'mandates.revoke', params: { id: rest[0] } }
    case 'mandates list': return { operation: 'mandates.list', params: {} }
    case 'software certify': return { operation: 'software.certify', params: { id: rest[0] } }
    case 'migrate': return { operation: 'migrate', params: {} }
    case 'audit verify': return { operation: 'audit.verify', params: { anchors: str('anchors') && resolve(str('anchors')!) } }
    case 'audit checkpoint': return { operation: 'audit.checkpoint', params: {} }
    default: throw new UsageError(`unknown command: ehrs ${key}\n\n${usage}`)
  }
}

main(process.argv.slice(2)).then(code => { process.exitCode = code }, error => {
  if (error instanceof UsageError || error instanceof OperatorError || error instanceof ConfigError) {
    process.stderr.write(`ehrs: ${error.message}\n`)
    process.exitCode = 2
  } else {
    process.stderr.write(`ehrs: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 2
  }
})
