import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { startTracing, tracingWanted } from "./tracing.ts";

test("traces only when an OTLP endpoint is configured and tracing is not switched off", () => {
  assert.equal(tracingWanted({}), false);
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }), false);
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" }), true);
  assert.equal(
    tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_EXPORTER: "none" }),
    false,
  );
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_SDK_DISABLED: "true" }), false);
});

test("without an endpoint tracing does not start", async () => {
  assert.equal(await startTracing({}), undefined);
});

/** The `@opentelemetry/*` packages a fresh process loads to start and close observability in `env`. */
function openTelemetryLoaded(env: Record<string, string>, admin: boolean): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = new Set();
    registerHooks({
      resolve(specifier, context, next) {
        const resolved = next(specifier, context);
        const match = /node_modules\\/(@opentelemetry\\/[^/]+)\\//.exec(resolved.url);
        if (match) loaded.add(match[1]);
        return resolved;
      },
    });
    const { startObservability } = await import(${JSON.stringify(import.meta.resolve("./observability.ts"))});
    const observability = await startObservability({
      admin: ${admin ? '{ host: "127.0.0.1", port: 0 }' : "undefined"},
      app: () => undefined,
      env: ${JSON.stringify(env)},
    });
    await observability.close();
    process.stdout.write(JSON.stringify([...loaded].sort()));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as string[];
}

test("no OpenTelemetry package loads without an endpoint, nor the SDK with only an admin listener", () => {
  assert.deepEqual(openTelemetryLoaded({}, false), []);
  // prom-client depends on the API package (for exemplars); nothing of the SDK comes with it.
  assert.deepEqual(openTelemetryLoaded({}, true), ["@opentelemetry/api"]);
  const traced = openTelemetryLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" }, false);
  assert.ok(traced.includes("@opentelemetry/sdk-trace"), traced.join(", "));
});
