import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { GuestFault } from "../http.ts";
import { INSUFFICIENT_HEADERS_MESSAGE, parseWagiOutput, type WagiResponse } from "./output.ts";

const encoder = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function parsed(stdout: string | Uint8Array): { response: WagiResponse; warnings: readonly string[] } {
  const result = parseWagiOutput("web", typeof stdout === "string" ? encoder.encode(stdout) : stdout);
  if (!result.ok) throw new Error(`unexpected fault: ${result.fault.message}`);
  return result;
}

function fault(stdout: string | Uint8Array): GuestFault {
  const result = parseWagiOutput("web", typeof stdout === "string" ? encoder.encode(stdout) : stdout);
  if (result.ok) throw new Error(`expected a fault, got status ${result.response.status}`);
  return result.fault;
}

void describe("parseWagiOutput", () => {
  void it("splits headers from the body at the first blank line", () => {
    const { response } = parsed("Content-Type: text/html\nX-Extra: 1\n\n<p>hi</p>\n\nmore");
    assert.equal(response.status, 200);
    assert.deepEqual(response.headers, [
      ["content-type", "text/html"],
      ["x-extra", "1"],
    ]);
    assert.equal(text(response.body), "<p>hi</p>\n\nmore");
  });

  void it("ignores carriage returns in the header block but keeps them in the body", () => {
    const { response } = parsed("content-type: text/plain\r\nx-a: b\r\n\r\nline\r\n");
    assert.deepEqual(response.headers, [
      ["content-type", "text/plain"],
      ["x-a", "b"],
    ]);
    assert.equal(text(response.body), "line\r\n");
  });

  void it("splits each header at its first ':' and trims name and value", () => {
    const { response } = parsed("  content-type :  text/plain \nx-url: http://a:8080/x\n\n");
    assert.deepEqual(response.headers, [
      ["content-type", "text/plain"],
      ["x-url", "http://a:8080/x"],
    ]);
  });

  void it("matches names case-insensitively; the last duplicate wins", () => {
    const { response } = parsed("Content-Type: text/a\nX-N: 1\ncontent-type: text/b\nx-n: 2\n\n");
    assert.deepEqual(response.headers, [
      ["content-type", "text/b"],
      ["x-n", "2"],
    ]);
  });

  void it("sets the status from `status: <code> [reason]`", () => {
    const { response } = parsed("status: 418 I'm a teapot\ncontent-type: text/plain\n\n");
    assert.equal(response.status, 418);
    assert.deepEqual(response.headers, [["content-type", "text/plain"]]);
  });

  void it("accepts a status alone as a sufficient response", () => {
    const { response } = parsed("Status: 204\n\n");
    assert.deepEqual([response.status, response.headers], [204, []]);
  });

  void it("answers 502 for an unparsable status, with a warning", () => {
    for (const status of ["abc", "99", "1000", "20x", "", "200\tOK"]) {
      const { response, warnings } = parsed(`status: ${status}\ncontent-type: text/plain\n\nbody`);
      assert.equal(response.status, 502, status);
      assert.equal(text(response.body), "body");
      assert.equal(warnings.length, 1);
    }
  });

  void it("redirects with 302 on location, unless a status is given (in any order)", () => {
    assert.deepEqual(parsed("location: /next\n\n").response.headers, [["location", "/next"]]);
    assert.equal(parsed("location: /next\n\n").response.status, 302);
    assert.equal(parsed("status: 301\nlocation: /next\n\n").response.status, 301);
    assert.equal(parsed("location: /next\nstatus: 307\n\n").response.status, 307);
  });

  void it("answers 500 with Spin's message when none of content-type, status and location is given", () => {
    const { response, warnings } = parsed("x-only: 1\n\nbody");
    assert.deepEqual([response.status, response.headers], [500, []]);
    assert.equal(text(response.body), INSUFFICIENT_HEADERS_MESSAGE);
    assert.equal(
      INSUFFICIENT_HEADERS_MESSAGE,
      "Exactly one of 'location' or 'content-type' must be specified",
    );
    assert.deepEqual(warnings, [INSUFFICIENT_HEADERS_MESSAGE]);
  });

  void it("treats output without a blank line as having no headers, as Spin does", () => {
    assert.equal(parsed("content-type: text/plain\nhello").response.status, 500);
    assert.equal(parsed("\n\ncontent-type: text/plain\n").response.status, 500);
  });

  void it("ignores lines without ':' and invalid header names, with warnings", () => {
    const { response, warnings } = parsed("content-type: text/plain\njunk line\nbad name: x\n\n");
    assert.deepEqual(response.headers, [["content-type", "text/plain"]]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? "", /junk line/);
    assert.match(warnings[1] ?? "", /bad name/);
  });

  void it("faults on empty stdout with Spin's message naming the component", () => {
    const error = fault("");
    assert.equal(error.component, "web");
    assert.equal(
      error.message,
      'The "web" component is configured to use the WAGI executor but did not write to stdout. ' +
        "Check the `executor` in spin.toml.",
    );
  });

  void it("faults on a header block that is not UTF-8, but passes any body bytes through", () => {
    const badHead = Uint8Array.of(...encoder.encode("content-type: text/"), 0xff, 0x0a, 0x0a);
    assert.match(fault(badHead).message, /not valid UTF-8/);
    const binaryBody = Uint8Array.of(
      ...encoder.encode("content-type: image/png\n\n"),
      0x89,
      0xff,
      0x00,
      0x0d,
    );
    assert.deepEqual([...parsed(binaryBody).response.body], [0x89, 0xff, 0x00, 0x0d]);
  });

  void it("faults on a header value with a control character", () => {
    assert.match(fault("content-type: text/plain\nx-a: a\u0001b\n\n").message, /"x-a"/);
  });
});

void describe("parseWagiOutput properties", () => {
  const name = fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
    .filter((n) => !["status", "location", "content-type"].includes(n.toLowerCase()));
  const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
  const headers = fc.array(fc.tuple(name, value), { maxLength: 8 });

  void it("round-trips rendered headers and any body, with LF or CRLF line ends", () => {
    fc.assert(
      fc.property(headers, value, fc.uint8Array({ maxLength: 64 }), fc.boolean(), (hs, type, body, crlf) => {
        const eol = crlf ? "\r\n" : "\n";
        const all: [string, string][] = [["Content-Type", type], ...hs];
        const head = all.map(([n, v]) => `${n}: ${v}${eol}`).join("");
        const stdout = Uint8Array.of(...encoder.encode(`${head}${eol}`), ...body);
        const { response } = parsed(stdout);
        const expected = new Map<string, string>();
        for (const [n, v] of all) {
          expected.delete(n.toLowerCase());
          expected.set(n.toLowerCase(), v);
        }
        assert.equal(response.status, 200);
        assert.deepEqual(response.headers, [...expected]);
        assert.deepEqual(response.body, body);
      }),
    );
  });

  void it("never throws: any output is a response with a valid status or a GuestFault", () => {
    const output = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .array(
          fc.constantFrom(
            "status: ",
            "location: /",
            "content-type: x",
            ":",
            "\n",
            "\r",
            "200",
            "abc",
            "\u00e9",
          ),
        )
        .map((parts) => encoder.encode(parts.join(""))),
    );
    fc.assert(
      fc.property(output, (stdout) => {
        const result = parseWagiOutput("web", stdout);
        if (result.ok) {
          assert.ok(result.response.status >= 100 && result.response.status <= 999);
          for (const [n] of result.response.headers) assert.equal(n, n.toLowerCase());
        } else {
          assert.ok(result.fault instanceof GuestFault);
        }
      }),
    );
  });
});
