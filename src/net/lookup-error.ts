/**
 * The error Node's `dns.lookup` fails with (`getaddrinfo ENOTFOUND <name>`, with its `code`, `errno`,
 * `syscall` and `hostname`), for the lookups made here, so messages and the error mapping of every client
 * read the same as with Node's own. Pure.
 */

/** `getaddrinfo`'s failure for `hostname`: `ENOTFOUND`, no such name; `EAI_AGAIN`, no server answered. */
export function lookupError(code: "ENOTFOUND" | "EAI_AGAIN", hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), {
    code,
    errno: code === "ENOTFOUND" ? -3008 : -3001,
    syscall: "getaddrinfo",
    hostname,
  });
}
