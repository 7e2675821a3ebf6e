import { describe, expect, it } from "vitest";
import type { Config, TargetSelector } from "../../src/model/config.ts";
import { ConfigError } from "../../src/model/errors.ts";
import type { Live, OrgAccount } from "../../src/model/live.ts";
import type { Plan, SafetyRule, WarningCode } from "../../src/model/plan.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { planChecksum } from "../../src/plan/checksum.ts";
import { ADMINISTRATOR_POLICY_ARN } from "../../src/plan/policies.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  LEGACY,
  live,
  MANAGEMENT,
  NOW,
  OWNED,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  settings,
  standardOrg,
} from "./builders.ts";

interface Expected {
  /** `action address`, in apply order: the whole plan. */
  changes: string[];
  /** Field names of updates and replaces, by address. */
  fields?: Record<string, string[]>;
  adopt?: string[];
  violations?: SafetyRule[];
  ok?: boolean;
  warnings?: WarningCode[];
  unmanaged?: string[];
  expiring?: string[];
  /** Substrings expected in the reason of the change at an address. */
  reasons?: Record<string, string>;
  /** Substrings expected in the warning messages, in warning order. */
  warningMessages?: string[];
  /** Provision targets by address. */
  provision?: Record<string, unknown>;
  /** `blockedBy` by address; every other change must carry none. */
  blocked?: Record<string, string>;
}

interface Row {
  name: string;
  config: Config;
  live: Live;
  now?: Date;
  allowDeletes?: boolean;
  expected: Expected;
}

