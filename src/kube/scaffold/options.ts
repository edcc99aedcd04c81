/**
 * The inputs of `spindle kube scaffold` and their checks, with spin-plugin-kube's defaults and exact
 * messages (`the minimum replica count (-1) must be greater than 0`). Also derives the app name from the
 * image reference. Pure.
 */
import { SpindleError } from "../../errors.ts";
import { tryParseReference } from "../../oci/reference.ts";

export interface ScaffoldOptions {
  readonly from: string;
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly autoscaler: string;
  readonly targetCpuUtilization: number;
  readonly targetMemoryUtilization: number;
  readonly executor: string;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly azureIdentity: boolean;
  readonly serviceAccountName: string;
  /** The runtime-config file's contents, when `--runtime-config-file` was given. */
  readonly runtimeConfig?: Uint8Array;
  readonly imagePullSecrets: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  readonly components: readonly string[];
}

export const SCAFFOLD_DEFAULTS = {
  replicas: 2,
  maxReplicas: 3,
  autoscaler: "",
  targetCpuUtilization: 60,
  targetMemoryUtilization: 60,
  executor: "containerd-shim-spin",
  cpuLimit: "",
  memoryLimit: "",
  cpuRequest: "",
  memoryRequest: "",
  azureIdentity: false,
  serviceAccountName: "",
  imagePullSecrets: [],
  variables: {},
  components: [],
} as const;

function fail(message: string): never {
  throw new SpindleError(message, { hint: "see `spindle kube scaffold --help`" });
}

/** Checks the options in spin-plugin-kube's order; throws a `SpindleError` with its message. */
export function validateScaffold(options: ScaffoldOptions): void {
  if (options.replicas < 0) fail(`the minimum replica count (${options.replicas}) must be greater than 0`);
  if (tryParseReference(options.from) === undefined)
    fail(`invalid image reference provided: '${options.from}'`);
  if (options.autoscaler === "") return;
  if (options.autoscaler !== "hpa" && options.autoscaler !== "keda") {
    fail(
      `invalid autoscaler type '${options.autoscaler}'; the autoscaler type must be either 'hpa' or 'keda'`,
    );
  }
  if (options.maxReplicas < 0) {
    fail(`the maximum replica count (${options.maxReplicas}) must be equal to or greater than 0`);
  }
  if (options.replicas > options.maxReplicas) {
    fail(
      `the minimum replica count (${options.replicas}) must be less than or equal to the maximum replica count (${options.maxReplicas})`,
    );
  }
  if (options.cpuLimit === "") fail("cpu limits must be set when autoscaling is enabled");
  if (options.memoryLimit === "") fail("memory limits must be set when autoscaling is enabled");
  checkPercent("cpu", options.targetCpuUtilization);
  checkPercent("memory", options.targetMemoryUtilization);
}

function checkPercent(what: string, value: number): void {
  if (value < 1 || value > 100)
    fail(`target ${what} utilization percentage (${value}) must be between 1 and 100`);
}

/** The app name: the last path segment of the image's repository, without tag or digest. */
export function appNameFromImage(image: string): string {
  const reference = tryParseReference(image);
  const repository = reference?.repository ?? image;
  return repository.slice(repository.lastIndexOf("/") + 1);
}
