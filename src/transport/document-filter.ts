import { GatewayError } from '../problems.js'
import type { DocumentFilter } from '../documents/index.js'

/**
 * The list filter from its text values, as a REST query or a SOAP ListDocuments carries them; empty is absent.
 * Throws INVALID_REQUEST for a `since` or `limit` that is not one; the documents service checks the rest.
 */
export function documentFilter(value: (name: keyof DocumentFilter) => string | undefined): DocumentFilter {
  const since = value('since')
  const limit = value('limit')
  const sinceDate = since !== undefined ? new Date(since) : undefined
  if (sinceDate && Number.isNaN(sinceDate.getTime())) throw new GatewayError('INVALID_REQUEST', 'since must be an ISO 8601 date or date-time')
  if (limit !== undefined && !/^\d+$/.test(limit)) throw new GatewayError('INVALID_REQUEST', 'limit must be a whole number from 1 to 500')
  return {
    type: value('type'), employer: value('employer'), period: value('period'),
    acceptance: value('acceptance'), processing: value('processing'), cursor: value('cursor'),
    ...(sinceDate ? { since: sinceDate } : {}), ...(limit !== undefined ? { limit: Number(limit) } : {}),
  }
}
