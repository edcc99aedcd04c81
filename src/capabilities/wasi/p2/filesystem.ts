/**
 * `wasi:filesystem/types` and `wasi:filesystem/preopens`, read-only: one preopen `/` holding exactly the
 * component's `files` map (the same tree the preview 1 host serves), or no preopen when the map is empty.
 * Reads go to the host files lazily; every mutation answers `not-permitted` (directories) or
 * `bad-descriptor` (a file opened for reading), as a read-only mount does. Descriptors are per instance and
 * cheap; the tree is built once per `files` map and shared.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { Errno } from "../preview1/abi.ts";
import { fileTreeOf, resolve, type DirectoryNode, type TreeNode } from "../preview1/file-tree.ts";
import { ByteSource } from "./byte-source.ts";
import { datetimeOf, type Datetime } from "./clocks.ts";
import { GuestError } from "./guest-error.ts";
import { InputStream, IoError } from "./streams.ts";

type DescriptorType = "directory" | "regular-file";

interface DescriptorStat {
  type: DescriptorType;
  linkCount: bigint;
  size: bigint;
  dataAccessTimestamp: Datetime | undefined;
  dataModificationTimestamp: Datetime | undefined;
  statusChangeTimestamp: Datetime | undefined;
}

interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}

interface DescriptorFlags {
  write?: boolean;
  mutateDirectory?: boolean;
}

const CODE_BY_ERRNO = new Map<number, string>([
  [Errno.NOENT, "no-entry"],
  [Errno.NOTDIR, "not-directory"],
  [Errno.NOTCAPABLE, "not-permitted"],
]);

const CODE_BY_NODE_ERROR: Readonly<Record<string, string>> = {
  ENOENT: "no-entry",
  EACCES: "access",
  EISDIR: "is-directory",
  ENOTDIR: "not-directory",
};

function fail(code: string): never {
  throw new GuestError(code, `filesystem error: ${code}`);
}

function hostFailure(error: unknown): never {
  fail(CODE_BY_NODE_ERROR[(error as NodeJS.ErrnoException).code ?? ""] ?? "io");
}

const notPermitted = (): never => fail("not-permitted");
const badDescriptor = (): never => fail("bad-descriptor");

export class Descriptor {
  readonly #node: TreeNode;
  constructor(node: TreeNode) {
    this.#node = node;
  }

  readViaStream(offset: bigint): InputStream {
    const node = this.#file();
    return new InputStream(new ByteSource(createReadStream(node.hostPath, { start: Number(offset) })));
  }

  // Everything that would change the mount: a read-only file descriptor, a read-only directory.
  writeViaStream(): never {
    return badDescriptor();
  }
  appendViaStream(): never {
    return badDescriptor();
  }
  setSize(): never {
    return badDescriptor();
  }
  setTimes(): never {
    return badDescriptor();
  }
  write(): never {
    return badDescriptor();
  }
  createDirectoryAt(): never {
    return notPermitted();
  }
  setTimesAt(): never {
    return notPermitted();
  }
  linkAt(): never {
    return notPermitted();
  }
  removeDirectoryAt(): never {
    return notPermitted();
  }
  renameAt(): never {
    return notPermitted();
  }
  symlinkAt(): never {
    return notPermitted();
  }
  unlinkFileAt(): never {
    return notPermitted();
  }

  advise(): void {}
  syncData(): void {}
  sync(): void {}

  getFlags(): { read: boolean } {
    return { read: true };
  }

  getType(): DescriptorType {
    return this.#node.kind === "file" ? "regular-file" : "directory";
  }

  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    const node = this.#file();
    try {
      const fd = openSync(node.hostPath, "r");
      try {
        const buffer = new Uint8Array(Math.min(Number(length), 1 << 24));
        const count = readSync(fd, buffer, 0, buffer.length, Number(offset));
        return [buffer.subarray(0, count), count < buffer.length];
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      hostFailure(error);
    }
  }

  readDirectory(): DirectoryEntryStream {
    if (this.#node.kind !== "directory") fail("not-directory");
    return new DirectoryEntryStream(this.#node);
  }

  stat(): DescriptorStat {
    return statOf(this.#node);
  }

  statAt(_pathFlags: unknown, path: string): DescriptorStat {
    return statOf(this.#resolve(path));
  }

  openAt(_pathFlags: unknown, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
    const wantsWrite = flags.write === true || flags.mutateDirectory === true || openFlags.truncate === true;
    const target = resolve(this.#directory(), path);
    if (typeof target === "number") {
      if (target === Errno.NOENT && openFlags.create === true) notPermitted();
      fail(CODE_BY_ERRNO.get(target) ?? "invalid");
    }
    if (openFlags.create === true && openFlags.exclusive === true) fail("exist");
    if (wantsWrite) notPermitted();
    if (openFlags.directory === true && target.kind !== "directory") fail("not-directory");
    return new Descriptor(target);
  }

  readlinkAt(_path: string): never {
    return fail("invalid");
  }

  isSameObject(other: Descriptor): boolean {
    return other.#node === this.#node;
  }

  metadataHash(): { upper: bigint; lower: bigint } {
    return hashOf(this.#node);
  }

  metadataHashAt(_pathFlags: unknown, path: string): { upper: bigint; lower: bigint } {
    return hashOf(this.#resolve(path));
  }

  #resolve(path: string): TreeNode {
    const target = resolve(this.#directory(), path);
    return typeof target === "number" ? fail(CODE_BY_ERRNO.get(target) ?? "invalid") : target;
  }

  #directory(): DirectoryNode {
    return this.#node.kind === "directory" ? this.#node : fail("not-directory");
  }

  #file(): TreeNode & { kind: "file" } {
    return this.#node.kind === "file" ? this.#node : fail("is-directory");
  }
}

export class DirectoryEntryStream {
  readonly #entries: Iterator<[string, TreeNode]>;
  constructor(directory: DirectoryNode) {
    this.#entries = directory.children.entries();
  }

  readDirectoryEntry(): { type: DescriptorType; name: string } | undefined {
    const next = this.#entries.next();
    if (next.done === true) return undefined;
    const [name, node] = next.value;
    return { type: node.kind === "file" ? "regular-file" : "directory", name };
  }
}

function statOf(node: TreeNode): DescriptorStat {
  if (node.kind === "directory") {
    return {
      type: "directory",
      linkCount: 1n,
      size: 0n,
      dataAccessTimestamp: undefined,
      dataModificationTimestamp: undefined,
      statusChangeTimestamp: undefined,
    };
  }
  try {
    const stats = statSync(node.hostPath);
    return {
      type: "regular-file",
      linkCount: 1n,
      size: BigInt(stats.size),
      dataAccessTimestamp: datetimeOf(stats.atimeMs),
      dataModificationTimestamp: datetimeOf(stats.mtimeMs),
      statusChangeTimestamp: datetimeOf(stats.ctimeMs),
    };
  } catch (error) {
    hostFailure(error);
  }
}

function hashOf(node: TreeNode): { upper: bigint; lower: bigint } {
  const stat = statOf(node);
  const modified = stat.dataModificationTimestamp;
  const lower =
    modified === undefined ? 0n : modified.seconds * 1_000_000_000n + BigInt(modified.nanoseconds);
  return { upper: node.ino, lower: BigInt.asUintN(64, lower ^ stat.size) };
}

/** The filesystem interfaces for a `files` map (guest path → host path). */
export function filesystemImports(files: ReadonlyMap<string, string>): Record<string, object> {
  const root = files.size > 0 ? fileTreeOf(files) : undefined;
  return {
    "wasi:filesystem/types": {
      Descriptor,
      DirectoryEntryStream,
      filesystemErrorCode: (error: unknown) => (error instanceof IoError ? "io" : undefined),
    },
    "wasi:filesystem/preopens": {
      getDirectories: () => (root === undefined ? [] : [[new Descriptor(root), "/"]]),
    },
  };
}
