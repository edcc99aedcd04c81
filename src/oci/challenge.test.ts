import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseChallenges, type Challenge } from "./challenge.ts";

function format(challenge: Challenge): string {
  const params = Object.entries(challenge.params).map(
    ([name, value]) => `${name}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"`,
  );
  return params.length === 0 ? challenge.scheme : `${challenge.scheme} ${params.join(", ")}`;
}

describe("parseChallenges", () => {
  it("reads a registry's Bearer challenge", () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"';
    assert.deepEqual(parseChallenges(header), [
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/nginx:pull",
        },
      },
    ]);
  });

  it("reads Basic, unquoted values, odd spacing and case", () => {
    assert.deepEqual(parseChallenges('BASIC  Realm = "Registry Realm" , charset=UTF-8'), [
      { scheme: "basic", params: { realm: "Registry Realm", charset: "UTF-8" } },
    ]);
  });

  it("splits several challenges in one header", () => {
    const parsed = parseChallenges('Basic realm="a", Bearer realm="b",service="s", Negotiate');
    assert.deepEqual(parsed, [
      { scheme: "basic", params: { realm: "a" } },
      { scheme: "bearer", params: { realm: "b", service: "s" } },
      { scheme: "negotiate", params: {} },
    ]);
  });

  it("unescapes quoted-pairs and keeps commas inside quotes", () => {
    assert.deepEqual(parseChallenges('Bearer scope="repository:a:pull,push",realm="say \\"hi\\" \\\\"'), [
      { scheme: "bearer", params: { scope: "repository:a:pull,push", realm: 'say "hi" \\' } },
    ]);
  });

  it("drops an unterminated quoted value instead of throwing", () => {
    assert.deepEqual(parseChallenges('Bearer service="x", realm="never closed'), [
      { scheme: "bearer", params: { service: "x" } },
    ]);
    assert.deepEqual(parseChallenges(""), []);
  });

  it("parses what a well-formed header says (property)", () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const challenge = fc.record({
      scheme: token,
      params: fc.dictionary(token, fc.string({ maxLength: 20 }), { maxKeys: 4 }),
    });
    fc.assert(
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), (challenges) => {
        const parsed = parseChallenges(challenges.map(format).join(", "));
        assert.deepEqual(
          parsed.map((c) => ({ scheme: c.scheme, params: { ...c.params } })),
          challenges.map((c) => ({ scheme: c.scheme, params: { ...c.params } })),
        );
      }),
    );
  });

  it("never throws on arbitrary input (property)", () => {
    fc.assert(fc.property(fc.string(), (text) => void parseChallenges(text)));
  });
});
