// The dashboard page's script: follows the admin listener's `/events` stream (one `snapshot`, then a `tick`
// per second) and redraws the tables, the log view and three hand-drawn SVG charts. It runs in the browser
// and loads nothing from anywhere but the admin listener.

/** @typedef {import("./feed.ts").Snapshot} Snapshot */
/** @typedef {import("./feed.ts").Tick} Tick */
/** @typedef {import("./feed.ts").Point} Point */
/** @typedef {import("./feed.ts").RequestRecord} RequestRecord */
/** @typedef {import("./feed.ts").LogRecord} LogRecord */
/** @typedef {import("./routes.ts").AppView} AppView */
/** @typedef {{ app?: AppView }} WithApp */

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 180;
const LEFT = 44;
const BOTTOM = 20;
const RECENT = 50;

const state = {
  /** @type {AppView | undefined} */ app: undefined,
  /** @type {Point[]} */ points: [],
  /** @type {RequestRecord[]} */ requests: [],
  /** @type {RequestRecord[]} */ errors: [],
  /** @type {LogRecord[]} */ logs: [],
  /** @type {import("./feed.ts").RouteStats[]} */ routes: [],
  /** @type {readonly number[]} */ instantiation: [],
  /** @type {readonly number[]} */ bounds: [],
};

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element;
}

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {string} [text]
 */
