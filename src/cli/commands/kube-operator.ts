/**
 * `spindle kube operator`: runs the SpinApp and SpinAppExecutor controllers against a cluster (the
 * kubeconfig's, or the pod's service account), with SpinKube's metrics and health-probe flags, until
 * SIGINT or SIGTERM. With `--leader-elect` the controllers run only while this process holds the
 * leader Lease; losing it ends the process with status 1 (as controller-runtime's manager does), so the
 * pod restarts as a standby. Only wiring: the controllers live in `src/kube/operator/`.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { KubeClient } from "../../kube/client/client.ts";
import { CURRENT_GROUP, LEGACY_GROUP, type ApiGroup } from "../../kube/model/types.ts";
import { LEADER_LEASE, LeaderElector } from "../../kube/operator/leader-election.ts";
import { Operator } from "../../kube/operator/operator.ts";
import { startEndpoint } from "../../kube/operator/operator-server.ts";
import { clusterLookups, DEFAULT_CERT_DIR, startWebhookServer } from "../../kube/webhook/server.ts";
import { flagOption, stringOption, type Command, type ParsedOptions } from "../command.ts";

export const OPERATOR_USAGE = `Usage: spindle kube operator [options]

Runs the Spindle operator: reconciles SpinApps and SpinAppExecutors until stopped.

Options:
      --kubeconfig <FILE>                   the kubeconfig (default: in a pod its service account,
                                            else $KUBECONFIG or ~/.kube/config)
  -n, --namespace <NS>                      watch one namespace (default: all)
      --legacy-group                        serve core.spinoperator.dev instead of core.spinkube.dev
      --leader-elect                        reconcile only while holding the Lease ${LEADER_LEASE}
      --leader-election-namespace <NS>      the Lease's namespace (default: the pod's or context's)
      --metrics-bind-address <ADDR>         /metrics address (default :8080; 0 turns it off)
      --health-probe-bind-address <ADDR>    /healthz and /readyz address (default :8082; 0 turns it off)
      --enable-webhooks                     serve the defaulting and validating admission webhooks (HTTPS)
      --webhook-bind-address <ADDR>         the webhooks' address (default :9443)
      --webhook-cert-dir <DIR>              holds tls.crt and tls.key
                                            (default ${DEFAULT_CERT_DIR})
`;

export const operatorOptions: Command["options"] = {
  kubeconfig: { type: "string" },
  namespace: { type: "string", short: "n" },
  "legacy-group": { type: "boolean" },
  "leader-elect": { type: "boolean" },
  "leader-election-namespace": { type: "string" },
  "metrics-bind-address": { type: "string" },
  "health-probe-bind-address": { type: "string" },
  "enable-webhooks": { type: "boolean" },
  "webhook-bind-address": { type: "string" },
  "webhook-cert-dir": { type: "string" },
};

export async function runOperator(options: ParsedOptions): Promise<number> {
  const client = KubeClient.fromEnvironment(stringOption(options, "kubeconfig"));
  const group = flagOption(options, "legacy-group") ? LEGACY_GROUP : CURRENT_GROUP;
  const namespace = stringOption(options, "namespace");
  const operator = new Operator({ client, group, namespace });
  const elector = flagOption(options, "leader-elect")
    ? new LeaderElector({
        client,
        namespace: stringOption(options, "leader-election-namespace") ?? client.defaultNamespace,
        identity: `${hostname()}_${randomUUID()}`,
      })
    : undefined;
  const endpoints = await startEndpoints(options, { operator, elector }, client, group);
  const scope = namespace === undefined ? "all namespaces" : `namespace ${namespace}`;
  process.stderr.write(`Spindle operator: watching ${group} SpinApps in ${scope}\n`);
  for (const [what, url] of endpoints.urls) process.stderr.write(`Serving ${what} on ${url}\n`);
  const stop = new AbortController();
  const forget = abortOnSignal(stop);
  let code = 0;
  if (elector === undefined) {
    operator.start();
    await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
    await operator.stop();
  } else {
    process.stderr.write(`Leader election: ${elector.identity} is waiting for the Lease\n`);
    const end = await elector.run(
      stop.signal,
      () => operator.start(),
      () => operator.stop(),
    );
    code = end === "lost" ? 1 : 0;
  }
  forget();
  await Promise.all(endpoints.closers.map((close) => close()));
  client.close();
  return code;
}

/**
 * `/readyz`: a standby is ready (it serves the webhooks, and must not be restarted for waiting); the
 * leader, or an operator without leader election, once every watch has listed.
 */
function readiness(operator: Operator, elector: LeaderElector | undefined) {
  if (elector !== undefined && !elector.isLeader) return { status: 200, body: "ok (standby)\n" };
  return operator.ready ? { status: 200, body: "ok\n" } : { status: 503, body: "not synced\n" };
}

/** The metrics, health-probe and (if enabled) webhook servers; each may be turned off. */
async function startEndpoints(
  options: ParsedOptions,
  { operator, elector }: { operator: Operator; elector: LeaderElector | undefined },
  client: KubeClient,
  group: ApiGroup,
) {
  const metrics = await startEndpoint(
    stringOption(options, "metrics-bind-address") ?? ":8080",
    { "/metrics": () => ({ status: 200, body: operator.metrics.text() }) },
    "--metrics-bind-address",
  );
  const health = await startEndpoint(
    stringOption(options, "health-probe-bind-address") ?? ":8082",
    {
      "/healthz": () => ({ status: 200, body: "ok\n" }),
      "/readyz": () => readiness(operator, elector),
    },
    "--health-probe-bind-address",
  );
  const webhooks = flagOption(options, "enable-webhooks")
    ? await startWebhookServer({
        group,
        address: stringOption(options, "webhook-bind-address") ?? ":9443",
        certDir: stringOption(options, "webhook-cert-dir") ?? DEFAULT_CERT_DIR,
        lookups: clusterLookups(client, group),
      })
    : undefined;
  const running = [
    ["metrics", metrics, "/metrics"],
    ["health probes", health, "/healthz"],
    ["admission webhooks", webhooks, ""],
  ] as const;
  const urls: [string, string][] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const [what, endpoint, path] of running) {
    if (endpoint === undefined) continue;
    urls.push([what, `${endpoint.url}${path}`]);
    closers.push(() => endpoint.close());
  }
  return { urls, closers };
}

/** Aborts `controller` on SIGINT or SIGTERM; returns the function that stops listening. */
function abortOnSignal(controller: AbortController): () => void {
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
}
