import { type RunningEmulator, type Seed, startEmulator } from "../../src/emulator/index.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * A small organisation for the Action's tests, and access files for it: the baseline files
 * describe live state exactly (no changes); the variants each add something to review.
 */

export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-7f3e2d1c0b9a8877";
export const PROD = "222222222222";
export const DEV = "333333333333";

export function seed(fleetAccounts = 0): Seed {
  return {
    formatVersion: 1,
    instance: { arn: INSTANCE_ARN, identityStoreId: "d-9066778899" },
    organization: { managementAccount: "management" },
    ous: [
      { path: "Root/Prod" },
      { path: "Root/Dev" },
      ...(fleetAccounts > 0 ? [{ path: "Root/Fleet" }] : []),
    ],
    accounts: [
      { id: "111111111111", name: "management" },
      { id: PROD, name: "prod", ou: "Root/Prod" },
      { id: DEV, name: "dev", ou: "Root/Dev" },
      ...Array.from({ length: fleetAccounts }, (_, i) => ({
        id: String(600000000000 + i),
        name: `fleet-${i}`,
        ou: "Root/Fleet",
      })),
    ],
    groups: [{ name: "Admins", description: "on call" }, { name: "Devs" }],
    permissionSets: [
      {
        name: "Ops",
        description: "Operations",
        managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        tags: { "managed-by": "accessops" },
      },
    ],
    assignments: [{ account: "prod", permissionSet: "Ops", group: "Admins" }],
  };
}

/** The emulator's quotas and apply's waits are scaled by this (the Action's `timeScale` hook). */
export const TIME_SCALE = 50;
/** Asynchronous operations take this long before scaling: AWS-like. */
const LATENCY_MS = 1_000;

export function emulator(fleetAccounts = 0): Promise<RunningEmulator> {
  return startEmulator({ seed: seed(fleetAccounts), latencyMs: LATENCY_MS, timeScale: TIME_SCALE });
}

export interface Variant {
  /** Devs get Ops in dev: one assignment to create. */
  grantDevs?: boolean;
  /** A new permission set for Devs in prod: a permission set and an assignment to create. */
  audit?: boolean;
  /** The Admins' Ops grant in prod is left out: a deletion. */
  dropAdmins?: boolean;
  /** `safety.maxDeletes` (10 by default). */
  maxDeletes?: number;
  /** A just-in-time grant for Devs in prod, ending at this instant. */
  expiringAt?: Date;
  /** Groups, each granted Ops in every account: many changes. */
  teams?: number;
  /** Extra YAML appended to groups.yaml (hostile names, say). */
  extraGroups?: string;
  /** Extra rules appended to assignments.yaml. */
  extraAssignments?: string;
}

/** The access files, by path relative to the access directory. */
export function accessFiles(variant: Variant = {}): Record<string, string> {
  const teams = Array.from({ length: variant.teams ?? 0 }, (_, i) => `Team-${i}`);
  const rules = [
    ...(variant.dropAdmins
      ? []
      : ["  - { principal: { group: Admins }, permissionSets: [Ops], targets: { accounts: [prod] } }"]),
    ...(variant.grantDevs
      ? ["  - { principal: { group: Devs }, permissionSets: [Ops], targets: { accounts: [dev] } }"]
      : []),
    ...(variant.audit
      ? ["  - { principal: { group: Devs }, permissionSets: [Audit], targets: { accounts: [prod] } }"]
      : []),
    ...(variant.expiringAt
      ? [
          `  - { principal: { group: Devs }, permissionSets: [Ops], targets: { accounts: [prod] }, expires: "${variant.expiringAt.toISOString()}", reason: INC-42 }`,
        ]
      : []),
    ...teams.map((t) => `  - { principal: { group: ${t} }, permissionSets: [Ops], targets: { all: true } }`),
  ];
  return {
    "settings.yaml": `settings:
  region: us-east-1
  safety: { maxDeletes: ${variant.maxDeletes ?? 10}, maxDeletePercent: 100 }
`,
    "groups.yaml": `groups:
  - { name: Admins, description: on call }
  - { name: Devs }
${teams.map((t) => `  - { name: ${t} }`).join("\n")}
${variant.extraGroups ?? ""}`,
    "permission-sets.yaml": `permissionSets:
  - name: Ops
    description: Operations
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
${
  variant.audit
    ? `  - name: Audit
    description: Security audit
    managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]
`
    : ""
}`,
    "assignments.yaml":
      rules.length === 0 && !variant.extraAssignments
        ? "assignments: []\n"
        : `assignments:\n${rules.join("\n")}\n${variant.extraAssignments ?? ""}`,
  };
}
