/**
 * The two shapes every benchmark table is drawn in: a Markdown table (first column left-aligned, the rest
 * right-aligned) and a horizontal SVG bar chart, one bar per row, its figure written after the bar. Pure,
 * no dependencies.
 */

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** What is written after the bar, e.g. `2196 req/s`. */
  readonly text: string;
}

export interface Chart {
  readonly title: string;
  readonly bars: readonly Bar[];
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, i) => (i === 0 ? "---" : "---:"));
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align), ...rows.map(line)].join("\n");
}

export function barChart(chart: Chart): string {
  const width = 760;
  const barHeight = 26;
  const gap = 12;
  const labelWidth = 340;
  const textWidth = 150;
  const finite = chart.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0));
  const max = Math.max(...finite, Number.MIN_VALUE);
  const height = chart.bars.length * (barHeight + gap) + 40;
  const bars = chart.bars.map((bar, i) => {
    const y = 30 + i * (barHeight + gap);
    const w = ((width - labelWidth - textWidth) * (finite[i] ?? 0)) / max;
    return [
      `<text x="8" y="${y + 18}" font-size="13">${escape(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#3b82f6"/>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 18}" font-size="13">${escape(bar.text)}</text>`,
    ].join("");
  });
  const title = `<text x="8" y="18" font-size="14" font-weight="bold">${escape(chart.title)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">${title}${bars.join("")}</svg>\n`;
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** `n` with `digits` decimals, or `n/a` when it was not measured. */
export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

/** `a / b` as a ratio such as `0.103×`. */
export function ratio(a: number, b: number): string {
  return `${fixed(a / b, 3)}×`;
}
