import type { Seed } from "../../src/emulator/index.ts";

/** Hand-written organisations for the import round trip, each exercising part of the folding. */

const OWNED = { "managed-by": "accessops" };
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";

export const MANAGEMENT = "100000000000";
/** Accounts of `nestedSeed`, by name. */
export const NESTED_ACCOUNTS = {
  management: MANAGEMENT,
  "shared-network": "100000000001",
  "prod-payments": "100000000101",
  "prod-web": "100000000102",
  "prod-search": "100000000103",
  "prod-legacy": "100000000104",
  "prod-eu-payments": "100000000111",
  "prod-eu-web": "100000000112",
  "dev-payments": "100000000201",
  "dev-web": "100000000202",
  sandbox: "100000000301",
  closed: "100000000401",
} as const;

const everyActiveAccount = [
  "shared-network",
  "prod-payments",
  "prod-web",
  "prod-search",
  "prod-eu-payments",
  "prod-eu-web",
  "dev-payments",
  "dev-web",
  "sandbox",
];

const assignEach = (
  accounts: readonly string[],
  permissionSet: string,
  principal: { group: string } | { user: string },
): NonNullable<Seed["assignments"]> => accounts.map((account) => ({ account, permissionSet, ...principal }));

/**
 * Nested OUs three levels deep, a suspended account inside a targeted OU, the management
 * account, Control Tower's permission sets, direct user assignments, an owned and several
 * untagged permission sets with every field, one permission set whose inline policy the file
 * format cannot express (no Version), an assignment in a suspended account and one of a
 * deleted group.
 *
 * Root: management, shared-network
 * Root/Workloads/Prod: prod-payments, prod-web, prod-search, prod-legacy (SUSPENDED)
 * Root/Workloads/Prod/EU: prod-eu-payments, prod-eu-web
 * Root/Workloads/Dev: dev-payments, dev-web
 * Root/Sandbox: sandbox
 * Root/Closed: closed (CLOSED)
 */
