/**
 * The locked app: the resolved, self-contained description of an application (Spin's `spin.lock` JSON).
 * It is the seam between where an app comes from (a directory, a registry, a container image) and how it
 * runs: everything after locking works from this shape only. Serialisable as JSON; one per loaded app.
 */

/** Content reference: a URI, inline bytes (base64) and/or a `sha256:<hex>` digest. */
export interface LockedContentRef {
  readonly source?: string;
  readonly inline?: string;
  readonly digest?: string;
}

export interface LockedComponentSource extends LockedContentRef {
  readonly content_type: string;
}

/** One file made visible to the guest: `path` is the absolute guest path. */
export interface LockedFile extends LockedContentRef {
  readonly path: string;
}

export interface LockedVariable {
  readonly default?: string;
  readonly description?: string;
  /** A variable without a default is required: some provider must give it a value. */
  readonly secret?: boolean;
}

export interface LockedTrigger {
  readonly id: string;
  readonly trigger_type: string;
  readonly trigger_config: Readonly<Record<string, unknown>>;
}

export interface LockedComponentMetadata {
  readonly description?: string;
  readonly allowed_outbound_hosts?: readonly string[];
  readonly key_value_stores?: readonly string[];
  readonly databases?: readonly string[];
  readonly ai_models?: readonly string[];
}

export interface LockedComponent {
  readonly id: string;
  readonly metadata?: LockedComponentMetadata;
  readonly source: LockedComponentSource;
  readonly env?: Readonly<Record<string, string>>;
  readonly files?: readonly LockedFile[];
  /** Component variables: name → template over app variables. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface LockedAppMetadata {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly authors?: readonly string[];
  readonly triggers?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly trigger?: Readonly<Record<string, unknown>>;
  readonly origin?: string;
}

export interface LockedApp {
  readonly spin_lock_version: 0 | 1;
  readonly must_understand?: readonly string[];
  readonly metadata: LockedAppMetadata;
  readonly host_requirements?: Readonly<Record<string, string>>;
  readonly variables?: Readonly<Record<string, LockedVariable>>;
  readonly triggers: readonly LockedTrigger[];
  readonly components: readonly LockedComponent[];
}
