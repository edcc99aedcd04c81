import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  hostRuntimeConfig,
  parseRuntimeConfig,
  readRuntimeConfigFile,
  RuntimeConfigError,
} from "./runtime-config.ts";

const FILE = "/etc/app/runtime-config.toml";

function refusal(text: string, key: string | undefined, message: RegExp): void {
  assert.throws(
    () => parseRuntimeConfig(text, FILE),
    (error) => {
      assert.ok(error instanceof RuntimeConfigError);
      assert.equal(error.file, FILE);
      assert.equal(error.key, key);
      assert.match(error.message, message);
      assert.ok((error.hint ?? "") !== "");
      return true;
    },
  );
}

describe("runtime-config.toml", () => {
  it("reads state_dir, log_dir and key-value stores, resolving paths against the file's directory", () => {
    const config = parseRuntimeConfig(
      `state_dir = "state"
log_dir = "/var/log/app"
[key_value_store.default]
type = "spin"
path = "data/kv.db"
[key_value_store.memory]
type = "spin"
[key_value_store.cache]
type = "redis"
url = "redis://localhost:6379"`,
      FILE,
    );
    assert.equal(config.stateDir, "/etc/app/state");
    assert.equal(config.logDir, "/var/log/app");
    assert.deepEqual(
      [...config.keyValueStores],
      [
        ["default", { type: "spin", path: "/etc/app/data/kv.db" }],
        ["memory", { type: "spin" }],
        ["cache", { type: "redis", url: "redis://localhost:6379" }],
      ],
    );
  });

  it("treats an empty state_dir as unset", () => {
    assert.equal(parseRuntimeConfig('state_dir = ""', FILE).stateDir, undefined);
  });

  it("refuses unknown keys, naming the key and the file", () => {
    refusal("colour = 1", "colour", /runtime-config\.toml: colour: unknown key `colour`/);
    refusal('[key_value_store.x]\ntype = "spin"\npth = "a"', "key_value_store.x.pth", /unknown key `pth`/);
    refusal(
      '[key_value_store.x]\ntype = "redis"\nurl = "redis://h"\npath = "p"',
      "key_value_store.x.path",
      /unknown key/,
    );
  });

  it("refuses two Redis stores in one database, whose keys would mix, and accepts two databases", () => {
    const store = (label: string, url: string) =>
      `[key_value_store.${label}]\ntype = "redis"\nurl = "${url}"\n`;
    refusal(
      store("a", "redis://cache:6379") + store("b", "redis://cache/0"),
      "key_value_store.b.url",
      /store "b" uses the same Redis database as store "a" \(cache:6379\/0\)/,
    );
    const parsed = parseRuntimeConfig(store("a", "redis://cache") + store("b", "redis://cache/1"), FILE);
    assert.equal(parsed.keyValueStores.size, 2);
  });

  it("refuses missing and mistyped fields", () => {
    refusal('[key_value_store.x]\ntype = "redis"', "key_value_store.x.url", /missing field/);
    refusal("[key_value_store.x]", "key_value_store.x.type", /missing field/);
    refusal("state_dir = 3", "state_dir", /expected a string/);
    refusal("key_value_store = 3", "key_value_store", /expected a table/);
    refusal(
      '[key_value_store.x]\ntype = "etcd"',
      "key_value_store.x.type",
      /unknown key-value store type "etcd"/,
    );
    refusal('[key_value_store.Bad]\ntype = "spin"', "key_value_store.Bad", /invalid store label/);
  });

  it("refuses the tables Spindle does not implement yet, saying so", () => {
    for (const table of ["llm_compute", "outbound_mysql"]) {
      refusal(`[${table}.x]\ntype = "spin"`, table, new RegExp(`\`${table}\` is not supported yet`));
    }
    refusal("max_instance_memory = 1000", "max_instance_memory", /not supported yet/);
    refusal(
      '[key_value_store.x]\ntype = "aws_dynamo"',
      "key_value_store.x.type",
      /"aws_dynamo" is not supported yet/,
    );
  });

  it("reads variables providers in file order, under either name", () => {
    const config = parseRuntimeConfig(
      `[[variables_provider]]
type = "static"
values = { api_key = "k", region = "eu" }
[[variables_provider]]
type = "env"
prefix = "MY_APP"
dotenv_path = "conf/app.env"
[[variables_provider]]
type = "vault"
url = "http://127.0.0.1:8200"
token = "root"
mount = "secret"
prefix = "app"
[[variables_provider]]
type = "azure_key_vault"
vault_url = "https://my.vault.azure.net/"
client_id = "c"
client_secret = "s"
tenant_id = "t"
authority_host = "AzureChina"`,
      FILE,
      "/home/me/work",
    );
    assert.deepEqual(config.variablesProviders, [
      {
        where: "variables_provider[0]",
        type: "static",
        values: new Map([
          ["api_key", "k"],
          ["region", "eu"],
        ]),
      },
      {
        where: "variables_provider[1]",
        type: "env",
        prefix: "MY_APP",
        dotenvPath: "/home/me/work/conf/app.env",
      },
      {
        where: "variables_provider[2]",
        type: "vault",
        url: "http://127.0.0.1:8200",
        token: "root",
        mount: "secret",
        prefix: "app",
      },
      {
        where: "variables_provider[3]",
        type: "azure_key_vault",
        vaultUrl: "https://my.vault.azure.net/",
        credentials: { clientId: "c", clientSecret: "s", tenantId: "t" },
        authorityHost: "AzureChina",
      },
    ]);
    const old = parseRuntimeConfig('[[config_provider]]\ntype = "env"', FILE);
    assert.deepEqual(old.variablesProviders, [{ where: "config_provider[0]", type: "env" }]);
  });

  it("refuses variables providers that are wrong, naming the entry and the key", () => {
    const provider = "[[variables_provider]]\n";
    refusal(
      `${provider}type = "etcd"`,
      "variables_provider[0].type",
      /unknown variables provider type "etcd"/,
    );
    refusal(`${provider}prefix = "X"`, "variables_provider[0].type", /missing field/);
    refusal(`${provider}type = "env"\npath = "x"`, "variables_provider[0].path", /unknown key `path`/);
    refusal(`${provider}type = "static"`, "variables_provider[0].values", /missing field/);
    refusal(
      `${provider}type = "static"\nvalues = { a = 1 }`,
      "variables_provider[0].values.a",
      /expected a string/,
    );
    refusal(
      `${provider}type = "vault"\nurl = "http://v"\nmount = "secret"`,
      "variables_provider[0].token",
      /missing field/,
    );
    refusal(
      `${provider}type = "vault"\nurl = "v:8200"\ntoken = "t"\nmount = "m"`,
      "variables_provider[0].url",
      /is not an http:\/\/ or https:\/\/ URL/,
    );
    refusal(
      `${provider}type = "azure_key_vault"\nvault_url = "https://v"\nclient_id = "c"`,
      "variables_provider[0].client_secret",
      /some but not all of client_id, client_secret and tenant_id/,
    );
    refusal(
      `${provider}type = "azure_key_vault"\nvault_url = "https://v"\nauthority_host = "Mars"`,
      "variables_provider[0].authority_host",
      /unknown authority host "Mars"/,
    );
    refusal('[variables_provider]\ntype = "env"', "variables_provider", /expected an array of tables/);
    refusal(
      '[[variables_provider]]\ntype = "env"\n[[config_provider]]\ntype = "env"',
      "config_provider",
      /both \[\[variables_provider\]\] and \[\[config_provider\]\]/,
    );
  });

  it("checks Spin's outbound connection limits, which it neither applies nor keeps", () => {
    const config = parseRuntimeConfig(
      `[outbound_http]
connection_pooling = false
max_concurrent_requests = 4
[outbound_redis]
max_connections = 10
[outbound_pg]
[outbound_mqtt]
max_connections = 0`,
      FILE,
    );
    assert.deepEqual(config, {
      file: FILE,
      keyValueStores: new Map(),
      sqliteDatabases: new Map(),
      variablesProviders: [],
      clientTls: [],
    });
    refusal(
      "[outbound_http]\nmax_connections = 1\nmax_concurrent_requests = 1",
      "outbound_http.max_concurrent_requests",
      /both max_connections and max_concurrent_requests/,
    );
    refusal(
      '[outbound_http]\nconnection_pooling = "yes"',
      "outbound_http.connection_pooling",
      /expected a boolean/,
    );
    refusal(
      "[outbound_http]\nmax_connections = 1.5",
      "outbound_http.max_connections",
      /non-negative integer/,
    );
    refusal("[outbound_pg]\nmax_conections = 1", "outbound_pg.max_conections", /unknown key/);
    refusal(
      "[outbound_redis]\nmax_connections = -2",
      "outbound_redis.max_connections",
      /non-negative integer/,
    );
  });

  it("reads SQLite databases, resolving their paths against the current working directory", () => {
    const config = parseRuntimeConfig(
      `[sqlite_database.default]
type = "spin"
path = "data/app.db"
[sqlite_database.scratch]
type = "spin"
allow_attach_file = true
[sqlite_database.remote]
type = "libsql"
url = "https://db.example.com"
token = "t0k"`,
      FILE,
      "/home/me/work",
    );
    assert.deepEqual(
      [...config.sqliteDatabases],
      [
        ["default", { type: "spin", path: "/home/me/work/data/app.db", allowAttachFile: false }],
        ["scratch", { type: "spin", allowAttachFile: true }],
        ["remote", { type: "libsql", url: "https://db.example.com", token: "t0k" }],
      ],
    );
  });

  it("refuses SQLite database entries that are wrong, naming the key", () => {
    refusal('[sqlite_database.x]\ntype = "mysql"', "sqlite_database.x.type", /Unknown database kind: mysql/);
    refusal('[sqlite_database.x]\ntype = "spin"\npth = "a"', "sqlite_database.x.pth", /unknown key `pth`/);
    refusal(
      '[sqlite_database.x]\ntype = "spin"\nallow_attach_file = "yes"',
      "sqlite_database.x.allow_attach_file",
      /expected a boolean/,
    );
    refusal(
      '[sqlite_database.x]\ntype = "libsql"\nurl = "libsql://db"\ntoken = "t"',
      "sqlite_database.x.url",
      /does not start with http:\/\/ or https:\/\//,
    );
    refusal(
      '[sqlite_database.x]\ntype = "libsql"\nurl = "http://db"',
      "sqlite_database.x.token",
      /missing field/,
    );
    refusal('[sqlite_database.Db]\ntype = "spin"', "sqlite_database.Db", /invalid database label "Db"/);
    refusal("sqlite_database = 1", "sqlite_database", /expected a table/);
  });

  it("reports TOML syntax errors with the file", () => {
    refusal("state_dir = ", undefined, /not valid TOML/);
  });

  it("reports an unreadable file with its path", () => {
    assert.throws(
      () => readRuntimeConfigFile("/no/such/runtime-config.toml"),
      /cannot read runtime config file \/no\/such/,
    );
  });

  it("reads a file from disk", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-rc-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "rc.toml"), '[key_value_store.x]\ntype = "spin"\npath = "x.db"');
    assert.deepEqual(readRuntimeConfigFile(join(dir, "rc.toml")).keyValueStores.get("x"), {
      type: "spin",
      path: join(dir, "x.db"),
    });
  });
});