export const nestedSeed: Seed = {
  formatVersion: 1,
  organization: { managementAccount: "management" },
  ous: [
    { path: "Root/Workloads" },
    { path: "Root/Workloads/Prod" },
    { path: "Root/Workloads/Prod/EU" },
    { path: "Root/Workloads/Dev" },
    { path: "Root/Sandbox" },
    { path: "Root/Closed" },
  ],
  accounts: [
    { id: NESTED_ACCOUNTS.management, name: "management" },
    { id: NESTED_ACCOUNTS["shared-network"], name: "shared-network" },
    { id: NESTED_ACCOUNTS["prod-payments"], name: "prod-payments", ou: "Root/Workloads/Prod" },
    { id: NESTED_ACCOUNTS["prod-web"], name: "prod-web", ou: "Root/Workloads/Prod" },
    { id: NESTED_ACCOUNTS["prod-search"], name: "prod-search", ou: "Root/Workloads/Prod" },
    {
      id: NESTED_ACCOUNTS["prod-legacy"],
      name: "prod-legacy",
      ou: "Root/Workloads/Prod",
      state: "SUSPENDED",
    },
    { id: NESTED_ACCOUNTS["prod-eu-payments"], name: "prod-eu-payments", ou: "Root/Workloads/Prod/EU" },
    { id: NESTED_ACCOUNTS["prod-eu-web"], name: "prod-eu-web", ou: "Root/Workloads/Prod/EU" },
    { id: NESTED_ACCOUNTS["dev-payments"], name: "dev-payments", ou: "Root/Workloads/Dev" },
    { id: NESTED_ACCOUNTS["dev-web"], name: "dev-web", ou: "Root/Workloads/Dev" },
    { id: NESTED_ACCOUNTS.sandbox, name: "sandbox", ou: "Root/Sandbox" },
    { id: NESTED_ACCOUNTS.closed, name: "closed", ou: "Root/Closed", state: "CLOSED" },
  ],
  users: [
    {
      userName: "alice@example.com",
      displayName: "Alice Liddell",
      name: { givenName: "Alice", familyName: "Liddell" },
      emails: ["alice@example.com"],
    },
    {
      userName: "bob@example.com",
      displayName: "Bob Builder",
      name: { givenName: "Bob", familyName: "Builder" },
      emails: ["bob@example.com"],
    },
    { userName: "carol", displayName: "Carol", name: { givenName: "Carol", familyName: "Danvers" } },
  ],
  groups: [
    { name: "Platform-Admins", description: "Platform engineering on-call" },
    { name: "Developers" },
    { name: "Auditors", description: "Security audit: read-only everywhere but the sandbox" },
    { name: "Empty-Team" },
    { name: "Okta-Engineering", externalIds: [{ issuer: "https://example.okta.com/scim/v2", id: "00g1" }] },
  ],
  memberships: [
    { group: "Platform-Admins", user: "alice@example.com" },
    { group: "Developers", user: "bob@example.com" },
    { group: "Developers", user: "carol" },
    { group: "Auditors", user: "carol" },
    { group: "Okta-Engineering", user: "bob@example.com" },
  ],
  permissionSets: [
    {
      name: "AWSAdministratorAccess",
      managedPolicies: [ADMIN],
      description: "Provides full access to AWS services",
    },
    { name: "AWSReadOnlyAccess", managedPolicies: [READ_ONLY] },
    {
      name: "PlatformAdmin",
      description: "Full access without billing",
      sessionDuration: "PT4H",
      relayState: "https://console.aws.amazon.com/",
      managedPolicies: [ADMIN],
      inlinePolicy: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "NoBilling", Effect: "Deny", Action: ["aws-portal:*", "budgets:*"], Resource: "*" },
        ],
      },
      tags: { team: "platform", "cost-center": "4100" },
    },
    {
      name: "Developer",
      sessionDuration: "PT8H",
      managedPolicies: ["arn:aws:iam::aws:policy/PowerUserAccess"],
      customerManagedPolicies: [{ name: "DeveloperExtras", path: "/accessops/" }, { name: "OrgGuardrails" }],
      permissionsBoundary: { customerManagedPolicy: { name: "DeveloperBoundary", path: "/boundaries/" } },
      tags: OWNED,
    },
    { name: "ReadOnly", managedPolicies: [READ_ONLY], sessionDuration: "PT8H" },
    { name: "ViewOnly", managedPolicies: [VIEW_ONLY], permissionsBoundary: { managedPolicyArn: READ_ONLY } },
    {
      name: "LegacyInline",
      description: "Hand-made long ago: its inline policy has no Version",
      inlinePolicy: '{"Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}',
    },
    {
      name: "DatabaseAdmin",
      managedPolicies: ["arn:aws:iam::aws:policy/job-function/DatabaseAdministrator"],
    },
    { name: "Unused" },
  ],
  assignments: [
    // Platform-Admins: PlatformAdmin in every active account and the management account.
    ...assignEach([...everyActiveAccount, "management"], "PlatformAdmin", { group: "Platform-Admins" }),
    // Control Tower's admin set in the management account only.
    ...assignEach(["management"], "AWSAdministratorAccess", { group: "Platform-Admins" }),
    // Developers: Developer in the whole Workloads tree but prod-search (OU minus one account).
    ...assignEach(
      ["prod-payments", "prod-web", "prod-eu-payments", "prod-eu-web", "dev-payments", "dev-web"],
      "Developer",
      { group: "Developers" },
    ),
    // Auditors: ReadOnly and ViewOnly in every active account but the sandbox: one rule.
    ...assignEach(
      everyActiveAccount.filter((a) => a !== "sandbox"),
      "ReadOnly",
      { group: "Auditors" },
    ),
    ...assignEach(
      everyActiveAccount.filter((a) => a !== "sandbox"),
      "ViewOnly",
      { group: "Auditors" },
    ),
    // Auditors also hold Control Tower's read-only set in the EU OU.
    ...assignEach(["prod-eu-payments", "prod-eu-web"], "AWSReadOnlyAccess", { group: "Auditors" }),
    // The IdP group: ReadOnly in the Dev OU.
    ...assignEach(["dev-payments", "dev-web"], "ReadOnly", { group: "Okta-Engineering" }),
    // Direct user grants.
    ...assignEach(["prod-payments"], "DatabaseAdmin", { user: "alice@example.com" }),
    ...assignEach(["sandbox", "shared-network"], "LegacyInline", { user: "carol" }),
    // In the suspended account: left to ownership.ignore.
    ...assignEach(["prod-legacy"], "Developer", { group: "Developers" }),
    // A deleted group's grant: an orphan.
    {
      account: "dev-web",
      permissionSet: "ReadOnly",
      principalType: "GROUP",
      principalId: "00000000-0000-0000-0000-000000000999",
    },
  ],
};

