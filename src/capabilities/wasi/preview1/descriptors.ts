/**
 * The descriptor table of one preview 1 run: stdin (the request body), stdout and stderr (callbacks), the
 * `/` preopen and whatever the guest opened under it. Per run, never shared; `closeAll` at the end of the
 * run releases every host file the guest left open.
 */
import { closeHostFile } from "./host-files.ts";
import type { DirectoryNode, FileNode } from "./file-tree.ts";

/** Reads come from an in-memory byte array, as from a pipe: no seeking. */
export interface InputStream {
  readonly kind: "input";
  readonly data: Uint8Array;
  position: number;
  flags: number;
}

/** Writes go to a callback, as to a pipe. */
export interface OutputStream {
  readonly kind: "output";
  readonly write: (bytes: Uint8Array) => void;
  flags: number;
}

export interface OpenDirectory {
  readonly kind: "directory";
  readonly node: DirectoryNode;
  /** The guest-visible name when this is a preopen. */
  readonly preopen: string | undefined;
  flags: number;
}

export interface OpenFile {
  readonly kind: "file";
  readonly node: FileNode;
  /** The host descriptor, opened when the guest opened the file. */
  readonly hostFd: number;
  position: number;
  flags: number;
}

export type Descriptor = InputStream | OutputStream | OpenDirectory | OpenFile;

export class DescriptorTable {
  readonly #entries = new Map<number, Descriptor>();

  constructor(initial: readonly Descriptor[]) {
    initial.forEach((descriptor, fd) => this.#entries.set(fd, descriptor));
  }

  get(fd: number): Descriptor | undefined {
    return this.#entries.get(fd);
  }

  /** Adds a descriptor under the lowest free number, as POSIX `open` does. */
  add(descriptor: Descriptor): number {
    let fd = 0;
    while (this.#entries.has(fd)) fd++;
    this.#entries.set(fd, descriptor);
    return fd;
  }

  close(fd: number): boolean {
    const descriptor = this.#entries.get(fd);
    if (descriptor === undefined) return false;
    this.#entries.delete(fd);
    if (descriptor.kind === "file") closeHostFile(descriptor.hostFd);
    return true;
  }

  /** Moves `from` onto `to`, closing what `to` held; both must be open. */
  renumber(from: number, to: number): boolean {
    const descriptor = this.#entries.get(from);
    if (descriptor === undefined || !this.#entries.has(to)) return false;
    if (from === to) return true;
    this.close(to);
    this.#entries.delete(from);
    this.#entries.set(to, descriptor);
    return true;
  }

  closeAll(): void {
    for (const fd of [...this.#entries.keys()]) this.close(fd);
  }
}
