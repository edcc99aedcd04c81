/**
 * The YAML `spindle kube scaffold` prints, byte for byte as spin-plugin-kube's template writes it: the
 * SpinApp (image always double-quoted, image pull secrets indented by four), then the runtime-config
 * Secret and the autoscaler when asked for. The autoscaler documents come from the shared builders. Pure.
 */
import { stringify } from "yaml";
import {
  buildHorizontalPodAutoscaler,
  buildScaledObject,
  type AutoscalerSettings,
} from "../builders/autoscaling.ts";
import { CURRENT_GROUP, VERSION } from "../model/types.ts";
import { appNameFromImage, type ScaffoldOptions } from "./options.ts";

/** The whole output, ending with one newline. */
export function renderScaffold(options: ScaffoldOptions): string {
  const name = appNameFromImage(options.from);
  const documents = [spinAppDocument(options, name)];
  if (options.runtimeConfig !== undefined) documents.push(secretDocument(name, options.runtimeConfig));
  if (options.autoscaler !== "") documents.push(autoscalerDocument(options, name));
  return documents.join("---\n");
}

function spinAppDocument(options: ScaffoldOptions, name: string): string {
  const lines = [
    `apiVersion: ${CURRENT_GROUP}/${VERSION}`,
    "kind: SpinApp",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    `  image: "${options.from}"`,
    `  executor: ${options.executor}`,
    options.autoscaler === "" ? `  replicas: ${options.replicas}` : "  enableAutoscaling: true",
  ];
  if (options.azureIdentity) lines.push("  podLabels:", '    azure.workload.identity/use: "true"');
  if (options.serviceAccountName !== "") lines.push(`  serviceAccountName: ${options.serviceAccountName}`);
  lines.push(...variableLines(options.variables));
  if (options.components.length > 0)
    lines.push("  components:", ...options.components.map((c) => `  - ${c}`));
  lines.push(...resourceLines(options));
  if (options.imagePullSecrets.length > 0) {
    lines.push("  imagePullSecrets:", ...options.imagePullSecrets.map((s) => `    - name: ${s}`));
  }
  if (options.runtimeConfig !== undefined)
    lines.push("  runtimeConfig:", `    loadFromSecret: ${name}-runtime-config`);
  return `${lines.join("\n")}\n`;
}

function variableLines(variables: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(variables).sort();
  if (keys.length === 0) return [];
  return ["  variables:", ...keys.flatMap((k) => [`  - name: ${k}`, `    value: ${variables[k] ?? ""}`])];
}

function resourceLines(options: ScaffoldOptions): string[] {
  if (options.cpuLimit === "" && options.memoryLimit === "") return [];
  const lines = ["  resources:", "    limits:"];
  if (options.cpuLimit !== "") lines.push(`      cpu: ${options.cpuLimit}`);
  if (options.memoryLimit !== "") lines.push(`      memory: ${options.memoryLimit}`);
  if (options.cpuRequest === "" && options.memoryRequest === "") return lines;
  lines.push("    requests:");
  if (options.cpuRequest !== "") lines.push(`      cpu: ${options.cpuRequest}`);
  if (options.memoryRequest !== "") lines.push(`      memory: ${options.memoryRequest}`);
  return lines;
}

function secretDocument(name: string, contents: Uint8Array): string {
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    `  name: ${name}-runtime-config`,
    "type: Opaque",
    "data:",
    `  runtime-config.toml: ${Buffer.from(contents).toString("base64")}`,
    "",
  ].join("\n");
}

function autoscalerDocument(options: ScaffoldOptions, name: string): string {
  const settings: AutoscalerSettings = {
    name,
    minReplicas: options.replicas,
    maxReplicas: options.maxReplicas,
    targets: [
      { resource: "cpu", utilization: options.targetCpuUtilization },
      { resource: "memory", utilization: options.targetMemoryUtilization },
    ],
  };
  const object =
    options.autoscaler === "hpa" ? buildHorizontalPodAutoscaler(settings) : buildScaledObject(settings);
  return stringify(object, { indentSeq: false, lineWidth: 0 });
}
