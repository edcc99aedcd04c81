/**
 * The `spindle` command line: parses the sub-command and hands over to its module. The only place that
 * turns errors into exit codes and messages.
 */
export function main(_argv: readonly string[]): Promise<number> {
  return Promise.resolve(0);
}
