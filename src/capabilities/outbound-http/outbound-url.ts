/**
 * Reads the URL of an outbound request the way Spin does before any policy applies: a path alone (or the
 * host `self` / `self.alt`) is a request back to this app; anything else is parsed as a URL, retried with
 * `https://` in front when it has no scheme or no host (`example.com/a`). Pure; shared by the allow-list
 * matcher and the policy that routes the request.
 */
import { wellKnownPort } from "../../util/well-known-ports.ts";

/** Where a request goes, before the allow-list is consulted. */
export type OutboundTarget =
  /** To this app: `path` is the path and query (`/a?b`); `scheme` is absent for a bare path. */
  | { readonly kind: "self"; readonly scheme: string | undefined; readonly path: string }
  | {
      readonly kind: "absolute";
      readonly url: URL;
      /** Lower case, without the colon. */
      readonly scheme: string;
      /** As `URL.hostname` gives it: lower-case ASCII, IPv6 in brackets. */
      readonly host: string;
      /** The explicit port, else the scheme's well-known one; absent when neither exists. */
      readonly port: number | undefined;
    };

/** The default scheme of an outbound URL written without one, as in Spin. */
export const DEFAULT_SCHEME = "https";

/** Schemes whose default port the URL parser drops from `URL.port` besides http and https. */
const URL_DEFAULT_PORTS: Readonly<Record<string, number>> = { ws: 80, wss: 443, ftp: 21 };

/** Reads `url`, or returns `undefined` when it is no URL at all. */
export function parseOutboundUrl(url: string): OutboundTarget | undefined {
  if (url.startsWith("/")) return { kind: "self", scheme: undefined, path: url };
  const parsed =
    parseWithHost(url) ?? (url.includes("://") ? undefined : parseWithHost(`${DEFAULT_SCHEME}://${url}`));
  if (parsed === undefined) return undefined;
  const scheme = parsed.protocol.slice(0, -1);
  if (parsed.hostname === "self" || parsed.hostname === "self.alt") {
    return { kind: "self", scheme, path: `${parsed.pathname}${parsed.search}` };
  }
  const port =
    parsed.port === "" ? (wellKnownPort(scheme) ?? URL_DEFAULT_PORTS[scheme]) : Number(parsed.port);
  return { kind: "absolute", url: parsed, scheme, host: parsed.hostname, port };
}

function parseWithHost(text: string): URL | undefined {
  const url = URL.parse(text);
  return url !== null && url.hostname !== "" ? url : undefined;
}
