import type { Seed } from "../../src/emulator/index.ts";
import { addressOf } from "../../src/model/address.ts";
import type { Config } from "../../src/model/config.ts";
import type { Live, OrgSnapshot } from "../../src/model/live.ts";
import type { Entity, State } from "../../src/model/state.ts";
import { config, decl, rule } from "../plan/builders.ts";

/**
 * A small organisation with every id explicit, so the expected live state can be written by
 * hand. What it holds:
 * - accounts: management (root), prod-payments (Workloads/Prod, env=prod), dev (Workloads,
 *   env=dev), legacy (Suspended, SUSPENDED);
 * - users alice and bob; groups Platform-Admins (alice), Developers (bob), Okta-Engineering
 *   (from an IdP: ExternalIds);
 * - permission sets PlatformAdmin (everything set, stale in prod-payments), ReadOnly (owned),
 *   Legacy (owned, no longer declared, held by a deleted group: an orphan), Sandbox (unmanaged),
 *   AWSAdministratorAccess (Control Tower's, untagged).
 */

export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-1111111111111111";
export const STORE_ID = "d-1111111111";
const PS = (suffix: string) => `arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-${suffix.repeat(16)}`;
export const ARNS = {
  PlatformAdmin: PS("a"),
  ReadOnly: PS("b"),
  Legacy: PS("c"),
  Sandbox: PS("d"),
  AWSAdministratorAccess: PS("e"),
};
const id = (n: number) => `00000000-0000-0000-0000-${n.toString().padStart(12, "0")}`;
export const IDS = {
  alice: id(1),
  bob: id(2),
  platformAdmins: id(11),
  developers: id(12),
  okta: id(13),
  aliceInPlatformAdmins: id(21),
  bobInDevelopers: id(22),
  deletedGroup: id(99),
};

export const MANAGEMENT = "111111111111";
export const PROD = "222222222222";
export const DEV = "333333333333";
export const LEGACY = "444444444444";

const INLINE = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Action: "aws-portal:*", Resource: "*" }],
};

export const smallSeed: Seed = {
  formatVersion: 1,
  instance: { arn: INSTANCE_ARN, identityStoreId: STORE_ID },
  organization: { rootId: "r-root", managementAccount: "management" },
  ous: [
    { path: "Root/Workloads", id: "ou-root-workloads" },
    { path: "Root/Workloads/Prod", id: "ou-root-prodprod" },
    { path: "Root/Suspended", id: "ou-root-suspended" },
  ],
  accounts: [
    { id: MANAGEMENT, name: "management", email: "root@example.com" },
    { id: PROD, name: "prod-payments", ou: "Root/Workloads/Prod", tags: { team: "payments", env: "prod" } },
    { id: DEV, name: "dev", ou: "Root/Workloads", tags: { env: "dev" } },
    { id: LEGACY, name: "legacy", ou: "Root/Suspended", state: "SUSPENDED" },
  ],
  users: [
    {
      userName: "alice@example.com",
      id: IDS.alice,
      displayName: "Alice Liddell",
      name: { givenName: "Alice", familyName: "Liddell" },
      emails: [{ value: "alice@example.com", type: "work", primary: true }],
    },
    {
      userName: "bob@example.com",
      id: IDS.bob,
      displayName: "Bob Builder",
      name: { givenName: "Bob", familyName: "Builder" },
      emails: ["bob@example.com"],
    },
  ],
  groups: [
    { name: "Platform-Admins", id: IDS.platformAdmins, description: "Platform on-call" },
    { name: "Developers", id: IDS.developers },
    {
      name: "Okta-Engineering",
      id: IDS.okta,
      externalIds: [{ issuer: "https://example.okta.com/scim/v2", id: "00g1engineering" }],
    },
  ],
  memberships: [
    { group: "Platform-Admins", user: "alice@example.com", id: IDS.aliceInPlatformAdmins },
    { group: "Developers", user: "bob@example.com", id: IDS.bobInDevelopers },
  ],
  permissionSets: [
    {
      name: "PlatformAdmin",
      arn: ARNS.PlatformAdmin,
      description: "Full access for the platform team",
      sessionDuration: "PT240M",
      relayState: "https://console.aws.amazon.com/",
      managedPolicies: [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AdministratorAccess",
      ],
      customerManagedPolicies: [{ name: "OrgGuardrails", path: "/guardrails/" }],
      inlinePolicy: JSON.stringify(INLINE, null, 2),
      permissionsBoundary: { customerManagedPolicy: { name: "Boundary" } },
      tags: { team: "platform", "managed-by": "accessops" },
      stale: ["prod-payments"],
    },
    {
      name: "ReadOnly",
      arn: ARNS.ReadOnly,
      managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      tags: { "managed-by": "accessops" },
    },
    { name: "Legacy", arn: ARNS.Legacy, tags: { "managed-by": "accessops" } },
    { name: "Sandbox", arn: ARNS.Sandbox, description: "Made by hand" },
    {
      name: "AWSAdministratorAccess",
      arn: ARNS.AWSAdministratorAccess,
      managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      sessionDuration: "PT12H",
    },
  ],
  assignments: [
    { account: "prod-payments", permissionSet: "PlatformAdmin", group: "Platform-Admins" },
    { account: "dev", permissionSet: "ReadOnly", group: "Developers" },
    { account: "dev", permissionSet: "ReadOnly", user: "alice@example.com" },
    { account: "management", permissionSet: "AWSAdministratorAccess", group: "Okta-Engineering" },
    {
      account: "prod-payments",
      permissionSet: "Legacy",
      principalType: "GROUP",
      principalId: IDS.deletedGroup,
    },
    { account: "dev", permissionSet: "Sandbox", group: "Developers" },
  ],
};

