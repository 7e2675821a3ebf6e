import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { scaledSession } from "../../src/apply/run.ts";
import { type RunningEmulator, type Seed, startEmulator } from "../../src/emulator/index.ts";
import type { Plan } from "../../src/model/plan.ts";
import { openSession, planWith } from "../../src/pipeline.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * A small organisation mid-way through its life, for apply's integration tests: a managed
 * permission set in use (Ops), one no longer declared (Old, with assignments: deleted), Control
 * Tower's AWSAdministratorAccess (not managed), and users and groups of which some exist.
 */

export const ACCOUNTS = {
  management: "111111111111",
  prodA: "200000000001",
  prodB: "200000000002",
  devA: "300000000001",
  devB: "300000000002",
  sandbox: "400000000001",
  old: "500000000001",
} as const;

export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-a1b2c3d4e5f60718";

export const seed: Seed = {
  formatVersion: 1,
  instance: { arn: INSTANCE_ARN, identityStoreId: "d-1234567890" },
  organization: { managementAccount: "management" },
  ous: [
    { path: "Root/Workloads" },
    { path: "Root/Workloads/Prod" },
    { path: "Root/Workloads/Dev" },
    { path: "Root/Sandbox" },
    { path: "Root/Suspended" },
  ],
  accounts: [
    { id: ACCOUNTS.management, name: "management" },
    { id: ACCOUNTS.prodA, name: "prod-a", ou: "Root/Workloads/Prod", tags: { env: "prod" } },
    { id: ACCOUNTS.prodB, name: "prod-b", ou: "Root/Workloads/Prod", tags: { env: "prod" } },
    { id: ACCOUNTS.devA, name: "dev-a", ou: "Root/Workloads/Dev", tags: { env: "dev" } },
    { id: ACCOUNTS.devB, name: "dev-b", ou: "Root/Workloads/Dev", tags: { env: "dev" } },
    { id: ACCOUNTS.sandbox, name: "sandbox", ou: "Root/Sandbox" },
    { id: ACCOUNTS.old, name: "old", ou: "Root/Suspended", state: "SUSPENDED" },
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
  ],
  groups: [{ name: "Admins", description: "on call" }, { name: "Devs" }, { name: "CT-Admins" }],
  memberships: [
    { group: "Admins", user: "alice@example.com" },
    { group: "Devs", user: "bob@example.com" },
  ],
  permissionSets: [
    {
      name: "Ops",
      description: "Operations",
      sessionDuration: "PT2H",
      managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      tags: { "managed-by": "accessops" },
    },
    {
      name: "Old",
      managedPolicies: ["arn:aws:iam::aws:policy/PowerUserAccess"],
      tags: { "managed-by": "accessops" },
    },
    {
      name: "AWSAdministratorAccess",
      managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    },
  ],
  assignments: [
    { account: "prod-a", permissionSet: "Ops", group: "Admins" },
    { account: "prod-b", permissionSet: "Ops", group: "Admins" },
    { account: "dev-a", permissionSet: "Ops", group: "Admins" },
    { account: "dev-a", permissionSet: "Old", group: "Devs" },
    { account: "dev-b", permissionSet: "Old", group: "Devs" },
    { account: "sandbox", permissionSet: "Old", group: "Devs" },
    { account: "management", permissionSet: "AWSAdministratorAccess", group: "CT-Admins" },
  ],
};

export interface Variant {
  /** Ops gains a policy and an inline policy: an update and one re-provisioning. */
  editOps?: boolean;
  /** More groups, each with the Audit permission set everywhere: more assignment work. */
  extraGroups?: number;
}

