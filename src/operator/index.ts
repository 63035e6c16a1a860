/**
 * The operator's side of the gateway: clients, certificates, mandates and software certification, and the named
 * operations the CLI runs directly or through the running server's admin socket. Every change is audited.
 */

/** Thrown for operator input that cannot be carried out, with a message about the value; the CLI prints it and exits 2. */
export { OperatorError, type OperatorErrorCode } from './errors.js'
/** The operations by name (`clients.add`, `mandates.list`, …) with JSON arguments; runOperation throws OperatorError for an unknown name. */
export { operations, runOperation, type OperatorContext } from './operations.js'
/** DATA_DIR/admin.sock, or a private folder under the temp dir when that path is too long for a Unix socket. */
export { adminSocketPath } from './admin-socket.js'
/** Registers a client with its first certificate; throws OperatorError for bad input or a certificate already registered. */
export { addClient, type NewClient, type QualificationFinding } from './clients.js'
/** Adds a certificate to a client (rotation) / revokes one from the next request on; both throw OperatorError. */
export { addCertificate, revokeCertificate } from './clients.js'
/** Every client with its certificates / one client with certificates, mandates and whether its software is certified. */
export { listClients, showClient } from './clients.js'
/** Grants a client a mandate to file for an employer; throws OperatorError for bad input or an unknown client. */
export { addMandate, type NewMandate } from './mandates.js'
/** Revokes a mandate from the next request on / lists mandates, of one client if asked; revoking throws OperatorError. */
export { revokeMandate, listMandates } from './mandates.js'
/** Reads VENDOR/PRODUCT/VERSION; throws OperatorError for anything else. */
export { parseSoftware } from './software.js'
/** Records that a client's software version passed certification / lists the certified versions. */
export { certifySoftware, listCertifiedSoftware } from './software.js'
