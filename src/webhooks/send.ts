import { Webhook } from 'standardwebhooks'

/** What one delivery attempt came to: a 2xx answer, or why not (kept in the delivery row, and logged). */
export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status: number | null; readonly error: string }

export interface Message {
  /** The event id: `webhook-id`, the same on every attempt, so that a receiver can drop a repeat. */
  readonly id: string
  /** The event's JSON, byte for byte as signed. */
  readonly body: string
}

/**
 * POSTs one event to a receiver, signed as the Standard Webhooks specification says: `webhook-signature` is
 * `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the subscription's secret. The attempt ends after
 * `timeoutMs` (connect, send and answer together) or when `stop` aborts it. Redirects are not followed: a 3xx
 * is a failure like any other non-2xx answer, so that a receiver cannot send the events on to where the
 * subscription does not point. No client certificate is presented; the answer's body is not read.
 */
export async function postMessage(url: string, secret: string, message: Message, at: Date, timeoutMs: number, stop: AbortSignal): Promise<AttemptResult> {
  const signature = new Webhook(secret).sign(message.id, at, message.body)
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop])
  try {
    const answer = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ehrs-gateway-webhooks/1',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: message.body,
    })
    await answer.body?.cancel().catch(() => undefined)
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status }
    return { ok: false, status: answer.status, error: answer.status >= 300 && answer.status < 400 ? `redirect ${answer.status} not followed` : `status ${answer.status}` }
  } catch (error) {
    if (stop.aborted) return { ok: false, status: null, error: 'stopped' }
    if (signal.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms` }
    return { ok: false, status: null, error: failureOf(error) }
  }
}

/** A network failure by its code (ECONNREFUSED, ENOTFOUND, a TLS error …): never its message, which may hold the URL. */
function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  return code && /^[A-Z0-9_]{1,64}$/.test(code) ? `connection failed: ${code}` : 'connection failed'
}
