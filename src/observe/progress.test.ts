import { test } from "node:test";
import assert from "node:assert/strict";
import { createProgress, formatBytes } from "./progress.ts";

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns: 100, write: (text: string) => chunks.push(text) } };
}

test("off a terminal: one plain line at the start and one at the end, no carriage returns", () => {
  const { chunks, out } = stream(false);
  const task = createProgress(out).start("Pushing layer 1/2", 2048, { bytes: true });
  task.update(1024);
  task.finish("Pushed layer 1/2");
  assert.deepEqual(chunks, ["Pushing layer 1/2 (2.0 KiB)\n", "Pushed layer 1/2\n"]);
});

test("on a terminal: a bar redrawn in place, throttled, then a final line", () => {
  const { chunks, out } = stream(true);
  let time = 0;
  const task = createProgress(out, () => time).start("Pulling", 100, { bytes: true });
  time = 100;
  task.update(50);
  task.update(60);
  time = 200;
  task.update(100);
  task.finish();
  assert.equal(chunks.length, 4, "start, two redraws (one update throttled away), finish");
  assert.equal(chunks[0], `\rPulling [>${" ".repeat(23)}] 0 B / 100 B\x1b[K`);
  assert.match(chunks[1] ?? "", /^\rPulling \[={12}> {11}\] 50 B \/ 100 B/);
  assert.match(chunks[2] ?? "", /^\rPulling \[={24}\] 100 B \/ 100 B/);
  assert.equal(chunks[3], "\r\x1b[KPulling: done\n");
});

test("on a terminal: other output scrolls above the bar, and a new detail redraws at once", () => {
  const { chunks, out } = stream(true);
  const task = createProgress(out, () => 0).start("Building", 2);
  task.update(1, "app: make");
  task.print("cc -o app.wasm app.c");
  assert.deepEqual(chunks.slice(1), [
    `\rBuilding [============>           ] 1 / 2 app: make\x1b[K`,
    "\r\x1b[Kcc -o app.wasm app.c\n",
    `\rBuilding [============>           ] 1 / 2 app: make\x1b[K`,
  ]);
});

test("off a terminal: printed output passes through as lines", () => {
  const { chunks, out } = stream(false);
  const task = createProgress(out).start("Building", 2);
  task.update(1, "app: make");
  task.print("cc -o app.wasm app.c");
  assert.deepEqual(chunks, ["Building (2)\n", "cc -o app.wasm app.c\n"]);
});

test("formats sizes in binary units", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MiB");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.0 GiB");
});
