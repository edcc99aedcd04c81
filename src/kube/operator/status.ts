/**
 * The SpinApp status, computed as SpinKube's `updateStatus` does (pure): `activeScheduler` is the
 * executor; the `Available` and `Progressing` conditions and `readyReplicas` are copied from the
 * Deployment (or `Unknown`/`DeploymentNotFound` without one); `deploymentName` and `serviceName` name the
 * objects that exist. `selector` is the Deployment's pod selector as a label-selector string, which the
 * CRD's scale subresource reports (its `labelSelectorPath`), so that an HPA can target the SpinApp.
 * Spindle adds one condition of its own, `Accepted`, saying whether the operator could act on the app
 * (see `failures.ts`). Conditions follow `meta.SetStatusCondition`: `lastTransitionTime` moves only when a
 * condition's status changes.
 */
import type { KubeResource } from "../client/client.ts";

export interface Condition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export type ConditionInput = Omit<Condition, "lastTransitionTime">;

export interface SpinAppStatus {
  readonly conditions?: readonly Condition[];
  readonly activeScheduler?: string;
  readonly readyReplicas: number;
  readonly deploymentName?: string;
  readonly serviceName?: string;
  readonly selector?: string;
}

/** Sets `condition` in `conditions`, keeping its transition time when its status is unchanged. */
export function setCondition(
  conditions: readonly Condition[],
  condition: ConditionInput,
  now: Date,
): Condition[] {
  const existing = conditions.find((c) => c.type === condition.type);
  const lastTransitionTime =
    existing !== undefined && existing.status === condition.status
      ? existing.lastTransitionTime
      : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const next = { ...condition, lastTransitionTime };
  return existing === undefined
    ? [...conditions, next]
    : conditions.map((c) => (c.type === condition.type ? next : c));
}

export interface StatusInputs {
  readonly previous: SpinAppStatus | undefined;
  readonly executor: string;
  readonly deployment: KubeResource | undefined;
  readonly service: KubeResource | undefined;
  readonly now: Date;
}

interface DeploymentSpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
}

interface DeploymentStatus {
  readonly readyReplicas?: number;
  readonly conditions?: readonly { type?: string; status?: string; reason?: string; message?: string }[];
}

/** The status after a reconcile of an app whose executor creates Deployments. */
export function computeStatus(inputs: StatusInputs): SpinAppStatus {
  const { previous, deployment, now } = inputs;
  let conditions = [...(previous?.conditions ?? [])];
  const status: Record<string, unknown> = { ...previous, activeScheduler: inputs.executor };
  // Only a Deployment there now has pods for the scale subresource to select.
  delete status["selector"];
  if (deployment === undefined) {
    for (const type of ["Available", "Progressing"]) {
      conditions = setCondition(
        conditions,
        { type, status: "Unknown", reason: "DeploymentNotFound", message: "Deployment not found" },
        now,
      );
    }
    status["readyReplicas"] = 0;
  } else {
    const observed = (deployment["status"] ?? {}) as DeploymentStatus;
    status["deploymentName"] = deployment.metadata.name;
    Object.assign(status, selectorOf(deployment));
    for (const c of observed.conditions ?? []) {
      if (c.type !== "Available" && c.type !== "Progressing") continue;
      conditions = setCondition(conditions, copied(c.type, c), now);
    }
    status["readyReplicas"] = observed.readyReplicas ?? 0;
  }
  if (inputs.service !== undefined) status["serviceName"] = inputs.service.metadata.name;
  return { ...(status as unknown as SpinAppStatus), conditions };
}

/**
 * The selector's `matchLabels` as `key=value` pairs sorted by key, as Kubernetes formats a selector for a
 * Deployment's own scale subresource. The operator's Deployments select by labels only.
 */
function selectorOf(deployment: KubeResource): { selector?: string } {
  const spec = deployment["spec"] as DeploymentSpec | undefined;
  const labels = Object.entries(spec?.selector?.matchLabels ?? {});
  if (labels.length === 0) return {};
  const sorted = labels.sort(([a], [b]) => (a < b ? -1 : 1));
  return { selector: sorted.map(([k, v]) => `${k}=${v}`).join(",") };
}

function copied(type: string, c: { status?: string; reason?: string; message?: string }): ConditionInput {
  const known = c.status === "True" || c.status === "False" ? c.status : "Unknown";
  return { type, status: known, reason: c.reason ?? "", message: c.message ?? "" };
}
