/**
 * Which API resource an object from a manifest goes to, by its `apiVersion` and `kind`: the kinds
 * `spindle kube scaffold` prints and a few neighbours. Used by `spindle kube deploy`; the operator names
 * its resources directly. Pure.
 */
import { SpindleError } from "../../errors.ts";
import { CONFIG_MAPS, DEPLOYMENTS, SECRETS, SERVICES, type ResourceType } from "./resources.ts";

const PLURALS: Readonly<Record<string, string>> = {
  SpinApp: "spinapps",
  SpinAppExecutor: "spinappexecutors",
  HorizontalPodAutoscaler: "horizontalpodautoscalers",
  ScaledObject: "scaledobjects",
};

const CORE: readonly ResourceType[] = [SECRETS, SERVICES, CONFIG_MAPS, DEPLOYMENTS];

export function resourceForObject(apiVersion: unknown, kind: unknown): ResourceType {
  const text = typeof apiVersion === "string" ? apiVersion : "";
  const [group, version] = text.includes("/") ? text.split("/", 2) : ["", text];
  const known = CORE.find((t) => t.kind === kind && t.group === group && t.version === version);
  if (known !== undefined) return known;
  const plural = typeof kind === "string" ? PLURALS[kind] : undefined;
  if (plural === undefined || version === undefined || version === "") {
    throw new SpindleError(`cannot deploy a ${String(kind)} (${text || "no apiVersion"})`, {
      hint: `spindle kube deploy applies ${[...CORE.map((t) => t.kind), ...Object.keys(PLURALS)].join(", ")}; use kubectl for other kinds`,
    });
  }
  return { group: group ?? "", version, plural, kind: kind as string };
}
