import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { listRoutes, Router, RouteError, type HttpRouteInput } from "./router.ts";

type Routes = readonly (readonly [component: string, route: string])[];

interface Expected {
  readonly component: string;
  readonly matchedRoute?: string;
  readonly componentRoute?: string;
  readonly params?: readonly (readonly [string, string])[];
  readonly pathInfo?: string;
}

interface RoutingCase {
  readonly name: string;
  readonly routes: Routes;
  readonly path: string;
  /** `undefined` for a 404. `params` and `pathInfo` default to none and `""`. */
  readonly expected: Expected | undefined;
}

const routerOf = (routes: Routes): Router =>
  new Router(routes.map(([component, route]) => ({ triggerId: `${component}-trigger`, component, route })));

const fillers = Array.from({ length: 11 }, (_, index) => [`f${index}`, `/f${index}`] as const);

const routingCases: readonly RoutingCase[] = [
  // Normalisation of manifest routes.
  {
    name: "a route without a leading slash gets one",
    routes: [["c", "foo"]],
    path: "/foo",
    expected: { component: "c", matchedRoute: "/foo", componentRoute: "foo" },
  },
  {
    name: "one trailing slash of a route is dropped",
    routes: [["c", "/foo/"]],
    path: "/foo",
    expected: { component: "c", matchedRoute: "/foo", componentRoute: "/foo/" },
  },
  {
    name: "a trailing /... is a wildcard",
    routes: [["c", "/foo/..."]],
    path: "/foo/bar/baz",
    expected: { component: "c", matchedRoute: "/foo/...", componentRoute: "/foo", pathInfo: "/bar/baz" },
  },
  {
    name: "a route ending in /* is a wildcard too",
    routes: [["c", "/foo/*"]],
    path: "/foo/bar",
    expected: { component: "c", matchedRoute: "/foo/*", componentRoute: "/foo/*", pathInfo: "/bar" },
  },
  {
    name: "/... matches the root",
    routes: [["c", "/..."]],
    path: "/",
    expected: { component: "c", matchedRoute: "/...", componentRoute: "", pathInfo: "/" },
  },
  {
    name: "/... matches any depth, dots and all",
    routes: [["c", "/..."]],
    path: "/a/b.c/d",
    expected: { component: "c", pathInfo: "/a/b.c/d" },
  },
  {
    name: "the root route normalises to the empty string",
    routes: [["root", "/"]],
    path: "/",
    expected: { component: "root", matchedRoute: "", componentRoute: "/" },
  },
  { name: "the root route matches only the root", routes: [["root", "/"]], path: "/x", expected: undefined },
  {
    name: "a :name param takes one segment",
    routes: [["c", "/users/:id"]],
    path: "/users/42",
    expected: { component: "c", params: [["id", "42"]] },
  },
  {
    name: "a param never matches nothing",
    routes: [["c", "/users/:id"]],
    path: "/users/",
    expected: undefined,
  },
  {
    name: "a param takes one segment only",
    routes: [["c", "/users/:id"]],
    path: "/users/4/2",
    expected: undefined,
  },
  {
    name: "params are reported in route order",
    routes: [["c", "/:b/:a/..."]],
    path: "/x/y/z",
    expected: {
      component: "c",
      params: [
        ["b", "x"],
        ["a", "y"],
      ],
      pathInfo: "/z",
    },
  },

  // Precedence and backtracking.
  {
    name: "exact beats param",
    routes: [
      ["p", "/u/:id"],
      ["e", "/u/admin"],
    ],
    path: "/u/admin",
    expected: { component: "e" },
  },
  {
    name: "param still serves other values",
    routes: [
      ["p", "/u/:id"],
      ["e", "/u/admin"],
    ],
    path: "/u/bob",
    expected: { component: "p", params: [["id", "bob"]] },
  },
  {
    name: "param beats wildcard",
    routes: [
      ["w", "/u/..."],
      ["p", "/u/:id"],
    ],
    path: "/u/bob",
    expected: { component: "p", params: [["id", "bob"]] },
  },
  {
    name: "wildcard takes what the param cannot",
    routes: [
      ["w", "/u/..."],
      ["p", "/u/:id"],
    ],
    path: "/u/bob/x",
    expected: { component: "w", pathInfo: "/bob/x" },
  },
  {
    name: "the longest wildcard prefix wins",
    routes: [
      ["one", "/one/..."],
      ["two", "/one/two/..."],
      ["three", "/one/two/three/..."],
    ],
    path: "/one/two/three/four",
    expected: { component: "three", pathInfo: "/four" },
  },
  {
    name: "the longest wildcard prefix wins whatever the manifest order",
    routes: [
      ["three", "/one/two/three/..."],
      ["two", "/one/two/..."],
      ["one", "/one/..."],
    ],
    path: "/one/two/x",
    expected: { component: "two", pathInfo: "/x" },
  },
  {
    name: "exact beats /...",
    routes: [
      ["all", "/..."],
      ["one", "/one"],
    ],
    path: "/one",
    expected: { component: "one" },
  },
  {
    name: "backtracks from a param route that fails later",
    routes: [
      ["param", "/a/:x/c"],
      ["wild", "/a/b/..."],
    ],
    path: "/a/b/d",
    expected: { component: "wild", pathInfo: "/d" },
  },
  {
    name: "a static prefix outranks a param at the same depth",
    routes: [
      ["param", "/a/:x/c"],
      ["wild", "/a/b/..."],
    ],
    path: "/a/b/c",
    expected: { component: "wild", pathInfo: "/c" },
  },
  {
    name: "the param route serves its own shape",
    routes: [
      ["param", "/a/:x/c"],
      ["wild", "/a/b/..."],
    ],
    path: "/a/z/c",
    expected: { component: "param", params: [["x", "z"]] },
  },
  { name: "no route, no match", routes: [["a", "/a"]], path: "/b", expected: undefined },
  { name: "exact segments are whole", routes: [["a", "/foo"]], path: "/foobar", expected: undefined },

  // Slashes in the request path.
  {
    name: "outer slash runs are trimmed",
    routes: [["c", "/foo"]],
    path: "//foo//",
    expected: { component: "c" },
  },
  {
    name: "inner slash runs are not collapsed",
    routes: [["c", "/foo/bar"]],
    path: "/foo//bar",
    expected: undefined,
  },
  {
    name: "a wildcard keeps an inner empty segment",
    routes: [["c", "/foo/..."]],
    path: "/foo//bar",
    expected: { component: "c", pathInfo: "//bar" },
  },
  {
    name: "regression: an empty segment satisfies a param (routefinder 0.5.4)",
    routes: [["c", "/a/:x/b"]],
    path: "/a//b",
    expected: { component: "c", params: [["x", ""]] },
  },

  // Dots.
  {
    name: "a dotted exact route matches itself",
    routes: [["c", "/foo.json"]],
    path: "/foo.json",
    expected: { component: "c" },
  },
  { name: "a dot is not a slash", routes: [["c", "/foo.json"]], path: "/foo/json", expected: undefined },
  {
    name: "regression: /:id matches /a.b whole (routefinder 0.5.4 params run to the next slash)",
    routes: [["c", "/:id"]],
    path: "/a.b",
    expected: { component: "c", params: [["id", "a.b"]] },
  },
  {
    name: "a param before a dot stops at the first dot",
    routes: [["c", "/:name.json"]],
    path: "/report.json",
    expected: { component: "c", params: [["name", "report"]] },
  },
  {
    name: "a param before a dot needs the dot",
    routes: [["c", "/:name.json"]],
    path: "/report",
    expected: undefined,
  },
  {
    name: "a param before a dot takes no dots",
    routes: [["c", "/:name.json"]],
    path: "/a.b.json",
    expected: undefined,
  },
  {
    name: "two params split on the first dot",
    routes: [["c", "/:name.:ext"]],
    path: "/file.tar.gz",
    expected: {
      component: "c",
      params: [
        ["name", "file"],
        ["ext", "tar.gz"],
      ],
    },
  },
  {
    name: "a dotted param route beats a plain param route",
    routes: [
      ["plain", "/:id"],
      ["dotted", "/:id.json"],
    ],
    path: "/x.json",
    expected: { component: "dotted", params: [["id", "x"]] },
  },
  {
    name: "regression: /a/.b is read as /a.b (routefinder glues the dot)",
    routes: [["c", "/a/.b"]],
    path: "/a.b",
    expected: { component: "c" },
  },
  {
    name: "regression: /a/.b does not match itself",
    routes: [["c", "/a/.b"]],
    path: "/a/.b",
    expected: undefined,
  },
  {
    name: "an exact dotted route beats /...",
    routes: [
      ["all", "/..."],
      ["robots", "/robots.txt"],
    ],
    path: "/robots.txt",
    expected: { component: "robots" },
  },

  // Leading-dot routes: routefinder's order is not transitive there, so manifest order matters.
  {
    name: "regression: a leading-dot route listed after /... wins",
    routes: [
      ["all", "/..."],
      ["acme", "/.well-known/acme/..."],
    ],
    path: "/.well-known/acme/token",
    expected: { component: "acme", pathInfo: "/token" },
  },
  {
    name: "regression: a leading-dot route listed before /... is shadowed",
    routes: [
      ["acme", "/.well-known/acme/..."],
      ["all", "/..."],
    ],
    path: "/.well-known/acme/token",
    expected: { component: "all", pathInfo: "/.well-known/acme/token" },
  },
  {
    name: "regression: past 11 routes the B-tree's shape decides (std BTreeMap node split)",
    routes: [...fillers, ["acme", "/.well-known/acme/..."], ["all", "/..."]],
    path: "/.well-known/acme/token",
    expected: { component: "acme", pathInfo: "/token" },
  },

  // Duplicates and raw paths.
  {
    name: "the last duplicate wins",
    routes: [
      ["first", "/foo"],
      ["second", "/foo"],
    ],
    path: "/foo",
    expected: { component: "second" },
  },
  {
    name: "regression: /foo and /foo/ are not duplicates and the first one wins",
    routes: [
      ["first", "/foo"],
      ["second", "/foo/"],
    ],
    path: "/foo",
    expected: { component: "first" },
  },
  {
    name: "percent-encoded paths are matched raw",
    routes: [["c", "/:name"]],
    path: "/caf%C3%A9",
    expected: { component: "c", params: [["name", "caf%C3%A9"]] },
  },
  {
    name: "an encoded slash is not a separator",
    routes: [["c", "/a%2Fb"]],
    path: "/a%2Fb",
    expected: { component: "c" },
  },
  { name: "an encoded slash is not decoded", routes: [["c", "/a%2Fb"]], path: "/a/b", expected: undefined },
];

