/**
 * `spindle kube deploy FILE`: applies the objects of a manifest (what `spindle kube scaffold` prints: a
 * SpinApp, and maybe its runtime-config Secret and an autoscaler) to a cluster by server-side apply, with
 * the same client and field manager as the operator. SpinApps are checked against the CRD schema first,
 * so a bad field is reported with its path before anything is sent. `-` reads standard input.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { SpindleError } from "../../errors.ts";
import { KubeClient, type KubeResource } from "../../kube/client/client.ts";
import { resourceForObject } from "../../kube/client/kinds.ts";
import { loadKubeYaml } from "../../kube/model/load.ts";
import { stringOption, type ParsedOptions } from "../command.ts";

export const DEPLOY_USAGE = `Usage: spindle kube deploy <FILE|-> [options]

Applies a manifest (e.g. the output of \`spindle kube scaffold\`) to a cluster by server-side apply.

Options:
      --kubeconfig <FILE>   the kubeconfig (default: $KUBECONFIG or ~/.kube/config)
  -n, --namespace <NS>      for objects that name none (default: the context's namespace)
`;

export async function runDeploy(options: ParsedOptions, operands: readonly string[]): Promise<number> {
  const [file, ...extra] = operands;
  if (file === undefined || extra.length > 0) {
    throw new SpindleError("spindle kube deploy takes one operand: the manifest file, or - for stdin", {
      hint: "e.g. spindle kube scaffold -f IMAGE -o app.yaml && spindle kube deploy app.yaml",
    });
  }
  const text = readManifest(file);
  loadKubeYaml(text, file);
  const objects = parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is KubeResource => typeof o === "object" && o !== null);
  const client = KubeClient.fromEnvironment(stringOption(options, "kubeconfig"));
  const namespace = stringOption(options, "namespace") ?? client.defaultNamespace;
  try {
    for (const object of objects) {
      const type = resourceForObject(object.apiVersion, object.kind);
      const placed = { ...object, metadata: { namespace, ...object.metadata } };
      await client.apply(type, placed);
      const group = type.group === "" ? "" : `.${type.group}`;
      process.stdout.write(`${type.kind.toLowerCase()}${group}/${object.metadata.name} serverside-applied\n`);
    }
  } finally {
    client.close();
  }
  return 0;
}

function readManifest(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (cause) {
    throw new SpindleError(`cannot read the manifest ${file}`, { cause, hint: "check the path" });
  }
}
