/**
 * Renders benchmark rows as a Markdown table (with each row's ratio to the first, the baseline) and as an
 * SVG bar chart of throughput. Pure.
 */
export interface Row {
  readonly name: string;
  /** Requests per second, median of the runs. */
  readonly rps: number;
  /** Latency percentiles in milliseconds, medians of the runs. */
  readonly p50: number;
  readonly p99: number;
  /** From process start to the `Serving` line. */
  readonly startupMs: number;
}

export interface Meta {
  readonly date: string;
  readonly runs: number;
  readonly duration: string;
  readonly connections: number;
  readonly pinned: boolean;
  readonly node: string;
}

export function renderMarkdown(rows: readonly Row[], meta: Meta): string {
  const base = rows[0]?.rps ?? Number.NaN;
  const lines = [
    `Measured ${meta.date} on Node ${meta.node}: wrk -t1 -c${meta.connections} -d${meta.duration}, median of ${meta.runs} runs after a warm-up run${meta.pinned ? "; server on CPU 0, wrk on CPU 1" : ""}.`,
    "",
    "| server | req/s | vs baseline | p50 ms | p99 ms | start-up ms (warm cache) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / base).toFixed(3)}× | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.startupMs.toFixed(0)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

export function renderSvg(rows: readonly Row[]): string {
  const width = 720;
  const barHeight = 28;
  const labelWidth = 320;
  const max = Math.max(...rows.map((r) => r.rps), 1);
  const height = rows.length * (barHeight + 12) + 40;
  const bars = rows.map((r, i) => {
    const y = 30 + i * (barHeight + 12);
    const w = ((width - labelWidth - 90) * r.rps) / max;
    return [
      `<text x="8" y="${y + 19}" font-size="13">${escape(r.name)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#3b82f6"/>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 19}" font-size="13">${r.rps.toFixed(0)} req/s</text>`,
    ].join("");
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="8" y="18" font-size="14" font-weight="bold">Throughput (higher is better)</text>${bars.join("")}</svg>\n`;
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
