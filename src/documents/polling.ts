import { createHash } from 'node:crypto'
import type { DocumentState } from './states.js'
import type { DocumentView } from './index.js'

/**
 * Whether nothing more will happen to a document (SPEC.md §4a): the back office's last word (processed, refused,
 * faulty), a storno's (cancelled, returned), or not_accepted (stored with critical errors; no check follows).
 * A report `not_accepted_registration_errors` is not final: a repeated register check may still accept it.
 */
export function isFinal(state: DocumentState): boolean {
  return ['processed', 'refused', 'faulty', 'returned'].includes(state.processing) || state.acceptance === 'cancelled' || state.acceptance === 'not_accepted'
}

/**
 * The view's entity tag: from the document's id, how many states it has (they are only ever appended, so the count
 * names the latest one) and its next timed transition. A view is a function of exactly these, so the tag is strong.
 */
export function documentEtag(view: DocumentView): string {
  const basis = `${view.id}|${view.history.length}|${view.scheduled?.transition ?? ''}|${view.scheduled?.at ?? ''}`
  return `"${createHash('sha256').update(basis).digest('base64url').slice(0, 27)}"`
}

/** When none is scheduled, a change comes from the back office or the client: a few seconds is a fair interval. */
const unscheduledRetrySeconds = 5

/** Seconds until a non-final document's next timed transition (at least 1), or a few; undefined for a final one. */
export function retryAfterSeconds(view: DocumentView, now: Date): number | undefined {
  if (isFinal(view.status)) return undefined
  if (!view.scheduled) return unscheduledRetrySeconds
  return Math.max(1, Math.ceil((Date.parse(view.scheduled.at) - now.getTime()) / 1000))
}

/**
 * `If-None-Match` (RFC 9110 §13.1.2) against the tag: `*`, or a list of tags compared weakly (a `W/` prefix is
 * ignored). An unreadable header matches nothing, so the full view is sent.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '')
  return header.split(',').some(tag => opaque(tag) === opaque(etag))
}
