import { describe, expect, test } from "vitest";
import { assignmentCounts, generateOrganisation, PLATFORM_GROUPS, SHAPES } from "../../bench/generate.ts";
import { assignmentKey } from "../../bench/org.ts";
import { buildVariants } from "../../bench/variants.ts";
import { resolveDesired } from "../../src/plan/index.ts";
import { loadFiles, NOW, snapshotOf } from "./helpers.ts";

const small = generateOrganisation(SHAPES.small, undefined, "small");
const smallVariants = buildVariants(small);

describe("the synthetic organisation (ecosystem-performance §2.8)", () => {
  test.each([
    ["accounts", small.org.accounts.length, 100],
    ["permission sets", small.permissionSets.length, 20],
    ["groups", small.groups.length, 200],
    ["users", small.users.length, 20],
  ])("small scale has a tenth of the full %s", (_what, actual, expected) => {
    expect(actual).toBe(expected);
  });

  test("resolves to the intended number of assignments, within 1 %", () => {
    expect(Math.abs(small.desired.size - SHAPES.small.assignments)).toBeLessThanOrEqual(
      SHAPES.small.assignments * 0.01,
    );
  });

  test("permission sets carry 1-3 managed policies, 0-2 customer-managed ones, inline policies of 0.5-8 KB and at most 5 tags", () => {
    for (const ps of small.permissionSets) {
      expect(ps.managedPolicies.length).toBeGreaterThanOrEqual(1);
      expect(ps.managedPolicies.length).toBeLessThanOrEqual(3);
      expect(ps.customerManagedPolicies.length).toBeLessThanOrEqual(2);
      expect(Object.keys(ps.tags).length).toBeLessThanOrEqual(5);
      if (ps.inlinePolicy) {
        const bytes = JSON.stringify(ps.inlinePolicy).length;
        expect(bytes).toBeGreaterThanOrEqual(512);
        // One statement past the drawn size at most.
        expect(bytes).toBeLessThan(8192 + 1024);
      }
    }
  });

  test("platform groups hold their permission set in every active account but the management account", () => {
    const active = small.org.accounts.filter((a) => a.state === "ACTIVE" && a.id !== small.org.management.id);
    for (const p of PLATFORM_GROUPS) {
      for (const a of active) {
        expect(
          small.desired.has(assignmentKey(a.id, p.permissionSet, { group: p.name })),
          `${p.name} in ${a.name}`,
        ).toBe(true);
      }
    }
  });

  test("assignments spread unevenly: most groups hold 1-20, a few hold many more", () => {
    const { perPrincipal } = assignmentCounts(small.desired.values());
    const groups = small.groups.map((g) => perPrincipal.get(`GROUP/${g.name}`) ?? 0);
    const modest = groups.filter((n) => n >= 1 && n <= 20).length;
    expect(modest / groups.length).toBeGreaterThan(0.75);
    expect(groups.filter((n) => n >= 50).length).toBeGreaterThanOrEqual(PLATFORM_GROUPS.length);
  });

  test("some pairs hold more principals than one page, and none more groups than AWS allows", () => {
    const groupsPerPair = new Map<string, number>();
    for (const a of small.desired.values()) {
      if ("group" in a.principal) {
        const pair = `${a.accountId}/${a.permissionSet}`;
        groupsPerPair.set(pair, (groupsPerPair.get(pair) ?? 0) + 1);
      }
    }
    const { perPair } = assignmentCounts(small.desired.values());
    expect(Math.max(...perPair.values())).toBeGreaterThan(100);
    expect(Math.max(...groupsPerPair.values())).toBeLessThanOrEqual(100);
  });

  test("the same seed gives the same files and seeds", () => {
    const again = buildVariants(generateOrganisation(SHAPES.small, undefined, "small"));
    for (const name of ["no-op", "typical-pr", "drift"] as const) {
      expect([...again[name].files]).toEqual([...smallVariants[name].files]);
      expect(JSON.stringify(again[name].seed)).toBe(JSON.stringify(smallVariants[name].seed));
    }
  });

  test("a different seed gives a different organisation", () => {
    const other = generateOrganisation(SHAPES.small, 7, "small");
    expect([...other.desired.keys()].sort()).not.toEqual([...small.desired.keys()].sort());
  });

  test("targets are written as teams write them: OU, tag and account-list rules", () => {
    const kinds = new Set(small.rules.flatMap((r) => Object.keys(r.targets)));
    expect([...kinds].sort()).toEqual(["accounts", "all", "ous", "tags"]);
  });
});

describe("the access files", () => {
  test.each(["no-op", "typical-pr"] as const)("of %s pass accessops validate", (name) => {
    const loaded = loadFiles(smallVariants[name].files);
    return loaded.then((result) => {
      expect(result.ok ? [] : result.errors).toEqual([]);
    });
  });

  test.each([
    ["small", small],
    ["full", generateOrganisation(SHAPES.full, undefined, "full")],
  ] as const)(
    "of the %s organisation resolve, with accessops's resolver, to exactly the generated assignments",
    async (scale, gen) => {
      const files = buildVariants(gen)["no-op"].files;
      const loaded = await loadFiles(files);
      if (!loaded.ok)
        throw new Error(loaded.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join("\n"));
      const resolved = resolveDesired(loaded.config, snapshotOf(gen.org), {
        now: NOW,
        callerIsManagementAccount: true,
      });
      expect(resolved.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const keys = [...resolved.desired.values()]
        .filter((e) => e.kind === "assignment")
        .map((a) => `${a.accountId}/${a.permissionSet}/${a.principalType}/${a.principalName}`)
        .sort();
      expect(keys).toEqual([...gen.desired.keys()].sort());
      expect(Math.abs(keys.length - SHAPES[scale].assignments)).toBeLessThanOrEqual(
        SHAPES[scale].assignments * 0.01,
      );
    },
  );
});
