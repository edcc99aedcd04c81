/**
 * Errors about a manifest: each names the file, the line where it is known, the key path
 * (`component.hello.source`) and what to do. Raised while reading, validating or locking a spin.toml.
 */
import { SpindleError } from "../errors.ts";

export interface ManifestErrorLocation {
  /** Path of the manifest file, as the user should see it. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number | undefined;
  /** Dotted key path, e.g. `component.hello.files[1]`. */
  readonly keyPath?: string | undefined;
}

export class ManifestError extends SpindleError {
  readonly file: string;
  readonly line: number | undefined;
  readonly keyPath: string | undefined;
  /** The problem alone, without the location prefix that `message` carries. */
  readonly problem: string;

  constructor(where: ManifestErrorLocation, problem: string, options?: ErrorOptions & { hint?: string }) {
    const position = where.line === undefined ? where.file : `${where.file}:${where.line}`;
    const key = where.keyPath === undefined ? "" : ` ${where.keyPath}:`;
    super(`${position}:${key} ${problem}`, options);
    this.name = "ManifestError";
    this.file = where.file;
    this.line = where.line;
    this.keyPath = where.keyPath;
    this.problem = problem;
  }
}
