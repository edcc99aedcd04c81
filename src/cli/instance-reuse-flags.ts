/**
 * Reads `--instance-reuse` (repeatable) and `SPINDLE_INSTANCE_REUSE` (the same entries, comma-separated):
 * `N` lets every component's instance serve up to N requests, `ID=N` sets it for one component. Flags
 * win over the variable; a later entry for the same target wins. Values are whole numbers ≥ 1 (1 is a
 * fresh instance per request, the default). Which IDs exist is checked when the app loads.
 */
import type { InstanceReuse } from "../engine/instance-reuse.ts";
import { SpindleError } from "../errors.ts";

export const INSTANCE_REUSE_ENV = "SPINDLE_INSTANCE_REUSE";

export function readInstanceReuse(flags: readonly string[], env: NodeJS.ProcessEnv): InstanceReuse {
  const fromEnv = env[INSTANCE_REUSE_ENV];
  const entries =
    flags.length > 0
      ? flags.map((text) => ({ text, where: "--instance-reuse" }))
      : (fromEnv ?? "")
          .split(",")
          .filter((text) => text.trim() !== "")
          .map((text) => ({ text, where: INSTANCE_REUSE_ENV }));
  let all: number | undefined;
  const components = new Map<string, number>();
  for (const { text, where } of entries) {
    const eq = text.lastIndexOf("=");
    const count = parseRequests(text.slice(eq + 1).trim(), text, where);
    if (eq < 0) all = count;
    else components.set(text.slice(0, eq).trim(), count);
  }
  return { all, components };
}

function parseRequests(value: string, text: string, where: string): number {
  const count = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new SpindleError(`invalid ${where} "${text}": expected N or COMPONENT=N, N a whole number ≥ 1`, {
      hint: "for example --instance-reuse 1000 for every component, or --instance-reuse api=1000 for one",
    });
  }
  return count;
}
