/** Where Spindle caches downloads and transpiled components: `$XDG_CACHE_HOME/spindle` or `~/.cache/spindle`. */
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheDir(): string {
  return join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "spindle");
}
