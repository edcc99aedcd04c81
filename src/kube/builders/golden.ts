/**
 * Builds every object for the SpinApps of a YAML document set, in the order the operator applies them,
 * for golden tests and offline rendering: runtime-config Secret, Deployment, Service, autoscaler.
 */
import { SpindleError } from "../../errors.ts";
import { loadKubeYaml } from "../model/load.ts";
import { buildAppObjects, type AppObjectOptions } from "./app-objects.ts";

/** All objects for all apps in `text`, each app run by the executor it names. */
export function buildAllFromYaml(text: string, options: AppObjectOptions): object[] {
  const { apps, executors } = loadKubeYaml(text);
  return apps.flatMap((app) => {
    const executor = executors.find((e) => e.metadata.name === app.spec.executor);
    if (executor === undefined) {
      throw new SpindleError(
        `executor "${app.spec.executor}" of SpinApp "${app.metadata.name}" is not in the input`,
        {
          hint: "Add the SpinAppExecutor to the same YAML input.",
        },
      );
    }
    const built = buildAppObjects(app, executor, options);
    return [built.runtimeConfigSecret, built.deployment, built.service, built.autoscaler].filter(
      (o): o is NonNullable<typeof o> => o !== undefined,
    );
  });
}
