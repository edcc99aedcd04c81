import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCgiInvocation, percentDecode, splitAuthority, type CgiRequest } from "./cgi.ts";

/** The request of the reference's request-shape example, as the trigger hands it over. */
function requestShape(overrides: Partial<CgiRequest> = {}): CgiRequest {
  return {
    method: "GET",
    authority: "example.com",
    pathWithQuery: "/base/path/end/rest?key=value",
    protocol: "HTTP/1.1",
    headers: [
      ["host", "example.com"],
      ["user-agent", "curl/8.5.0"],
      ["authorization", "Bearer secret"],
      ["connection", "keep-alive"],
      ["spin-path-info", "/rest"],
    ],
    spin: {
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
    },
    ...overrides,
  };
}

const noEnvironment = { environment: new Map<string, string>(), contentLength: 0 };

function envOf(request: CgiRequest, settings = noEnvironment): Map<string, string> {
  const { env } = buildCgiInvocation(request, settings);
  const map = new Map(env);
  assert.equal(map.size, env.length, "each variable appears once");
  return map;
}

void describe("buildCgiInvocation", () => {
  void it("builds the exact CGI environment of the request-shape example", () => {
    const env = envOf(requestShape(), { environment: new Map(), contentLength: 0 });
    assert.deepEqual(
      env,
      new Map([
        ["AUTH_TYPE", ""],
        ["CONTENT_LENGTH", "0"],
        ["CONTENT_TYPE", ""],
        ["GATEWAY_INTERFACE", "CGI/1.1"],
        ["QUERY_STRING", "key=value"],
        ["REMOTE_ADDR", "127.0.0.1"],
        ["REMOTE_HOST", "127.0.0.1"],
        ["REMOTE_USER", ""],
        ["REQUEST_METHOD", "GET"],
        ["SCRIPT_NAME", "/base/:path_segment/:path_end"],
        ["PATH_INFO", "/rest"],
        ["X_RAW_PATH_INFO", "/rest"],
        ["PATH_TRANSLATED", "/rest"],
        ["SERVER_NAME", "example.com"],
        ["SERVER_PORT", "80"],
        ["SERVER_PROTOCOL", "HTTP/1.1"],
        ["SERVER_SOFTWARE", "WAGI/1"],
        ["HTTP_HOST", "example.com"],
        ["HTTP_USER_AGENT", "curl/8.5.0"],
        ["X_FULL_URL", "http://example.com/base/path/end/rest?key=value"],
        ["X_MATCHED_ROUTE", "/base/:path_segment/:path_end/..."],
        ["X_RAW_COMPONENT_ROUTE", "/base/:path_segment/:path_end/..."],
        ["X_COMPONENT_ROUTE", "/base/:path_segment/:path_end"],
        ["X_BASE_PATH", "/"],
        ["X_CLIENT_ADDR", "127.0.0.1:54321"],
        ["X_PATH_MATCH_PATH_SEGMENT", "path"],
        ["X_PATH_MATCH_PATH_END", "end"],
      ]),
    );
  });

  void it("builds argv from the request path and the query split at '&'", () => {
    const request = requestShape({ pathWithQuery: "/base/path/end/rest?a=1&b=2" });
    assert.deepEqual(buildCgiInvocation(request, noEnvironment).args, ["/base/path/end/rest", "a=1", "b=2"]);
  });

  void it("leaves a trailing empty argument when there is no query, as Spin does", () => {
    const request = requestShape({ pathWithQuery: "/hello" });
    assert.deepEqual(buildCgiInvocation(request, noEnvironment).args, ["/hello", ""]);
    assert.equal(envOf(request).get("QUERY_STRING"), "");
  });

  void it("fills a custom argv template, every occurrence", () => {
    const request = requestShape({ pathWithQuery: "/x?a&b" });
    const settings = { ...noEnvironment, argv: "tool ${SCRIPT_NAME} --args ${ARGS} ${ARGS}" };
    assert.deepEqual(buildCgiInvocation(request, settings).args, [
      "tool",
      "/x",
      "--args",
      "a",
      "b",
      "a",
      "b",
    ]);
  });

  void it("passes the body length and the method", () => {
    const env = envOf(requestShape({ method: "POST" }), { environment: new Map(), contentLength: 42 });
    assert.equal(env.get("CONTENT_LENGTH"), "42");
    assert.equal(env.get("REQUEST_METHOD"), "POST");
  });

  void it("keeps Spin's CONTENT_TYPE quirk: only a header literally named CONTENT_TYPE sets it", () => {
    const usual = envOf(requestShape({ headers: [["content-type", "application/json"]] }));
    assert.equal(usual.get("CONTENT_TYPE"), "");
    assert.equal(usual.get("HTTP_CONTENT_TYPE"), "application/json");
    const literal = envOf(requestShape({ headers: [["content_type", "text/csv"]] }));
    assert.equal(literal.get("CONTENT_TYPE"), "text/csv");
  });

  void it("skips authorization and connection headers and keeps the last of repeated headers", () => {
    const env = envOf(
      requestShape({
        headers: [
          ["x-forwarded-for", "1.1.1.1"],
          ["x-forwarded-for", "2.2.2.2"],
          ["authorization", "Basic x"],
          ["connection", "close"],
        ],
      }),
    );
    assert.equal(env.get("HTTP_X_FORWARDED_FOR"), "2.2.2.2");
    assert.equal(env.has("HTTP_AUTHORIZATION"), false);
    assert.equal(env.has("HTTP_CONNECTION"), false);
  });

  void it("lets the component environment win over CGI variables and client headers", () => {
    const request = requestShape({ headers: [["proxy", "http://evil.example"]] });
    const environment = new Map([
      ["HTTP_PROXY", "http://proxy.internal:3128"],
      ["SERVER_NAME", "app.internal"],
      ["GREETING", "hello"],
    ]);
    const env = envOf(request, { environment, contentLength: 0 });
    assert.equal(env.get("HTTP_PROXY"), "http://proxy.internal:3128");
    assert.equal(env.get("SERVER_NAME"), "app.internal");
    assert.equal(env.get("GREETING"), "hello");
  });

  void it("takes server name and port from the authority, and the client IP without its port", () => {
    const env = envOf(
      requestShape({ authority: "[::1]:3000", spin: { ...requestShape().spin, clientAddr: "[::1]:61000" } }),
    );
    assert.deepEqual([env.get("SERVER_NAME"), env.get("SERVER_PORT")], ["[::1]", "3000"]);
    assert.deepEqual([env.get("REMOTE_ADDR"), env.get("REMOTE_HOST")], ["::1", "::1"]);
  });

  void it("passes PATH_INFO raw and PATH_TRANSLATED decoded", () => {
    const spin = { ...requestShape().spin, pathInfo: "/a%20b/%E2%9C%93" };
    const env = envOf(requestShape({ spin }));
    assert.equal(env.get("PATH_INFO"), "/a%20b/%E2%9C%93");
    assert.equal(env.get("X_RAW_PATH_INFO"), "/a%20b/%E2%9C%93");
    assert.equal(env.get("PATH_TRANSLATED"), "/a b/✓");
  });
});

void describe("splitAuthority", () => {
  void it("defaults the port to 80 and the host to localhost", () => {
    assert.deepEqual(splitAuthority("example.com:8080"), { host: "example.com", port: "8080" });
    assert.deepEqual(splitAuthority("example.com"), { host: "example.com", port: "80" });
    assert.deepEqual(splitAuthority("example.com:"), { host: "example.com", port: "80" });
    assert.deepEqual(splitAuthority(""), { host: "localhost", port: "80" });
    assert.deepEqual(splitAuthority("[fe80::1]"), { host: "[fe80::1]", port: "80" });
  });
});

void describe("percentDecode", () => {
  void it("decodes escapes as UTF-8 and leaves everything else", () => {
    assert.equal(percentDecode("/a+b%2Fc"), "/a+b/c");
    assert.equal(percentDecode("%zz%4"), "%zz%4");
    assert.equal(percentDecode("%C3%A9t%C3%A9"), "été");
    assert.equal(percentDecode("%C3x"), "\uFFFDx");
  });
});
