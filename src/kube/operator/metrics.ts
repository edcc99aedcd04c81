/**
 * The operator's own counters, in Prometheus text format: reconciles by controller and result, and the
 * time spent in them. Plain numbers in memory; `operator-server.ts` serves them on `/metrics`.
 */

type Result = "success" | "error";

export class OperatorMetrics {
  readonly #reconciles = new Map<string, number>();
  readonly #seconds = new Map<string, number>();

  observe(controller: string, result: Result, seconds: number): void {
    const key = `controller="${controller}",result="${result}"`;
    this.#reconciles.set(key, (this.#reconciles.get(key) ?? 0) + 1);
    this.#seconds.set(controller, (this.#seconds.get(controller) ?? 0) + seconds);
  }

  /** How many reconciles of `controller` ended with `result`. */
  count(controller: string, result: Result): number {
    return this.#reconciles.get(`controller="${controller}",result="${result}"`) ?? 0;
  }

  text(): string {
    const lines = [
      "# HELP spindle_operator_reconcile_total Reconciles by controller and result.",
      "# TYPE spindle_operator_reconcile_total counter",
      ...[...this.#reconciles].map(([labels, n]) => `spindle_operator_reconcile_total{${labels}} ${n}`),
      "# HELP spindle_operator_reconcile_seconds_total Time spent reconciling, by controller.",
      "# TYPE spindle_operator_reconcile_seconds_total counter",
      ...[...this.#seconds].map(
        ([controller, s]) => `spindle_operator_reconcile_seconds_total{controller="${controller}"} ${s}`,
      ),
    ];
    return `${lines.join("\n")}\n`;
  }
}
