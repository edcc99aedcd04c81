/** What each benchmark contributes to bench/results/: its part of results.md and its chart. */
export interface Section {
  /** The key in results.json and the chart's file name (`<id>.svg`). */
  readonly id: string;
  readonly markdown: string;
  readonly svg: string;
}
