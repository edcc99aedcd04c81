/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection package (the one
 * controller-runtime uses) does it, so that only one of several operator replicas reconciles. A candidate
 * takes the Lease when it is absent, released (no holder) or expired, and the leader renews it every
 * retry period. Expiry is judged by the candidate's own clock: a Lease held by another is expired once
 * `leaseDurationSeconds` have passed since this candidate last saw its record change, so clock skew
 * between replicas does not matter. Leadership is lost when a renewal has not succeeded within the renew
 * deadline. Writes carry the Lease's resourceVersion, so two candidates cannot both win. The clock and
 * the waits are injected. One per operator process.
 */
import type { KubeClient, KubeResource } from "../client/client.ts";
import { LEASES } from "../client/resources.ts";
import { realDelay, type Delay } from "./delay.ts";
import { sameJson } from "./same-json.ts";

/** The Lease's name in the operator's namespace. */
export const LEADER_LEASE = "spindle-operator-leader";

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name?: string;
  /** Unique per candidate: controller-runtime uses `<hostname>_<uuid>`. */
  readonly identity: string;
  /** How long a Lease holds without renewal (controller-runtime: 15 s); written in whole seconds. */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a failed renewal before it gives up (10 s). */
  readonly renewDeadlineMs?: number;
  /** The wait between attempts, to acquire or to renew (2 s). */
  readonly retryPeriodMs?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  readonly delay?: Delay;
  readonly log?: (line: string) => void;
}

interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

/** How `run` ended: stopped by its signal (the Lease was released), or leadership was lost. */
export type ElectionEnd = "stopped" | "lost";

export class LeaderElector {
  readonly #options: LeaderElectionOptions;
  readonly #name: string;
  readonly #now: () => number;
  readonly #delay: Delay;
  #leading = false;
  /** The Lease spec last seen and when (by `now`) it was first seen. */
  #observed: { spec: LeaseSpec; at: number } | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.#name = options.name ?? LEADER_LEASE;
    this.#now = options.now ?? Date.now;
    this.#delay = options.delay ?? realDelay;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  get identity(): string {
    return this.#options.identity;
  }

  /**
   * Waits for the Lease, calls `lead` once it holds it, and renews it until `signal` aborts (then it
   * awaits `stepDown` and releases the Lease, so a standby takes over at once) or a renewal misses the
   * deadline (then it awaits `stepDown` and leaves the Lease to expire).
   */
  async run(signal: AbortSignal, lead: () => void, stepDown: () => Promise<void>): Promise<ElectionEnd> {
    if (!(await this.#acquire(signal))) return "stopped";
    this.#leading = true;
    this.#log(`became the leader (Lease ${this.#options.namespace}/${this.#name})`);
    lead();
    const end = await this.#renewWhileLeading(signal);
    this.#leading = false;
    await stepDown();
    if (end === "stopped") await this.#release();
    else this.#log(`lost the leadership (Lease ${this.#options.namespace}/${this.#name})`);
    return end;
  }

  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew()) return true;
      await this.#delay(this.#retryPeriod, signal);
    }
    return false;
  }

  async #renewWhileLeading(signal: AbortSignal): Promise<ElectionEnd> {
    const deadline = this.#options.renewDeadlineMs ?? 10_000;
    let renewed = this.#now();
    while (!signal.aborted) {
      await this.#delay(this.#retryPeriod, signal);
      if (signal.aborted) break;
      if (await this.#tryAcquireOrRenew()) renewed = this.#now();
      else if (this.#now() - renewed >= deadline) return "lost";
    }
    return "stopped";
  }

  /** One attempt, as client-go's `tryAcquireOrRenew`: true when this candidate holds the Lease after it. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace } = this.#options;
    const now = this.#now();
    try {
      const existing = await client.get(LEASES, namespace, this.#name);
      if (existing === undefined) {
        const spec = this.#desired(now, { leaseTransitions: 0 });
        await client.create(LEASES, this.#lease(spec));
        this.#observed = { spec, at: now };
        return true;
      }
      const desired = this.#next(existing["spec"] ?? {}, now);
      if (desired === undefined) return false;
      await client.update(LEASES, { ...existing, spec: desired });
      this.#observed = { spec: desired, at: now };
      return true;
    } catch (error) {
      this.#log(`cannot acquire or renew Lease ${namespace}/${this.#name}: ${describe(error)}`);
      return false;
    }
  }

  /** The spec to write over `spec`: a renewal, a takeover, or `undefined` while another holds it. */
  #next(spec: LeaseSpec, now: number): LeaseSpec | undefined {
    if (this.#observed === undefined || !sameJson(spec, this.#observed.spec)) {
      this.#observed = { spec, at: now };
    }
    const holder = spec.holderIdentity ?? "";
    const transitions = spec.leaseTransitions ?? 0;
    if (holder === this.#options.identity) {
      const acquired = spec.acquireTime === undefined ? {} : { acquireTime: spec.acquireTime };
      return this.#desired(now, { ...acquired, leaseTransitions: transitions });
    }
    const expires = this.#observed.at + (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== "" && expires > now) return undefined;
    return this.#desired(now, { leaseTransitions: transitions + 1 });
  }

  /** Gives the Lease up if this candidate still holds it: no holder, 1 s duration (client-go's release). */
  async #release(): Promise<void> {
    const { client, namespace, identity } = this.#options;
    try {
      const existing = await client.get(LEASES, namespace, this.#name);
      const spec = (existing?.["spec"] ?? {}) as LeaseSpec;
      if (existing === undefined || spec.holderIdentity !== identity) return;
      const now = microTime(this.#now());
      await client.update(LEASES, {
        ...existing,
        spec: { ...spec, holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
      });
      this.#log(`released Lease ${namespace}/${this.#name}`);
    } catch (error) {
      this.#log(`cannot release Lease ${namespace}/${this.#name}: ${describe(error)}`);
    }
  }

  #desired(now: number, kept: { acquireTime?: string; leaseTransitions: number }): LeaseSpec {
    const time = microTime(now);
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil((this.#options.leaseDurationMs ?? 15_000) / 1000)),
      acquireTime: kept.acquireTime ?? time,
      renewTime: time,
      leaseTransitions: kept.leaseTransitions,
    };
  }

  #lease(spec: LeaseSpec): KubeResource {
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: this.#name, namespace: this.#options.namespace },
      spec,
    };
  }

  get #retryPeriod(): number {
    return this.#options.retryPeriodMs ?? 2000;
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`leader election: ${line}`);
  }
}

/** A MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