/** The access files of this organisation: what accessops manages in it. */
export const smallConfig: Config = config({
  users: [decl.user("alice@example.com")],
  groups: [
    decl.group("Platform-Admins", { members: ["alice@example.com"] }),
    decl.group("Okta-Engineering", { external: true }),
  ],
  permissionSets: [
    decl.permissionSet("PlatformAdmin"),
    decl.permissionSet("ReadOnly", { previously: ["ReadOnlyOld"] }),
    decl.permissionSet("AWSAdministratorAccess", { external: true }),
  ],
  assignments: [
    rule({ group: "Platform-Admins" }, ["PlatformAdmin"], { accounts: ["prod-payments"] }),
    rule({ group: "Platform-Admins" }, ["ReadOnly"], { tags: { env: "dev" } }),
    rule({ group: "Okta-Engineering" }, ["AWSAdministratorAccess"], { accounts: ["management"] }),
    rule({ user: "alice@example.com" }, ["ReadOnly"], { accounts: ["dev"] }),
  ],
});

/** The organisation as the reader must see it (account tags included: a rule targets tags). */
export const smallOrg: OrgSnapshot = {
  rootId: "r-root",
  managementAccountId: MANAGEMENT,
  accounts: [
    {
      id: MANAGEMENT,
      name: "management",
      email: "root@example.com",
      state: "ACTIVE",
      tags: {},
      ouPath: "Root",
    },
    {
      id: PROD,
      name: "prod-payments",
      email: "prod-payments@example.com",
      state: "ACTIVE",
      tags: { env: "prod", team: "payments" },
      ouPath: "Root/Workloads/Prod",
    },
    {
      id: DEV,
      name: "dev",
      email: "dev@example.com",
      state: "ACTIVE",
      tags: { env: "dev" },
      ouPath: "Root/Workloads",
    },
    {
      id: LEGACY,
      name: "legacy",
      email: "legacy@example.com",
      state: "SUSPENDED",
      tags: {},
      ouPath: "Root/Suspended",
    },
  ],
  ous: [
    { id: "ou-root-suspended", name: "Suspended", path: "Root/Suspended", parentId: "r-root" },
    { id: "ou-root-workloads", name: "Workloads", path: "Root/Workloads", parentId: "r-root" },
    { id: "ou-root-prodprod", name: "Prod", path: "Root/Workloads/Prod", parentId: "ou-root-workloads" },
  ],
};

