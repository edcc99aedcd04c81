import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parsePostgresAddress, PostgresAddressError } from "./postgres-address.ts";

describe("PostgreSQL addresses", () => {
  it("reads a URL with credentials, database and settings", () => {
    const address = parsePostgresAddress(
      "postgresql://app:p%40ss@db.example.com:6543/orders?sslmode=require",
    );
    assert.deepEqual(address.hosts, [{ host: "db.example.com", port: 6543 }]);
    assert.deepEqual(address.config, {
      user: "app",
      password: "p@ss",
      database: "orders",
      host: "db.example.com",
      port: 6543,
      ssl: true,
    });
  });

  it("reads libpq key/value pairs, quoted values included", () => {
    const address = parsePostgresAddress(
      String.raw`host=127.0.0.1 port = 5432 user=app password='it\'s a b' dbname=x`,
    );
    assert.deepEqual(address.hosts, [{ host: "127.0.0.1", port: 5432 }]);
    assert.equal(address.config.password, "it's a b");
    assert.equal(address.config.database, "x");
    assert.equal(address.config.ssl, undefined);
  });

  it("names every host, the single port applying to all, and localhost when none is given", () => {
    assert.deepEqual(parsePostgresAddress("host=a,b port=7000").hosts, [
      { host: "a", port: 7000 },
      { host: "b", port: 7000 },
    ]);
    assert.deepEqual(parsePostgresAddress("user=x").hosts, [{ host: "localhost", port: undefined }]);
    assert.deepEqual(parsePostgresAddress("postgres://[::1]/db").hosts, [{ host: "::1", port: undefined }]);
  });

  it("refuses what it cannot read, saying where", () => {
    assert.throws(() => parsePostgresAddress("host=a port=http"), PostgresAddressError);
    assert.throws(() => parsePostgresAddress("host=a 'b'"), /invalid connection string near/);
  });
});
