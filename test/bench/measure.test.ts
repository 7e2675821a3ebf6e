import { describe, expect, test } from "vitest";
import { addressFraction } from "../../bench/baseline.ts";
import {
  efficiency,
  parseReadCost,
  projectBaseline,
  readCalls,
  summariseCalls,
  writePhase,
} from "../../bench/measure.ts";

const op = (
  calls: number,
  extra: Partial<Record<"throttled" | "conflicts" | "errors" | "retries", number>> = {},
) => ({
  calls,
  ok: calls - (extra.throttled ?? 0) - (extra.conflicts ?? 0) - (extra.errors ?? 0),
  throttled: extra.throttled ?? 0,
  conflicts: extra.conflicts ?? 0,
  errors: extra.errors ?? 0,
  retries: extra.retries ?? 0,
});

describe("call summaries", () => {
  test("add up every operation and leave out the ones never called", () => {
    const summary = summariseCalls({
      "sso-admin:ListInstances": op(1),
      "sso-admin:ListAccountAssignments": op(120, { throttled: 20, retries: 18 }),
      "identitystore:ListGroups": op(0),
      "sso-admin:CreateAccountAssignment": op(7, { conflicts: 2, errors: 1 }),
    });
    expect(summary).toEqual({
      apiCalls: 128,
      byOperation: {
        "sso-admin:CreateAccountAssignment": 7,
        "sso-admin:ListAccountAssignments": 120,
        "sso-admin:ListInstances": 1,
      },
      throttled: 20,
      conflicts: 2,
      errors: 1,
      sdkRetries: 18,
    });
  });

  test.each([
    ["sso-admin:ListAccountAssignmentsForPrincipal", 1],
    ["sso-admin:DescribePermissionSet", 1],
    ["sso-admin:GetInlinePolicyForPermissionSet", 1],
    ["identitystore:ListGroupMemberships", 1],
    ["sso-admin:DescribeAccountAssignmentCreationStatus", 0],
    ["sso-admin:ListAccountAssignmentCreationStatus", 0],
    ["sso-admin:CreateAccountAssignment", 0],
    ["identitystore:CreateGroup", 0],
  ])("%s counts as a read: %i", (name, expected) => {
    expect(readCalls({ [name]: 1 })).toBe(expected);
  });
});

describe("the plan command's read-cost line", () => {
  test.each([
    ["read live state: 3,911 API calls in 12.3 s, 0 throttled", { calls: 3911, seconds: 12.3, throttled: 0 }],
    [
      "warning\nread live state: 1 API call in 0.0 s, 2 throttled, 2 retries\n",
      { calls: 1, seconds: 0, throttled: 2 },
    ],
    ["no such line", null],
  ])("%j", (stderr, expected) => {
    expect(parseReadCost(stderr)).toEqual(expected);
  });
});

describe("the write phase of an apply", () => {
  test.each([
    { writes: [], lastBusy: 5, expected: null },
    {
      writes: [{ time: 300 }, { time: 100 }, { time: 200 }],
      lastBusy: null,
      expected: { startMs: 100, endMs: 300 },
    },
    { writes: [{ time: 100 }, { time: 200 }], lastBusy: 900, expected: { startMs: 100, endMs: 900 } },
    { writes: [{ time: 100 }, { time: 200 }], lastBusy: 150, expected: { startMs: 100, endMs: 200 } },
  ])(
    "from the first write to the last one or the last async work in flight: $expected",
    ({ writes, lastBusy, expected }) => {
      expect(writePhase(writes, lastBusy)).toEqual(expected);
    },
  );
});

describe("projection of a sampled baseline apply", () => {
  const tasks = (ran: number, of: number) => ({
    "create:account_assignment": { tasks: of, ran, failed: 0, calls: ran * 4, busySeconds: ran * 10 },
    "create:group": { tasks: 5, ran: 5, failed: 0, calls: 10, busySeconds: 1 },
  });

  test("a full run is reported as measured", () => {
    expect(
      projectBaseline({ sample: 1, tasks: tasks(100, 100) }, { wallSeconds: 105, apiCalls: 410 }),
    ).toEqual({
      wallSeconds: 105,
      apiCalls: 410,
      projected: false,
    });
  });

  test("the assignment creates not run add their share of worker time and calls", () => {
    // 100 of 1,000 ran: 900 more at 10 s each on 10 workers = 900 s, and 900 × 4 calls.
    expect(
      projectBaseline({ sample: 0.1, tasks: tasks(100, 1000) }, { wallSeconds: 105, apiCalls: 410 }),
    ).toEqual({
      wallSeconds: 105 + 900,
      apiCalls: 410 + 3600,
      projected: true,
    });
  });
});

test("efficiency is bound over measured", () => {
  expect([efficiency(9, 10), efficiency(1, 0)]).toEqual([0.9, null]);
});

test("the baseline's sample picks addresses evenly", () => {
  const n = 20_000;
  let below = 0;
  for (let i = 0; i < n; i++)
    if (addressFraction(`account_assignment/${100000 + i}/PS/GROUP/g${i % 97}`) < 0.25) below++;
  expect(below / n).toBeGreaterThan(0.23);
  expect(below / n).toBeLessThan(0.27);
});
