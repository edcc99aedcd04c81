/**
 * The OpenAPI schemas of SpinApp and SpinAppExecutor (`core.spinkube.dev/v1alpha1`): every field SpinKube
 * defines, with its CRD defaults. Embedded core Kubernetes types (volumes, env sources, resource lists) are
 * kept open (`x-kubernetes-preserve-unknown-fields`) and checked by the API server's own types when the
 * operator applies the objects built from them.
 */
import type { Schema } from "./schema-types.ts";

const str: Schema = { type: "string" };
const int32: Schema = { type: "integer", format: "int32" };
const stringMap: Schema = { type: "object", additionalProperties: str };
const open: Schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
const quantity: Schema = {
  anyOf: [{ type: "integer" }, { type: "string" }],
  "x-kubernetes-int-or-string": true,
};

const keyRef: Schema = {
  type: "object",
  required: ["key"],
  properties: { key: str, name: { type: "string", default: "" }, optional: { type: "boolean" } },
  "x-kubernetes-map-type": "atomic",
};

const probe: Schema = {
  type: "object",
  description: "An HTTP health check for the app's container.",
  properties: {
    httpGet: {
      type: "object",
      required: ["path"],
      properties: {
        path: str,
        httpHeaders: {
          type: "array",
          items: { type: "object", required: ["name", "value"], properties: { name: str, value: str } },
        },
      },
    },
    initialDelaySeconds: { ...int32, default: 10 },
    timeoutSeconds: { ...int32, default: 1 },
    periodSeconds: { ...int32, default: 10 },
    successThreshold: { ...int32, default: 1 },
    failureThreshold: { ...int32, default: 3 },
  },
};

const option: Schema = {
  type: "object",
  required: ["name"],
  properties: {
    name: str,
    value: str,
    valueFrom: { type: "object", properties: { configMapKeyRef: keyRef, secretKeyRef: keyRef } },
  },
};

const namedConfig: Schema = {
  type: "object",
  required: ["name", "type"],
  properties: { name: str, type: str, options: { type: "array", items: option } },
};

const runtimeConfig: Schema = {
  type: "object",
  properties: {
    loadFromSecret: str,
    sqliteDatabases: { type: "array", items: namedConfig },
    keyValueStores: { type: "array", items: namedConfig },
    llmCompute: {
      type: "object",
      required: ["type"],
      properties: { type: str, options: { type: "array", items: option } },
    },
  },
};

export const spinAppSpecSchema: Schema = {
  type: "object",
  description: "The desired state of a Spin application.",
  required: ["executor", "image"],
  properties: {
    executor: str,
    image: str,
    imagePullSecrets: {
      type: "array",
      items: {
        type: "object",
        properties: { name: { type: "string", default: "" } },
        "x-kubernetes-map-type": "atomic",
      },
    },
    checks: { type: "object", properties: { readiness: probe, liveness: probe } },
    replicas: int32,
    enableAutoscaling: { type: "boolean", default: false },
    runtimeConfig,
    volumes: { type: "array", items: open },
    volumeMounts: { type: "array", items: open },
    variables: {
      type: "array",
      items: { type: "object", required: ["name"], properties: { name: str, value: str, valueFrom: open } },
    },
    serviceAnnotations: stringMap,
    deploymentAnnotations: stringMap,
    podAnnotations: stringMap,
    podLabels: stringMap,
    resources: {
      type: "object",
      properties: {
        limits: { type: "object", additionalProperties: quantity },
        requests: { type: "object", additionalProperties: quantity },
      },
    },
    components: { type: "array", minItems: 1, items: str },
    serviceAccountName: str,
    invocationLimits: stringMap,
  },
};

const condition: Schema = {
  type: "object",
  required: ["lastTransitionTime", "message", "reason", "status", "type"],
  properties: {
    lastTransitionTime: { type: "string", format: "date-time" },
    message: str,
    observedGeneration: { type: "integer", format: "int64" },
    reason: str,
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    type: str,
  },
};

export const spinAppStatusSchema: Schema = {
  type: "object",
  required: ["readyReplicas"],
  properties: {
    conditions: { type: "array", items: condition },
    activeScheduler: str,
    readyReplicas: int32,
    deploymentName: str,
    serviceName: str,
    selector: {
      type: "string",
      description: "The pod label selector, as a string, for the scale subresource.",
    },
  },
};

export const spinAppExecutorSpecSchema: Schema = {
  type: "object",
  required: ["createDeployment"],
  properties: {
    createDeployment: { type: "boolean" },
    deploymentConfig: {
      type: "object",
      properties: {
        runtimeClassName: str,
        spinImage: str,
        caCertSecret: str,
        installDefaultCACerts: { type: "boolean" },
        otel: {
          type: "object",
          properties: {
            exporter_otlp_endpoint: str,
            exporter_otlp_traces_endpoint: str,
            exporter_otlp_metrics_endpoint: str,
            exporter_otlp_logs_endpoint: str,
          },
        },
      },
    },
  },
};

export const spinAppExecutorStatusSchema: Schema = { type: "object" };