/** The access files for the scenario. */
export function accessFiles(variant: Variant = {}): Record<string, string> {
  const extra = Array.from({ length: variant.extraGroups ?? 0 }, (_, i) => `Team-${i}`);
  const ops = variant.editOps
    ? `    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/job-function/ViewOnlyAccess]
    inlinePolicy: { Version: "2012-10-17", Statement: [{ Effect: Deny, Action: "s3:*", Resource: "*" }] }`
    : "    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]";
  return {
    "settings.yaml": `settings:
  region: us-east-1
  ownership:
    groups: "^(Admins|Devs|Auditors|Team-.*|Doomed-.*)$"
  safety: { maxDeletes: 100, maxDeletePercent: 100 }
`,
    "identity.yaml": `users:
  - { userName: alice@example.com, displayName: Alice Liddell, name: { givenName: Alice, familyName: Liddell }, emails: [alice@example.com] }
  - { userName: bob@example.com, displayName: Bob Builder, name: { givenName: Bob, familyName: Builder }, emails: [bob@example.com] }
  - { userName: carol@example.com, displayName: Carol Danvers, name: { givenName: Carol, familyName: Danvers }, emails: [carol@example.com] }
groups:
  - { name: Admins, description: on call, members: [alice@example.com] }
  - { name: Devs, members: [bob@example.com, carol@example.com] }
  - { name: Auditors, description: security, members: [carol@example.com] }
${extra.map((g) => `  - { name: ${g} }`).join("\n")}
`,
    "permission-sets.yaml": `permissionSets:
  - name: Ops
    description: Operations
    sessionDuration: PT2H
${ops}
  - name: Dev
    sessionDuration: PT8H
    managedPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]
    inlinePolicy: { Version: "2012-10-17", Statement: [{ Effect: Deny, Action: "iam:CreateUser", Resource: "*" }] }
  - name: Audit
    description: Security audit
    managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]
    tags: { team: security }
  - name: AWSAdministratorAccess
    external: true
`,
    "assignments.yaml": `assignments:
  - { principal: { group: Admins }, permissionSets: [Ops], targets: { all: true } }
  - { principal: { group: Devs }, permissionSets: [Dev], targets: { ous: [Root/Workloads/Dev], accounts: [sandbox] } }
  - { principal: { group: Auditors }, permissionSets: [Audit], targets: { all: true } }
${extra.map((g) => `  - { principal: { group: ${g} }, permissionSets: [Audit, Dev], targets: { all: true } }`).join("\n")}
`,
  };
}

/** Writes a set of files into a new temporary directory and returns its path. */
export async function tempDir(
  files: Record<string, string> = {},
  prefix = "accessops-apply-",
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text, "utf8");
  }
  return dir;
}

/** The emulator's quotas are scaled by this; so are apply's waits (its `timeScale`). */
export const TIME_SCALE = 50;
/** A second per asynchronous operation (before scaling), AWS-like; the sigma spreads it. */
export const LATENCY_MS = 1_000;

export function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  return startEmulator({ seed, latencyMs: LATENCY_MS, timeScale: TIME_SCALE, ...options });
}

/**
 * Writes of the emulator's log issued more than once with the same identifying parameters: the
 * same change sent twice. Empty when nothing was duplicated. Writes whose asynchronous request id
 * is in `except` (requests that ended FAILED, which a later run rightly issues again) are left out.
 */
export function duplicateWrites(emu: RunningEmulator, except: ReadonlySet<string> = new Set()): string[] {
  const seen = new Map<string, number>();
  for (const w of emu.writes()) {
    if (w.operationId !== undefined && except.has(w.operationId)) continue;
    const key = `${w.operation} ${JSON.stringify(w.params)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${n}× ${k}`);
}

/** `accessops plan` of `dir` against the emulator at `endpoint`, in-process (paced for TIME_SCALE). */
export async function planNow(dir: string, endpoint: string): Promise<Plan> {
  const session = await openSession(
    scaledSession({ dir, now: new Date(), instanceArn: null, connection: { endpoint, env: {} } }, TIME_SCALE),
  );
  try {
    return (await planWith(session, { refresh: "full", allowDeletes: false })).plan;
  } finally {
    session.ctx.close();
  }
}
