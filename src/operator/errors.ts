/** Refusals the CLI explains in its own terms (which option would have avoided them). */
export type OperatorErrorCode = 'CLIENT_WITHOUT_SOFTWARE' | 'CERTIFICATE_NOT_QUALIFIED'

/**
 * Thrown for operator input that cannot be carried out; the CLI prints the message and exits 2. Messages speak
 * of values, not of CLI options: the same operations run from the admin socket and from code.
 */
export class OperatorError extends Error {
  constructor(message: string, readonly code?: OperatorErrorCode) {
    super(message)
  }
}
