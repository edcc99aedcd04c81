/**
 * The `spindle kube scaffold` golden cases: arguments and the golden file under
 * `test/golden/kube/scaffold/` holding the exact output, after spin-plugin-kube's `pkg/cmd/testdata/`.
 */
import { fileURLToPath } from "node:url";

export const GOLDEN_DIR = fileURLToPath(new URL("../golden/kube/scaffold/", import.meta.url));
const RUNTIME_CONFIG = `${GOLDEN_DIR}inputs/runtime-config.toml`;
const IMAGE = "ghcr.io/foo/example-app:v0.1.0";

export interface ScaffoldCase {
  readonly golden: string;
  readonly args: readonly string[];
}

export const SCAFFOLD_CASES: readonly ScaffoldCase[] = [
  { golden: "scaffold_image", args: ["-f", IMAGE] },
  { golden: "scaffold_runtime_config", args: ["-f", IMAGE, "-c", RUNTIME_CONFIG] },
  { golden: "one_image_secret", args: ["-f", IMAGE, "-s", "secret-name"] },
  { golden: "multiple_image_secrets", args: ["-f", IMAGE, "-s", "secret-name", "-s", "secret-name-2"] },
  {
    golden: "multiple_image_secrets",
    args: ["-f", IMAGE, "--image-pull-secret", "secret-name,secret-name-2"],
  },
  { golden: "azure_workload_identity", args: ["-f", IMAGE, "--azure-identity"] },
  { golden: "service_account_name", args: ["-f", IMAGE, "--service-account-name", "my-service-account"] },
  { golden: "scaffold_image", args: ["-f", IMAGE, "--service-account-name", ""] },
  {
    golden: "hpa_autoscaler",
    args: [
      "-f",
      IMAGE,
      "--autoscaler",
      "hpa",
      "--cpu-limit",
      "100m",
      "--memory-limit",
      "128Mi",
      "-r",
      "2",
      "--max-replicas",
      "3",
    ],
  },
  {
    golden: "hpa_service_account",
    args: [
      "-f",
      IMAGE,
      "--autoscaler",
      "hpa",
      "--cpu-limit",
      "100m",
      "--memory-limit",
      "128Mi",
      "--service-account-name",
      "my-service-account",
    ],
  },
  {
    golden: "keda_autoscaler",
    args: [
      "-f",
      IMAGE,
      "--autoscaler",
      "keda",
      "--cpu-limit",
      "100m",
      "--memory-limit",
      "128Mi",
      "--cpu-request",
      "50m",
      "--memory-request",
      "64Mi",
      "-r",
      "1",
      "--max-replicas",
      "5",
      "--autoscaler-target-cpu-utilization",
      "50",
      "--autoscaler-target-memory-utilization",
      "70",
    ],
  },
  { golden: "variables", args: ["-f", IMAGE, "-v", "foo=yoo", "-v", "bar=yee"] },
  { golden: "components", args: ["-f", IMAGE, "--component", "hello", "--component", "world"] },
  {
    golden: "requests_without_limits",
    args: ["-f", IMAGE, "--cpu-request", "50m", "--memory-request", "64Mi"],
  },
  {
    golden: "everything",
    args: [
      "-f",
      "ttl.sh/hello-spinkube@sha256:" + "a".repeat(64),
      "--executor",
      "spintainer",
      "-r",
      "4",
      "--azure-identity",
      "--service-account-name",
      "sa",
      "-v",
      "b=2,a=1",
      "--component",
      "x,y",
      "--cpu-limit",
      "1",
      "--cpu-request",
      "500m",
      "-s",
      "pull",
      "-c",
      RUNTIME_CONFIG,
    ],
  },
];
