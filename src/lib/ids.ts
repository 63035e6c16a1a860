import { randomUUID } from 'node:crypto'

/**
 * A UUIDv7 (RFC 9562): time-ordered, so ids sort roughly by creation and index well. Its random bits come from a
 * random v4 UUID, whose variant bits are already right: `randomUUID` draws on a cached pool of entropy, where a call
 * to `randomBytes` per id costs a tenth of a second for the 20,000 ids of a large registration list.
 */
export function newId(at = Date.now()): string {
  const random = randomUUID()
  const time = at.toString(16).padStart(12, '0')
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
