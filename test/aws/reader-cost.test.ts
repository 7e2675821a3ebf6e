import { describe, expect, it } from "vitest";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import { generateOrg, type OrgShape } from "./generated-org.ts";
import { withEmulator } from "./harness.ts";
import { expectWithinFormula, fullReadFormula } from "./read-cost.ts";

const shapes: [string, OrgShape][] = [
  [
    "groups with several assignments each (per principal wins)",
    {
      accounts: 30,
      ous: 6,
      groups: 60,
      users: 40,
      permissionSets: 40,
      declaredSets: 12,
      ownedUndeclaredSets: 4,
      managedGroups: 10,
      bigGroupMembers: 130,
      assignmentsPerGroup: 3,
    },
  ],
  [
    "many principals, few provisioned pairs (per pair wins)",
    {
      accounts: 12,
      ous: 3,
      groups: 150,
      users: 230,
      permissionSets: 25,
      declaredSets: 4,
      ownedUndeclaredSets: 1,
      managedGroups: 3,
      bigGroupMembers: 10,
      assignmentsPerGroup: 1,
    },
  ],
];

describe("the cost of a full read", () => {
  it.each(shapes)("stays within the formula: %s", async (_, shape) => {
    const { seed, config } = generateOrg(shape);
    const request = readRequestFor(config, { refresh: "full" });
    const formula = fullReadFormula(seed, config, request.accountTags);
    await withEmulator(seed, async ({ ctx, emulator }) => {
      const { live, stats } = await readLive(ctx, request);
      // Nothing outside the formula is called, and each operation stays within it.
      expectWithinFormula(stats.calls, formula);
      expect(stats.totalThrottled).toBe(0);
      expect(Object.values(emulator.calls()).reduce((n, s) => n + s.throttled, 0)).toBe(0);
      // The read is complete: every seeded assignment of a managed permission set is there.
      const managed = new Set(config.permissionSets.map((p) => p.name));
      const expected = (seed.assignments ?? []).filter((a) => managed.has(a.permissionSet)).length;
      const read = [...live.state.values()].filter(
        (e) => e.kind === "assignment" && managed.has(e.permissionSet),
      );
      expect(read).toHaveLength(expected);
    });
  });
});
