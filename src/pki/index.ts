export { createCa, issueCertificate } from './certificates.js'
export type { CertificateKind, IssueOptions, Pem, ValidityOptions } from './certificates.js'
export { generateRsaKey, type RsaKeyPem } from './keys.js'
export { certificateInfo } from './certificate-info.js'
export { checkClientCertificate } from './client-check.js'
export type { ClientCertificateDefect, ClientCertificateProblem } from './client-check.js'
export type { CertificateInfo } from './certificate-info.js'
export { devPkiFilesPresent, ensureDevPki } from './dev-pki.js'
export type { DevPki } from './dev-pki.js'
export { fingerprint, fingerprintOfDer, normalizeFingerprint } from './fingerprint.js'
export { readPemCertificates } from './pem-files.js'
/** ETSI TS 119 612 trusted lists, read only when their XML signature verifies with a pinned signer; throws TrustedListError. */
export { readTrustedList, loadTrustedLists, TrustedListError, QUALIFIED_CA_SERVICE, GRANTED_STATUS } from './trusted-list.js'
export type { QualifiedCa, TrustedList } from './trusted-list.js'
/** TRUST_CA joined by the qualified CAs of the verified trusted lists. */
export { loadTrust, type Trust } from './trust.js'
/** Qualified or not (SPEC.md §3): a qualified CA of a trusted list, or the QcCompliance statement; throws QcStatementsError. */
export { qualification, issuingQualifiedCa, QcStatementsError, type Qualification } from './qualified.js'
/** CRLs of the trusted CAs in CRL_DIR, reloaded when the folder changes. */
export { createCrlStore, CrlError } from './crl.js'
export type { CrlStore, CrlStoreOptions, LoadedCrl, Revocation, RevocationState } from './crl.js'
/** TLS versions and cipher suites of the listener (SPEC.md §3). */
export { tlsProfile } from './tls-profile.js'
