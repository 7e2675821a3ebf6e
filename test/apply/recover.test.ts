import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  danglingRequests,
  type JournalRecord,
  reviewedPlanOf,
  type WriteRecord,
} from "../../src/apply/journal.ts";
import { awaitInProgress } from "../../src/apply/recover.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { config, decl, NOW, PROD_PAYMENTS, rule } from "../plan/builders.ts";
import { FakeWriter } from "./fake-writer.ts";
import { applyToFake, FAST_POLLING, FAST_RETRY, MemoryJournal } from "./helpers.ts";

const INSTANCE = "arn:aws:sso:::instance/ssoins-fake0000000000";

function started(runId: string, requestId: string, address: string): JournalRecord[] {
  return [
    {
      type: "run-start",
      time: NOW.toISOString(),
      runId,
      instanceArn: INSTANCE,
      checksum: "c1",
      reviewed: { checksum: "c1", changes: [] },
    },
    {
      type: "write",
      time: NOW.toISOString(),
      runId,
      address,
      operation: "CreateAccountAssignment",
      kind: "assignment-create",
      requestId,
      status: "IN_PROGRESS",
    },
  ];
}

describe("awaiting what an interrupted run left in progress", () => {
  it("waits for every operation still in progress and journals how the killed run's ended", async () => {
    const fake = new FakeWriter({ pollsToFinish: 4 });
    await applyToFake(
      config({
        groups: [decl.group("Admins")],
        permissionSets: [decl.permissionSet("Admin")],
        assignments: [rule({ group: "Admins" }, ["Admin"], { accounts: ["prod-web"] })],
      }),
      fake,
    );
    const ids = fake.toLive().ids;
    const ref = {
      accountId: PROD_PAYMENTS,
      permissionSetArn: ids.permissionSets.Admin as string,
      principalType: "GROUP" as const,
      principalId: ids.groups.Admins as string,
    };
    const killed = fake.startForeign("assignment-create", ref);
    const address = `assignment/${PROD_PAYMENTS}/Admin/GROUP/Admins`;
    const records = [
      ...started("earlier", killed, address),
      // A request AWS no longer knows (its history expired): nothing to wait for.
      ...started("older", "req-forgotten", `assignment/${PROD_PAYMENTS}/Admin/GROUP/Gone`),
    ];
    const journal = new MemoryJournal();

    const awaited = await awaitInProgress({
      writer: fake,
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
      records,
      journal,
      instanceArn: INSTANCE,
      runId: "now",
      now: () => NOW,
    });

    expect(awaited).toBe(1);
    expect(fake.inProgress()).toEqual([]);
    expect(fake.toLive().state.has(address)).toBe(true);
    expect(journal.records).toEqual([
      {
        type: "write",
        time: NOW.toISOString(),
        runId: "now",
        address,
        operation: "CreateAccountAssignment",
        kind: "assignment-create",
        requestId: killed,
        status: "SUCCEEDED",
      },
    ]);
    expect(danglingRequests([...records, ...journal.records], INSTANCE).map((d) => d.requestId)).toEqual([
      "req-forgotten",
    ]);
  });

  it("fails with the first error, handled, when a request cannot be described while the lists are slow", async () => {
    class SlowLists extends FakeWriter {
      override async listInProgress(kind: Parameters<FakeWriter["listInProgress"]>[0]) {
        await delay(50);
        return super.listInProgress(kind);
      }
    }
    const fake = new SlowLists().addRule({
      operation: "Describe:assignment-create",
      error: "AccessDeniedException",
      times: 0,
    });
    const run = awaitInProgress({
      writer: fake,
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
      records: started("killed", "req-1", "assignment/x"),
      journal: new MemoryJournal(),
      instanceArn: INSTANCE,
      runId: "now",
      now: () => NOW,
    });
    await expect(run).rejects.toMatchObject({ awsCode: "AccessDeniedException" });
    expect(fake.listCalls).toBe(3);
  });

  it("finds nothing to wait for with three calls", async () => {
    const fake = new FakeWriter();
    const awaited = await awaitInProgress({
      writer: fake,
      retry: FAST_RETRY,
      clock: systemClock,
      polling: FAST_POLLING,
      records: [],
      journal: new MemoryJournal(),
      instanceArn: INSTANCE,
      runId: "now",
      now: () => NOW,
    });
    expect(awaited).toBe(0);
    expect(fake.listCalls).toBe(3);
    expect(fake.describeCalls).toBe(0);
  });
});

describe("the journal", () => {
  it("finds the reviewed plan of a checksum, the latest run's copy", () => {
    const change = {
      address: "group/A",
      kind: "group" as const,
      action: "create" as const,
      before: null,
      after: { kind: "group" as const, name: "A", description: null },
      reason: "r",
    };
    const records: JournalRecord[] = [
      ...started("one", "x", "a"),
      {
        type: "run-start",
        time: NOW.toISOString(),
        runId: "two",
        instanceArn: INSTANCE,
        checksum: "c2",
        reviewed: { checksum: "c1", changes: [change] },
      },
    ];
    expect(reviewedPlanOf(records, "c1")?.changes).toEqual([change]);
    expect(reviewedPlanOf(records, "c3")).toBeNull();
  });

  it("does not count a request as dangling once its end is recorded, nor another instance's", () => {
    const records = [...started("r", "req-1", "a"), ...started("r", "req-2", "b")];
    const end: WriteRecord = { ...(records[1] as WriteRecord), status: "FAILED", error: "reason" };
    expect(danglingRequests([...records, end], INSTANCE).map((d) => d.requestId)).toEqual(["req-2"]);
    expect(danglingRequests(records, "arn:aws:sso:::instance/ssoins-other")).toEqual([]);
  });
});
