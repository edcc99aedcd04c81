/**
 * Conversion of the deprecated component field `allowed_http_hosts` (`"example.com"`, `"host:8080"`,
 * `"self"`, `"insecure:allow-all"`) into `allowed_outbound_hosts` entries, with Spin's rules and messages.
 * Used by the manifest validator, which appends the result to the component's outbound hosts. Pure.
 */
import { SpindleError } from "../errors.ts";

const ALLOW_ALL = "insecure:allow-all";

/**
 * The `allowed_outbound_hosts` entries equivalent to an `allowed_http_hosts` list.
 *
 * @example convertAllowedHttpHosts(["example.com:8080"]) // ["http://example.com:8080", "https://example.com:8080"]
 * @throws SpindleError listing every invalid entry, one per line, in Spin's wording.
 */
export function convertAllowedHttpHosts(hosts: readonly string[]): string[] {
  if (hosts.includes(ALLOW_ALL)) return ["http://*:*", "https://*:*", "http://self"];
  const converted: string[] = [];
  const problems: string[] = [];
  for (const text of hosts) {
    const result = parseHttpHost(text);
    if (typeof result === "string") problems.push(result);
    else converted.push(...toOutboundHosts(result));
  }
  if (problems.length > 0) {
    throw new SpindleError(`One or more allowed_http_hosts entries was invalid:\n${problems.join("\n")}`, {
      hint: "list hosts as 'example.com' or 'example.com:8080', or better, move them to `allowed_outbound_hosts` as 'https://example.com'",
    });
  }
  return converted;
}

interface HttpHost {
  readonly host: string;
  readonly port: string;
}

function toOutboundHosts({ host, port }: HttpHost): string[] {
  if (host === "self") return ["http://self"];
  const suffix = port === "" ? "" : `:${port}`;
  return [`http://${host}${suffix}`, `https://${host}${suffix}`];
}

/** The host and port of one entry, or the problem with it. */
function parseHttpHost(text: string): HttpHost | string {
  const schemed = text.includes("//");
  const url = URL.parse(schemed ? text : `http://${text}`);
  if (url === null) {
    return schemed
      ? `${text} isn't a valid HTTP host URL: invalid URL`
      : `${text} isn't a valid host or host:port string`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `${text} isn't a valid host or host:port string`;
  }
  if (url.hostname === "") return `${text} doesn't contain a host name`;
  if (url.pathname.length > 1) return `${text} contains a path, should be host and optional port only`;
  return { host: url.hostname, port: url.port };
}
