/**
 * The subset of OpenAPI v3 (structural schema) that the SpinApp and SpinAppExecutor CRDs use. The same
 * values drive the CRD manifests in `deploy/crds/` and the validating parser in `src/kube/model/`, so the
 * two cannot drift apart.
 */
export interface Schema {
  readonly type?: "object" | "string" | "integer" | "boolean" | "array";
  readonly description?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly additionalProperties?: Schema;
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly minItems?: number;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly "x-kubernetes-map-type"?: "atomic";
  readonly anyOf?: readonly Schema[];
}
