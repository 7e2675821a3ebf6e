import { describe, expect, it } from "vitest";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import type { Seed } from "../../src/emulator/index.ts";
import type { Config } from "../../src/model/config.ts";
import { generateOrg, type OrgShape } from "./generated-org.ts";
import { withEmulator } from "./harness.ts";

const PAGE = 100;
const ORG_PAGE = 20;
/** The allowance over the formula (ecosystem-performance §2.6 asks for at most 1.1 ×). */
const SLACK = 1.1;
const pages = (n: number, size = PAGE) => Math.ceil(Math.max(n, 1) / size);
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const count = <T>(items: readonly T[], key: (t: T) => string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
};

/**
 * The read cost of a full plan, computed from the seed alone with the formulas of
 * ecosystem-performance §2.6: per-permission-set reads (k_ps) for the permission sets
 * accessops touches, B₀, and for assignments the cheaper of Strategy B (per principal) and
 * Strategy A (per provisioned pair, plus the managed groups per principal).
 */
function fullReadFormula(seed: Seed, config: Config, accountTags: boolean) {
  const sets = seed.permissionSets ?? [];
  const accounts = seed.accounts ?? [];
  const idOf = (ref: string) => accounts.find((a) => a.id === ref || a.name === ref)?.id ?? ref;
  const assignments = (seed.assignments ?? []).map((a) => ({ ...a, account: idOf(a.account) }));
  const declared = new Set(config.permissionSets.flatMap((p) => [p.name, ...p.previously]));
  const tag = config.settings.ownership.tag;
  const detailed = sets.filter((p) => declared.has(p.name) || p.tags?.[tag.key] === tag.value);
  const provisioned = (name: string) =>
    new Set([
      ...(sets.find((p) => p.name === name)?.provisionedTo ?? []).map(idOf),
      ...assignments.filter((a) => a.permissionSet === name).map((a) => a.account),
    ]);
  const groups = seed.groups ?? [];
  const users = seed.users ?? [];
  const managedGroups = config.groups.filter((g) => !g.external).map((g) => g.name);
  const perPrincipalCount = count(assignments, (a) => (a.group ? `g:${a.group}` : `u:${a.user}`));
  const perPairCount = count(assignments, (a) => `${a.account}/${a.permissionSet}`);
  const perPrincipal = sum(
    [...groups.map((g) => `g:${g.name}`), ...users.map((u) => `u:${u.userName}`)].map((k) =>
      pages(perPrincipalCount.get(k) ?? 0),
    ),
  );
  const perPair =
    sum(
      detailed.flatMap((p) =>
        [...provisioned(p.name)].map((a) => pages(perPairCount.get(`${a}/${p.name}`) ?? 0)),
      ),
    ) + sum(managedGroups.map((g) => pages(perPrincipalCount.get(`g:${g}`) ?? 0)));
  const members = count(seed.memberships ?? [], (m) => m.group);
  const ous = seed.ous ?? [];
  const parents = ["Root", ...ous.map((o) => o.path)];
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

  return {
    assignments: Math.min(perPrincipal, perPair),
    perOperation: {
      "sso-admin:ListInstances": 1,
      "sso-admin:ListPermissionSets": pages(sets.length),
      "sso-admin:DescribePermissionSet": sets.length,
      "sso-admin:ListTagsForResource": sets.length,
      "sso-admin:ListManagedPoliciesInPermissionSet": sum(
        detailed.map((p) => pages(p.managedPolicies?.length ?? 0)),
      ),
      "sso-admin:ListCustomerManagedPolicyReferencesInPermissionSet": sum(
        detailed.map((p) => pages(p.customerManagedPolicies?.length ?? 0)),
      ),
      "sso-admin:GetInlinePolicyForPermissionSet": detailed.length,
      "sso-admin:GetPermissionsBoundaryForPermissionSet": detailed.length,
      "sso-admin:ListAccountsForProvisionedPermissionSet": sum(
        detailed.map((p) => pages(provisioned(p.name).size) + pages(p.stale?.length ?? 0)),
      ),
      "identitystore:ListGroups": pages(groups.length),
      "identitystore:ListUsers": pages(users.length),
      "identitystore:ListGroupMemberships": sum(managedGroups.map((g) => pages(members.get(g) ?? 0))),
      "organizations:DescribeOrganization": 1,
      "organizations:ListRoots": 1,
      "organizations:ListOrganizationalUnitsForParent": sum(
        parents.map((p) => pages(ous.filter((o) => parentOf(o.path) === p).length, ORG_PAGE)),
      ),
      "organizations:ListAccountsForParent": sum(
        parents.map((p) => pages(accounts.filter((a) => (a.ou ?? "Root") === p).length, ORG_PAGE)),
      ),
      ...(accountTags ? { "organizations:ListTagsForResource": accounts.length } : {}),
    } as Record<string, number>,
  };
}

const ASSIGNMENT_OPERATIONS = [
  "sso-admin:ListAccountAssignmentsForPrincipal",
  "sso-admin:ListAccountAssignments",
];

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
      const calls = { ...stats.calls };
      const assignmentCalls = sum(ASSIGNMENT_OPERATIONS.map((op) => calls[op] ?? 0));
      for (const op of ASSIGNMENT_OPERATIONS) delete calls[op];
      // Nothing outside the formula is called, and each operation stays within it.
      expect(Object.keys(calls).sort()).toEqual(Object.keys(formula.perOperation).sort());
      for (const [op, n] of Object.entries(calls)) {
        expect.soft(n, op).toBeLessThanOrEqual(Math.floor(SLACK * (formula.perOperation[op] ?? 0)));
      }
      expect(assignmentCalls).toBeLessThanOrEqual(Math.floor(SLACK * formula.assignments));
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
