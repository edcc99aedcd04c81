/**
 * `spindle kube operator`: runs the SpinApp and SpinAppExecutor controllers against a cluster (the
 * kubeconfig's, or the pod's service account), with SpinKube's metrics and health-probe flags, until
 * SIGINT or SIGTERM. Only wiring: the controllers live in `src/kube/operator/`.
 */
import { KubeClient } from "../../kube/client/client.ts";
import { CURRENT_GROUP, LEGACY_GROUP, type ApiGroup } from "../../kube/model/types.ts";
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
  const endpoints = await startEndpoints(options, operator, client, group);
  operator.start();
  const scope = namespace === undefined ? "all namespaces" : `namespace ${namespace}`;
  process.stderr.write(`Spindle operator: watching ${group} SpinApps in ${scope}\n`);
  for (const [what, url] of endpoints.urls) process.stderr.write(`Serving ${what} on ${url}\n`);
  await stopSignal();
  await operator.stop();
  await Promise.all(endpoints.closers.map((close) => close()));
  client.close();
  return 0;
}

/** The metrics, health-probe and (if enabled) webhook servers; each may be turned off. */
async function startEndpoints(
  options: ParsedOptions,
  operator: Operator,
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
      "/readyz": () =>
        operator.ready ? { status: 200, body: "ok\n" } : { status: 503, body: "not synced\n" },
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

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
