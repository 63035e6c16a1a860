/** The hash-chained audit log (SPEC.md §8): append inside the caller's transaction, signed checkpoints outside the database, verification. */
export { appendAudit, lockAuditChain, type AuditEntry, type ChainHead } from './append.js'
export { canonicalJson } from './chain.js'
export { verifyAudit, type AuditVerdict, type AuditFault, type VerifyOptions } from './verify.js'
export { writeCheckpoint, type CheckpointSigner, type WrittenCheckpoint, type CheckpointReason } from './checkpoints.js'
export { createCheckpointer, type Checkpointer, type CheckpointerOptions } from './checkpointer.js'
