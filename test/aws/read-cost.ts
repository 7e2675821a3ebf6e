import { expect } from "vitest";
import type { Seed } from "../../src/emulator/index.ts";
import type { Config } from "../../src/model/config.ts";

/**
 * The read-cost model of ecosystem-performance §2.6 computed from an emulator seed, shared by the
 * reader's cost test and the plan command's end-to-end cost test.
 */

const PAGE = 100;
const ORG_PAGE = 20;
/** The allowance over the formula (ecosystem-performance §2.6 asks for at most 1.1 ×). */
export const SLACK = 1.1;
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
export function fullReadFormula(seed: Seed, config: Config, accountTags: boolean) {
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
      "sts:GetCallerIdentity": 1,
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

export const ASSIGNMENT_OPERATIONS = [
  "sso-admin:ListAccountAssignmentsForPrincipal",
  "sso-admin:ListAccountAssignments",
];

/**
 * Asserts that `calls` (per `service:Operation`) stay within `formula`: nothing outside it is
 * called, each operation within SLACK × its count, and the assignment reads (either strategy)
 * within SLACK × the cheaper strategy.
 */
export function expectWithinFormula(
  calls: Readonly<Record<string, number>>,
  formula: ReturnType<typeof fullReadFormula>,
): void {
  const rest = { ...calls };
  const assignmentCalls = sum(ASSIGNMENT_OPERATIONS.map((op) => rest[op] ?? 0));
  for (const op of ASSIGNMENT_OPERATIONS) delete rest[op];
  expect(Object.keys(rest).sort()).toEqual(Object.keys(formula.perOperation).sort());
  for (const [op, n] of Object.entries(rest)) {
    expect.soft(n, op).toBeLessThanOrEqual(Math.floor(SLACK * (formula.perOperation[op] ?? 0)));
  }
  expect(assignmentCalls).toBeLessThanOrEqual(Math.floor(SLACK * formula.assignments));
}
