/**
 * Everything the operator applies for one SpinApp, computed in one pure call: the runtime-config Secret,
 * the Deployment (when the executor creates one), the Service (when the app has HTTP triggers) and the
 * autoscaler (an HPA or a KEDA ScaledObject, when the app enables autoscaling and has a Deployment). The
 * reconcile loop only reads referenced data, calls this, and applies the result.
 */
import type { SpinApp, SpinAppExecutor } from "../model/types.ts";
import { buildAutoscaler, type AutoscalingPolicy } from "./autoscaling.ts";
import { buildDeployment } from "./deployment.ts";
import { buildRuntimeConfigSecret, renderRuntimeConfig, type ReferencedData } from "./runtime-config.ts";
import { buildService } from "./service.ts";

/** The CA Secret SpinKube creates and mounts when the executor installs default CA certificates. */
export const DEFAULT_CA_SECRET = "spin-ca";

export interface AppObjectOptions {
  /** Whether the app has HTTP triggers; only those get a Service. */
  readonly hasHttpTriggers: boolean;
  /** Data of the Secrets and ConfigMaps the runtime config refers to. */
  readonly referenced?: ReferencedData;
  /** The autoscaler bounds and target where the app's annotations set none. */
  readonly autoscaling?: AutoscalingPolicy;
}

export interface AppObjects {
  readonly runtimeConfigSecret?: ReturnType<typeof buildRuntimeConfigSecret>;
  /** The CA Secret to create when missing (its content is the caller's), or `undefined`. */
  readonly caSecretName?: string;
  readonly deployment?: ReturnType<typeof buildDeployment>;
  readonly service?: ReturnType<typeof buildService>;
  readonly autoscaler?: ReturnType<typeof buildAutoscaler>;
}

/** The CA Secret name an executor asks for, if any. */
export function caSecretName(executor: SpinAppExecutor): string | undefined {
  const config = executor.spec.deploymentConfig;
  if (config?.installDefaultCACerts === true) return config.caCertSecret || DEFAULT_CA_SECRET;
  return config?.caCertSecret || undefined;
}

/** The desired objects for `app` run by `executor`. */
export function buildAppObjects(
  app: SpinApp,
  executor: SpinAppExecutor,
  options: AppObjectOptions,
): AppObjects {
  const service = options.hasHttpTriggers ? { service: buildService(app) } : {};
  if (!executor.spec.createDeployment) return service;
  return {
    ...deploymentObjects(app, executor, options),
    ...service,
    ...autoscalerObject(app, executor, options),
  };
}

function deploymentObjects(app: SpinApp, executor: SpinAppExecutor, options: AppObjectOptions): AppObjects {
  const toml = renderRuntimeConfig(app.spec.runtimeConfig, options.referenced);
  const secret = toml === undefined ? undefined : buildRuntimeConfigSecret(app, toml);
  const runtimeConfigSecret = secret?.metadata.name ?? app.spec.runtimeConfig?.loadFromSecret;
  const ca = caSecretName(executor);
  const deployment = buildDeployment({
    app,
    executor,
    ...(runtimeConfigSecret === undefined ? {} : { runtimeConfigSecret }),
    ...(ca === undefined ? {} : { caSecret: ca }),
  });
  return {
    ...(secret === undefined ? {} : { runtimeConfigSecret: secret }),
    ...(ca === undefined ? {} : { caSecretName: ca }),
    deployment,
  };
}

function autoscalerObject(app: SpinApp, executor: SpinAppExecutor, options: AppObjectOptions): AppObjects {
  if (!app.spec.enableAutoscaling) return {};
  return { autoscaler: buildAutoscaler(app, executor, options.autoscaling) };
}