describe("Router.match", () => {
  for (const { name, routes, path, expected } of routingCases) {
    it(`${name}: ${path}`, () => {
      const match = routerOf(routes).match(path);
      if (expected === undefined) {
        assert.equal(match, undefined);
        return;
      }
      assert.ok(match, `expected ${expected.component} to match`);
      assert.equal(match.entry.component, expected.component);
      assert.deepEqual(match.params, expected.params ?? []);
      assert.equal(match.pathInfo, expected.pathInfo ?? "");
      if (expected.matchedRoute !== undefined) assert.equal(match.matchedRoute, expected.matchedRoute);
      if (expected.componentRoute !== undefined) assert.equal(match.componentRoute, expected.componentRoute);
    });
  }

  it("returns the raw route and trigger of the winner", () => {
    const match = routerOf([["api", "api/:v/..."]]).match("/api/2/x");
    assert.deepEqual(match?.entry, { triggerId: "api-trigger", component: "api", route: "api/:v/..." });
    assert.equal(match?.componentRoute, "api/:v");
    assert.equal(match?.matchedRoute, "/api/:v/...");
  });
});

describe("path info", () => {
  const table: [route: string, path: string, pathInfo: string][] = [
    ["/foo/...", "/foo", ""],
    ["/foo/...", "/foo/", "/"],
    ["/foo/...", "/foo/bar", "/bar"],
    ["/foo/...", "/foo/bar/", "/bar/"],
    ["/foo/...", "/foo/bar/baz", "/bar/baz"],
    ["/...", "/", "/"],
    ["/...", "/a", "/a"],
    ["/foo", "/foo", ""],
    ["/foo", "/foo/", ""],
    ["/:id", "/7/", ""],
  ];
  for (const [route, path, pathInfo] of table) {
    it(`${route} with ${path} gives ${JSON.stringify(pathInfo)}`, () => {
      assert.equal(routerOf([["c", route]]).match(path)?.pathInfo, pathInfo);
    });
  }
});

