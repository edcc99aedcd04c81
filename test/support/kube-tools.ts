/**
 * The real `helm` and `kubectl` for the chart and kubectl tests: the pinned binaries `scripts/setup.sh`
 * installs into `.tools/bin/`. A test that needs one fails when it is missing rather than skipping, so a
 * machine without them cannot pass the suite unnoticed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Finished } from "./cli.ts";

export type KubeTool = "helm" | "kubectl";

/** The binary's path; fails the test, naming `scripts/setup.sh`, when it is not installed. */
export function kubeToolPath(tool: KubeTool): string {
  const path = fileURLToPath(new URL(`../../.tools/bin/${tool}`, import.meta.url));
  try {
    accessSync(path, constants.X_OK);
  } catch {
    assert.fail(`${path} is missing: run scripts/setup.sh, which installs the pinned helm and kubectl`);
  }
  return path;
}

export interface ToolOptions {
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the tool to completion without blocking the event loop (kubectl talks to a fake API server in
 * this process). Resolves with its exit code and output, whatever the code.
 */
export function runKubeTool(
  tool: KubeTool,
  args: readonly string[],
  options: ToolOptions = {},
): Promise<Finished> {
  const path = kubeToolPath(tool);
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === "number") resolve({ code: error.code, stdout, stderr });
        else reject(new Error(`${path} did not run`, { cause: error }));
      },
    );
  });
}
