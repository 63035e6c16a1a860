/** The HTTPS server (REST and SOAP over mutual TLS) and the operator's admin socket; started by main.ts only. */

/** Builds the Fastify server over the services, without listening. */
export { buildServer } from './server.js'
export type { TlsMaterial } from './server.js'
/** Serves operator commands on a local Unix socket. */
export { listenAdmin } from './admin.js'
