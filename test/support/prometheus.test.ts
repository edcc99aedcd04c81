// The strict Prometheus text parser the metrics tests rely on: it must reject what Prometheus rejects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePrometheusText } from "./prometheus.ts";

const GOOD = `# HELP req_total Requests.
# TYPE req_total counter
req_total{path="/a\\"b",code="200"} 3
# TYPE lat histogram
lat_bucket{le="0.1"} 1
lat_bucket{le="+Inf"} 2
lat_sum 0.3
lat_count 2
`;

test("parses families, labels with escapes, and histograms", () => {
  const families = parsePrometheusText(GOOD);
  assert.deepEqual(families.get("req_total")?.samples, [
    { name: "req_total", labels: { path: '/a"b', code: "200" }, value: 3 },
  ]);
  assert.equal(families.get("lat")?.samples.length, 4);
});

test("reads NaN and infinities in any letter case, as Prometheus does (prom-client writes Nan)", () => {
  const families = parsePrometheusText('# TYPE g gauge\ng{a="1"} Nan\ng{a="2"} -Inf\ng{a="3"} +inf\n');
  const values = families.get("g")?.samples.map((sample) => sample.value);
  assert.deepEqual(values, [NaN, -Infinity, Infinity]);
});

test("rejects malformed expositions", () => {
  for (const bad of [
    "req_total 1\n",
    "# TYPE x counter\nx 1",
    "# TYPE x counter\nx{a=b} 1\n",
    "# TYPE x counter\nx one\n",
    "# TYPE x counter\ny 1\n",
    "# TYPE x counter\nx 1\n# TYPE x counter\n",
    "# TYPE x wat\n",
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n',
    '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n',
  ]) {
    assert.throws(() => parsePrometheusText(bad), Error, bad);
  }
});