describe("Router build", () => {
  it("reports each replaced duplicate with the trigger that replaced it", () => {
    const router = routerOf([
      ["a", "/"],
      ["b", "/"],
      ["c", "/foo/"],
      ["d", "/foo/"],
      ["e", "/foo/"],
      ["f", "/bar"],
    ]);
    const seen = router.duplicates.map((d) => [d.replaced.component, d.printedRoute, d.effective.component]);
    assert.deepEqual(seen, [
      ["a", "/", "b"],
      ["c", "/foo", "d"],
      ["d", "/foo", "e"],
    ]);
    assert.deepEqual(router.duplicates[0]?.replaced, { triggerId: "a-trigger", component: "a", route: "/" });
  });

  it("keeps a duplicate at its first position", () => {
    const router = routerOf([
      ["a", "/x"],
      ["b", "/y"],
      ["c", "/x"],
    ]);
    assert.deepEqual(
      router.routes.map((r) => r.component),
      ["c", "b"],
    );
  });

  it("never routes to private triggers", () => {
    const router = new Router([
      { triggerId: "p", component: "private", route: { private: true } },
      { triggerId: "w", component: "web", route: "/web" },
    ]);
    assert.deepEqual(
      router.routes.map((r) => r.component),
      ["web"],
    );
    assert.equal(router.match("/"), undefined);
    assert.equal(router.match("/private"), undefined);
  });

  it("rejects { private = false }", () => {
    const input: HttpRouteInput = { triggerId: "t", component: "c", route: { private: false } };
    assert.throws(() => new Router([input]), RouteError);
  });

  const invalid: [string, RegExp][] = [
    ["/users/:", /needs a name/],
    ["/files/*rest", /as '\/\.\.\.'/],
    ["/files/*/meta", /last segment/],
    ["/files/*.json", /last segment/],
  ];
  for (const [route, message] of invalid) {
    it(`rejects ${route}, naming the trigger`, () => {
      assert.throws(
        () => routerOf([["bad", route]]),
        (error: unknown) =>
          error instanceof RouteError &&
          error.triggerId === "bad-trigger" &&
          error.message.includes(`'${route}'`) &&
          message.test(error.message),
      );
    });
  }

  it("reports routes under /.well-known/spin/", () => {
    const router = routerOf([
      ["all", "/.well-known/spin/..."],
      ["one", "/.well-known/spin/fie"],
      ["near", "/.well-known/spin"],
      ["other", "/.well-known/spindle/..."],
    ]);
    assert.deepEqual(
      router.reserved.map((r) => r.component),
      ["all", "one"],
    );
  });
});

