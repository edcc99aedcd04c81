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

  it("names every host in order, with one port for all or one each, and localhost when none is given", () => {
    assert.deepEqual(parsePostgresAddress("host=a,b port=7000").hosts, [
      { host: "a", port: 7000 },
      { host: "b", port: 7000 },
    ]);
    assert.deepEqual(parsePostgresAddress("host=a,b,c port=7000,,7002").hosts, [
      { host: "a", port: 7000 },
      { host: "b", port: undefined },
      { host: "c", port: 7002 },
    ]);
    assert.deepEqual(parsePostgresAddress("user=x").hosts, [{ host: "localhost", port: undefined }]);
    assert.deepEqual(parsePostgresAddress("postgres://[::1]/db").hosts, [{ host: "::1", port: undefined }]);
    assert.throws(
      () => parsePostgresAddress("host=a,b,c port=1,2"),
      /could not match 2 port numbers to 3 hosts/,
    );
  });

  it("reads libpq's list of hosts in a URL, each with its own port", () => {
    const address = parsePostgresAddress("postgres://app:pw@a:1,[::1]:2,c/db?application_name=x");
    assert.deepEqual(address.hosts, [
      { host: "a", port: 1 },
      { host: "::1", port: 2 },
      { host: "c", port: undefined },
    ]);
    assert.deepEqual(address.config, { user: "app", password: "pw", database: "db", application_name: "x" });
  });

  it("refuses an option it does not know, in either form, naming it and the supported ones", () => {
    for (const address of ["host=a hostaddr=10.0.0.1", "postgres://a/db?hostaddr=10.0.0.1"]) {
      assert.throws(
        () => parsePostgresAddress(address),
        /^PostgresAddressError: unknown connection option "hostaddr"; the options Spindle supports are host, port, user, password, dbname, application_name, options, sslmode, connect_timeout, target_session_attrs$/,
      );
    }
    assert.throws(() => parsePostgresAddress("host=a target_session_attrs=read-write"), /is not supported/);
    assert.equal(parsePostgresAddress("host=a connect_timeout=3").config.connectionTimeoutMillis, 3000);
  });

  it("refuses what it cannot read, saying where", () => {
    assert.throws(() => parsePostgresAddress("host=a port=http"), PostgresAddressError);
    assert.throws(() => parsePostgresAddress("host=a 'b'"), /invalid connection string near/);
    assert.throws(() => parsePostgresAddress("postgres://a:1,:2/db"), /invalid host ":2"/);
  });
});
