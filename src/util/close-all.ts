/**
 * Shutting down several resources that each may fail to close: every one is closed, in the order given,
 * whatever happened to the ones before, so one failure never leaves the rest open. The runtime, the
 * triggers and the capabilities all close what they own through it.
 */

/** Closes one resource; may throw or reject. */
export type Closer = () => Promise<void> | void;

/**
 * Runs every closer in order, each once the previous one has settled, then throws what failed: the error
 * itself when one closer failed (so its type, e.g. `SpindleError`, reaches the caller unchanged), an
 * `AggregateError` of all of them, in order, when several did.
 *
 * @example
 * await closeInOrder(() => triggers.close(), () => capabilities.close());
 */
export async function closeInOrder(...closers: readonly Closer[]): Promise<void> {
  const errors: unknown[] = [];
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, closingFailed(errors));
}

function closingFailed(errors: readonly unknown[]): string {
  const messages = errors.map((error) => (error instanceof Error ? error.message : String(error)));
  return `${errors.length} resources failed to close: ${messages.join("; ")}`;
}

/**
 * Closes what a failed start had opened, then throws the start's own `error`: a closer that fails too is
 * handed to `report` instead, so it never hides why the start failed.
 */
export async function closeAfterFailure(
  error: unknown,
  report: (closeError: unknown) => void,
  ...closers: readonly Closer[]
): Promise<never> {
  await closeInOrder(...closers).catch(report);
  throw error;
}
