/** argv → positionals and --flags (`--name value`, `--name=value`, bare `--json`). */
export interface ParsedArgs {
  readonly positionals: string[]
  readonly flags: Record<string, string | true>
}

const booleanFlags = new Set(['json', 'help', 'force'])

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = []
  const flags: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    if (eq !== -1) flags[name] = arg.slice(eq + 1)
    else if (booleanFlags.has(name)) flags[name] = true
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags[name] = argv[++i]!
    else throw new UsageError(`--${name} needs a value`)
  }
  return { positionals, flags }
}

export class UsageError extends Error {}
