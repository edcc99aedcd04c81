/**
 * One reconcile of one SpinApp, in the order of SpinKube's controller (reference §2.2): read the app,
 * resolve its executor (a Warning `MissingExecutor` Event and a retry if it is absent), stop if the app
 * is being deleted (its children go by ownerReference GC), read the app's facts from its image (HTTP
 * triggers, required variables; with the login its pods' pull Secrets hold, `image-login.ts`) and
 * reject an app that leaves a required variable unset, build the
 * desired objects with the pure builders, write them (`children.ts`), then write the status. Failures the
 * user must see become the `Accepted` condition and an Event (`failures.ts`).
 */
import type { KubeClient, KubeResource } from "../client/client.ts";
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  SECRETS,
  SERVICES,
  spinAppExecutors,
  spinApps,
} from "../client/resources.ts";
import { buildAppObjects, type AppObjects } from "../builders/app-objects.ts";
import { referencedObjects, type ReferencedData } from "../builders/runtime-config.ts";
import { parseSpinApp, parseSpinAppExecutor } from "../model/parse.ts";
import type { ApiGroup, SpinApp, SpinAppExecutor } from "../model/types.ts";
import { SpindleError } from "../../errors.ts";
import { KubeApiError } from "../client/api-error.ts";
import { missingVariables } from "./app-facts.ts";
import type { AppSource } from "./app-inspector.ts";
import type { EventRecorder } from "./events.ts";
import { ACCEPTED_CONDITION, ReconcileFailure, failureCondition, failureEvent } from "./failures.ts";
import { writeChildren } from "./children.ts";
import { imageLogin } from "./image-login.ts";
import type { OwnedAutoscalers } from "./owned-autoscalers.ts";
import { sameJson } from "./same-json.ts";
import { computeStatus, setCondition, type ConditionInput, type SpinAppStatus } from "./status.ts";

export interface AppReconcilerDeps {
  readonly client: KubeClient;
  readonly group: ApiGroup;
  readonly source: AppSource;
  readonly events: EventRecorder;
  readonly autoscalers: OwnedAutoscalers;
  readonly now: () => Date;
}

/** Reconciles `namespace/name`; throws when the queue should retry. */
export async function reconcileApp(deps: AppReconcilerDeps, namespace: string, name: string): Promise<void> {
  const raw = await deps.client.get(spinApps(deps.group), namespace, name);
  if (raw === undefined) {
    deps.autoscalers.forget(namespace, name);
    return;
  }
  try {
    await reconcileExisting(deps, raw);
    deps.events.forget(raw);
  } catch (error) {
    const failure = asFailure(error);
    if (failure === undefined) throw error;
    await deps.events.record(raw, { type: "Warning", ...failureEvent(failure) });
    const condition = failureCondition(failure);
    if (condition !== undefined) await writeCondition(deps, raw, condition);
    throw failure;
  }
}

async function reconcileExisting(deps: AppReconcilerDeps, raw: KubeResource): Promise<void> {
  const app = parseSpinApp(raw, `SpinApp ${raw.metadata.namespace}/${raw.metadata.name}`);
  const executor = await resolveExecutor(deps, app);
  if (raw.metadata.deletionTimestamp !== undefined) return;
  const objects = await desiredObjects(deps, app, executor);
  await writeChildren(deps.client, app, objects, deps.autoscalers);
  await writeStatus(deps, raw, executor);
}

async function resolveExecutor(deps: AppReconcilerDeps, app: SpinApp): Promise<SpinAppExecutor> {
  const namespace = app.metadata.namespace ?? "default";
  const raw = await deps.client.get(spinAppExecutors(deps.group), namespace, app.spec.executor);
  if (raw === undefined) {
    throw new ReconcileFailure(
      "MissingExecutor",
      `Could not find SpinAppExecutor ${namespace}/${app.spec.executor}`,
    );
  }
  return parseSpinAppExecutor(raw, `SpinAppExecutor ${namespace}/${app.spec.executor}`);
}

