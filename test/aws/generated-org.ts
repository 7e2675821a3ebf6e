import type { Seed } from "../../src/emulator/index.ts";
import type { Config } from "../../src/model/config.ts";
import { config, decl, rule } from "../plan/builders.ts";

/** The size of a generated organisation. */
export interface OrgShape {
  /** Accounts, the management account included. */
  accounts: number;
  /** OUs under the root; half of them hold one nested OU each. */
  ous: number;
  groups: number;
  users: number;
  permissionSets: number;
  /** Permission sets declared in the access files (the first ones). */
  declaredSets: number;
  /** Tagged as owned but no longer declared (the next ones). */
  ownedUndeclaredSets: number;
  /** Groups declared (managed) in the access files (the first ones). */
  managedGroups: number;
  /** Members of the first group (above 100 makes its membership list two pages). */
  bigGroupMembers: number;
  /** Assignments per group. */
  assignmentsPerGroup: number;
  identitySource?: Seed["identitySource"];
}

const OWNED = { "managed-by": "accessops" };
const pad = (n: number, width = 3) => n.toString().padStart(width, "0");
const FIRST_ACCOUNT_ID = 100_000_000_000;
/** Every this-many accounts is suspended (never a target, still listed). */
const SUSPENDED_EVERY = 9;
/** A few users hold direct assignments. */
const USERS_WITH_ACCESS = 5;

export const groupName = (i: number) => `group-${pad(i)}`;
export const userName = (i: number) => `user-${pad(i)}@example.com`;
export const setName = (i: number) => `PS-${pad(i)}`;

/**
 * A deterministic organisation of the given shape and the access files that manage part of
 * it. Everything derives from indexes, so the same shape always gives the same seed.
 */
export function generateOrg(shape: OrgShape): { seed: Seed; config: Config } {
  const ouPaths: string[] = [];
  for (let i = 0; i < shape.ous; i++) {
    const parent = i % 2 === 1 ? `${ouPaths[i - 1]}` : "Root";
    ouPaths.push(`${parent}/OU-${pad(i)}`);
  }
  const accountIds = Array.from({ length: shape.accounts }, (_, i) => String(FIRST_ACCOUNT_ID + i));
  const accounts: NonNullable<Seed["accounts"]> = accountIds.map((id, i) => ({
    id,
    name: i === 0 ? "management" : `account-${pad(i)}`,
    ou: i === 0 || ouPaths.length === 0 ? "Root" : (ouPaths[i % ouPaths.length] ?? "Root"),
    tags: { env: i % 2 === 0 ? "prod" : "dev", index: String(i) },
    ...(i > 0 && i % SUSPENDED_EVERY === 0 ? { state: "SUSPENDED" as const } : {}),
  }));
  const active = accountIds.filter((_, i) => i === 0 || i % SUSPENDED_EVERY !== 0);

  const users = Array.from({ length: shape.users }, (_, i) => ({
    userName: userName(i),
    displayName: `User ${i}`,
    name: { givenName: "User", familyName: pad(i) },
    emails: [userName(i)],
  }));
  const groups = Array.from({ length: shape.groups }, (_, i) => ({ name: groupName(i) }));
  const memberships: NonNullable<Seed["memberships"]> = [];
  for (let g = 0; g < Math.min(shape.managedGroups, shape.groups); g++) {
    const count = g === 0 ? shape.bigGroupMembers : g % 7;
    for (let m = 0; m < Math.min(count, shape.users); m++) {
      memberships.push({ group: groupName(g), user: userName((g * 13 + m) % shape.users) });
    }
  }

  const permissionSets: NonNullable<Seed["permissionSets"]> = Array.from(
    { length: shape.permissionSets },
    (_, i) => {
      const owned = i < shape.declaredSets + shape.ownedUndeclaredSets && i % 5 !== 4;
      return {
        name: setName(i),
        managedPolicies: [
          "arn:aws:iam::aws:policy/ReadOnlyAccess",
          ...(i % 3 === 0 ? ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"] : []),
        ],
        ...(i % 4 === 0 ? { customerManagedPolicies: [{ name: `Policy${i}` }] } : {}),
        ...(i % 2 === 0
          ? {
              inlinePolicy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Action: "iam:*", Resource: "*" }],
              },
            }
          : {}),
        ...(owned ? { tags: OWNED } : {}),
        ...(i % 6 === 1 && active.length > 1
          ? { provisionedTo: [active[1] ?? ""], stale: [active[1] ?? ""] }
          : {}),
      };
    },
  );

  const assignments: NonNullable<Seed["assignments"]> = [];
  const seen = new Set<string>();
  const assign = (account: string, ps: string, principal: { group: string } | { user: string }) => {
    const key = `${account}/${ps}/${JSON.stringify(principal)}`;
    if (seen.has(key)) return;
    seen.add(key);
    assignments.push({ account, permissionSet: ps, ...principal });
  };
  for (let g = 0; g < shape.groups; g++) {
    for (let k = 0; k < shape.assignmentsPerGroup; k++) {
      const account = active[(g * 7 + k * 3) % active.length] ?? "";
      assign(account, setName((g + k) % shape.permissionSets), { group: groupName(g) });
    }
  }
  for (let u = 0; u < Math.min(USERS_WITH_ACCESS, shape.users); u++) {
    assign(active[u % active.length] ?? "", setName(u % shape.permissionSets), { user: userName(u) });
  }

  const seed: Seed = {
    formatVersion: 1,
    organization: { managementAccount: "management" },
    ...(shape.identitySource ? { identitySource: shape.identitySource } : {}),
    ous: ouPaths.map((path) => ({ path })),
    accounts,
    users,
    groups,
    memberships,
    permissionSets,
    assignments,
  };

  const managed = Array.from({ length: Math.min(shape.managedGroups, shape.groups) }, (_, g) => groupName(g));
  const members = new Map<string, string[]>();
  for (const m of memberships) members.set(m.group, [...(members.get(m.group) ?? []), m.user]);
  const cfg = config({
    users: Array.from({ length: Math.min(USERS_WITH_ACCESS, shape.users) }, (_, u) => decl.user(userName(u))),
    groups: managed.map((name) =>
      decl.group(name, { members: [...new Set(members.get(name) ?? [])].sort() }),
    ),
    permissionSets: Array.from({ length: shape.declaredSets }, (_, i) => decl.permissionSet(setName(i))),
    assignments: [
      ...managed.map((name, g) =>
        rule({ group: name }, [setName(g % shape.declaredSets)], { ous: ["Root"] }),
      ),
      rule({ user: userName(0) }, [setName(0)], { tags: { env: "prod" } }),
    ],
  });
  return { seed, config: cfg };
}
