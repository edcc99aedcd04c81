/**
 * Container probes from a SpinApp's `checks`: HTTP GETs on port 80 with the CRD-defaulted timings. There
 * are no default probes; an app without `checks` gets none. Pure.
 */
import { SpindleError } from "../../errors.ts";
import type { HealthProbe, SpinApp } from "../model/types.ts";
import { HTTP_PORT } from "./labels.ts";

export interface Probe {
  readonly httpGet: { path: string; port: number; httpHeaders?: { name: string; value: string }[] };
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** The Kubernetes probe for one health check, or `undefined` for none. */
export function buildProbe(check: HealthProbe | undefined): Probe | undefined {
  if (check === undefined) return undefined;
  if (check.httpGet === undefined) {
    throw new SpindleError("probe exists but with unknown configuration, expected httpGet", {
      hint: "Give the check an httpGet with a path, e.g. /.well-known/spin/health.",
    });
  }
  const headers = (check.httpGet.httpHeaders ?? []).map((h) => ({ name: h.name, value: h.value }));
  return {
    httpGet: {
      path: check.httpGet.path,
      port: HTTP_PORT,
      ...(headers.length === 0 ? {} : { httpHeaders: headers }),
    },
    initialDelaySeconds: check.initialDelaySeconds,
    timeoutSeconds: check.timeoutSeconds,
    periodSeconds: check.periodSeconds,
    successThreshold: check.successThreshold,
    failureThreshold: check.failureThreshold,
  };
}

/** `livenessProbe` / `readinessProbe` entries for the container, each only when checked. */
export function buildProbes(app: SpinApp): { livenessProbe?: Probe; readinessProbe?: Probe } {
  const liveness = buildProbe(app.spec.checks?.liveness);
  const readiness = buildProbe(app.spec.checks?.readiness);
  return {
    ...(liveness === undefined ? {} : { livenessProbe: liveness }),
    ...(readiness === undefined ? {} : { readinessProbe: readiness }),
  };
}
