import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { convertAllowedHttpHosts } from "./allowed-http-hosts.ts";

void describe("convertAllowedHttpHosts", () => {
  const cases: [string[], string[]][] = [
    [[], []],
    [["example.com"], ["http://example.com", "https://example.com"]],
    [["example.com:8080"], ["http://example.com:8080", "https://example.com:8080"]],
    [["https://example.com/"], ["http://example.com", "https://example.com"]],
    [["http://localhost:3001"], ["http://localhost:3001", "https://localhost:3001"]],
    [["self"], ["http://self"]],
    [["[::1]"], ["http://[::1]", "https://[::1]"]],
    [
      ["example.com", "insecure:allow-all"],
      ["http://*:*", "https://*:*", "http://self"],
    ],
  ];
  for (const [input, output] of cases) {
    void it(`converts ${JSON.stringify(input)}`, () =>
      assert.deepEqual(convertAllowedHttpHosts(input), output));
  }

  void it("lists every invalid entry in Spin's wording", () => {
    assert.throws(
      () => convertAllowedHttpHosts(["ftp://example.com", "ok.com", "example.com/wib/wob", "bad host"]),
      {
        name: "SpindleError",
        message:
          "One or more allowed_http_hosts entries was invalid:\n" +
          "ftp://example.com isn't a valid host or host:port string\n" +
          "example.com/wib/wob contains a path, should be host and optional port only\n" +
          "bad host isn't a valid host or host:port string",
      },
    );
  });
});
