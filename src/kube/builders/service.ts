/**
 * The ClusterIP Service in front of a SpinApp's ready pods: port 80 to the `http-app` container port,
 * selecting on the per-app status label only. Made only for apps with HTTP triggers. Pure.
 */
import type { SpinApp } from "../model/types.ts";
import { HTTP_PORT, HTTP_PORT_NAME, appObjectMeta, statusLabel } from "./labels.ts";

/** The Service object, ready for server-side apply. */
export function buildService(app: SpinApp) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: appObjectMeta(app, app.metadata.name, {
      annotations: app.spec.serviceAnnotations,
      controller: true,
    }),
    spec: {
      type: "ClusterIP",
      ports: [{ protocol: "TCP", port: HTTP_PORT, targetPort: HTTP_PORT_NAME }],
      selector: { [statusLabel(app.group, app.metadata.name)]: "ready" },
    },
  };
}