async function desiredObjects(
  deps: AppReconcilerDeps,
  app: SpinApp,
  executor: SpinAppExecutor,
): Promise<AppObjects> {
  const login = await imageLogin(deps.client, app);
  const facts = await deps.source.inspect(app.spec.image, login.credentials).catch((cause: unknown) => {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ReconcileFailure("ImageUnreadable", `cannot read the app from ${app.spec.image}: ${detail}`, {
      cause,
      ...(login.gaps.length === 0 ? {} : { hint: login.gaps.join("; ") }),
    });
  });
  const missing = missingVariables(app, facts);
  if (missing.length > 0) {
    throw new ReconcileFailure(
      "MissingVariables",
      `the app requires variables that spec.variables does not provide: ${missing.join(", ")}`,
    );
  }
  const referenced = executor.spec.createDeployment ? await readReferenced(deps.client, app) : {};
  return buildAppObjects(app, executor, { hasHttpTriggers: facts.hasHttpTriggers, referenced });
}

/** The data of the Secrets and ConfigMaps the app's runtime-config options refer to. */
async function readReferenced(client: KubeClient, app: SpinApp): Promise<ReferencedData> {
  const namespace = app.metadata.namespace ?? "default";
  const names = referencedObjects(app.spec.runtimeConfig);
  const secrets: Record<string, Record<string, string>> = {};
  const configMaps: Record<string, Record<string, string>> = {};
  for (const name of names.secrets) {
    const secret = await client.get(SECRETS, namespace, name);
    if (secret !== undefined) secrets[name] = decodeData(secret["data"]);
  }
  for (const name of names.configMaps) {
    const configMap = await client.get(CONFIG_MAPS, namespace, name);
    if (configMap !== undefined) configMaps[name] = { ...(configMap["data"] as Record<string, string>) };
  }
  return { secrets, configMaps };
}

function decodeData(data: unknown): Record<string, string> {
  const entries = Object.entries((data ?? {}) as Record<string, string>);
  return Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

/** SpinKube leaves the status alone when the executor creates no Deployment; Spindle adds `Accepted`. */
async function writeStatus(deps: AppReconcilerDeps, raw: KubeResource, executor: SpinAppExecutor) {
  const namespace = raw.metadata.namespace ?? "default";
  const previous = raw["status"] as SpinAppStatus | undefined;
  let status: SpinAppStatus = previous ?? { readyReplicas: 0 };
  if (executor.spec.createDeployment) {
    const [deployment, service] = await Promise.all([
      deps.client.get(DEPLOYMENTS, namespace, raw.metadata.name),
      deps.client.get(SERVICES, namespace, raw.metadata.name),
    ]);
    status = computeStatus({
      previous,
      executor: executor.metadata.name,
      deployment,
      service,
      now: deps.now(),
    });
  }
  await putStatus(deps, raw, withCondition(status, ACCEPTED_CONDITION, deps.now()));
}

async function writeCondition(deps: AppReconcilerDeps, raw: KubeResource, condition: ConditionInput) {
  const previous = (raw["status"] as SpinAppStatus | undefined) ?? { readyReplicas: 0 };
  await putStatus(deps, raw, withCondition(previous, condition, deps.now()));
}

function withCondition(status: SpinAppStatus, condition: ConditionInput, now: Date): SpinAppStatus {
  return { ...status, conditions: setCondition(status.conditions ?? [], condition, now) };
}

/** Writes the status subresource unless it is unchanged (an unchanged write would only wake the watch). */
async function putStatus(deps: AppReconcilerDeps, raw: KubeResource, status: SpinAppStatus) {
  if (sameJson(status, raw["status"])) return;
  await deps.client.updateStatus(spinApps(deps.group), { ...raw, status });
}

function asFailure(error: unknown): ReconcileFailure | undefined {
  if (error instanceof ReconcileFailure) return error;
  if (error instanceof SpindleError && !(error instanceof KubeApiError)) {
    return new ReconcileFailure("InvalidSpec", error.message, {
      cause: error,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  }
  return undefined;
}