describe("listRoutes", () => {
  it("lists routes in the order they are tried, formatted as Spin prints them", () => {
    const router = routerOf([
      ["all", "/..."],
      ["root", "/"],
      ["whee", "/whee/..."],
      ["star", "/s/*"],
      ["foo", "foo"],
      ["user", "/u/:id"],
    ]);
    assert.deepEqual(
      listRoutes(router).map((r) => [r.component, r.display, r.path, r.wildcard]),
      [
        ["root", "", "/", false],
        ["foo", "/foo", "/foo", false],
        ["user", "/u/:id", "/u/:id", false],
        ["whee", "/whee (wildcard)", "/whee", true],
        ["star", "/s (wildcard)", "/s", true],
        ["all", " (wildcard)", "/", true],
      ],
    );
  });
  it("regression: a dot glued onto an exact segment is not counted as a dot when ordering", () => {
    const router = routerOf([
      ["dotted", "/a.b"],
      ["plain", "/a"],
    ]);
    assert.deepEqual(
      listRoutes(router).map((r) => r.component),
      ["plain", "dotted"],
    );
  });
});

describe("Router properties", () => {
  const segment = fc.stringMatching(/^[a-z0-9_~%-][a-z0-9._~%-]{0,7}$/);
  const segments = fc.array(segment, { minLength: 1, maxLength: 5 });
  const noSlash = fc.stringMatching(/^[^/]{1,8}$/);

  it("a /... route matches every path and hands it back as path info", () => {
    const router = routerOf([["all", "/..."]]);
    fc.assert(
      fc.property(segments, (parts) => {
        const path = `/${parts.join("/")}`;
        const match = router.match(path);
        assert.equal(match?.entry.component, "all");
        assert.equal(match.pathInfo, path);
      }),
    );
  });

  it("an exact route beats every wildcard for its own path, in any manifest order", () => {
    fc.assert(
      fc.property(segments, fc.nat(), (parts, rotation) => {
        const exact = `/${parts.join("/")}`;
        const routes: [string, string][] = [
          ["all", "/..."],
          ["prefix", `/${parts[0] ?? ""}/...`],
          ["param", "/:p/..."],
          ["exact", exact],
        ];
        const turn = rotation % routes.length;
        const rotated = [...routes.slice(turn), ...routes.slice(0, turn)];
        assert.equal(routerOf(rotated).match(exact)?.entry.component, "exact");
      }),
    );
  });

  it("params and path info come back raw", () => {
    const router = routerOf([["c", "/:first/:second/..."]]);
    fc.assert(
      fc.property(noSlash, noSlash, segments, (first, second, rest) => {
        const match = router.match(`/${first}/${second}/${rest.join("/")}`);
        assert.deepEqual(match?.params, [
          ["first", first],
          ["second", second],
        ]);
        assert.equal(match.pathInfo, `/${rest.join("/")}`);
      }),
    );
  });

  it("match never throws, whatever the routes and the path", () => {
    const part = fc.constantFrom(
      "a",
      "b",
      ":x",
      ":y",
      "...",
      "",
      ".",
      ".a",
      "a.b",
      ":x.json",
      "a.",
      "*",
      "%2F",
    );
    const route = fc.array(part, { maxLength: 4 }).map((parts) => parts.join("/"));
    fc.assert(
      fc.property(fc.array(route, { minLength: 1, maxLength: 20 }), fc.string(), (routes, path) => {
        let router: Router;
        try {
          router = routerOf(routes.map((r, index) => [`c${index}`, r]));
        } catch (error) {
          assert.ok(error instanceof RouteError);
          return;
        }
        const match = router.match(path);
        if (match !== undefined) assert.ok(routes.includes(match.entry.route));
      }),
    );
  });
});
