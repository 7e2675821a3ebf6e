import type { Seed } from "../../src/emulator/index.ts";

/**
 * A seeded organisation generator for the import round trip: business units with prod and dev
 * OUs (prod nested by region in every other unit), suspended accounts scattered through them,
 * and assignments made from "intents" a person would write (every account, an OU, an OU minus a
 * few accounts, everything but one OU, a handful of accounts), expanded to per-account
 * assignments as AWS holds them. The same seed always gives the same organisation.
 */

export interface GeneratedShape {
  seed: number;
  /** Accounts, the management account included. */
  accounts: number;
  businessUnits: number;
  groups: number;
  users: number;
  permissionSets: number;
  /** Users holding direct (not group) grants. */
  directUsers: number;
}

/** One rule a person would write, and what it costs in list items (`all: true` counts one). */
export interface Intent {
  principal: { group: string } | { user: string };
  permissionSet: string;
  pattern: "all" | "all+management" | "all-minus-ou" | "ou" | "ou-minus-accounts" | "accounts";
  items: number;
}

export interface Generated {
  seed: Seed;
  intents: Intent[];
  /** Live assignments in suspended accounts (left to `ownership.ignore`). */
  suspendedAssignments: number;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; plenty for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width = 3) => String(n).padStart(width, "0");
const FIRST_ACCOUNT_ID = 500_000_000_000;
/** One account in this many is suspended. */
const SUSPENDED_ONE_IN = 25;
/** A grant in an OU also sits on its suspended accounts with this probability (made before the suspension). */
const STALE_GRANT_CHANCE = 0.5;
/** OU grants mostly name a leaf OU (a team's prod or dev), as real organisations do. */
const LEAF_CHANCE = 0.8;
/** A group's permission sets all cover the same accounts with this probability (one rule, several sets). */
const SHARED_SELECTION_CHANCE = 0.3;
const CONTROL_TOWER_SETS = ["AWSAdministratorAccess", "AWSReadOnlyAccess"];

