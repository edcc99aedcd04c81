/**
 * The typed shape of a validated spin.toml manifest (version 2), after normalisation: trigger ids filled in,
 * inline components hoisted into `components`, V2 field names. Produced by `loadManifest`, consumed by the
 * app locker. Plain data, no behaviour; one per loaded manifest.
 */

/** Where a manifest came from, so later stages can name the file in their errors. */
export interface ManifestSource {
  /** Absolute path of the spin.toml file. */
  readonly file: string;
  /** Absolute path of the directory holding it: relative paths in the manifest resolve against it. */
  readonly dir: string;
}

export interface Manifest extends ManifestSource {
  readonly application: ApplicationSection;
  /** App variables by LowerSnakeId name, in manifest order. */
  readonly variables: ReadonlyMap<string, VariableDecl>;
  /** Triggers in manifest order, grouped by trigger type in order of first appearance. */
  readonly triggers: readonly TriggerDecl[];
  /** Components by KebabId, in manifest order (inline ones after the named ones). */
  readonly components: ReadonlyMap<string, ComponentDecl>;
  /**
   * 1-based line of each key as written, by dotted key path (`component.hello.source`,
   * `component.hello.files[1]`, `trigger.http[0].route`), so later stages can point at the line.
   */
  readonly keyLines: ReadonlyMap<string, number>;
  /** Things Spin warns about but accepts (deprecated fields, duplicate routes, …), one sentence each. */
  readonly warnings: readonly string[];
}

export interface ApplicationSection {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly authors: readonly string[];
  /** `[application.trigger.<type>]` tables, kept as opaque data per trigger type. */
  readonly triggerSettings: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface VariableDecl {
  readonly default?: string;
  readonly required: boolean;
  readonly secret: boolean;
  readonly description?: string;
}

/** One `[[trigger.<type>]]` entry. */
export interface TriggerDecl {
  readonly id: string;
  readonly type: string;
  /** Component id this trigger runs (inline components have been hoisted and named). */
  readonly component: string;
  /** HTTP triggers only: the parsed route and executor; other types keep their settings in `config`. */
  readonly http?: HttpTriggerDecl;
  /** Every other key of the trigger table, as written. */
  readonly config: Readonly<Record<string, unknown>>;
}

export type HttpRoute = { readonly kind: "path"; readonly route: string } | { readonly kind: "private" };

export type HttpExecutorDecl =
  { readonly type: "http" } | { readonly type: "wagi"; readonly argv?: string; readonly entrypoint?: string };

export interface HttpTriggerDecl {
  readonly route: HttpRoute;
  readonly executor: HttpExecutorDecl;
}

export type ComponentSourceDecl =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "url"; readonly url: string; readonly digest: string };

/** A `files` entry: a path or glob (relative to the app dir), or an explicit source → destination mapping. */
export type FilesEntryDecl =
  | { readonly kind: "pattern"; readonly pattern: string }
  | { readonly kind: "placement"; readonly source: string; readonly destination: string };

export interface BuildDecl {
  /** Commands run left to right. */
  readonly commands: readonly string[];
  readonly workdir?: string;
  readonly watch: readonly string[];
}

export interface ComponentDecl {
  readonly id: string;
  readonly source: ComponentSourceDecl;
  readonly description?: string;
  /** Component variables: name → template over app variables. */
  readonly variables: ReadonlyMap<string, string>;
  readonly environment: ReadonlyMap<string, string>;
  readonly files: readonly FilesEntryDecl[];
  readonly excludeFiles: readonly string[];
  readonly allowedOutboundHosts: readonly string[];
  readonly keyValueStores: readonly string[];
  readonly sqliteDatabases: readonly string[];
  readonly aiModels: readonly string[];
  readonly build?: BuildDecl;
}
