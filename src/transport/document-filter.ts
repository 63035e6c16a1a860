import { GatewayError } from '../problems.js'
import type { DocumentFilter } from '../documents/index.js'
import { parseInstant } from '../lib/index.js'
import { checkedText } from './rest/query.js'

/**
 * The list filter from its text values, as a REST query or a SOAP ListDocuments carries them; empty is absent.
 * Throws INVALID_REQUEST for a `since` or `limit` that is not one, or a text no filter can hold; the documents
 * service checks the rest.
 */
export function documentFilter(value: (name: keyof DocumentFilter) => string | undefined): DocumentFilter {
  const text = (name: keyof DocumentFilter): string | undefined => {
    const v = value(name)
    return v === undefined ? undefined : checkedText(name, v)
  }
  const since = text('since')
  const limit = text('limit')
  const sinceDate = since !== undefined ? parseInstant(since) : undefined
  if (since !== undefined && !sinceDate) {
    throw new GatewayError('INVALID_REQUEST', 'since must be an ISO 8601 date (2025-03-01) or date-time with its zone (2025-03-01T08:00:00Z) of the years 1900 to 9999')
  }
  if (limit !== undefined && !/^\d{1,9}$/.test(limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
  return {
    type: text('type'), employer: text('employer'), period: text('period'),
    acceptance: text('acceptance'), processing: text('processing'), cursor: text('cursor'), externalId: text('externalId'),
    pairing: text('pairing'),
    ...(sinceDate ? { since: sinceDate } : {}), ...(limit !== undefined ? { limit: Number(limit) } : {}),
  }
}