/** Every entity of the small organisation, by hand. */
export const E = {
  alice: {
    kind: "user",
    userName: "alice@example.com",
    displayName: "Alice Liddell",
    givenName: "Alice",
    familyName: "Liddell",
    emails: ["alice@example.com"],
  },
  bob: {
    kind: "user",
    userName: "bob@example.com",
    displayName: "Bob Builder",
    givenName: "Bob",
    familyName: "Builder",
    emails: ["bob@example.com"],
  },
  platformAdmins: { kind: "group", name: "Platform-Admins", description: "Platform on-call" },
  developers: { kind: "group", name: "Developers", description: null },
  okta: { kind: "group", name: "Okta-Engineering", description: null },
  aliceInPlatformAdmins: { kind: "membership", group: "Platform-Admins", userName: "alice@example.com" },
  platformAdmin: {
    kind: "permissionSet",
    name: "PlatformAdmin",
    description: "Full access for the platform team",
    sessionDuration: "PT4H",
    relayState: "https://console.aws.amazon.com/",
    managedPolicies: [
      "arn:aws:iam::aws:policy/AdministratorAccess",
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ],
    customerManagedPolicies: [{ name: "OrgGuardrails", path: "/guardrails/" }],
    inlinePolicy:
      '{"Statement":[{"Action":"aws-portal:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}',
    permissionsBoundary: { customerManagedPolicy: { name: "Boundary", path: "/" } },
    tags: { "managed-by": "accessops", team: "platform" },
  },
  readOnly: {
    kind: "permissionSet",
    name: "ReadOnly",
    description: null,
    sessionDuration: "PT1H",
    relayState: null,
    managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    tags: { "managed-by": "accessops" },
  },
  legacy: {
    kind: "permissionSet",
    name: "Legacy",
    description: null,
    sessionDuration: "PT1H",
    relayState: null,
    managedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    tags: { "managed-by": "accessops" },
  },
  sandbox: {
    kind: "permissionSet",
    name: "Sandbox",
    description: "Made by hand",
    sessionDuration: "PT1H",
    relayState: null,
    managedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    tags: {},
  },
  awsAdministratorAccess: {
    kind: "permissionSet",
    name: "AWSAdministratorAccess",
    description: null,
    sessionDuration: "PT12H",
    relayState: null,
    managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    customerManagedPolicies: [],
    inlinePolicy: null,
    permissionsBoundary: null,
    tags: {},
  },
  platformAdminsProd: {
    kind: "assignment",
    accountId: PROD,
    permissionSet: "PlatformAdmin",
    principalType: "GROUP",
    principalName: "Platform-Admins",
  },
  developersDevReadOnly: {
    kind: "assignment",
    accountId: DEV,
    permissionSet: "ReadOnly",
    principalType: "GROUP",
    principalName: "Developers",
  },
  aliceDevReadOnly: {
    kind: "assignment",
    accountId: DEV,
    permissionSet: "ReadOnly",
    principalType: "USER",
    principalName: "alice@example.com",
  },
  oktaManagementAdmin: {
    kind: "assignment",
    accountId: MANAGEMENT,
    permissionSet: "AWSAdministratorAccess",
    principalType: "GROUP",
    principalName: "Okta-Engineering",
  },
  developersDevSandbox: {
    kind: "assignment",
    accountId: DEV,
    permissionSet: "Sandbox",
    principalType: "GROUP",
    principalName: "Developers",
  },
} satisfies Record<string, Entity>;

export function stateOf(entities: readonly Entity[]): State {
  return new Map(entities.map((e) => [addressOf(e), e]));
}

export const LEGACY_ORPHAN = {
  accountId: PROD,
  permissionSet: "Legacy",
  principalType: "GROUP",
  principalId: IDS.deletedGroup,
} as const;

/** The ids every read of the small organisation knows (principals all listed). */
export const smallIds: Live["ids"] = {
  users: { "alice@example.com": IDS.alice, "bob@example.com": IDS.bob },
  groups: { Developers: IDS.developers, "Okta-Engineering": IDS.okta, "Platform-Admins": IDS.platformAdmins },
  memberships: { "membership/Platform-Admins/alice@example.com": IDS.aliceInPlatformAdmins },
  permissionSets: { ...ARNS },
};

export const smallProvisioning: Live["provisioning"] = {
  AWSAdministratorAccess: { accounts: [MANAGEMENT], stale: [] },
  Legacy: { accounts: [PROD], stale: [] },
  PlatformAdmin: { accounts: [PROD], stale: [PROD] },
  ReadOnly: { accounts: [DEV], stale: [] },
};
