/**
 * The internal model of SpinApp and SpinAppExecutor: one shape for both `core.spinkube.dev/v1alpha1`
 * (current SpinKube) and the legacy `core.spinoperator.dev/v1alpha1` objects, produced by the parsers in
 * this folder and consumed by the pure builders in `src/kube/builders/`. Plain data, cheap to copy.
 */

/** The API group an object came in; it also names the label keyspace of the objects built for it. */
export type ApiGroup = "core.spinkube.dev" | "core.spinoperator.dev";

export const CURRENT_GROUP: ApiGroup = "core.spinkube.dev";
export const LEGACY_GROUP: ApiGroup = "core.spinoperator.dev";
export const VERSION = "v1alpha1";

export type StringMap = Readonly<Record<string, string>>;
/** A Kubernetes object kept as given (volumes, env sources, tolerations, …). */
export type KubeObject = Readonly<Record<string, unknown>>;
/** A resource list: `cpu: 100m`, `memory: 128Mi` (numbers allowed, as in Kubernetes). */
export type ResourceList = Readonly<Record<string, string | number>>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
}

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/** A health check; the timing fields always carry values (the CRD defaults them). */
export interface HealthProbe {
  readonly httpGet?: { readonly path: string; readonly httpHeaders?: readonly HttpHeader[] };
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export interface KeyRef {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}

export interface RuntimeConfigOption {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly configMapKeyRef?: KeyRef; readonly secretKeyRef?: KeyRef };
}

export interface NamedRuntimeConfig {
  readonly name: string;
  readonly type: string;
  readonly options?: readonly RuntimeConfigOption[];
}

export interface RuntimeConfig {
  readonly loadFromSecret?: string;
  readonly sqliteDatabases?: readonly NamedRuntimeConfig[];
  readonly keyValueStores?: readonly NamedRuntimeConfig[];
  readonly llmCompute?: { readonly type: string; readonly options?: readonly RuntimeConfigOption[] };
}

export interface SpinVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: KubeObject;
}

export interface SpinAppSpec {
  readonly executor: string;
  readonly image: string;
  readonly imagePullSecrets?: readonly { readonly name: string }[];
  readonly checks?: { readonly readiness?: HealthProbe; readonly liveness?: HealthProbe };
  readonly replicas?: number;
  readonly enableAutoscaling: boolean;
  readonly runtimeConfig?: RuntimeConfig;
  readonly volumes?: readonly KubeObject[];
  readonly volumeMounts?: readonly KubeObject[];
  readonly variables?: readonly SpinVar[];
  readonly serviceAnnotations?: StringMap;
  readonly deploymentAnnotations?: StringMap;
  readonly podAnnotations?: StringMap;
  readonly podLabels?: StringMap;
  readonly resources?: { readonly limits?: ResourceList; readonly requests?: ResourceList };
  readonly components?: readonly string[];
  readonly serviceAccountName?: string;
  readonly invocationLimits?: StringMap;
  /** Legacy `podSpec.tolerations`; never set for `core.spinkube.dev` objects. */
  readonly tolerations?: readonly KubeObject[];
  /** Legacy `podSpec.nodeSelector`; never set for `core.spinkube.dev` objects. */
  readonly nodeSelector?: StringMap;
}

export interface SpinApp {
  readonly group: ApiGroup;
  readonly metadata: ObjectMeta;
  readonly spec: SpinAppSpec;
}

export interface OtelConfig {
  readonly exporter_otlp_endpoint?: string;
  readonly exporter_otlp_traces_endpoint?: string;
  readonly exporter_otlp_metrics_endpoint?: string;
  readonly exporter_otlp_logs_endpoint?: string;
}

export interface DeploymentConfig {
  readonly runtimeClassName?: string;
  readonly spinImage?: string;
  readonly caCertSecret?: string;
  readonly installDefaultCACerts?: boolean;
  readonly otel?: OtelConfig;
}

export interface SpinAppExecutor {
  readonly group: ApiGroup;
  readonly metadata: ObjectMeta;
  readonly spec: { readonly createDeployment: boolean; readonly deploymentConfig?: DeploymentConfig };
}
