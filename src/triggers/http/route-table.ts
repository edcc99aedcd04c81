/**
 * The start-up banner `spindle up` prints, in Spin's format: `Serving <base URL>` first (tools find the
 * port by parsing that line), then `Available Routes:` with one line per routable component and its
 * description indented below. Pure.
 */
export interface PrintedRoute {
  readonly component: string;
  /** The route as Spin displays it: `/hello`, or `/static (wildcard)` for `/static/...`. */
  readonly display: string;
  readonly description?: string | undefined;
}

export function formatStartup(baseUrl: string, routes: readonly PrintedRoute[]): string {
  const lines = [`Serving ${baseUrl}`, "Available Routes:"];
  for (const route of routes) {
    lines.push(`  ${route.component}: ${baseUrl}${route.display}`);
    if (route.description !== undefined && route.description !== "") lines.push(`    ${route.description}`);
  }
  return `${lines.join("\n")}\n`;
}
