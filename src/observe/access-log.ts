/**
 * The access log: an `Observer` writing one `debug` line per request when it ends — request id, app,
 * component, method, path, status, duration and the request headers (the logger redacts the secret ones).
 * Used only at `--log-level debug`, so an ordinary run writes no line per request.
 */
import type { Logger } from "./logger.ts";
import { noopObserver, type Observer } from "./observer.ts";

export function createAccessLog(logger: Logger): Observer {
  return {
    ...noopObserver,
    request(start) {
      const started = performance.now();
      let component: string | undefined;
      return {
        routed: (id) => (component = id),
        run: (fn) => fn(),
        end(outcome) {
          logger.debug("request", {
            request_id: start.requestId,
            app: start.app,
            component,
            method: start.method,
            path: start.path,
            status: outcome.status,
            duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
            headers: start.headers,
          });
        },
      };
    },
  };
}