const admins = decl.group("Platform-Admins", { members: ["alice@example.com"] });
const alice = decl.user("alice@example.com");
const platformAdmin = decl.permissionSet("PlatformAdmin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] });
const readOnly = decl.permissionSet("ReadOnly", {
  managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  inlinePolicy:
    '{"Statement":[{"Action":"aws-portal:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}',
});
const readOnlyLive = e.permissionSet("ReadOnly", {
  managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  inlinePolicy: readOnly.inlinePolicy,
});
const platformAdminLive = e.permissionSet("PlatformAdmin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] });

const assignmentAddr = (account: string, ps: string, name: string, type = "GROUP") =>
  `assignment/${account}/${ps}/${type}/${name}`;

/** Everything the bootstrap config produces, as live entities: the "no changes" baseline. */
function bootstrapLive() {
  return [
    e.user("alice@example.com"),
    e.group("Platform-Admins"),
    e.membership("Platform-Admins", "alice@example.com"),
    platformAdminLive,
    readOnlyLive,
    e.assignment(PROD_PAYMENTS, "PlatformAdmin", "Platform-Admins"),
    e.assignment(PROD_WEB, "PlatformAdmin", "Platform-Admins"),
    ...[PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX].map((a) =>
      e.assignment(a, "ReadOnly", "Platform-Admins"),
    ),
  ];
}

function bootstrapConfig(over: Partial<Config> = {}): Config {
  return config({
    users: [alice],
    groups: [admins],
    permissionSets: [platformAdmin, readOnly],
    assignments: [
      rule(
        { group: "Platform-Admins" },
        ["PlatformAdmin"],
        { ous: ["Root/Workloads/Prod"] },
        { id: "admins.yaml#0" },
      ),
      rule({ group: "Platform-Admins" }, ["ReadOnly"], { all: true }, { id: "admins.yaml#1" }),
    ],
    ...over,
  });
}

/** Ops holds ReadOnly in dev-1 by rule, and in the management account and dev-2 by no rule. */
const opsOnDev1 = config({
  groups: [decl.group("Ops")],
  permissionSets: [decl.permissionSet("ReadOnly")],
  assignments: [rule({ group: "Ops" }, ["ReadOnly"], { accounts: ["dev-1"] })],
});
const opsLive = [
  e.group("Ops"),
  e.permissionSet("ReadOnly"),
  e.assignment(DEV_1, "ReadOnly", "Ops"),
  e.assignment(MANAGEMENT, "ReadOnly", "Ops"),
  e.assignment(DEV_2, "ReadOnly", "Ops"),
];

const rows: Row[] = [
  {
    name: "bootstrap into an empty instance",
    config: bootstrapConfig(),
    live: live([]),
    expected: {
      changes: [
        "create user/alice@example.com",
        "create group/Platform-Admins",
        "create membership/Platform-Admins/alice@example.com",
        "create permission-set/PlatformAdmin",
        "create permission-set/ReadOnly",
        `create ${assignmentAddr(PROD_PAYMENTS, "PlatformAdmin", "Platform-Admins")}`,
        `create ${assignmentAddr(PROD_PAYMENTS, "ReadOnly", "Platform-Admins")}`,
        `create ${assignmentAddr(PROD_WEB, "PlatformAdmin", "Platform-Admins")}`,
        `create ${assignmentAddr(PROD_WEB, "ReadOnly", "Platform-Admins")}`,
        `create ${assignmentAddr(DEV_1, "ReadOnly", "Platform-Admins")}`,
        `create ${assignmentAddr(DEV_2, "ReadOnly", "Platform-Admins")}`,
        `create ${assignmentAddr(SANDBOX, "ReadOnly", "Platform-Admins")}`,
      ],
      ok: true,
      violations: [],
      warnings: ["admin-access", "admin-policy"],
      reasons: {
        [assignmentAddr(PROD_PAYMENTS, "PlatformAdmin", "Platform-Admins")]:
          "granted by rule admins.yaml#0 via OU Root/Workloads/Prod",
      },
    },
  },
  {
    name: "no changes",
    config: bootstrapConfig(),
    live: live(bootstrapLive()),
    expected: { changes: [], ok: true, warnings: [], unmanaged: [] },
  },
  {
    name: "out-of-band drift: added and removed assignments, an edited and an unprovisioned permission set",
    config: bootstrapConfig(),
    live: live(
      [
        ...bootstrapLive().filter(
          (x) =>
            !(x.kind === "assignment" && x.accountId === DEV_2 && x.permissionSet === "ReadOnly") &&
            !(x.kind === "permissionSet" && x.name === "ReadOnly"),
        ),
        { ...readOnlyLive, description: "edited in the console", sessionDuration: "PT8H" },
        e.assignment(MANAGEMENT, "PlatformAdmin", "Platform-Admins"),
      ],
      {
        provisioning: {
          ReadOnly: { accounts: [DEV_1, PROD_PAYMENTS, PROD_WEB, SANDBOX], stale: [] },
          PlatformAdmin: { accounts: [PROD_PAYMENTS, PROD_WEB], stale: [PROD_WEB] },
        },
      },
    ),
    expected: {
      changes: [
        "update permission-set/ReadOnly",
        "provision provisioning/PlatformAdmin",
        "provision provisioning/ReadOnly",
        `create ${assignmentAddr(DEV_2, "ReadOnly", "Platform-Admins")}`,
        `delete ${assignmentAddr(MANAGEMENT, "PlatformAdmin", "Platform-Admins")}`,
      ],
      fields: { "permission-set/ReadOnly": ["description", "sessionDuration"] },
      provision: {
        "provisioning/PlatformAdmin": { accounts: [PROD_WEB] },
        "provisioning/ReadOnly": "ALL_PROVISIONED_ACCOUNTS",
      },
      reasons: { [assignmentAddr(MANAGEMENT, "PlatformAdmin", "Platform-Admins")]: "no rule grants it" },
      violations: ["lockout"],
      ok: false,
    },
  },
  {
    name: "inline policy key order and whitespace are not drift; tag-only updates need no provisioning",
    config: bootstrapConfig(),
    live: live(
      [
        ...bootstrapLive().filter((x) => x.kind !== "permissionSet"),
        { ...platformAdminLive, tags: { ...OWNED, extra: "x" } },
        {
          ...readOnlyLive,
          inlinePolicy:
            '{ "Version": "2012-10-17", "Statement": [ { "Resource": "*", "Effect": "Deny", "Action": "aws-portal:*" } ] }',
        },
      ],
      { provisioning: { PlatformAdmin: { accounts: [PROD_PAYMENTS], stale: [] } } },
    ),
    expected: {
      changes: ["update permission-set/PlatformAdmin"],
      fields: { "permission-set/PlatformAdmin": ["tags"] },
    },
  },
  {
    name: "rename: replace, move assignments (creates before deletes), delete the old set",
    config: config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("OpsAdmin", { previously: ["Admin"] })],
      assignments: [rule({ group: "Ops" }, ["OpsAdmin"], { accounts: ["prod-payments"] })],
    }),
    live: live([
      e.group("Ops"),
      e.permissionSet("Admin", { tags: {} }),
      e.assignment(PROD_PAYMENTS, "Admin", "Ops"),
    ]),
    expected: {
      changes: [
        "replace permission-set/OpsAdmin",
        `create ${assignmentAddr(PROD_PAYMENTS, "OpsAdmin", "Ops")}`,
        `delete ${assignmentAddr(PROD_PAYMENTS, "Admin", "Ops")}`,
        "delete permission-set/Admin",
      ],
      fields: { "permission-set/OpsAdmin": ["name", "tags"] },
      warnings: ["rename"],
      reasons: {
        [assignmentAddr(PROD_PAYMENTS, "Admin", "Ops")]: "permission set Admin is renamed to OpsAdmin",
      },
    },
  },
  {
    name: "adoption of a declared but untagged permission set",
    config: config({
      permissionSets: [
        decl.permissionSet("ReadOnly", { description: "Read only" }),
        decl.permissionSet("Billing"),
      ],
    }),
    live: live([
      e.permissionSet("ReadOnly", { tags: { team: "x" } }),
      e.permissionSet("Billing", { tags: {} }),
    ]),
    expected: {
      changes: ["update permission-set/Billing", "update permission-set/ReadOnly"],
      adopt: ["permission-set/Billing", "permission-set/ReadOnly"],
      fields: { "permission-set/Billing": ["tags"], "permission-set/ReadOnly": ["description", "tags"] },
      reasons: { "permission-set/Billing": "adopted" },
    },
  },
  {
    name: "unsafe delete: more than maxDeletes",
    config: config({ settings: settings({ maxDeletes: 2 }), groups: [decl.group("Devs")] }),
    live: live([e.group("Devs"), ...[DEV_1, DEV_2, SANDBOX].map((a) => e.assignment(a, "ReadOnly", "Devs"))]),
    expected: {
      changes: [DEV_1, DEV_2, SANDBOX].map((a) => `delete ${assignmentAddr(a, "ReadOnly", "Devs")}`),
      violations: ["max-deletes"],
      ok: false,
      unmanaged: [],
    },
  },
  {
    name: "unsafe delete overridden with --allow-deletes",
    config: config({ settings: settings({ maxDeletes: 2 }), groups: [decl.group("Devs")] }),
    live: live([e.group("Devs"), ...[DEV_1, DEV_2, SANDBOX].map((a) => e.assignment(a, "ReadOnly", "Devs"))]),
    allowDeletes: true,
    expected: {
      changes: [DEV_1, DEV_2, SANDBOX].map((a) => `delete ${assignmentAddr(a, "ReadOnly", "Devs")}`),
      violations: ["max-deletes"],
      ok: true,
    },
  },
  {
    name: "unsafe delete: over maxDeletePercent of at least 10 managed objects",
    config: config({
      settings: settings({ maxDeletePercent: 25 }),
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [
        rule({ group: "Devs" }, ["ReadOnly"], { accounts: [PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2] }),
      ],
    }),
    live: live([
      e.group("Devs"),
      e.permissionSet("ReadOnly"),
      ...[PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX, MANAGEMENT].map((a) =>
        e.assignment(a, "ReadOnly", "Devs"),
      ),
      e.permissionSet("Old1"),
      e.permissionSet("Old2"),
    ]),
    allowDeletes: false,
    expected: {
      changes: [
        `delete ${assignmentAddr(MANAGEMENT, "ReadOnly", "Devs")}`,
        `delete ${assignmentAddr(SANDBOX, "ReadOnly", "Devs")}`,
        "delete permission-set/Old1",
        "delete permission-set/Old2",
      ],
      violations: ["max-delete-percent"],
      ok: false,
    },
  },
  {
    name: "delete percentage is not checked below 10 managed objects",
    config: config({
      settings: settings({ maxDeletePercent: 25 }),
      permissionSets: [decl.permissionSet("A")],
    }),
    live: live([e.permissionSet("A"), e.permissionSet("Old1"), e.permissionSet("Old2")]),
    expected: {
      changes: ["delete permission-set/Old1", "delete permission-set/Old2"],
      violations: [],
      ok: true,
    },
  },
  {
    name: "a missing external group is unsafe and not overridable; its assignment creates are blocked",
    config: config({
      groups: [decl.group("Okta-Engineering", { external: true })],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Okta-Engineering" }, ["ReadOnly"], { accounts: ["dev-1"] })],
    }),
    live: live([e.permissionSet("ReadOnly")]),
    allowDeletes: true,
    expected: {
      changes: [`create ${assignmentAddr(DEV_1, "ReadOnly", "Okta-Engineering")}`],
      blocked: { [assignmentAddr(DEV_1, "ReadOnly", "Okta-Engineering")]: "group/Okta-Engineering" },
      violations: ["unresolved-principal"],
      ok: false,
    },
  },
  {
    name: "a missing external permission set is unsafe",
    config: config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("AWSAdministratorAccess", { external: true })],
      assignments: [rule({ group: "Ops" }, ["AWSAdministratorAccess"], { accounts: ["dev-1"] })],
    }),
    live: live([e.group("Ops")]),
    expected: {
      changes: [`create ${assignmentAddr(DEV_1, "AWSAdministratorAccess", "Ops")}`],
      blocked: {
        [assignmentAddr(DEV_1, "AWSAdministratorAccess", "Ops")]: "permission-set/AWSAdministratorAccess",
      },
      violations: ["unresolved-principal"],
      ok: false,
    },
  },
  {
    name: "an external group that exists is referenced, never written, and listed as unmanaged",
    config: config({
      groups: [decl.group("Okta-Engineering", { external: true })],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Okta-Engineering" }, ["ReadOnly"], { accounts: ["dev-1"] })],
    }),
    live: live([e.group("Okta-Engineering", "synced"), e.permissionSet("ReadOnly")]),
    expected: {
      changes: [`create ${assignmentAddr(DEV_1, "ReadOnly", "Okta-Engineering")}`],
      violations: [],
      unmanaged: ["group/Okta-Engineering"],
    },
  },
  {
    name: "the management account: named explicitly by the management account; never via OU or all",
    config: config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [
        rule({ group: "Ops" }, ["ReadOnly"], { accounts: ["management"] }),
        rule({ group: "Ops" }, ["ReadOnly"], { ous: ["Root"] }, { id: "ops.yaml#1" }),
      ],
    }),
    live: live([e.group("Ops"), e.permissionSet("ReadOnly")]),
    expected: {
      changes: [MANAGEMENT, PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX].map(
        (a) => `create ${assignmentAddr(a, "ReadOnly", "Ops")}`,
      ),
      reasons: { [assignmentAddr(MANAGEMENT, "ReadOnly", "Ops")]: "via account management" },
    },
  },
  {
    name: "a delegated administrator never targets the management account through OUs or all",
    config: config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Ops" }, ["ReadOnly"], { all: true })],
    }),
    live: live([e.group("Ops"), e.permissionSet("ReadOnly")], { callerIsManagementAccount: false }),
    expected: {
      changes: [PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX].map(
        (a) => `create ${assignmentAddr(a, "ReadOnly", "Ops")}`,
      ),
    },
  },
  {
    name: "a delegated administrator leaves a management-account assignment no rule grants alone, and says so",
    config: opsOnDev1,
    live: live(opsLive, { callerIsManagementAccount: false }),
    expected: {
      changes: [`delete ${assignmentAddr(DEV_2, "ReadOnly", "Ops")}`],
      unmanaged: [assignmentAddr(MANAGEMENT, "ReadOnly", "Ops")],
      warnings: ["management-account-unmanaged"],
      warningMessages: [
        `left 1 assignment in the management account management (${MANAGEMENT}) that no rule grants (${assignmentAddr(MANAGEMENT, "ReadOnly", "Ops")})`,
      ],
      ok: true,
    },
  },
  {
    name: "an assignment no rule grants in a suspended account is left alone (AWS fails changes there), and said",
    config: opsOnDev1,
    live: live([...opsLive, e.assignment(LEGACY, "ReadOnly", "Ops")]),
    expected: {
      changes: [
        `delete ${assignmentAddr(MANAGEMENT, "ReadOnly", "Ops")}`,
        `delete ${assignmentAddr(DEV_2, "ReadOnly", "Ops")}`,
      ],
      unmanaged: [assignmentAddr(LEGACY, "ReadOnly", "Ops")],
      warnings: ["inactive-account-unmanaged"],
      warningMessages: [
        `left 1 assignment in SUSPENDED account legacy (${LEGACY}) that no rule grants (${assignmentAddr(LEGACY, "ReadOnly", "Ops")}): AWS cannot change access in an account that is not ACTIVE; the first plan after the account is ACTIVE again removes it.`,
      ],
    },
  },
  {
    name: "an assignment in an account no longer in the organisation is left alone too",
    config: opsOnDev1,
    live: live([
      e.group("Ops"),
      e.permissionSet("ReadOnly"),
      e.assignment(DEV_1, "ReadOnly", "Ops"),
      e.assignment("999999999999", "ReadOnly", "Ops"),
    ]),
    expected: {
      changes: [],
      unmanaged: [assignmentAddr("999999999999", "ReadOnly", "Ops")],
      warnings: ["inactive-account-unmanaged"],
      warningMessages: [
        `left 1 assignment in account 999999999999, which is no longer in the organisation that no rule grants`,
      ],
    },
  },
  {
    name: "the management account deletes the same assignment",
    config: opsOnDev1,
    live: live(opsLive),
    expected: {
      changes: [
        `delete ${assignmentAddr(MANAGEMENT, "ReadOnly", "Ops")}`,
        `delete ${assignmentAddr(DEV_2, "ReadOnly", "Ops")}`,
      ],
      unmanaged: [],
      warnings: [],
    },
  },
  {
    name: "a delegated administrator cannot change a permission set provisioned in the management account",
    config: config({ permissionSets: [decl.permissionSet("ReadOnly", { sessionDuration: "PT8H" })] }),
    live: live([e.permissionSet("ReadOnly")], {
      callerIsManagementAccount: false,
      provisioning: { ReadOnly: { accounts: [MANAGEMENT, DEV_1], stale: [] } },
    }),
    allowDeletes: true,
    expected: {
      changes: ["update permission-set/ReadOnly", "provision provisioning/ReadOnly"],
      violations: ["management-account-permission-set"],
      ok: false,
    },
  },
  {
    name: "a referenced user that does not exist blocks its membership and its assignments",
    config: config({
      groups: [decl.group("Ops", { members: ["sam@example.com"] })],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ user: "sam@example.com" }, ["ReadOnly"], { accounts: ["dev-1"] })],
    }),
    live: live([e.group("Ops"), e.permissionSet("ReadOnly")]),
    expected: {
      changes: [
        "create membership/Ops/sam@example.com",
        `create ${assignmentAddr(DEV_1, "ReadOnly", "sam@example.com", "USER")}`,
      ],
      blocked: {
        "membership/Ops/sam@example.com": "user/sam@example.com",
        [assignmentAddr(DEV_1, "ReadOnly", "sam@example.com", "USER")]: "user/sam@example.com",
      },
      violations: ["unresolved-principal"],
      ok: false,
    },
  },
  {
    name: "OU and tag targeting with exclusions and a suspended account",
    config: config({
      groups: [decl.group("Devs"), decl.group("Auditors")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [
        rule(
          { group: "Devs" },
          ["ReadOnly"],
          { ous: ["Root/Workloads"] },
          {
            exclude: { accounts: ["dev-2"], ous: ["Root/Workloads/Prod"] },
          },
        ),
        rule({ group: "Auditors" }, ["ReadOnly"], { tags: { env: "prod" } }, { id: "audit.yaml#0" }),
      ],
    }),
    live: live([e.group("Devs"), e.group("Auditors"), e.permissionSet("ReadOnly")]),
    expected: {
      changes: [
        `create ${assignmentAddr(PROD_PAYMENTS, "ReadOnly", "Auditors")}`,
        `create ${assignmentAddr(PROD_WEB, "ReadOnly", "Auditors")}`,
        `create ${assignmentAddr(DEV_1, "ReadOnly", "Devs")}`,
      ],
      warnings: ["account-not-active"],
      reasons: { [assignmentAddr(PROD_WEB, "ReadOnly", "Auditors")]: "via tags env=prod" },
    },
  },
  {
    name: "expired access is deleted, expiring access is listed",
    config: config({
      groups: [decl.group("Oncall")],
      permissionSets: [decl.permissionSet("Break")],
      assignments: [
        rule(
          { group: "Oncall" },
          ["Break"],
          { accounts: ["prod-payments"] },
          {
            id: "jit.yaml#0",
            expires: "2026-05-31T00:00:00.000Z",
          },
        ),
        rule(
          { group: "Oncall" },
          ["Break"],
          { accounts: ["prod-web"] },
          {
            id: "jit.yaml#1",
            expires: "2026-06-03T00:00:00.000Z",
          },
        ),
        rule(
          { group: "Oncall" },
          ["Break"],
          { accounts: ["dev-1"] },
          {
            id: "jit.yaml#2",
            expires: "2026-07-01T00:00:00.000Z",
          },
        ),
      ],
    }),
    live: live([
      e.group("Oncall"),
      e.permissionSet("Break"),
      e.assignment(PROD_PAYMENTS, "Break", "Oncall"),
      e.assignment(PROD_WEB, "Break", "Oncall"),
    ]),
    expected: {
      changes: [
        `create ${assignmentAddr(DEV_1, "Break", "Oncall")}`,
        `delete ${assignmentAddr(PROD_PAYMENTS, "Break", "Oncall")}`,
      ],
      expiring: [assignmentAddr(PROD_WEB, "Break", "Oncall")],
      reasons: {
        [assignmentAddr(PROD_PAYMENTS, "Break", "Oncall")]:
          "expired at 2026-05-31T00:00:00.000Z (rule jit.yaml#0)",
      },
    },
  },
  {
    name: "ownership: tagged-undeclared deleted, untagged-undeclared unmanaged, ignore rules, regex-owned groups",
    config: config({
      settings: settings({
        groups: "^team-",
        ignore: [{ principalType: "USER" }],
      }),
      users: [alice],
      groups: [decl.group("team-core", { members: ["alice@example.com"] })],
      permissionSets: [decl.permissionSet("ReadOnly")],
    }),
    live: live([
      e.user("alice@example.com"),
      e.group("team-core"),
      e.group("team-old"),
      e.group("finance"),
      e.membership("team-old", "alice@example.com"),
      e.membership("team-core", "alice@example.com"),
      e.membership("finance", "alice@example.com"),
      e.permissionSet("ReadOnly"),
      e.permissionSet("Retired"),
      e.permissionSet("ControlTowerThing", { tags: {} }),
      e.assignment(DEV_1, "Retired", "finance"),
      e.assignment(DEV_1, "ReadOnly", "alice@example.com", "USER"),
      e.assignment(DEV_1, "ControlTowerThing", "finance"),
      e.assignment(DEV_1, "ControlTowerThing", "team-old"),
    ]),
    expected: {
      changes: [
        `delete ${assignmentAddr(DEV_1, "ControlTowerThing", "team-old")}`,
        `delete ${assignmentAddr(DEV_1, "Retired", "finance")}`,
        "delete permission-set/Retired",
        "delete membership/team-old/alice@example.com",
        "delete group/team-old",
      ],
      unmanaged: [
        `assignment/${DEV_1}/ControlTowerThing/GROUP/finance`,
        `assignment/${DEV_1}/ReadOnly/USER/alice@example.com`,
        "group/finance",
        "membership/finance/alice@example.com",
        "permission-set/ControlTowerThing",
      ],
      reasons: {
        "permission-set/Retired": "tagged managed-by=accessops but no longer declared",
        "group/team-old": 'matches ownership.groups "^team-"',
      },
    },
  },
  {
    name: "protected principals, permission sets and accounts are kept",
    config: config({
      settings: settings({
        protected: { principals: ["group/BreakGlass"], permissionSets: ["Core"], accounts: ["sandbox"] },
      }),
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("Core", { description: "new" }), decl.permissionSet("ReadOnly")],
    }),
    live: live([
      e.group("Devs"),
      e.group("BreakGlass"),
      e.permissionSet("Core"),
      e.permissionSet("ReadOnly"),
      e.assignment(PROD_PAYMENTS, "ReadOnly", "BreakGlass"),
      e.assignment(SANDBOX, "ReadOnly", "Devs"),
      e.assignment(DEV_1, "ReadOnly", "Devs"),
    ]),
    expected: {
      changes: [`delete ${assignmentAddr(DEV_1, "ReadOnly", "Devs")}`],
      warnings: ["protected", "protected", "protected"],
      warningMessages: [
        "kept 1 change because account 444444444444 is protected: assignment/444444444444/ReadOnly/GROUP/Devs (delete)",
        "kept 1 change because group/BreakGlass is protected: assignment/111111111111/ReadOnly/GROUP/BreakGlass (delete)",
        "kept permission-set/Core: it is protected, so the update was left out",
      ],
      unmanaged: ["group/BreakGlass"],
    },
  },
  {
    name: "a targeted read never deletes outside its coverage",
    config: config({ groups: [decl.group("Devs")], permissionSets: [decl.permissionSet("ReadOnly")] }),
    live: live(
      [
        e.group("Devs"),
        e.group("Others"),
        e.permissionSet("ReadOnly"),
        e.permissionSet("Stale"),
        e.assignment(DEV_1, "ReadOnly", "Others"),
        e.assignment(DEV_1, "ReadOnly", "Devs"),
      ],
      {
        coverage: {
          refresh: "targeted",
          allPrincipals: false,
          principals: ["group/Devs"],
          allPermissionSets: false,
          permissionSets: ["ReadOnly"],
        },
      },
    ),
    expected: {
      changes: [`delete ${assignmentAddr(DEV_1, "ReadOnly", "Devs")}`],
      warnings: ["outside-coverage"],
    },
  },
  {
    name: "a group re-created with a new id while its old grants are orphaned",
    config: config({
      groups: [decl.group("Devs", { external: true })],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Devs" }, ["ReadOnly"], { accounts: ["dev-1", "dev-2"] })],
    }),
    live: live([e.group("Devs"), e.permissionSet("ReadOnly")], {
      orphans: [DEV_1, DEV_2].map((accountId) => ({
        accountId,
        permissionSet: "ReadOnly",
        principalType: "GROUP" as const,
        principalId: "9067-old",
      })),
    }),
    allowDeletes: true,
    expected: {
      changes: [DEV_1, DEV_2].map((a) => `create ${assignmentAddr(a, "ReadOnly", "Devs")}`),
      violations: ["recreated-group"],
      warnings: ["orphan-assignments"],
      ok: false,
    },
  },
  {
    name: "orphans on a permission set being deleted are reported as blocking its delete",
    config: config(),
    live: live([e.permissionSet("Retired")], {
      orphans: [
        { accountId: DEV_1, permissionSet: "Retired", principalType: "GROUP", principalId: "gone-1" },
      ],
    }),
    expected: {
      changes: ["delete permission-set/Retired"],
      warnings: ["orphan-assignments"],
      warningMessages: [
        "1 assignment of Retired (dev-1) belongs to a group that no longer exists (id gone-1), and AWS refuses to delete Retired while they exist",
      ],
    },
  },
  {
    name: "lockout: the last administrator assignment in the management account",
    config: config({ groups: [decl.group("Admins")], permissionSets: [platformAdmin] }),
    live: live([
      e.group("Admins"),
      platformAdminLive,
      e.assignment(MANAGEMENT, "PlatformAdmin", "Admins"),
      e.assignment(PROD_PAYMENTS, "PlatformAdmin", "Admins"),
    ]),
    expected: {
      changes: [
        `delete ${assignmentAddr(MANAGEMENT, "PlatformAdmin", "Admins")}`,
        `delete ${assignmentAddr(PROD_PAYMENTS, "PlatformAdmin", "Admins")}`,
      ],
      violations: ["lockout"],
      ok: false,
    },
  },
  {
    name: "lockout is overridable",
    config: config({ groups: [decl.group("Admins")], permissionSets: [platformAdmin] }),
    live: live([e.group("Admins"), platformAdminLive, e.assignment(MANAGEMENT, "PlatformAdmin", "Admins")]),
    allowDeletes: true,
    expected: {
      changes: [`delete ${assignmentAddr(MANAGEMENT, "PlatformAdmin", "Admins")}`],
      violations: ["lockout"],
      ok: true,
    },
  },
  {
    name: "warnings: direct user grants, too many policies, IdP-provisioned declared groups",
    config: config({
      users: [alice],
      groups: [decl.group("Scim-Group")],
      permissionSets: [
        decl.permissionSet("Wide", {
          managedPolicies: Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`),
        }),
      ],
      assignments: [rule({ user: "alice@example.com" }, ["Wide"], { accounts: ["dev-1"] })],
    }),
    live: live([e.user("alice@example.com"), e.group("Scim-Group")], { idpGroups: ["Scim-Group"] }),
    expected: {
      changes: [
        "create permission-set/Wide",
        `create ${assignmentAddr(DEV_1, "Wide", "alice@example.com", "USER")}`,
      ],
      warnings: ["direct-user-assignment", "idp-group", "policy-count"],
    },
  },
];

const summaryOf = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

describe("buildPlan", () => {
  it.each(rows)("$name", (row) => {
    const plan = buildPlan({
      config: row.config,
      live: row.live,
      now: row.now ?? NOW,
      allowDeletes: !!row.allowDeletes,
    });
    const x = row.expected;
    expect(summaryOf(plan)).toEqual(x.changes);
    expect(plan.checksum).toBe(planChecksum(plan.changes));
    expect(plan.summary.total).toBe(x.changes.length);
    if (x.fields) {
      for (const [address, fields] of Object.entries(x.fields)) {
        const change = plan.changes.find((c) => c.address === address);
        expect(Object.keys(change?.fields ?? {}).sort(), address).toEqual([...fields].sort());
      }
    }
    if (x.adopt) {
      expect(plan.changes.filter((c) => c.adopt).map((c) => c.address)).toEqual(x.adopt);
    }
    if (x.violations) expect(plan.safety.violations.map((v) => v.rule)).toEqual(x.violations);
    if (x.ok !== undefined) expect(plan.safety.ok).toBe(x.ok);
    if (x.warnings) expect(plan.warnings.map((w) => w.code)).toEqual(x.warnings);
    x.warningMessages?.forEach((text, i) => {
      expect(plan.warnings[i]?.message).toContain(text);
    });
    if (x.unmanaged) expect(plan.unmanaged).toEqual(x.unmanaged);
    if (x.expiring) expect(plan.expiring.map((a) => a.address)).toEqual(x.expiring);
    for (const [address, text] of Object.entries(x.reasons ?? {})) {
      expect(plan.changes.find((c) => c.address === address)?.reason, address).toContain(text);
    }
    const blockedBy = Object.fromEntries(
      plan.changes.filter((c) => c.blockedBy !== undefined).map((c) => [c.address, c.blockedBy]),
    );
    expect(blockedBy).toEqual(x.blocked ?? {});
    expect(plan.summary.blocked).toBe(x.blocked ? Object.keys(x.blocked).length : undefined);
    for (const [address, target] of Object.entries(x.provision ?? {})) {
      const after = plan.changes.find((c) => c.address === address)?.after;
      expect(after?.kind === "provisioning" ? after.target : undefined, address).toEqual(target);
    }
  });
});

describe("resolution errors", () => {
  const plan = (c: Config, l: Live) => () => buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });

  it("reports every unresolvable reference at its item, at once", () => {
    const r = rule(
      { group: "Ops" },
      ["ReadOnly", "Nope"],
      { accounts: ["prod-payment", "999999999999"], ous: ["Root/workloads"] },
      {
        exclude: { accounts: [], ous: ["Root/Gone"] },
        locations: {
          "/targets/accounts/0": { file: "ops.yaml", line: 7, column: 9 },
          "/permissionSets/1": { file: "ops.yaml", line: 4, column: 25 },
        },
      },
    );
    const c = config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [r],
    });
    let error: unknown;
    try {
      plan(c, live([]))();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const diagnostics = (error as ConfigError).diagnostics;
    expect(diagnostics.map((d) => d.code).sort()).toEqual([
      "unknown-account",
      "unknown-account",
      "unknown-ou",
      "unknown-ou",
      "unknown-permission-set",
    ]);
    expect(diagnostics.find((d) => d.message.includes("prod-payment"))).toMatchObject({
      file: "ops.yaml",
      line: 7,
      column: 9,
    });
    expect(diagnostics.find((d) => d.code === "unknown-permission-set")).toMatchObject({
      line: 4,
      column: 25,
    });
    expect(diagnostics.find((d) => d.message.includes("Root/workloads"))?.message).toContain(
      "did you mean Root/Workloads?",
    );
  });

  it("refuses the management account named by a delegated administrator", () => {
    const r = rule(
      { group: "Ops" },
      ["ReadOnly"],
      { accounts: [MANAGEMENT] },
      {
        locations: { "/targets/accounts/0": { file: "ops.yaml", line: 3, column: 7 } },
      },
    );
    const c = config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [r],
    });
    expect(plan(c, live([], { callerIsManagementAccount: false }))).toThrow(ConfigError);
    try {
      plan(c, live([], { callerIsManagementAccount: false }))();
    } catch (err) {
      expect((err as ConfigError).diagnostics).toEqual([
        expect.objectContaining({
          code: "management-account-delegated",
          file: "ops.yaml",
          line: 3,
          column: 7,
        }),
      ]);
    }
    expect(plan(c, live([]))).not.toThrow();
  });

  it("names an ambiguous account name and an undeclared group", () => {
    const org = live([]).org;
    org.accounts.push({ ...org.accounts[1]!, id: "555555555555" });
    const c = config({
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Ghosts" }, ["ReadOnly"], { accounts: ["prod-payments"] })],
    });
    expect(plan(c, live([], { org }))).toThrowError(ConfigError);
    try {
      plan(c, live([], { org }))();
    } catch (err) {
      const codes = (err as ConfigError).diagnostics.map((d) => d.code).sort();
      expect(codes).toEqual(["ambiguous-account", "unknown-group"]);
    }
  });

  it("rejects a protected account the organisation does not know", () => {
    const c = config({ settings: settings({ protected: { accounts: ["prod-paymnts"] } }) });
    expect(plan(c, live([]))).toThrowError(ConfigError);
  });
});

describe("account-not-active warnings", () => {
  const withLegacy = (state: OrgAccount["state"]) => {
    const org = standardOrg();
    org.accounts = org.accounts.map((a) => (a.id === LEGACY ? { ...a, state } : a));
    return live([e.group("Devs"), e.permissionSet("ReadOnly")], { org });
  };
  const plan = (state: OrgAccount["state"], targets: Partial<TargetSelector>[]) =>
    buildPlan({
      config: config({
        groups: [decl.group("Devs")],
        permissionSets: [decl.permissionSet("ReadOnly")],
        assignments: targets.map((t, i) => rule({ group: "Devs" }, ["ReadOnly"], t, { id: `r.yaml#${i}` })),
      }),
      live: withLegacy(state),
      now: NOW,
      allowDeletes: false,
    }).warnings.filter((w) => w.code === "account-not-active");

  it.each([
    {
      name: "all: true means active accounts: no warning",
      state: "SUSPENDED" as const,
      targets: [{ all: true }],
      messages: [],
    },
    {
      name: "named and suspended: it may come back, or be removed from the rule",
      state: "SUSPENDED" as const,
      targets: [{ accounts: ["legacy"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is SUSPENDED, so rule r.yaml#0 (account legacy) assigns nothing there. AWS suspended it: the first plan after it is reinstated assigns it; if it is being retired, remove it from targets.accounts of rule r.yaml#0.`,
      ],
    },
    {
      name: "selected by OU and suspended: nothing to remove from the files",
      state: "SUSPENDED" as const,
      targets: [{ ous: ["Root/Suspended"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is SUSPENDED, so rule r.yaml#0 (OU Root/Suspended) assigns nothing there. AWS suspended it: the first plan after it is reinstated assigns it.`,
      ],
    },
    {
      name: "named by id, selected by tags and by all: once, naming the two rules that selected it",
      state: "SUSPENDED" as const,
      targets: [{ all: true }, { tags: { env: "prod" } }, { accounts: [LEGACY] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is SUSPENDED, so rules r.yaml#1 (tags env=prod) and r.yaml#2 (account ${LEGACY}) assign nothing there. AWS suspended it: the first plan after it is reinstated assigns it; if it is being retired, remove it from targets.accounts of rule r.yaml#2.`,
      ],
    },
    {
      name: "named and closed: remove it before AWS drops it",
      state: "CLOSED" as const,
      targets: [{ accounts: ["legacy"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is CLOSED, so rule r.yaml#0 (account legacy) assigns nothing there. It is closed: remove it from targets.accounts of rule r.yaml#0, or planning fails once AWS drops it from the organisation (90 days after closure).`,
      ],
    },
    {
      name: "selected by OU and closed: nothing to change",
      state: "CLOSED" as const,
      targets: [{ ous: ["Root/Suspended"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is CLOSED, so rule r.yaml#0 (OU Root/Suspended) assigns nothing there. It is closed; nothing to change in the files (AWS drops it from the organisation 90 days after closure).`,
      ],
    },
    {
      name: "named and being closed",
      state: "PENDING_CLOSURE" as const,
      targets: [{ accounts: ["legacy"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is PENDING_CLOSURE, so rule r.yaml#0 (account legacy) assigns nothing there. It is being closed: remove it from targets.accounts of rule r.yaml#0, or planning fails once AWS drops it from the organisation (90 days after closure).`,
      ],
    },
    {
      name: "named and not yet activated: it will be assigned",
      state: "PENDING_ACTIVATION" as const,
      targets: [{ accounts: ["legacy"] }],
      messages: [
        `skipped account legacy (${LEGACY}): it is PENDING_ACTIVATION, so rule r.yaml#0 (account legacy) assigns nothing there. Its sign-up is not complete: the first plan after it becomes ACTIVE assigns it.`,
      ],
    },
  ])("$name", ({ state, targets, messages }) => {
    expect(plan(state, targets).map((w) => w.message)).toEqual(messages);
  });
});
