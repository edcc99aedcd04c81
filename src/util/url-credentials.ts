/**
 * Addresses fit for log lines and error messages: a URL with its user name and password (a Redis
 * password, a registry token) removed. Pure.
 */

/**
 * `url` without user name and password; as written when it has neither.
 *
 * @example withoutCredentials("redis://:secret@cache:6379") // "redis://cache:6379"
 * @throws TypeError when `url` is a string that is no URL.
 */
export function withoutCredentials(url: string | URL): string {
  const copy = new URL(url);
  if (copy.username === "" && copy.password === "") return String(url);
  copy.username = "";
  copy.password = "";
  return copy.href;
}
