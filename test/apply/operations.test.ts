import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type PoolTask, runPool, StatusPoller, StatusUnknownError } from "../../src/apply/operations.ts";
import type { OperationStatus } from "../../src/apply/ports.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { FakeWriter } from "./fake-writer.ts";
import { FAST_POLLING, FAST_RETRY } from "./helpers.ts";

/** Tasks that take a few ms each and record what ran when. */
function recorder() {
  let running = 0;
  let peak = 0;
  const busyLanes = new Set<string>();
  const order: string[] = [];
  const overlaps: string[] = [];
  const task = (lane: string, id: string, extra: Partial<PoolTask> = {}): PoolTask => ({
    lane,
    ...extra,
    run: async () => {
      if (busyLanes.has(lane)) overlaps.push(lane);
      busyLanes.add(lane);
      running++;
      peak = Math.max(peak, running);
      order.push(id);
      await delay(2);
      running--;
      busyLanes.delete(lane);
    },
  });
  return { task, order, overlaps, peak: () => peak };
}

describe("runPool", () => {
  it("runs at most `capacity` at once and one at a time per lane, each lane in order", async () => {
    const r = recorder();
    const tasks = Array.from({ length: 40 }, (_, i) => r.task(`lane-${i % 8}`, `t${i}`));
    await runPool(tasks, 5);
    expect(r.peak()).toBe(5);
    expect(r.overlaps).toEqual([]);
    expect(r.order).toHaveLength(40);
    for (let lane = 0; lane < 8; lane++) {
      const mine = r.order.filter((id) => Number(id.slice(1)) % 8 === lane);
      expect(mine).toEqual([...mine].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    }
  });

  it("starts a gated lane only when its gate opens, and the others meanwhile", async () => {
    const r = recorder();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const done = runPool([r.task("gated", "g1", { gate }), r.task("free", "f1"), r.task("free", "f2")], 3);
    await delay(20);
    expect(r.order).toEqual(["f1", "f2"]);
    open();
    await done;
    expect(r.order).toEqual(["f1", "f2", "g1"]);
  });

  it("starts with one lane per spread key, so work is spread over accounts", async () => {
    const r = recorder();
    const tasks = ["a", "b", "c"].flatMap((account) =>
      [1, 2, 3].map((ps) => r.task(`${account}|${ps}`, `${account}${ps}`, { spread: account })),
    );
    await runPool(tasks, 3);
    expect(r.order.slice(0, 3).sort()).toEqual(["a1", "b1", "c1"]);
  });

  it("keeps the lane with the most work busy: it never waits behind lanes with less", async () => {
    const r = recorder();
    const short = Array.from({ length: 30 }, (_, i) => r.task(`short-${i}`, `s${i}`));
    const long = Array.from({ length: 8 }, (_, i) => r.task("long", `l${i}`));
    const capacity = 3;
    await runPool([...short, ...long], capacity);
    const starts = r.order.flatMap((id, at) => (id.startsWith("l") ? [at] : []));
    expect(starts[0]).toBe(0);
    // Its last task has as much work left as each short lane, so it takes its turn among them.
    for (let i = 1; i < starts.length - 1; i++)
      expect((starts[i] as number) - (starts[i - 1] as number) - 1).toBeLessThanOrEqual(capacity - 1);
  });

  it("resolves at once with nothing to do", async () => {
    await expect(runPool([], 15)).resolves.toBeUndefined();
  });
});

describe("StatusPoller", () => {
  it("polls many requests with one list call per cycle and one describe each", async () => {
    const fake = new FakeWriter({ pollsToFinish: 5 });
    const poller = new StatusPoller("assignment-create", fake, {
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
    });
    const ids = Array.from({ length: 10 }, (_, i) =>
      fake.startForeign("assignment-create", {
        accountId: `00000000000${i}`,
        permissionSetArn: "arn",
        principalType: "GROUP",
        principalId: "g",
      }),
    );
    const statuses = await Promise.all(
      ids.map((requestId) =>
        poller.wait({ kind: "assignment-create", requestId, status: "IN_PROGRESS", failureReason: null }),
      ),
    );
    expect(statuses.map((s) => s.status)).toEqual(Array(10).fill("SUCCEEDED"));
    expect(fake.describeCalls).toBe(10);
    expect(fake.listCalls).toBe(5);
  });

  it("describes a single request directly (cheaper than listing)", async () => {
    const fake = new FakeWriter({ pollsToFinish: 3 });
    const poller = new StatusPoller("assignment-create", fake, {
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
    });
    const requestId = fake.startForeign("assignment-create", {
      accountId: "000000000001",
      permissionSetArn: "arn",
      principalType: "GROUP",
      principalId: "g",
    });
    const status = await poller.wait({
      kind: "assignment-create",
      requestId,
      status: "IN_PROGRESS",
      failureReason: null,
    });
    expect(status.status).toBe("SUCCEEDED");
    expect(fake.listCalls).toBe(0);
    expect(fake.describeCalls).toBe(3);
  });

  it("gives back a final status at once", async () => {
    const fake = new FakeWriter();
    const poller = new StatusPoller("provision", fake, {
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
    });
    const done: OperationStatus = {
      kind: "provision",
      requestId: "r",
      status: "FAILED",
      failureReason: "why",
    };
    await expect(poller.wait(done)).resolves.toEqual(done);
    expect(fake.describeCalls + fake.listCalls).toBe(0);
  });
});

describe("StatusPoller timeouts", () => {
  it("rejects with StatusUnknownError when a request stays IN_PROGRESS past the timeout", async () => {
    const fake = new FakeWriter({ pollsToFinish: 1_000_000 });
    const requestId = fake.startForeign("assignment-create", {
      accountId: "000000000001",
      permissionSetArn: "arn",
      principalType: "GROUP",
      principalId: "g",
    });
    const poller = new StatusPoller("assignment-create", fake, {
      retry: FAST_RETRY,
      clock: systemClock,
      polling: { ...FAST_POLLING, timeoutMs: 20 },
    });
    const wait = poller.wait({
      kind: "assignment-create",
      requestId,
      status: "IN_PROGRESS",
      failureReason: null,
    });
    await expect(wait).rejects.toBeInstanceOf(StatusUnknownError);
    await expect(wait).rejects.toThrow(/still IN_PROGRESS/);
  });
});
