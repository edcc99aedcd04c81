/**
 * The base of every error a user can cause (bad manifest, missing file, port in use, …). The CLI prints
 * `message` and, on the next line, `hint` — what to do about it — and exits non-zero. Anything that is not a
 * `SpindleError` reaching the CLI is a bug in Spindle and is printed with its stack.
 */
export class SpindleError extends Error {
  /** One sentence telling the user how to fix the problem, when there is something to suggest. */
  readonly hint: string | undefined;
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super(message, options);
    this.name = "SpindleError";
    this.hint = options?.hint;
  }
}
