/**
 * The container's root filesystem. containerd passes the snapshot as mounts in `Create` (an overlay for
 * an image, a bind mount with the native snapshotter) for the shim to mount on the spec's root path, or
 * none when the client prepared the root itself (`ctr run --rootfs`). Mounting uses mount(8), as the shim
 * runs as root beside containerd; the returned `unmount` undoes exactly what was mounted, last first.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { promisify } from "node:util";
import type { MountMessage } from "../proto/messages.ts";
import { ShimError } from "../ttrpc/status.ts";

const run = promisify(execFile);

export interface MountedRootfs {
  readonly dir: string;
  unmount(): Promise<void>;
}

export async function mountRootfs(target: string, mounts: readonly MountMessage[]): Promise<MountedRootfs> {
  const done: string[] = [];
  const unmount = async () => {
    for (const dir of done.reverse()) await run("umount", [dir]).catch(() => undefined);
    done.length = 0;
  };
  if (mounts.length > 0) mkdirSync(target, { recursive: true });
  try {
    for (const mount of mounts) {
      await run("mount", mountArgs(mount, target));
      done.push(target);
    }
  } catch (cause) {
    await unmount();
    const stderr = (cause as { stderr?: string }).stderr?.trim() ?? (cause as Error).message;
    throw new ShimError("failed-precondition", `cannot mount the container's root filesystem: ${stderr}`, {
      cause,
    });
  }
  return { dir: target, unmount };
}

/** mount(8) arguments for one containerd mount; a bind mount is expressed by its options alone. */
export function mountArgs(mount: MountMessage, target: string): string[] {
  const options = mount.options.length > 0 ? ["-o", mount.options.join(",")] : [];
  const type = mount.type === "bind" || mount.type === "" ? [] : ["-t", mount.type];
  return [...type, ...options, mount.source, target];
}
