import { test } from "node:test";
import assert from "node:assert/strict";
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