describe("host runtime config", () => {
  const none = { file: undefined, stateDirFlag: undefined, logDirFlag: undefined };

  it("backs `default` with SQLite in the state directory, logs beside it", () => {
    const config = hostRuntimeConfig({ ...none, defaultStateDir: "/app/.spin" });
    assert.deepEqual(config.keyValueStores.get("default"), {
      type: "spin",
      path: "/app/.spin/sqlite_key_value.db",
    });
    assert.equal(config.logDir, "/app/.spin/logs");
  });

  it("backs the `default` SQLite database with a file in the state directory", () => {
    const config = hostRuntimeConfig({
      ...none,
      defaultStateDir: "/app/.spin",
      sqliteStatements: ["SELECT 1"],
    });
    assert.deepEqual(config.sqliteDatabases.get("default"), {
      type: "spin",
      path: "/app/.spin/sqlite_db.db",
      allowAttachFile: false,
    });
    assert.deepEqual(config.sqliteStatements, ["SELECT 1"]);
  });

  it("keeps `default` in memory when there is no state directory (a registry app)", () => {
    const config = hostRuntimeConfig({ ...none, defaultStateDir: undefined });
    assert.deepEqual(config.keyValueStores.get("default"), { type: "spin" });
    assert.deepEqual(config.sqliteDatabases.get("default"), { type: "spin", allowAttachFile: false });
    assert.deepEqual(config.sqliteStatements, []);
    assert.equal(config.logDir, undefined);
  });

  it("lets the file define `default`, and the flags win over the file's directories", () => {
    const file = parseRuntimeConfig(
      'state_dir = "/s"\nlog_dir = "/l"\n[key_value_store.default]\ntype = "redis"\nurl = "redis://h"\n[sqlite_database.default]\ntype = "spin"\npath = "/db/main.db"',
      FILE,
    );
    const config = hostRuntimeConfig({
      file,
      stateDirFlag: "/flag",
      logDirFlag: undefined,
      defaultStateDir: "/d",
    });
    assert.deepEqual(config.keyValueStores.get("default"), { type: "redis", url: "redis://h" });
    assert.deepEqual(config.sqliteDatabases.get("default"), {
      type: "spin",
      path: "/db/main.db",
      allowAttachFile: false,
    });
    assert.equal(config.stateDir, "/flag");
    assert.equal(config.logDir, "/l");
    const fromFile = hostRuntimeConfig({
      ...none,
      file: parseRuntimeConfig('state_dir = "/s"', FILE),
      defaultStateDir: "/d",
    });
    assert.deepEqual(fromFile.keyValueStores.get("default"), {
      type: "spin",
      path: "/s/sqlite_key_value.db",
    });
  });
});
