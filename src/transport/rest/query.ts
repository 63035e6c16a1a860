import { GatewayError } from '../../problems.js'

/** A query parameter given at most once; empty counts as absent. */
export function optionalText(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name]
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string') throw new GatewayError('INVALID_REQUEST', `${name} may be given once`)
  return checkedText(name, value)
}

/**
 * A filter value that SQL can compare: no control characters (PostgreSQL refuses a NUL in text, which would
 * answer 500) and no longer than any value the gateway stores or issues.
 */
export function checkedText(name: string, value: string): string {
  if (value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) throw new GatewayError('INVALID_REQUEST', `${name} is not a value this filter can hold`)
  return value
}
