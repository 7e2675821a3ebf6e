import { describe, expect, test } from "vitest";
import {
  applyBound,
  expectedMaxLatency,
  type Latency,
  lognormalMean,
  pages,
  QUOTAS,
  readModel,
} from "../../bench/formulas.ts";
import { generateOrganisation, SHAPES } from "../../bench/generate.ts";
import { buildVariants } from "../../bench/variants.ts";
import type { Seed } from "../../src/emulator/index.ts";
import { createRng, lognormal } from "../../src/emulator/random.ts";
import { fullReadFormula } from "../aws/read-cost.ts";
import { loadFiles } from "./helpers.ts";

const fixed = (medianSeconds: number): Latency => ({ medianSeconds, sigma: 0 });

describe("§2.7 apply bound", () => {
  // ecosystem-performance §2.7's worked table: W = 20,000, batched polling at τ = 1 s.
  test.each([
    { l: 0.5, concurrency: 1333, total: 1334 },
    { l: 1, concurrency: 2000, total: 2002 },
    { l: 2, concurrency: 3333, total: 3336 },
    { l: 5, concurrency: 7333, total: 7339 },
    { l: 10, concurrency: 14000, total: 14011 },
    { l: 30, concurrency: 40667, total: 40697 },
  ])("W = 20,000 at L = $l s is concurrency-bound at $concurrency s", ({ l, concurrency, total }) => {
    const bound = applyBound(
      {
        identityWrites: {},
        permissionSetWrites: 0,
        provisionings: [],
        assignmentCreates: 20_000,
        assignmentDeletes: 0,
      },
      fixed(l),
    );
    expect(
      Math.round((20_000 * bound.effectiveLatencySeconds) / QUOTAS.outstandingAssignmentOperations),
    ).toBe(concurrency);
    expect(Math.round(bound.assignmentSeconds)).toBe(total);
  });

  test("below the critical latency the rate bound W/(R - r_poll) governs", () => {
    const bound = applyBound(
      {
        identityWrites: {},
        permissionSetWrites: 0,
        provisionings: [],
        assignmentCreates: 20_000,
        assignmentDeletes: 0,
      },
      fixed(0),
    );
    expect(Math.round(bound.assignmentSeconds - bound.effectiveLatencySeconds)).toBe(1053);
  });

  test("identity and permission-set writes overlap on their own buckets; the slowest counts", () => {
    const bound = applyBound(
      {
        identityWrites: { "identitystore:CreateGroup": 2000, "identitystore:CreateUser": 200 },
        permissionSetWrites: 1200,
        provisionings: [],
        assignmentCreates: 0,
        assignmentDeletes: 0,
      },
      fixed(1),
    );
    expect(bound.setupSeconds).toBe(100);
    expect(bound.writeSeconds).toBe(100);
  });

  test("deletes follow the creates (DESIGN.md §4): each phase pays its own latency tail", () => {
    const work = { identityWrites: {}, permissionSetWrites: 0, provisionings: [] };
    const together = applyBound({ ...work, assignmentCreates: 70, assignmentDeletes: 0 }, fixed(3));
    const phased = applyBound({ ...work, assignmentCreates: 50, assignmentDeletes: 20 }, fixed(3));
    expect(phased.assignmentSeconds - together.assignmentSeconds).toBeCloseTo(3.5, 6);
  });

  test("re-provisioning overlaps the assignment writes: the longer of the two counts", () => {
    const work = { identityWrites: {}, permissionSetWrites: 0, provisionings: [{ accounts: 1 }] };
    const short = applyBound({ ...work, assignmentCreates: 150, assignmentDeletes: 0 }, fixed(4));
    const none = applyBound({ ...work, assignmentCreates: 0, assignmentDeletes: 0 }, fixed(4));
    expect(short.writeSeconds).toBeCloseTo(short.assignmentSeconds, 6);
    expect(none.writeSeconds).toBeCloseTo(none.provisioningSeconds, 6);
  });

  test("three provisionings run side by side, a fourth waits", () => {
    const one = applyBound(
      {
        identityWrites: {},
        permissionSetWrites: 0,
        provisionings: [{ accounts: 1 }],
        assignmentCreates: 0,
        assignmentDeletes: 0,
      },
      fixed(4),
    );
    const four = applyBound(
      {
        identityWrites: {},
        permissionSetWrites: 0,
        provisionings: [{ accounts: 1 }, { accounts: 1 }, { accounts: 1 }, { accounts: 1 }],
        assignmentCreates: 0,
        assignmentDeletes: 0,
      },
      fixed(4),
    );
    expect(one.provisioningSeconds).toBeCloseTo(4.5, 6);
    expect(four.provisioningSeconds).toBeCloseTo((4 * 4) / 3 + 0.5, 6);
  });
});

