import type { Seed } from "../../src/emulator/index.ts";

/** Limits that never throttle, for tests about semantics rather than quotas. */
export const UNTHROTTLED = {
  ssoAdminRatePerSecond: Number.POSITIVE_INFINITY,
  identityStoreRatePerSecond: Number.POSITIVE_INFINITY,
  organizationsRatePerSecond: Number.POSITIVE_INFINITY,
} as const;

export const MANAGEMENT = "111111111111";
export const PROD = "222222222222";
export const DEV = "333333333333";
export const SUSPENDED = "444444444444";

/** A small organisation: management, prod (with one customer policy), dev, a suspended account. */
export function smallSeed(overrides: Partial<Seed> = {}): Seed {
  return {
    ous: [{ path: "Root/Workloads" }, { path: "Root/Workloads/Prod" }, { path: "Root/Suspended" }],
    accounts: [
      { id: MANAGEMENT, name: "management" },
      {
        id: PROD,
        name: "prod",
        ou: "Root/Workloads/Prod",
        tags: { env: "prod" },
        iamPolicies: [{ name: "Guardrails" }],
      },
      { id: DEV, name: "dev", ou: "Root/Workloads" },
      { id: SUSPENDED, name: "old", ou: "Root/Suspended", state: "SUSPENDED" },
    ],
    users: [
      {
        userName: "alice",
        displayName: "Alice",
        name: { givenName: "Alice", familyName: "A" },
        emails: ["alice@example.com"],
      },
      { userName: "bob", displayName: "Bob", name: { givenName: "Bob", familyName: "B" } },
    ],
    groups: [{ name: "Admins" }, { name: "Devs" }],
    memberships: [{ group: "Admins", user: "alice" }],
    permissionSets: [
      { name: "Admin", managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      { name: "ReadOnly" },
    ],
    assignments: [{ account: PROD, permissionSet: "Admin", group: "Admins" }],
    ...overrides,
  };
}

/** A seed with `n` accounts under the root (ids 100000000000 + i), for pagination and scale. */
export function manyAccounts(n: number): Seed["accounts"] {
  return [
    { id: MANAGEMENT, name: "management" },
    ...Array.from({ length: n }, (_, i) => ({ id: String(100_000_000_000 + i), name: `account-${i}` })),
  ];
}
