/** Parses `-e/--env KEY=VALUE` flags into environment entries added to every component. */
import { SpindleError } from "../errors.ts";

export function parseEnvFlags(flags: readonly string[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new SpindleError(`invalid --env "${flag}": expected KEY=VALUE`, {
        hint: "for example -e RUST_LOG=debug",
      });
    }
    env.set(flag.slice(0, eq), flag.slice(eq + 1));
  }
  return env;
}
