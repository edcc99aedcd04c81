// Leader election between operator replicas on a Lease, against the FAKE API server of
// test/support/fake-kube.ts (no real one can run here): one of two candidates leads and only its
// controllers run; the other takes over when the leader stops renewing (after the Lease expires) or
// releases the Lease on shutdown (at once). Timings are shortened through the elector's options.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { KubeClient } from "../../src/kube/client/client.ts";
import { kubeconfigConnection } from "../../src/kube/client/connection.ts";
import { spinAppExecutors } from "../../src/kube/client/resources.ts";
import { realDelay, type Delay } from "../../src/kube/operator/delay.ts";
import { LeaderElector, type ElectionEnd } from "../../src/kube/operator/leader-election.ts";
import { Operator } from "../../src/kube/operator/operator.ts";
import { CURRENT_GROUP } from "../../src/kube/model/types.ts";
import { startFakeKube, type FakeKube } from "../support/fake-kube.ts";
import { clientFor, eventually } from "../support/kube.ts";

const LEASE = "/apis/coordination.k8s.io/v1/namespaces/default/leases/spindle-operator-leader";
/** Lease 1 s (the shortest a Lease can state), renew deadline 0.6 s, retry every 0.1 s. */
const FAST = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };
/** A Lease that would outlast the test: only a release can hand it over. */
const LONG = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 100 };

interface Candidate {
  readonly elector: LeaderElector;
  readonly operator: Operator;
  readonly ended: Promise<ElectionEnd>;
  readonly log: string[];
  stop(): void;
  /** Stops the candidate's waits from returning, as if its process were frozen. */
  pause(): void;
  resume(): void;
}

function candidate(t: TestContext, fake: FakeKube, identity: string, timing: typeof FAST): Candidate {
  const client = new KubeClient(kubeconfigConnection(fake.kubeconfig));
  const log: string[] = [];
  const operator = new Operator({ client, log: (line) => log.push(line) });
  let paused: Promise<void> | undefined;
  let resume = () => {};
  const delay: Delay = async (ms, signal) => {
    await realDelay(ms, signal);
    await paused;
  };
  const elector = new LeaderElector({
    client,
    namespace: "default",
    identity,
    ...timing,
    delay,
    log: (line) => log.push(line),
  });
  const controller = new AbortController();
  const ended = elector.run(
    controller.signal,
    () => operator.start(),
    () => operator.stop(),
  );
  t.after(async () => {
    resume();
    controller.abort();
    await ended;
    client.close();
  });
  return {
    elector,
    operator,
    ended,
    log,
    stop: () => controller.abort(),
    pause: () => {
      paused = new Promise((resolve) => (resume = resolve));
    },
    resume: () => resume(),
  };
}

function leaseSpec(fake: FakeKube): Record<string, unknown> {
  return (fake.object(LEASE)?.["spec"] ?? {}) as Record<string, unknown>;
}

async function electedPair(t: TestContext, fake: FakeKube, timing: typeof FAST) {
  const pair = [candidate(t, fake, "replica-a", timing), candidate(t, fake, "replica-b", timing)];
  const leader = await eventually(() => pair.find((c) => c.elector.isLeader), "a leader");
  const standby = pair.find((c) => c !== leader) ?? assert.fail();
  return { leader, standby };
}

test("one of two candidates leads, and only its controllers reconcile", async (t) => {
  const fake = await startFakeKube(t);
  const { leader, standby } = await electedPair(t, fake, FAST);
  assert.equal(leaseSpec(fake)["holderIdentity"], leader.elector.identity);
  assert.equal(leaseSpec(fake)["leaseDurationSeconds"], 1);
  await clientFor(t, fake).apply(spinAppExecutors(CURRENT_GROUP), {
    apiVersion: `${CURRENT_GROUP}/v1alpha1`,
    kind: "SpinAppExecutor",
    metadata: { name: "shim", namespace: "default" },
    spec: { createDeployment: true, deploymentConfig: { runtimeClassName: "wasmtime-spin-v2" } },
  });
  await eventually(
    () => (leader.operator.metrics.count("spinappexecutor-reconciler", "success") > 0 ? true : undefined),
    "the leader's executor reconcile",
  );
  // Several renewals later, the roles have not changed.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(leader.elector.isLeader, true);
  assert.equal(standby.elector.isLeader, false);
  assert.equal(standby.operator.ready, false);
  assert.equal(standby.operator.metrics.count("spinappexecutor-reconciler", "success"), 0);
  assert.equal(leaseSpec(fake)["leaseTransitions"], 0);
});

test("when the leader stops renewing, the standby takes over once the Lease expires, and the old leader steps down", async (t) => {
  const fake = await startFakeKube(t);
  const { leader, standby } = await electedPair(t, fake, FAST);
  const paused = Date.now();
  leader.pause();
  await eventually(() => (standby.elector.isLeader ? true : undefined), "the standby's takeover");
  // The standby counts the Lease's 1 s from the last renewal it saw, at most one retry before the pause.
  assert.ok(Date.now() - paused >= 1000 - FAST.retryPeriodMs, `took over after ${Date.now() - paused} ms`);
  assert.equal(leaseSpec(fake)["holderIdentity"], standby.elector.identity);
  assert.equal(leaseSpec(fake)["leaseTransitions"], 1);
  await eventually(() => (standby.operator.ready ? true : undefined), "the new leader's controllers");
  leader.resume();
  assert.equal(await leader.ended, "lost");
  assert.equal(leader.elector.isLeader, false);
  assert.ok(leader.log.some((line) => line.includes("lost the leadership")));
  assert.equal(leaseSpec(fake)["holderIdentity"], standby.elector.identity);
});

test("a leader that is stopped releases the Lease, so the standby takes over without waiting for it to expire", async (t) => {
  const fake = await startFakeKube(t);
  const { leader, standby } = await electedPair(t, fake, LONG);
  leader.stop();
  assert.equal(await leader.ended, "stopped");
  assert.ok(leader.log.some((line) => line.includes("released Lease default/spindle-operator-leader")));
  await eventually(() => (standby.elector.isLeader ? true : undefined), "the standby's takeover");
  assert.equal(leaseSpec(fake)["holderIdentity"], standby.elector.identity);
  assert.equal(leaseSpec(fake)["leaseTransitions"], 1);
  assert.match(String(leaseSpec(fake)["renewTime"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});
