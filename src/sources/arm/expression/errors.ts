/**
 * An expression ARM itself would reject at deployment (syntax error, unknown function, wrong
 * argument count or type, index out of range, division by zero). The message says what ARM would
 * say and what to write instead; `offset` is where in the template string it went wrong, when known.
 */
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the template string, when known. */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}
