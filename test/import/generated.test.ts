import { describe, expect, it } from "vitest";
import { foldedSize } from "../../src/import/fold.ts";
import type { AssignmentRule } from "../../src/model/config.ts";
import { generateOrganisation } from "./generator.ts";
import { roundTrip } from "./harness.ts";

/** Quotas multiplied by this: the reads are bound by the CPU, not by pacing. */
const FAST = 100;

const size = (r: AssignmentRule): number =>
  foldedSize({
    all: r.targets.all,
    ous: r.targets.ous,
    accounts: r.targets.accounts,
    exclude: r.exclude,
  });

describe("import round trip on a generated organisation of 1,000 accounts", () => {
  // Applying the adoptions is checked on the small organisations (test/import/round-trip.test.ts):
  // a third full read of this one would double the test's time for the same mechanism.
  it("plans no changes but adoptions, and folds no longer than the intents that made it", async () => {
    const generated = generateOrganisation({
      seed: 7,
      accounts: 1000,
      businessUnits: 12,
      groups: 120,
      users: 100,
      permissionSets: 40,
      directUsers: 20,
    });
    const rt = await roundTrip(generated.seed, { timeScale: FAST, adopt: false });

    const liveAssignments = [...rt.live.state.values()].filter((e) => e.kind === "assignment").length;
    expect(liveAssignments).toBeGreaterThan(10_000);
    expect(generated.suspendedAssignments).toBeGreaterThan(0);
    expect(rt.result.counts.assignments).toBe(liveAssignments - generated.suspendedAssignments);
    expect(rt.result.config.settings.ownership.ignore.length).toBeGreaterThan(0);
    expect(rt.result.externalPermissionSets.map((p) => p.name)).toEqual([
      "AWSAdministratorAccess",
      "AWSReadOnlyAccess",
    ]);

    // The intents are one way to write the same access: folding never needs more items, and
    // every pattern the generator used shows up folded (all, OUs, exclusions).
    const written = rt.result.config.assignments.reduce((n, r) => n + size(r), 0);
    const intended = generated.intents.reduce((n, i) => n + i.items, 0);
    expect(written).toBeLessThanOrEqual(intended);
    const assignments = rt.result.config.assignments;
    expect(assignments.some((r) => r.targets.all)).toBe(true);
    expect(assignments.some((r) => r.targets.ous.length > 0)).toBe(true);
    expect(assignments.some((r) => r.exclude.accounts.length > 0)).toBe(true);
    expect(assignments.some((r) => r.exclude.ous.length > 0)).toBe(true);
    expect(assignments.some((r) => r.permissionSets.length > 1)).toBe(true);

    const untagged = generated.seed.permissionSets
      ?.filter((p) => !p.tags && !p.name.startsWith("AWS"))
      .map((p) => `update permission-set/${p.name}`);
    expect(rt.first.changes.map((c) => `${c.action} ${c.address}`)).toEqual(untagged);
    const notAdoptions = rt.first.changes
      .filter((c) => !(c.adopt === true && Object.keys(c.fields ?? {}).join() === "tags"))
      .map((c) => `${c.action} ${c.address} ${Object.keys(c.fields ?? {}).join()}`);
    expect(notAdoptions).toEqual([]);
  });
});