function svgElement(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {(string | number)[]} cells */
function row(cells, className = "") {
  const tr = document.createElement("tr");
  tr.className = className;
  for (const cell of cells) tr.appendChild(document.createElement("td")).textContent = String(cell);
  return tr;
}

/** @param {number} time */
const clock = (time) => new Date(time).toLocaleTimeString();

/**
 * Axes with three labelled grid lines; returns the y of a value.
 * @param {SVGElement} svg
 * @param {number} max
 */
function axes(svg, max) {
  const y = (/** @type {number} */ value) => HEIGHT - BOTTOM - (value / max) * (HEIGHT - BOTTOM - 10);
  for (const value of [0, max / 2, max]) {
    svg.appendChild(svgElement("line", { class: "axis", x1: LEFT, x2: WIDTH, y1: y(value), y2: y(value) }));
    svg.appendChild(svgElement("text", { x: 2, y: y(value) + 3 }, formatNumber(value)));
  }
  return y;
}

/** @param {number} value */
function formatNumber(value) {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
}

/**
 * A line per series over the last two minutes; gaps where a second had no value.
 * @param {SVGElement} svg
 * @param {{ values: (number | null)[], className: string }[]} series
 */
function lineChart(svg, series) {
  svg.replaceChildren();
  const all = series.flatMap((s) => s.values.filter((v) => v !== null));
  const y = axes(svg, Math.max(1, ...all) * 1.1);
  const step = (WIDTH - LEFT) / 119;
  for (const { values, className } of series) {
    let d = "";
    let drawing = false;
    values.forEach((value, i) => {
      if (value === null) return (drawing = false);
      const x = LEFT + (120 - values.length + i) * step;
      d += `${drawing ? "L" : "M"}${x.toFixed(1)},${y(value).toFixed(1)} `;
      // A second with no neighbours would be an invisible one-point line: mark it with a dot.
      if (!drawing && (values[i + 1] ?? null) === null)
        svg.appendChild(svgElement("circle", { class: `${className} dot`, cx: x, cy: y(value), r: 2.5 }));
      drawing = true;
    });
    if (d !== "") svg.appendChild(svgElement("path", { class: className, d }));
  }
  svg.appendChild(svgElement("text", { x: LEFT, y: HEIGHT - 4 }, "−2 min"));
  svg.appendChild(svgElement("text", { x: WIDTH - 24, y: HEIGHT - 4 }, "now"));
}

/** @param {SVGElement} svg */
function histogramChart(svg) {
  svg.replaceChildren();
  const counts = state.instantiation;
  const y = axes(svg, Math.max(1, ...counts) * 1.1);
  const width = (WIDTH - LEFT) / Math.max(1, counts.length);
  counts.forEach((count, i) => {
    const x = LEFT + i * width;
    const height = HEIGHT - BOTTOM - y(count);
    const bar = svgElement("rect", { class: "bar", x: x + 2, y: y(count), width: width - 4, height });
    bar.appendChild(svgElement("title", {}, `${count} instances`));
    svg.appendChild(bar);
    const bound = state.bounds[i];
    const label = bound === undefined ? `>${state.bounds.at(-1) ?? ""}` : `≤${bound}`;
    svg.appendChild(svgElement("text", { x: x + 2, y: HEIGHT - 6 }, label));
  });
}

function renderTables() {
  byId("app-name").textContent = state.app?.name ?? "";
  const stats = new Map(state.routes.map((r) => [r.component, r]));
  const routes = (state.app?.routes ?? []).map((r) => {
    const s = stats.get(r.component);
    return row([r.component, r.route, s?.requests ?? 0, s?.errors ?? 0]);
  });
  byId("routes")
    .querySelector("tbody")
    ?.replaceChildren(...routes);
  const instances = (state.app?.instances ?? []).map((i) =>
    row([i.component, i.ready, `${(i.memoryBytes / 1048576).toFixed(1)} MiB`]),
  );
  byId("instances")
    .querySelector("tbody")
    ?.replaceChildren(...instances);
  const requests = state.requests.map((r) =>
    row(
      [clock(r.time), r.method, r.path, r.component || "—", r.status, r.ms.toFixed(2), r.requestId],
      r.status >= 500 ? "status-5xx" : "",
    ),
  );
  byId("requests")
    .querySelector("tbody")
    ?.replaceChildren(...requests);
  byId("errors").replaceChildren(
    ...state.errors.map((e) => {
      const item = document.createElement("li");
      item.textContent = `${clock(e.time)} ${e.status} ${e.method} ${e.path} [${e.component || "—"}] ${e.requestId} ${e.error ?? ""}`;
      return item;
    }),
  );
}

function renderLogs() {
  const select = /** @type {HTMLSelectElement} */ (byId("log-component"));
  const chosen = select.value;
  const components = [...new Set(state.logs.map((l) => l.component))].sort();
  select.replaceChildren(
    new Option("all components", ""),
    ...components.map((c) => new Option(c, c, false, c === chosen)),
  );
  const lines = state.logs.filter((l) => chosen === "" || l.component === chosen);
  const source = (/** @type {LogRecord} */ l) => (l.stream === "host" ? " spindle:" : "");
  byId("logs").textContent = lines
    .map((l) => `${clock(l.time)} [${l.component}]${source(l)} ${l.line}`)
    .join("\n");
}

function render() {
  renderTables();
  renderLogs();
  const rate = /** @type {SVGElement} */ (/** @type {unknown} */ (byId("rate-chart")));
  const latency = /** @type {SVGElement} */ (/** @type {unknown} */ (byId("latency-chart")));
  const instantiation = /** @type {SVGElement} */ (/** @type {unknown} */ (byId("instantiation-chart")));
  lineChart(rate, [{ values: state.points.map((p) => p.requests), className: "rate" }]);
  lineChart(latency, [
    { values: state.points.map((p) => p.p50), className: "p50" },
    { values: state.points.map((p) => p.p99), className: "p99" },
  ]);
  histogramChart(instantiation);
}

/** @param {Snapshot & WithApp} snapshot */
function onSnapshot(snapshot) {
  state.app = snapshot.app;
  state.points = [...snapshot.points];
  state.requests = [...snapshot.requests].reverse();
  state.errors = [...snapshot.errors].reverse();
  state.logs = [...snapshot.logs];
  state.routes = [...snapshot.routes];
  state.instantiation = snapshot.instantiation;
  state.bounds = snapshot.instantiationBoundsMs;
  render();
}

/** @param {Tick & WithApp} tick */
function onTick(tick) {
  state.app = tick.app;
  state.points = [...state.points, tick.point].slice(-120);
  state.requests = [...[...tick.requests].reverse(), ...state.requests].slice(0, RECENT);
  state.errors = [...[...tick.errors].reverse(), ...state.errors].slice(0, RECENT);
  state.logs = [...state.logs, ...tick.logs].slice(-500);
  state.routes = [...tick.routes];
  state.instantiation = tick.instantiation;
  render();
}

/**
 * @param {Event} event
 * @returns {unknown}
 */
function data(event) {
  return JSON.parse(/** @type {MessageEvent<string>} */ (event).data);
}

const events = new EventSource("/events");
const connection = byId("connection");
events.addEventListener("open", () => {
  connection.textContent = "live";
  connection.className = "online";
});
events.addEventListener("error", () => {
  connection.textContent = "reconnecting…";
  connection.className = "offline";
});
events.addEventListener("snapshot", (event) => onSnapshot(/** @type {Snapshot & WithApp} */ (data(event))));
events.addEventListener("tick", (event) => onTick(/** @type {Tick & WithApp} */ (data(event))));
byId("log-component").addEventListener("change", renderLogs);
