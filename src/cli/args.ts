import { parseArgs } from 'node:util'

/** Thrown for a command line that cannot be carried out as written; the CLI prints it and exits 2. */
export class UsageError extends Error {
  /** The command it concerns (`clients add`), printed before the message. */
  command?: string
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  /** Placeholder of a string option's value in help texts (`FILE`, `YYYY-MM-DD`). */
  readonly value?: string
  readonly required?: boolean
  readonly help: string
}

export interface PositionalSpec {
  readonly name: string
  /** One or more (`FILE...`). */
  readonly variadic?: boolean
}

/** The options every command takes besides its own. */
export const commonOptions: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'print the result as JSON' },
  help: { type: 'boolean', help: 'print this help' },
}

export interface ParsedCommand {
  /** String options as given (absent when not given); boolean options true when given. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>
  readonly positionals: readonly string[]
}

/**
 * Parses one command's arguments with node:util parseArgs in strict mode, then adds the checks it leaves out:
 * an option given twice (parseArgs keeps the last one silently), an empty value (`--name=`), a required option
 * missing, too few or too many positionals. Every refusal is a UsageError naming the option or argument.
 */
export function parseCommand(command: string, argv: readonly string[], own: Readonly<Record<string, OptionSpec>>, positionals: readonly PositionalSpec[]): ParsedCommand {
  const declared = { ...own, ...commonOptions }
  const options = Object.fromEntries(Object.entries(declared).map(([name, o]) => [name, name === 'help' ? { type: o.type, short: 'h' } : { type: o.type }]))
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true })
  } catch (error) {
    throw new UsageError(describeParseError(command, error, declared))
  }
  const seen = new Set<string>()
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`)
    seen.add(token.name)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  for (const [name, spec] of Object.entries(declared)) {
    const value = values[name]
    if (spec.type === 'string' && typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`--${name} needs a value (--${name} ${spec.value ?? 'VALUE'})`)
    }
    if (spec.required && value === undefined) throw new UsageError(`--${name} ${spec.value ?? 'VALUE'} is required`)
  }
  const given = parsed.positionals
  const variadic = positionals.at(-1)?.variadic === true
  if (given.length < positionals.length) {
    throw new UsageError(`missing ${positionals.slice(given.length).map(p => p.name).join(' ')}`)
  }
  if (given.length > positionals.length && !variadic) {
    const extra = given[positionals.length]!
    throw new UsageError(`unexpected argument "${extra}"${positionals.length === 0 ? ' (this command takes no arguments)' : ''}`)
  }
  return { options: values, positionals: given }
}

/** parseArgs' messages, rewritten to name the command and, for a misspelt option, the one that was meant. */
function describeParseError(command: string, error: unknown, declared: Readonly<Record<string, OptionSpec>>): string {
  const e = error as { code?: string; message?: string }
  const option = /'(-{1,2}[^'\s<]+)/.exec(e.message ?? '')?.[1] ?? '?'
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const meant = closest(option.replace(/^-+/, '').split('=')[0]!, Object.keys(declared))
      return `unknown option ${option}${meant ? ` (did you mean --${meant}?)` : ''}; see ehrs ${command} --help`
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = option.replace(/^-+/, '')
      const spec = declared[name]
      if (spec?.type === 'boolean') return `${option} takes no value`
      return `${option} needs a value (${option} ${spec?.value ?? 'VALUE'}; a value that begins with "-" is written ${option}=VALUE)`
    }
    default:
      return `${e.message ?? String(error)}`
  }
}

/** The declared option nearest to a misspelt one: within two edits, or the only one it is a prefix of. */
function closest(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const name of names) {
    const distance = editDistance(typed, name)
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance }
  }
  if (best) return best.name
  const extending = names.filter(name => typed.length >= 2 && name.startsWith(typed))
  return extending.length === 1 ? extending[0] : undefined
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]!
}
