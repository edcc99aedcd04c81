/**
 * Pods as the CRI plugin makes them, played with `ctr` against a containerd from `containerd.ts`: a
 * network namespace per pod (`ip netns add`, as CNI leaves one), a sandbox container whose process holds
 * it (the `pause` role, played by a copy of `sleep`), and an app container joining
 * `/proc/<sandbox pid>/ns/net`, with the CRI plugin's annotations. No kubelet can run here.
 */
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containerdUnavailable, type Containerd } from "./containerd.ts";
import type { Scope } from "./scope.ts";

const RUNTIME = "io.containerd.spindle.v2";

/** Why pods cannot be played here, or `undefined` when they can. */
export function podsUnavailable(): string | undefined {
  const containerd = containerdUnavailable();
  if (containerd !== undefined) return containerd;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "`ip netns` is not available (Debian's iproute2; scripts/setup.sh installs it)";
  }
  return undefined;
}

/** A network namespace as CNI leaves one for a pod: loopback up, removed with the scope. Its path. */
export function podNetwork(scope: Scope, name: string): string {
  execFileSync("ip", ["netns", "add", name]);
  scope.after(() => execFileSync("ip", ["netns", "delete", name]));
  execFileSync("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  return `/var/run/netns/${name}`;
}

/** A root filesystem whose `/pause` waits for a signal, for sandbox containers. */
export function pauseRoot(scope: Scope): string {
  const dir = mkdtempSync(join(tmpdir(), "spindle-pause-"));
  scope.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync("/bin/sleep", join(dir, "pause"));
  return dir;
}

/** GETs `url` with `headers` from inside the network namespace `name`: the response's status and body. */
export function fetchIn(
  name: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const script = `const r = await fetch(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)} }); console.log(JSON.stringify({ status: r.status, body: await r.text() }));`;
  return new Promise((resolve, reject) => {
    execFile(
      "ip",
      ["netns", "exec", name, process.execPath, "--input-type=module", "-e", script],
      { timeout: 10_000 },
      (error, stdout) =>
        error === null ? resolve(JSON.parse(stdout) as never) : reject(new Error(error.message)),
    );
  });
}

export interface TaskRow {
  readonly pid: number;
  readonly status: string;
}

/** `ctr task ls` as task id → pid and status. */
export async function listTasks(containerd: Containerd): Promise<Map<string, TaskRow>> {
  const { stdout } = await containerd.ctr("task", "ls");
  const rows = stdout
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "");
  return new Map(
    rows.map((line) => {
      const [id = "", pid = "", status = ""] = line.split(/\s+/);
      return [id, { pid: Number(pid), status }];
    }),
  );
}

export interface PodSpec {
  /** The sandbox's id; the app container is `<pod>-app`. */
  readonly pod: string;
  /** Path of the pod's network namespace. */
  readonly network: string;
  /** Root filesystems of the sandbox (see `pauseRoot`) and of the app (a spin.toml and its Wasm). */
  readonly pauseRoot: string;
  readonly appRoot: string;
  /** `ctr run` flags for the app container, e.g. `--log-uri`. */
  readonly appFlags?: readonly string[];
}

export interface RunningPod {
  readonly sandboxPid: number;
  readonly appId: string;
}

/** Runs the sandbox in the pod's namespace, then the app container joining it, as the CRI plugin does. */
export async function runPod(containerd: Containerd, spec: PodSpec): Promise<RunningPod> {
  const cri = (type: string) => [
    `--annotation=io.kubernetes.cri.container-type=${type}`,
    `--annotation=io.kubernetes.cri.sandbox-id=${spec.pod}`,
  ];
  const run = async (...args: string[]) => {
    const result = await containerd.ctr("run", "-d", "--runtime", RUNTIME, ...args);
    if (result.code !== 0) throw new Error(`ctr run ${args.join(" ")} failed: ${result.stderr}`);
  };
  const pause = ["--rootfs", spec.pauseRoot, spec.pod, "/pause", "infinity"];
  await run(...cri("sandbox"), "--with-ns", `network:${spec.network}`, ...pause);
  const sandboxPid = (await listTasks(containerd)).get(spec.pod)?.pid ?? 0;
  const appId = `${spec.pod}-app`;
  const joined = `network:/proc/${sandboxPid}/ns/net`;
  await run(
    ...cri("container"),
    "--with-ns",
    joined,
    ...(spec.appFlags ?? []),
    "--rootfs",
    spec.appRoot,
    appId,
    "/",
  );
  return { sandboxPid, appId };
}
