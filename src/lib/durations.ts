const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export const durationPattern = /^(\d+)(ms|s|m|h|d)$/

/** Parses `30s`, `5h`, `250ms` into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = durationPattern.exec(text.trim())
  if (!match) throw new Error(`not a duration: ${text}`)
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs]
}

const sizeUnits = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 } as const
export const sizePattern = /^(\d+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/

/** Parses `32MiB`, `512KiB`, `1048576` into bytes. */
export function parseSize(text: string): number {
  const match = sizePattern.exec(text.trim())
  if (!match) throw new Error(`not a size: ${text}`)
  return Number(match[1]) * sizeUnits[(match[2] ?? 'B') as keyof typeof sizeUnits]
}