export function generateOrganisation(shape: GeneratedShape): Generated {
  const rnd = random(shape.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

  const ous: string[] = ["Root/Workloads", "Root/Sandbox", "Root/Security"];
  const leaves: string[] = ["Root/Sandbox", "Root/Security"];
  for (let b = 0; b < shape.businessUnits; b++) {
    const unit = `Root/Workloads/BU-${pad(b, 2)}`;
    ous.push(unit, `${unit}/Prod`, `${unit}/Dev`);
    leaves.push(unit, `${unit}/Dev`);
    if (b % 2 === 0) {
      ous.push(`${unit}/Prod/EU`, `${unit}/Prod/US`);
      leaves.push(`${unit}/Prod/EU`, `${unit}/Prod/US`);
    } else leaves.push(`${unit}/Prod`);
  }

  const accounts: NonNullable<Seed["accounts"]> = [];
  const management = String(FIRST_ACCOUNT_ID);
  accounts.push({ id: management, name: "management" });
  for (let i = 1; i < shape.accounts; i++) {
    const ou = i % 50 === 0 ? "Root" : pick(leaves);
    accounts.push({
      id: String(FIRST_ACCOUNT_ID + i),
      name: `acct-${pad(i, 4)}`,
      ou,
      ...(rnd() < 1 / SUSPENDED_ONE_IN ? { state: "SUSPENDED" as const } : {}),
    });
  }
  const isActive = (a: (typeof accounts)[number]) => a.state === undefined;
  const eligible = accounts.filter((a) => a.id !== management && isActive(a)).map((a) => a.id);
  const under = (path: string) =>
    accounts.filter((a) => a.id !== management && (a.ou === path || (a.ou ?? "").startsWith(`${path}/`)));

  const users = Array.from({ length: shape.users }, (_, i) => ({
    userName: `user-${pad(i)}@example.com`,
    displayName: `User ${i}`,
    name: { givenName: "User", familyName: pad(i) },
    emails: [`user-${pad(i)}@example.com`],
  }));
  const groups = Array.from({ length: shape.groups }, (_, i) => ({ name: `team-${pad(i)}` }));
  const memberships: NonNullable<Seed["memberships"]> = [];
  for (const g of groups) {
    const members = new Set<string>();
    const count = Math.floor(rnd() * 6);
    for (let m = 0; m < count; m++) members.add(pick(users).userName);
    for (const user of members) memberships.push({ group: g.name, user });
  }
  const permissionSets: NonNullable<Seed["permissionSets"]> = [
    ...CONTROL_TOWER_SETS.map((name) => ({
      name,
      managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    })),
    ...Array.from({ length: shape.permissionSets - CONTROL_TOWER_SETS.length }, (_, i) => ({
      name: `PS-${pad(i)}`,
      description: `Generated permission set ${i}`,
      managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      ...(i % 3 === 0
        ? {
            inlinePolicy: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Deny", Action: `service${i}:*`, Resource: "*" }],
            },
          }
        : {}),
      ...(i % 2 === 0 ? { tags: { "managed-by": "accessops", index: String(i) } } : {}),
    })),
  ];
  const setNames = permissionSets.map((p) => p.name);

  const assignments: NonNullable<Seed["assignments"]> = [];
  const intents: Intent[] = [];
  let suspendedAssignments = 0;
  const grant = (
    principal: { group: string } | { user: string },
    sets: string[],
    ids: Iterable<string>,
  ): void => {
    for (const account of ids) {
      for (const permissionSet of sets) assignments.push({ account, permissionSet, ...principal });
    }
  };
  const staleIn = (path: string): string[] =>
    under(path)
      .filter((a) => !isActive(a) && rnd() < STALE_GRANT_CHANCE)
      .map((a) => a.id);

  /** Grants `sets` on one selection; each permission set is one intent (one rule a person writes). */
  const makeIntent = (principal: { group: string } | { user: string }, sets: string[]): void => {
    const roll = rnd();
    const record = (pattern: Intent["pattern"], items: number): void => {
      for (const permissionSet of sets) intents.push({ principal, permissionSet, pattern, items });
    };
    const activeUnder = (path: string) =>
      under(path)
        .filter(isActive)
        .map((a) => a.id);
    if (roll < 0.02) {
      grant(principal, sets, eligible);
      record("all", 1);
    } else if (roll < 0.03) {
      grant(principal, sets, [...eligible, management]);
      record("all+management", 2);
    } else if (roll < 0.05) {
      const out = new Set(activeUnder(pick(ous)));
      grant(
        principal,
        sets,
        eligible.filter((id) => !out.has(id)),
      );
      record("all-minus-ou", 2);
    } else if (roll < 0.5) {
      const ou = rnd() < LEAF_CHANCE ? pick(leaves) : pick(ous);
      const ids = activeUnder(ou);
      if (ids.length === 0) return;
      const stale = staleIn(ou);
      suspendedAssignments += stale.length * sets.length;
      grant(principal, sets, [...ids, ...stale]);
      record("ou", 1);
    } else if (roll < 0.65) {
      const ou = rnd() < LEAF_CHANCE ? pick(leaves) : pick(ous);
      const ids = activeUnder(ou);
      if (ids.length < 4) return;
      const removed = new Set([pick(ids), pick(ids)]);
      grant(
        principal,
        sets,
        ids.filter((id) => !removed.has(id)),
      );
      record("ou-minus-accounts", 1 + removed.size);
    } else {
      const ids = new Set<string>();
      const count = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < count; k++) ids.add(pick(eligible));
      grant(principal, sets, ids);
      record("accounts", ids.size);
    }
  };

  for (const g of groups) {
    const sets = new Set<string>();
    const count = 1 + Math.floor(rnd() * 2);
    for (let k = 0; k < count; k++) sets.add(pick(setNames));
    if (rnd() < SHARED_SELECTION_CHANCE) makeIntent({ group: g.name }, [...sets]);
    else for (const ps of sets) makeIntent({ group: g.name }, [ps]);
  }
  for (let u = 0; u < shape.directUsers; u++) {
    const user = users[u % users.length]?.userName ?? "";
    makeIntent({ user }, [pick(setNames)]);
  }

  return {
    seed: {
      formatVersion: 1,
      organization: { managementAccount: "management" },
      ous: ous.map((path) => ({ path })),
      accounts,
      users,
      groups,
      memberships,
      permissionSets,
      assignments,
    },
    intents,
    suspendedAssignments,
  };
}
