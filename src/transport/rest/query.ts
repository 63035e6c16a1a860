import { GatewayError } from '../../problems.js'

/** A query parameter given at most once; empty counts as absent. */
export function optionalText(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name]
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string') throw new GatewayError('INVALID_REQUEST', `${name} may be given once`)
  return value
}
