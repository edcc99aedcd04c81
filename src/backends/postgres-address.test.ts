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
      enableChannelBinding: true,
      keepAlive: true,
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
    assert.deepEqual(address.config, {
      user: "app",
      password: "pw",
      database: "db",
      application_name: "x",
      enableChannelBinding: true,
      keepAlive: true,
    });
  });

  it("refuses an option Spin's parser does not know, in either form, naming it and the accepted ones", () => {
    for (const address of ["host=a sslcert=client.pem", "postgres://a/db?sslcert=client.pem"]) {
      assert.throws(
        () => parsePostgresAddress(address),
        /^PostgresAddressError: unknown connection option "sslcert"; the accepted options are host, hostaddr, port, user, password, dbname, application_name, options, sslmode, sslnegotiation, channel_binding, connect_timeout, tcp_user_timeout, keepalives, keepalives_idle, keepalives_interval, keepalives_retries, target_session_attrs, load_balance_hosts$/,
      );
    }
  });

  it("takes a Neon address, binding the channel to TLS", () => {
    const address = parsePostgresAddress(
      "postgresql://u:p@ep-x.neon.tech/neondb?sslmode=require&channel_binding=require",
    );
    assert.deepEqual(address.hosts, [{ host: "ep-x.neon.tech", port: undefined }]);
    assert.deepEqual(address.config, {
      user: "u",
      password: "p",
      database: "neondb",
      ssl: true,
      enableChannelBinding: true,
      requireChannelBinding: true,
      keepAlive: true,
    });
  });

  it("maps TLS and channel binding options to node-postgres's", () => {
    const config = (options: string) => parsePostgresAddress(`host=a ${options}`).config;
    assert.equal(config("sslmode=disable").ssl, undefined);
    assert.equal(config("sslmode=prefer").ssl, undefined);
    assert.equal(config("channel_binding=disable").enableChannelBinding, false);
    assert.equal(config("channel_binding=prefer").enableChannelBinding, true);
    assert.equal(config("channel_binding=prefer").requireChannelBinding, undefined);
    assert.equal(config("sslmode=require sslnegotiation=direct").sslnegotiation, "direct");
    assert.equal(config("sslmode=require sslnegotiation=postgres").sslnegotiation, undefined);
    assert.equal(config("sslmode=disable sslnegotiation=direct").sslnegotiation, undefined);
    assert.throws(
      () => config("sslnegotiation=direct"),
      /sslnegotiation=direct cannot be used with sslmode=prefer/,
    );
    assert.throws(
      () => config("sslmode=verify-full"),
      /^PostgresAddressError: invalid value "verify-full" for option sslmode; it takes prefer, disable, require$/,
    );
    assert.throws(() => config("channel_binding=yes"), /invalid value "yes" for option channel_binding/);
    assert.throws(() => config("sslnegotiation=tls"), /invalid value "tls" for option sslnegotiation/);
  });

  it("maps keepalives to node-postgres's, on by default as in Spin", () => {
    const config = (options: string) => parsePostgresAddress(`host=a ${options}`).config;
    assert.equal(config("").keepAlive, true);
    assert.equal(config("").keepAliveInitialDelayMillis, undefined);
    assert.equal(config("keepalives=0 keepalives_idle=30").keepAlive, false);
    assert.equal(config("keepalives=1").keepAlive, true);
    assert.equal(config("keepalives_idle=30").keepAliveInitialDelayMillis, 30_000);
    assert.equal(config("keepalives_idle=-1").keepAliveInitialDelayMillis, undefined);
    const tuned = config("keepalives_interval=5 keepalives_retries=3 tcp_user_timeout=10");
    assert.deepEqual(tuned, { enableChannelBinding: true, keepAlive: true });
    assert.throws(
      () => config("keepalives=-1"),
      /invalid value "-1" for option keepalives; it takes a whole number/,
    );
    assert.throws(() => config("keepalives_retries=-1"), /invalid value "-1" for option keepalives_retries/);
    assert.throws(
      () => config("keepalives_interval=1s"),
      /invalid value "1s" for option keepalives_interval/,
    );
    assert.throws(() => config("tcp_user_timeout=x"), /invalid value "x" for option tcp_user_timeout/);
  });

  it("waits connect_timeout seconds for each host, forever for 0 or less", () => {
    const config = (options: string) => parsePostgresAddress(`host=a ${options}`).config;
    assert.equal(config("connect_timeout=3").connectionTimeoutMillis, 3000);
    assert.equal(config("connect_timeout=-1").connectionTimeoutMillis, 0);
    assert.throws(() => config("connect_timeout=1.5"), /invalid value "1.5" for option connect_timeout/);
  });

  it("refuses a known option Spindle cannot honour, saying what to change", () => {
    assert.throws(
      () => parsePostgresAddress("host=a target_session_attrs=read-write"),
      /target_session_attrs=read-write is not supported: Spindle takes the first host that accepts \(any\)/,
    );
    assert.throws(
      () => parsePostgresAddress("host=a target_session_attrs=primary"),
      /invalid value "primary"/,
    );
    assert.throws(
      () => parsePostgresAddress("postgres://db.example.com/x?hostaddr=10.0.0.1"),
      /^PostgresAddressError: hostaddr is not supported: Spindle checks and connects to the servers named in host; name them there$/,
    );
  });

  it("shuffles the hosts for load_balance_hosts=random, and keeps their order otherwise", () => {
    const names = (options: string, random?: () => number) =>
      parsePostgresAddress(`host=a,b,c port=1,2,3 ${options}`, random).hosts.map(
        (h) => `${h.host}:${h.port}`,
      );
    assert.deepEqual(
      names("load_balance_hosts=disable", () => 0),
      ["a:1", "b:2", "c:3"],
    );
    assert.deepEqual(
      names("load_balance_hosts=random", () => 0),
      ["b:2", "c:3", "a:1"],
    );
    assert.deepEqual(
      names("load_balance_hosts=random", () => 0.99),
      ["a:1", "b:2", "c:3"],
    );
    assert.throws(() => names("load_balance_hosts=roundrobin"), /it takes disable, random$/);
  });

  it("refuses what it cannot read, saying where", () => {
    assert.throws(() => parsePostgresAddress("host=a port=http"), PostgresAddressError);
    assert.throws(() => parsePostgresAddress("host=a 'b'"), /invalid connection string near/);
    assert.throws(() => parsePostgresAddress("postgres://a:1,:2/db"), /invalid host ":2"/);
  });
});
