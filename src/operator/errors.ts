/** Thrown for operator input that cannot be carried out; the CLI prints the message and exits 2. */
export class OperatorError extends Error {}
