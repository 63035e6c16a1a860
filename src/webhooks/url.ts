import { isIP } from 'node:net'
import { GatewayError } from '../problems.js'

/** The longest receiver URL a subscription may have: enough for any real endpoint, far below what a log line or header holds. */
export const maxUrlLength = 2048

/**
 * Checks a receiver URL (SPEC.md §4b) and returns it as the WHATWG parser writes it. `https` only; plain `http`
 * only to the loopback interface (127.0.0.0/8, ::1, localhost), for a receiver in development: events name
 * employers and documents, and must not cross a network in clear text. No user name or password (they would be
 * kept and shown as part of the URL: a receiver authenticates the gateway by the signature), and no fragment,
 * which a request never carries. Throws INVALID_REQUEST naming what is wrong, never repeating the value.
 */
export function checkWebhookUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new GatewayError('INVALID_REQUEST', 'url must be an https:// URL')
  if (value.length > maxUrlLength) throw new GatewayError('INVALID_REQUEST', `url must be at most ${maxUrlLength} characters`)
  // The parser would quietly drop or encode these; a URL given with them is not the one that would be called.
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw new GatewayError('INVALID_REQUEST', 'url must not contain spaces or control characters')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new GatewayError('INVALID_REQUEST', 'url is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GatewayError('INVALID_REQUEST', 'url must be an https:// URL')
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new GatewayError('INVALID_REQUEST', 'url must be https://; plain http:// is allowed only to loopback (127.0.0.1, ::1, localhost), for development')
  }
  if (url.username !== '' || url.password !== '') throw new GatewayError('INVALID_REQUEST', 'url must not carry a user name or password')
  if (url.hash !== '' || value.includes('#')) throw new GatewayError('INVALID_REQUEST', 'url must not have a fragment (#…)')
  if (url.hostname === '') throw new GatewayError('INVALID_REQUEST', 'url must name a host')
  const written = url.toString()
  if (written.length > maxUrlLength) throw new GatewayError('INVALID_REQUEST', `url must be at most ${maxUrlLength} characters`)
  return written
}

/** `localhost`, an IPv4 address in 127.0.0.0/8, or `[::1]` as URL.hostname writes it. */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true
  if (hostname === '[::1]') return true
  return isIP(hostname) === 4 && hostname.split('.')[0] === '127'
}

/** The URL as logs and the operator's listing may show it: scheme, host and path; a query (it may hold a token) is elided. */
export function shownUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`
}