describe("latency statistics", () => {
  test("the lognormal mean is median · e^(σ²/2)", () => {
    expect(lognormalMean({ medianSeconds: 3, sigma: 0.5 })).toBeCloseTo(3 * Math.exp(0.125), 9);
  });

  test.each([1, 5, 45, 300])(
    "the expected longest of %i draws matches a simulation of the emulator's draws",
    (n) => {
      const latency = { medianSeconds: 3, sigma: 0.5 };
      const rng = createRng(1, `max-${n}`);
      const trials = 4000;
      let total = 0;
      for (let t = 0; t < trials; t++) {
        let longest = 0;
        for (let i = 0; i < n; i++)
          longest = Math.max(longest, lognormal(rng, latency.medianSeconds, latency.sigma));
        total += longest;
      }
      expect(expectedMaxLatency(n, latency)).toBeCloseTo(total / trials, 1);
    },
  );

  test("without spread the longest is the median, and more accounts never take less", () => {
    expect(expectedMaxLatency(50, fixed(3))).toBeCloseTo(3, 3);
    const l = { medianSeconds: 3, sigma: 0.5 };
    expect(expectedMaxLatency(10, l)).toBeLessThan(expectedMaxLatency(100, l));
  });
});

describe("§2.6 read model", () => {
  const seed: Seed = {
    accounts: [
      { id: "111111111111", name: "a" },
      { id: "222222222222", name: "b" },
    ],
    groups: [{ name: "g1" }, { name: "g2" }, { name: "idle" }],
    users: [{ userName: "u@example.com" }],
    memberships: [{ group: "g1", user: "u@example.com" }],
    permissionSets: [
      { name: "P", managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
      { name: "Q", provisionedTo: ["b"] },
    ],
    assignments: [
      ...Array.from({ length: 150 }, (_, i) => ({
        account: "a",
        permissionSet: "P",
        group: `g${(i % 2) + 1}`,
      })),
      { account: "b", permissionSet: "P", user: "u@example.com" },
    ],
  };
  const model = readModel(seed, { membershipsManaged: true, accountTags: false });

  test.each([
    ["B₀ = ListInstances + ListPermissionSets", model.b0, 2],
    ["Σ k_ps (7 per set, pages of policies)", model.permissionSetReads, 14],
    // every group (the idle one too) and user costs a call; g1 and g2 hold 75 each
    ["S_B", model.sB, 2 + 14 + 4],
    // pairs: a/P 150 principals (2 pages), b/P 1, b/Q 0 (provisioned, empty); a_ps listing 1 + 1
    ["S_A", model.sA, 2 + 14 + 2 + 2 + 1 + 1],
    ["S_min = B₀ + Σ k_ps + ⌈N/100⌉", model.sMin, 2 + 14 + 2],
  ])("%s", (_what, actual, expected) => {
    expect(actual).toBe(expected);
  });

  test("pages count every call, an empty list too", () => {
    expect([pages(0), pages(100), pages(101), pages(41, 20)]).toEqual([1, 1, 2, 3]);
  });

  test("the bound is the slowest bucket: sso-admin here", () => {
    expect(model.boundSeconds).toBe(model.sB / QUOTAS.ssoAdminPerSecond);
  });

  test("account tags cost a call per account on the organizations bucket", () => {
    const tagged = readModel(seed, { membershipsManaged: true, accountTags: true });
    expect(tagged.organizations - model.organizations).toBe(2);
  });

  test("the Terraform-like refresh lists every page of its pair per assignment", () => {
    // 151 assignments; the 150 of a/P see 2 pages each; P: 2 + 1 attachment; Q: 2.
    expect(model.terraform.ssoAdmin).toBe(1 + 150 * 2 + 1 + (2 + 1) + 2);
    expect(model.terraform.identityStore).toBe(3 + 1 + 1);
  });
});

test("the generated organisation's S_B is within the reader's own cost formula", async () => {
  const gen = generateOrganisation(SHAPES.small, undefined, "small");
  const variant = buildVariants(gen)["no-op"];
  const loaded = await loadFiles(variant.files);
  if (!loaded.ok) throw new Error("the generated files do not load");
  const reader = fullReadFormula(variant.seed, loaded.config, true);
  const sso = Object.entries(reader.perOperation)
    .filter(([op]) => op.startsWith("sso-admin:"))
    .reduce((n, [, c]) => n + c, reader.assignments);
  const model = readModel(variant.seed, { membershipsManaged: true, accountTags: true });
  // The reader reads what S_B counts, plus the provisioned-account listing (all accounts, then
  // the stale ones) where the model counts one stale listing.
  expect(sso).toBeGreaterThanOrEqual(model.sB);
  expect(sso).toBeLessThanOrEqual(model.sB + gen.permissionSets.length * 2);
});
