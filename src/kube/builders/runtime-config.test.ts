import assert from "node:assert/strict";
import { test } from "node:test";
import {
  adler32,
  referencedObjects,
  renderRuntimeConfig,
  runtimeConfigSecretName,
} from "./runtime-config.ts";
import { tomlKey, tomlString } from "./toml.ts";

const MINIMAL = "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n";

test("an app without runtimeConfig gets the env provider only, in a Secret named simple-spinapp-760b133c", () => {
  const toml = renderRuntimeConfig(undefined);
  assert.equal(toml, MINIMAL);
  assert.equal(
    Buffer.from(MINIMAL).toString("base64"),
    "W1tjb25maWdfcHJvdmlkZXJdXQp0eXBlID0gJ2VudicKcHJlZml4ID0gJ1NQSU5fVkFSSUFCTEVfJwo=",
  );
  assert.equal(runtimeConfigSecretName("simple-spinapp", MINIMAL), "simple-spinapp-760b133c");
  assert.equal(runtimeConfigSecretName("bb", MINIMAL), "bb-760b133c");
});

test("the key-value golden of SpinKube's envtest renders byte for byte", () => {
  const toml = renderRuntimeConfig({
    keyValueStores: [
      { name: "default", type: "redis", options: [{ name: "url", value: "redis://localhost:9000" }] },
    ],
  });
  assert.equal(
    toml,
    `${MINIMAL}\n[key_value_store]\n[key_value_store.default]\ntype = 'redis'\nurl = 'redis://localhost:9000'\n`,
  );
  assert.equal(adler32(Buffer.from(toml ?? "")).toString(16), "533932d0");
});

test("the runtime-config sample resolves Secret values and sorts keys within each table", () => {
  const config = {
    keyValueStores: [
      {
        name: "default",
        type: "redis",
        options: [
          { name: "url", valueFrom: { secretKeyRef: { name: "my-super-secret", key: "redis-full-url" } } },
        ],
      },
    ],
    sqliteDatabases: [
      {
        name: "default",
        type: "libsql",
        options: [
          { name: "url", value: "https://sensational-penguin-ahacker.libsql.example.com" },
          { name: "token", valueFrom: { secretKeyRef: { name: "my-super-secret", key: "turso-token" } } },
        ],
      },
    ],
    llmCompute: {
      type: "remote_http",
      options: [
        { name: "url", value: "https://llm-app.fermyon.app" },
        { name: "auth_token", valueFrom: { configMapKeyRef: { name: "llm", key: "token" } } },
      ],
    },
  };
  assert.deepEqual(referencedObjects(config), { secrets: ["my-super-secret"], configMaps: ["llm"] });
  const toml = renderRuntimeConfig(config, {
    secrets: { "my-super-secret": { "redis-full-url": "redis://r:6379", "turso-token": "t0k" } },
    configMaps: { llm: { token: "llm-token" } },
  });
  assert.equal(
    toml,
    [
      MINIMAL,
      "[key_value_store]",
      "[key_value_store.default]",
      "type = 'redis'",
      "url = 'redis://r:6379'",
      "",
      "[sqlite_database]",
      "[sqlite_database.default]",
      "token = 't0k'",
      "type = 'libsql'",
      "url = 'https://sensational-penguin-ahacker.libsql.example.com'",
      "",
      "[llm_compute]",
      "auth_token = 'llm-token'",
      "type = 'remote_http'",
      "url = 'https://llm-app.fermyon.app'",
      "",
    ].join("\n"),
  );
});

test("several stores are sorted by name and separated by a blank line", () => {
  const toml = renderRuntimeConfig({
    keyValueStores: [
      { name: "zeta", type: "spin" },
      { name: "alpha", type: "redis", options: [{ name: "url", value: "redis://a" }] },
    ],
  });
  assert.equal(
    toml,
    `${MINIMAL}\n[key_value_store]\n[key_value_store.alpha]\ntype = 'redis'\nurl = 'redis://a'\n\n[key_value_store.zeta]\ntype = 'spin'\n`,
  );
});

test("duplicate names, missing referenced objects and loadFromSecret", () => {
  assert.throws(
    () =>
      renderRuntimeConfig({
        sqliteDatabases: [
          { name: "d", type: "a" },
          { name: "d", type: "b" },
        ],
      }),
    /^SpindleError: duplicate definition for sqlite database with name: d$/,
  );
  assert.throws(
    () =>
      renderRuntimeConfig({
        keyValueStores: [
          {
            name: "d",
            type: "redis",
            options: [{ name: "url", valueFrom: { secretKeyRef: { name: "gone", key: "k" } } }],
          },
        ],
      }),
    /failed to construct RuntimeConfig: Secret "gone" not found/,
  );
  const missingKey = renderRuntimeConfig(
    {
      llmCompute: {
        type: "x",
        options: [{ name: "k", valueFrom: { secretKeyRef: { name: "s", key: "absent" } } }],
      },
    },
    { secrets: { s: {} } },
  );
  assert.match(missingKey ?? "", /^k = ''$/m);
  assert.equal(renderRuntimeConfig({ loadFromSecret: "mine" }), undefined);
});

test("strings and keys are quoted as go-toml quotes them", () => {
  assert.equal(tomlString("plain"), "'plain'");
  assert.equal(tomlString("tab\there"), "'tab\there'");
  assert.equal(tomlString("it's"), `"it's"`);
  assert.equal(tomlString('a\nb"\\'), '"a\\nb\\"\\\\"');
  assert.equal(tomlString("bell\u0007"), '"bell\\u0007"');
  assert.equal(tomlKey("url"), "url");
  assert.equal(tomlKey("my.store"), "'my.store'");
  assert.equal(tomlKey(""), "''");
});
