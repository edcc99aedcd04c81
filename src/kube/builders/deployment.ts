/**
 * The Deployment SpinKube's operator applies for a SpinApp: one container named after the app, run either
 * by a RuntimeClass shim (`command: ["/"]`) or by a Spin CLI image (`spinImage`, "spintainer" mode), with
 * the env, storage and probes of the sibling modules. Pure: the caller resolves the runtime-config and CA
 * Secret names first.
 */
import { SpindleError } from "../../errors.ts";
import type { SpinApp, SpinAppExecutor } from "../model/types.ts";
import { buildEnv } from "./env.ts";
import { HTTP_PORT, HTTP_PORT_NAME, appObjectMeta, nonEmpty, selectorLabels } from "./labels.ts";
import { buildProbes } from "./probes.ts";
import { buildStorage } from "./volumes.ts";

export interface DeploymentInputs {
  readonly app: SpinApp;
  readonly executor: SpinAppExecutor;
  /** The generated runtime-config Secret, or the app's `loadFromSecret`. */
  readonly runtimeConfigSecret?: string;
  /** The CA bundle Secret, when the executor asks for one. */
  readonly caSecret?: string;
}

/** The Deployment object, ready for server-side apply. */
export function buildDeployment(inputs: DeploymentInputs) {
  const { app } = inputs;
  const selector = selectorLabels(app);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: appObjectMeta(app, app.metadata.name, {
      annotations: app.spec.deploymentAnnotations,
      controller: true,
    }),
    spec: {
      ...(app.spec.enableAutoscaling ? {} : { replicas: app.spec.replicas ?? 0 }),
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...app.spec.podLabels, ...selector },
          ...nonEmpty("annotations", app.spec.podAnnotations),
        },
        spec: podSpec(inputs),
      },
    },
  };
}

/** The ServiceAccount the app's pods run as: `spec.serviceAccountName`, else the namespace's `default`. */
export function podServiceAccountName(app: SpinApp): string {
  return app.spec.serviceAccountName || "default";
}

function podSpec(inputs: DeploymentInputs) {
  const { app, executor } = inputs;
  const storage = buildStorage(app, inputs.runtimeConfigSecret, inputs.caSecret);
  const runtimeClassName = executor.spec.deploymentConfig?.runtimeClassName;
  const pullSecrets = app.spec.imagePullSecrets ?? [];
  return {
    ...(runtimeClassName === undefined ? {} : { runtimeClassName }),
    serviceAccountName: podServiceAccountName(app),
    ...(pullSecrets.length === 0 ? {} : { imagePullSecrets: pullSecrets.map((s) => ({ name: s.name })) }),
    ...nonEmpty("nodeSelector", app.spec.nodeSelector),
    ...(app.spec.tolerations === undefined ? {} : { tolerations: [...app.spec.tolerations] }),
    containers: [
      {
        name: app.metadata.name,
        ...containerProgram(app, executor),
        ports: [{ name: HTTP_PORT_NAME, containerPort: HTTP_PORT }],
        env: buildEnv(app, executor),
        resources: {
          ...nonEmpty("limits", app.spec.resources?.limits),
          ...nonEmpty("requests", app.spec.resources?.requests),
        },
        ...(storage.volumeMounts.length === 0 ? {} : { volumeMounts: storage.volumeMounts }),
        ...buildProbes(app),
      },
    ],
    ...(storage.volumes.length === 0 ? {} : { volumes: storage.volumes }),
  };
}

function containerProgram(app: SpinApp, executor: SpinAppExecutor) {
  const config = executor.spec.deploymentConfig;
  if (config?.runtimeClassName !== undefined) return { image: app.spec.image, command: ["/"] };
  if (config?.spinImage !== undefined) {
    const args = ["up", "--listen", `0.0.0.0:${HTTP_PORT}`, "-f", app.spec.image];
    args.push("--runtime-config-file", "/runtime-config.toml");
    for (const component of app.spec.components ?? []) args.push("--component-id", component);
    return { image: config.spinImage, args };
  }
  throw new SpindleError("must specify either runtimeClassName or spinImage", {
    hint: `Set spec.deploymentConfig.runtimeClassName or spec.deploymentConfig.spinImage on the SpinAppExecutor "${executor.metadata.name}".`,
  });
}
