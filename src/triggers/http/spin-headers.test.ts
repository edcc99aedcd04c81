import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Router, type RouteMatch } from "./router.ts";
import { spinHeaders, spinRequestInfo, withoutSpinHeaders, type SpinRequestFacts } from "./spin-headers.ts";

function matchOf(route: string, path: string): RouteMatch {
  const match = new Router([{ triggerId: "t", component: "c", route }]).match(path);
  assert.ok(match, `${route} should match ${path}`);
  return match;
}

const loopback = { address: "127.0.0.1", port: 54321 };

function factsFor(
  route: string,
  pathWithQuery: string,
  extra: Partial<SpinRequestFacts> = {},
): SpinRequestFacts {
  const path = pathWithQuery.split("?")[0] ?? "";
  return {
    match: matchOf(route, path),
    scheme: "http",
    host: "example.com",
    pathWithQuery,
    client: loopback,
    ...extra,
  };
}

const headersFor = (facts: SpinRequestFacts) => spinHeaders(spinRequestInfo(facts));

describe("spin headers", () => {
  it("gives the request-shape conformance values, in Spin's order", () => {
    const facts = factsFor("/base/:path_segment/:path_end/...", "/base/path/end/rest?key=value");
    assert.deepEqual(headersFor(facts), [
      ["spin-path-info", "/rest"],
      ["spin-full-url", "http://example.com/base/path/end/rest?key=value"],
      ["spin-matched-route", "/base/:path_segment/:path_end/..."],
      ["spin-base-path", "/"],
      ["spin-raw-component-route", "/base/:path_segment/:path_end/..."],
      ["spin-component-route", "/base/:path_segment/:path_end"],
      ["spin-client-addr", "127.0.0.1:54321"],
      ["spin-path-match-path-segment", "path"],
      ["spin-path-match-path-end", "end"],
    ]);
  });

  it("fills SpinRequestInfo with the same values", () => {
    const info = spinRequestInfo(
      factsFor("/base/:path_segment/:path_end/...", "/base/path/end/rest?key=value"),
    );
    assert.deepEqual(info, {
      fullUrl: "http://example.com/base/path/end/rest?key=value",
      pathInfo: "/rest",
      matchedRoute: "/base/:path_segment/:path_end/...",
      rawComponentRoute: "/base/:path_segment/:path_end/...",
      componentRoute: "/base/:path_segment/:path_end",
      basePath: "/",
      clientAddr: "127.0.0.1:54321",
      params: [
        ["path_segment", "path"],
        ["path_end", "end"],
      ],
    });
  });

  it("uses localhost when there is no Host header, and the request's scheme", () => {
    const info = spinRequestInfo(factsFor("/...", "/a?b=c", { host: undefined, scheme: "https" }));
    assert.equal(info.fullUrl, "https://localhost/a?b=c");
  });

  it("keeps the raw manifest route and the normalised one apart", () => {
    const info = spinRequestInfo(factsFor("api/...", "/api/x/"));
    assert.equal(info.rawComponentRoute, "api/...");
    assert.equal(info.componentRoute, "api");
    assert.equal(info.matchedRoute, "/api/...");
    assert.equal(info.pathInfo, "/x/");
  });

  it("gives the root route an empty matched route", () => {
    const info = spinRequestInfo(factsFor("/", "/"));
    assert.equal(info.matchedRoute, "");
    assert.equal(info.componentRoute, "/");
  });

  const addresses: [string, number, string][] = [
    ["10.0.0.7", 80, "10.0.0.7:80"],
    ["::1", 8080, "[::1]:8080"],
    ["::ffff:127.0.0.1", 1, "[::ffff:127.0.0.1]:1"],
    ["0.0.0.0", 0, "0.0.0.0:0"],
  ];
  for (const [address, port, expected] of addresses) {
    it(`formats the client ${address} port ${port} as ${expected}`, () => {
      assert.equal(
        spinRequestInfo(factsFor("/...", "/", { client: { address, port } })).clientAddr,
        expected,
      );
    });
  }

  it("names param headers lower-case with dashes", () => {
    const headers = headersFor(factsFor("/:User_ID/:x", "/42/y"));
    assert.deepEqual(headers.slice(7), [
      ["spin-path-match-user-id", "42"],
      ["spin-path-match-x", "y"],
    ]);
  });

  it("keeps one value per param name, the last captured", () => {
    const facts = factsFor("/:a/:b/:a", "/1/2/3");
    assert.deepEqual(spinRequestInfo(facts).params, [
      ["a", "3"],
      ["b", "2"],
    ]);
    assert.deepEqual(headersFor(facts).slice(7), [
      ["spin-path-match-a", "3"],
      ["spin-path-match-b", "2"],
    ]);
  });

  it("sends one header when two param names map to the same header name", () => {
    const headers = headersFor(factsFor("/:a_b/:a-b", "/1/2"));
    assert.deepEqual(headers.slice(7), [["spin-path-match-a-b", "2"]]);
  });

  it("sends no header for a param whose name cannot be a header name", () => {
    const facts = factsFor("/:naïve/:ok", "/1/2");
    assert.deepEqual(headersFor(facts).slice(7), [["spin-path-match-ok", "2"]]);
    assert.deepEqual(spinRequestInfo(facts).params[0], ["naïve", "1"]);
  });

  it("lower-cases ASCII letters only, as Spin does", () => {
    const headers = headersFor(factsFor("/:\u212A/:Ok", "/1/2"));
    assert.deepEqual(headers.slice(7), [["spin-path-match-ok", "2"]]);
  });
});

describe("withoutSpinHeaders", () => {
  it("drops client headers named spin-* or spin_* in any case, keeping the rest in order", () => {
    const client: [string, string][] = [
      ["host", "example.com"],
      ["spin-full-url", "http://evil/"],
      ["Spin-Client-Addr", "1.2.3.4:5"],
      ["SPIN_PATH_INFO", "/x"],
      ["spinach", "yes"],
      ["x-spin-trace", "1"],
      ["accept", "*/*"],
    ];
    assert.deepEqual(withoutSpinHeaders(client), [
      ["host", "example.com"],
      ["spinach", "yes"],
      ["x-spin-trace", "1"],
      ["accept", "*/*"],
    ]);
  });

  it("leaves the guest exactly one of each spin header, whatever the client sent", () => {
    const name = fc.oneof(
      fc.constantFrom("spin-full-url", "SPIN-PATH-INFO", "spin_base_path", "spin-path-match-id", "spin-x"),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    );
    const facts = factsFor("/items/:id/...", "/items/7/rest");
    const injected = headersFor(facts);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.string())), (client) => {
        const guest = [...withoutSpinHeaders(client), ...injected];
        const spin = guest.filter(([n]) => /^spin[-_]/i.test(n)).map(([n]) => n.toLowerCase());
        assert.deepEqual(
          spin,
          injected.map(([n]) => n),
        );
        assert.equal(new Set(spin).size, spin.length);
      }),
    );
  });
});