/**
 * An external identity source (SCIM): every user and group carries ExternalIds. Groups without
 * assignments are not declared; user grants name users the files do not declare.
 */
export const externalSeed: Seed = {
  formatVersion: 1,
  identitySource: "external",
  organization: { managementAccount: "management" },
  ous: [{ path: "Root/Prod" }, { path: "Root/Dev" }],
  accounts: [
    { id: "200000000000", name: "management" },
    { id: "200000000001", name: "prod-a", ou: "Root/Prod" },
    { id: "200000000002", name: "prod-b", ou: "Root/Prod" },
    { id: "200000000003", name: "dev-a", ou: "Root/Dev" },
    { id: "200000000004", name: "dev-b", ou: "Root/Dev" },
    { id: "200000000005", name: "dev-c", ou: "Root/Dev" },
  ],
  users: [
    { userName: "dana@corp.example", displayName: "Dana", name: { givenName: "Dana", familyName: "Scully" } },
    { userName: "fox@corp.example", displayName: "Fox", name: { givenName: "Fox", familyName: "Mulder" } },
  ],
  groups: [{ name: "eng" }, { name: "sre" }, { name: "no-access" }],
  memberships: [
    { group: "eng", user: "dana@corp.example" },
    { group: "sre", user: "fox@corp.example" },
  ],
  permissionSets: [
    { name: "Admin", managedPolicies: [ADMIN], tags: OWNED },
    { name: "ReadOnly", managedPolicies: [READ_ONLY] },
  ],
  assignments: [
    ...assignEach(["prod-a", "prod-b", "dev-a", "dev-b", "dev-c"], "ReadOnly", { group: "eng" }),
    ...assignEach(["dev-a", "dev-b"], "Admin", { group: "eng" }),
    ...assignEach(["prod-a", "prod-b", "management"], "Admin", { group: "sre" }),
    ...assignEach(["dev-c"], "Admin", { user: "dana@corp.example" }),
  ],
};

/**
 * A delegated administrator (the caller is not the management account): the management
 * account's assignments cannot be declared, so import leaves them to `ownership.ignore`.
 */
export const delegatedSeed: Seed = {
  formatVersion: 1,
  organization: { managementAccount: "management" },
  callerAccountId: "security",
  ous: [{ path: "Root/Security" }, { path: "Root/Workloads" }],
  accounts: [
    { id: "300000000000", name: "management" },
    { id: "300000000001", name: "security", ou: "Root/Security" },
    { id: "300000000002", name: "workload-a", ou: "Root/Workloads" },
    { id: "300000000003", name: "workload-b", ou: "Root/Workloads" },
  ],
  users: [{ userName: "erin", displayName: "Erin", name: { givenName: "Erin", familyName: "Hannon" } }],
  groups: [{ name: "Admins" }, { name: "Readers" }],
  memberships: [{ group: "Admins", user: "erin" }],
  permissionSets: [
    { name: "Admin", managedPolicies: [ADMIN] },
    { name: "ReadOnly", managedPolicies: [READ_ONLY] },
  ],
  assignments: [
    ...assignEach(["management", "security", "workload-a", "workload-b"], "Admin", { group: "Admins" }),
    ...assignEach(["workload-a", "workload-b"], "ReadOnly", { group: "Readers" }),
  ],
};

/**
 * `externalSeed` with drift import cannot cause nor fix in the files: ReadOnly holds an outdated
 * copy in prod-a (`LATEST_PERMISSION_SET_NOT_PROVISIONED`).
 */
export const staleSeed: Seed = {
  ...externalSeed,
  permissionSets: (externalSeed.permissionSets ?? []).map((p) =>
    p.name === "ReadOnly" ? { ...p, provisionedTo: ["prod-a"], stale: ["prod-a"] } : p,
  ),
};
