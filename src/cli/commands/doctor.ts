/**
 * `spindle doctor`: a readable health report of this machine for Spindle — runtime, toolchain, cache
 * directory, with `--admin URL` a running Spindle's admin endpoint, and with `--node` what a Kubernetes
 * node needs to run Spin apps through containerd-shim-spindle-v2. Exits 1 when a check failed.
 */
import { existsSync } from "node:fs";
import { kubeconfigPath } from "../../kube/client/connection.ts";
import { cacheDir } from "../cache-dir.ts";
import { flagOption, stringOption, type Command, type ParsedOptions } from "../command.ts";
import {
  checkAdmin,
  checkCacheDir,
  checkJspi,
  checkNode,
  checkSqlite,
  checkToolchain,
} from "../doctor/checks.ts";
import {
  checkContainerd,
  checkContainerdConfig,
  checkPodNetworking,
  defaultContainerdPaths,
  checkRuntimeClass,
  checkShim,
} from "../doctor/node-checks.ts";
import { formatReport, type CheckResult } from "../doctor/report.ts";

const NODE_OPTIONS = ["containerd-config", "containerd-address", "kubeconfig"];

export const doctorCommand: Command = {
  name: "doctor",
  usage: `Usage: spindle doctor [options]

Options:
      --admin <URL>           also check a running spindle's admin endpoint (its --admin-listen address),
                              sending the token in SPINDLE_ADMIN_TOKEN when set
      --node                  also check this Kubernetes node for containerd-shim-spindle-v2: containerd's
                              config registers it, it runs, containerd answers, and (with a kubeconfig) a
                              RuntimeClass uses it
      --containerd-config <FILE>
                              containerd's config, with the files it imports (default:
                              /etc/containerd/config.toml, or the one MicroK8s, RKE2, k3s or k0s
                              generates); implies --node
      --containerd-address <SOCKET>
                              containerd's socket (default: /run/containerd/containerd.sock, or
                              MicroK8s's, RKE2's, k3s's or k0s's own); implies --node
      --kubeconfig <FILE>     for the RuntimeClass check (default: $KUBECONFIG or ~/.kube/config, skipped
                              when there is none); implies --node
`,
  options: {
    admin: { type: "string" },
    node: { type: "boolean" },
    "containerd-config": { type: "string" },
    "containerd-address": { type: "string" },
    kubeconfig: { type: "string" },
  },
  run: doctor,
};

async function doctor(options: ParsedOptions): Promise<number> {
  const results = [
    checkNode(),
    checkJspi(),
    await checkSqlite(),
    await checkToolchain(),
    checkCacheDir(cacheDir()),
    await checkAdmin(adminUrl(stringOption(options, "admin")), process.env["SPINDLE_ADMIN_TOKEN"]),
    ...(await nodeChecks(options)),
  ];
  process.stdout.write(formatReport(results));
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

async function nodeChecks(options: ParsedOptions): Promise<CheckResult[]> {
  const wanted =
    flagOption(options, "node") || NODE_OPTIONS.some((o) => stringOption(options, o) !== undefined);
  if (!wanted) {
    return [
      { name: "node", status: "skip", detail: "not checked (pass --node on a node that runs the shim)" },
    ];
  }
  const defaults = defaultContainerdPaths();
  const config = checkContainerdConfig(stringOption(options, "containerd-config") ?? defaults.config);
  const kubeconfig = kubeconfigPath(stringOption(options, "kubeconfig"));
  return [
    config.result,
    await checkShim(config.runtime?.runtimeType, process.env["PATH"] ?? ""),
    await checkPodNetworking(config.runtime?.runtimeType, process.env["PATH"] ?? ""),
    await checkContainerd(stringOption(options, "containerd-address") ?? defaults.address),
    await checkRuntimeClass(config.runtime?.name, existsSync(kubeconfig) ? kubeconfig : undefined),
  ];
}

/** Accepts `HOST:PORT` as well as a URL. */
function adminUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^https?:\/\//.test(value) ? value : `http://${value}`;
}
