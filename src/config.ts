import { statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { durationPattern, parseDuration, parseSize, sizePattern } from './lib/index.js'

/** The only reader of process.env: every variable of SPEC.md §2, validated once at start. */
const duration = (fallback: string) =>
  z.string().trim().regex(durationPattern, 'must be a whole number with ms, s, m, h or d (e.g. 30s, 5h)').default(fallback).transform(parseDuration)
const file = z.string().trim().min(1).optional()
const ratePattern = /^([1-9]\d{0,8})\/(s|m|h)$/
/** `50/s`, `600/m`, `1000/h` → how many, per how many milliseconds. */
const parseRate = (text: string): { readonly count: number; readonly perMs: number } => {
  const [, count, unit] = ratePattern.exec(text)!
  return { count: Number(count), perMs: { s: 1000, m: 60_000, h: 3_600_000 }[unit as 's' | 'm' | 'h'] }
}

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL').optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  TLS_CERT: file,
  TLS_KEY: file,
  TRUST_CA: file,
  // Comma-separated trusted-list files; their signature is checked against TRUSTED_LIST_SIGNER at start.
  TRUSTED_LIST: z.string().trim().transform(text => text.split(',').map(f => f.trim()))
    .refine(files => files.every(f => f !== ''), 'must be trusted-list files separated by single commas').optional(),
  TRUSTED_LIST_SIGNER: file,
  // Unset: DATA_DIR/crl (filled in below, once DATA_DIR is known).
  CRL_DIR: z.string().trim().min(1).refine(path => !path.includes('\0'), 'must be a folder path').optional(),
  CRL_REQUIRED: z.enum(['true', 'false'], 'must be true or false').default('false').transform(v => v === 'true'),
  SIGNING_CERT: file,
  SIGNING_KEY: file,
  FORWARD_DELAY: duration('5h'),
  RECHECK_DELAY: duration('48h'),
  TEST_FORWARD_DELAY: duration('30s'),
  TEST_RECHECK_DELAY: duration('60s'),
  // DOCUMENTS.md §3.7: a preliminary registration (PREG) not paired with an RLFO this long after its date expires.
  PRELIMINARY_DEADLINE: duration('7d').refine(ms => ms >= 1000, 'must be at least 1s'),
  PROCESSING_DELAY: duration('0s'),
  MAX_BODY: z.string().trim().regex(sizePattern, 'must be a size such as 32MiB, 512KiB or a number of bytes').default('32MiB').transform(parseSize)
    .refine(n => n >= 1024, 'must be at least 1KiB'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT: z.string().trim().regex(ratePattern, 'must be a count per second, minute or hour (e.g. 50/s, 600/m, 1000/h)').default('50/s').transform(parseRate),
  MAX_INFLIGHT_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(16),
  MAX_INFLIGHT_BYTES: z.string().trim().regex(sizePattern, 'must be a size such as 256MiB, 1GiB or a number of bytes').default('256MiB').transform(parseSize),
  // 0 would mean "no limit" to PostgreSQL; SPEC §8 promises that no request waits on the database past it.
  DB_STATEMENT_TIMEOUT: duration('30s').refine(ms => ms >= 100, 'must be at least 100ms'),
  // Unset: DATA_DIR/audit-anchors (filled in below, once DATA_DIR is known).
  AUDIT_ANCHOR_DIR: z.string().trim().min(1).refine(path => !path.includes('\0'), 'must be a folder path').optional(),
  CERT_EXPIRY_WARN: duration('30d'),
  // One webhook attempt's limit, and how long an event's failed deliveries are retried (SPEC.md §4b).
  WEBHOOK_TIMEOUT: duration('10s').refine(ms => ms >= 100 && ms <= 300_000, 'must be from 100ms to 5m'),
  WEBHOOK_MAX_AGE: duration('72h').refine(ms => ms >= 1000, 'must be at least 1s'),
}).superRefine((env, ctx) => {
  if (env.AUDIT_ANCHOR_DIR && !isFolderOrAbsent(env.AUDIT_ANCHOR_DIR)) {
    ctx.addIssue({ code: 'custom', path: ['AUDIT_ANCHOR_DIR'], message: 'must be a folder (it names something else)' })
  }
  if (env.CRL_DIR && !isFolderOrAbsent(env.CRL_DIR)) {
    ctx.addIssue({ code: 'custom', path: ['CRL_DIR'], message: 'must be a folder (it names something else)' })
  }
  if (env.TRUSTED_LIST && !env.TRUSTED_LIST_SIGNER) {
    ctx.addIssue({ code: 'custom', path: ['TRUSTED_LIST_SIGNER'], message: 'is required with TRUSTED_LIST: a list is used only when its signature verifies' })
  }
  // Else the largest body MAX_BODY allows could never be admitted.
  if (env.MAX_INFLIGHT_BYTES < env.MAX_BODY) ctx.addIssue({ code: 'custom', path: ['MAX_INFLIGHT_BYTES'], message: 'must be at least MAX_BODY' })
  if (env.NODE_ENV !== 'production') return
  // Production never runs on the embedded database or on the development PKI.
  for (const name of ['DATABASE_URL', 'TLS_CERT', 'TLS_KEY', 'TRUST_CA', 'SIGNING_CERT', 'SIGNING_KEY'] as const) {
    if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when NODE_ENV=production' })
  }
}).transform(env => ({
  ...env,
  AUDIT_ANCHOR_DIR: env.AUDIT_ANCHOR_DIR ?? join(env.DATA_DIR, 'audit-anchors'),
  CRL_DIR: env.CRL_DIR ?? join(env.DATA_DIR, 'crl'),
}))

function isFolderOrAbsent(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

export type Config = Readonly<z.output<typeof Env>>

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  ${p}`).join('\n')}`)
  }
}

/** Empty strings count as unset, as shells and container files often leave them. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = Env.safeParse(present)
  if (!result.success) throw new ConfigError(result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`))
  return Object.freeze(result.data)
}
