import { readEnvelope } from './envelope.js'

/** Reads a SOAP envelope on a worker thread of the SOAP endpoint's pool: its size or shape never holds up other requests. */
export function handle(task: { bytes: Uint8Array }): unknown {
  return readEnvelope(task.bytes)
}
