/**
 * A mistake the user can fix (bad input, unreadable template, wrong flag). Its message is shown
 * as one clean line; anything else is a bug and goes to the debug log with its stack.
 */
export class ConfigurationError extends Error {
  constructor(
    message: string,
    /** File the mistake is in, when there is one. */
    readonly file?: string,
    /** 1-based line in that file. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** One line for the user: `file:line: message` when the error knows where it is. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) {
    const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
    return `${where}${error.message}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
