/**
 * `spindle kube scaffold`: prints the SpinApp manifest (and, when asked, its runtime-config Secret and
 * an HPA or KEDA autoscaler) for an app image, with the flags, checks and output of `spin kube scaffold`.
 * The command takes the sub-command as an operand: `scaffold` here, `operator` and `deploy` in their own
 * modules.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SpindleError } from "../../errors.ts";
import { SCAFFOLD_DEFAULTS, validateScaffold, type ScaffoldOptions } from "../../kube/scaffold/options.ts";
import { renderScaffold } from "../../kube/scaffold/render.ts";
import { flagOption, listOption, stringOption, type Command, type ParsedOptions } from "../command.ts";
import { DEPLOY_USAGE, runDeploy } from "./kube-deploy.ts";
import { OPERATOR_USAGE, operatorOptions, runOperator } from "./kube-operator.ts";

const USAGE = `Usage: spindle kube scaffold -f <IMAGE> [options]

Prints a SpinApp manifest for a Spin app image (as \`spin kube scaffold\` does).

Options:
  -f, --from <IMAGE>                              the app's image reference (required)
  -r, --replicas <N>                              replicas, or the minimum with an autoscaler (default 2)
      --max-replicas <N>                          the maximum replicas with an autoscaler (default 3)
      --autoscaler <hpa|keda>                     also print a HorizontalPodAutoscaler or KEDA ScaledObject
      --autoscaler-target-cpu-utilization <N>     target CPU utilization, percent (default 60)
      --autoscaler-target-memory-utilization <N>  target memory utilization, percent (default 60)
      --executor <NAME>                           the SpinAppExecutor (default containerd-shim-spin)
      --cpu-limit <Q>, --memory-limit <Q>         container limits (both required with an autoscaler)
      --cpu-request <Q>, --memory-request <Q>     container requests (only printed with a limit)
      --azure-identity                            label pods for Azure workload identity
      --service-account-name <NAME>               the pods' service account
  -c, --runtime-config-file <FILE>                put FILE in a Secret and load the runtime config from it
  -s, --image-pull-secret <NAME>                  an image pull secret (repeatable or comma-separated)
  -v, --variable <NAME=VALUE>                     an application variable (repeatable)
      --component <ID>                            a component to run (repeatable; default all)
  -o, --out <FILE>                                write the manifest to FILE instead of standard output

${DEPLOY_USAGE}
${OPERATOR_USAGE}`;

const INTEGER = /^[+-]?\d+$/;

export const kubeCommand: Command = {
  name: "kube",
  usage: USAGE,
  positionals: true,
  options: {
    from: { type: "string", short: "f" },
    replicas: { type: "string", short: "r" },
    "max-replicas": { type: "string" },
    autoscaler: { type: "string" },
    "autoscaler-target-cpu-utilization": { type: "string" },
    "autoscaler-target-memory-utilization": { type: "string" },
    executor: { type: "string" },
    "cpu-limit": { type: "string" },
    "memory-limit": { type: "string" },
    "cpu-request": { type: "string" },
    "memory-request": { type: "string" },
    "azure-identity": { type: "boolean" },
    "service-account-name": { type: "string" },
    "runtime-config-file": { type: "string", short: "c" },
    "image-pull-secret": { type: "string", short: "s", multiple: true },
    variable: { type: "string", short: "v", multiple: true },
    component: { type: "string", multiple: true },
    out: { type: "string", short: "o" },
    ...operatorOptions,
  },
  run: dispatch,
};

function dispatch(options: ParsedOptions): Promise<number> {
  const [name, ...extra] = options.positionals;
  if (name === "deploy") return runDeploy(options, extra);
  if (name === "operator") return extra.length === 0 ? runOperator(options) : noOperands(name, extra);
  if (name !== "scaffold") {
    const message = name === undefined ? "spindle kube: name a sub-command" : `unknown sub-command '${name}'`;
    throw new SpindleError(message, {
      hint: "the sub-commands are scaffold, deploy and operator; see `spindle kube --help`",
    });
  }
  if (extra.length > 0) {
    throw new SpindleError(`spindle kube scaffold takes no operands, got '${extra.join(" ")}'`, {
      hint: "pass the image with -f <IMAGE>",
    });
  }
  return Promise.resolve(scaffold(options));
}

function noOperands(name: string, extra: readonly string[]): never {
  throw new SpindleError(`spindle kube ${name} takes no operands, got '${extra.join(" ")}'`, {
    hint: `see \`spindle kube --help\``,
  });
}

function scaffold(options: ParsedOptions): number {
  const scaffoldOptions = readScaffoldOptions(options);
  validateScaffold(scaffoldOptions);
  const text = renderScaffold(scaffoldOptions);
  const out = stringOption(options, "out");
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  writeFileSync(out, text, { mode: 0o600 });
  process.stderr.write(`${logTimestamp(new Date())} \nApplication manifest saved to ${out}\n`);
  return 0;
}

/** Go's standard log prefix: `2006/01/02 15:04:05`, local time. */
export function logTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())}`;
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Turns parsed flags into scaffold options, applying spin-plugin-kube's defaults. */
export function readScaffoldOptions(options: ParsedOptions): ScaffoldOptions {
  const from = stringOption(options, "from");
  if (from === undefined) {
    throw new SpindleError('required flag(s) "from" not set', { hint: "pass the app image with -f <IMAGE>" });
  }
  const text = (name: string, fallback: string) => stringOption(options, name) ?? fallback;
  const configFile = stringOption(options, "runtime-config-file");
  return {
    from,
    replicas: integer(options, "replicas", "-r, --replicas", SCAFFOLD_DEFAULTS.replicas),
    maxReplicas: integer(options, "max-replicas", "--max-replicas", SCAFFOLD_DEFAULTS.maxReplicas),
    autoscaler: text("autoscaler", SCAFFOLD_DEFAULTS.autoscaler),
    targetCpuUtilization: integer(
      options,
      "autoscaler-target-cpu-utilization",
      "--autoscaler-target-cpu-utilization",
      SCAFFOLD_DEFAULTS.targetCpuUtilization,
    ),
    targetMemoryUtilization: integer(
      options,
      "autoscaler-target-memory-utilization",
      "--autoscaler-target-memory-utilization",
      SCAFFOLD_DEFAULTS.targetMemoryUtilization,
    ),
    executor: text("executor", SCAFFOLD_DEFAULTS.executor),
    cpuLimit: text("cpu-limit", ""),
    memoryLimit: text("memory-limit", ""),
    cpuRequest: text("cpu-request", ""),
    memoryRequest: text("memory-request", ""),
    azureIdentity: flagOption(options, "azure-identity"),
    serviceAccountName: text("service-account-name", ""),
    ...(configFile === undefined ? {} : { runtimeConfig: readConfigFile(configFile) }),
    imagePullSecrets: splitList(listOption(options, "image-pull-secret")),
    variables: parseVariables(listOption(options, "variable")),
    components: splitList(listOption(options, "component")),
  };
}

function integer(options: ParsedOptions, name: string, flag: string, fallback: number): number {
  const value = stringOption(options, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!INTEGER.test(value) || parsed < -(2 ** 31) || parsed >= 2 ** 31) {
    throw new SpindleError(`invalid argument "${value}" for "${flag}" flag: not a 32-bit integer`, {
      hint: `pass a whole number to ${flag}`,
    });
  }
  return parsed;
}

function readConfigFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new SpindleError(`cannot read the runtime config file ${path}`, {
      cause: error,
      hint: "check the path given to --runtime-config-file",
    });
  }
}

function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).filter((v) => v !== "");
}

function parseVariables(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(","))) {
    const equals = pair.indexOf("=");
    if (equals < 0) {
      throw new SpindleError(`${pair} must be formatted as key=value`, { hint: "pass -v NAME=VALUE" });
    }
    out[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return out;
}
