import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator, Seed } from "../../src/emulator/index.ts";
import { UnsafePlanError } from "../../src/model/errors.ts";
import { applyCli, type CliRun } from "../apply/cli-io.ts";
import { ACCOUNTS, emulator, planNow, tempDir } from "../apply/scenario.ts";
import { forbiddenWrites, typical } from "../reliability/scenarios.ts";

/**
 * Lock-out protection, end to end through `apply` against the emulator:
 * - protected principals, permission sets and accounts survive any configuration, even one that
 *   deletes everything else with --allow-deletes;
 * - a plan that would leave nobody with an administrator permission set in the management account
 *   is refused (exit 3, no write) unless --allow-deletes;
 * - a plan that removes the caller's own access (an IAM Identity Center user, known through STS
 *   GetCallerIdentity) is refused the same way; a CI role is told accessops cannot tell.
 */

const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.stop()));
});

async function start(seed: Seed): Promise<RunningEmulator> {
  const emu = await emulator({ seed });
  running.push(emu);
  return emu;
}

async function apply(
  emu: RunningEmulator,
  files: Record<string, string>,
  allowDeletes: boolean,
): Promise<CliRun> {
  const dir = await tempDir(files);
  return applyCli(dir, emu.endpoint, {
    journal: join(await tempDir(), "journal.jsonl"),
    autoApprove: true,
    allowDeletes,
    format: "json",
  });
}

const ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";
const identity = `users:
  - { userName: alice@example.com, displayName: Alice Liddell, name: { givenName: Alice, familyName: Liddell }, emails: [alice@example.com] }
groups:
  - { name: Admins, description: on call, members: [alice@example.com] }
`;
const adminSet = `permissionSets:
  - name: Admin
    managedPolicies: [${ADMIN_POLICY}]
  - name: AWSAdministratorAccess
    external: true
`;

const EVERYTHING_GOES = `settings:
  region: us-east-1
  ownership: { groups: ".*", users: ".*" }
  safety:
    maxDeletes: 1000
    maxDeletePercent: 100
    protected:
      principals: [group/BreakGlass, group/CT-Admins, user/bob@example.com]
      permissionSets: [Emergency]
      accounts: [prod-b]
`;

/** The id (or ARN) of a named group, user or permission set in an emulator state. */
function idOf(state: Seed, kind: "group" | "user" | "permissionSet", name: string): string {
  if (kind === "group") return state.groups?.find((g) => g.name === name)?.id ?? "";
  if (kind === "user") return state.users?.find((u) => u.userName === name)?.id ?? "";
  return state.permissionSets?.find((p) => p.name === name)?.arn ?? "";
}

describe("protected objects", () => {
  it("survive a configuration that deletes everything else, with --allow-deletes", async () => {
    const emu = await start(typical().seed);
    const before = emu.state();
    const files = { "settings.yaml": EVERYTHING_GOES, "nothing.yaml": "groups: []\n" };
    const run = await apply(emu, files, true);
    expect(run.error).toBeNull();
    const report = JSON.parse(run.stdout) as ApplyReport;
    expect(run.code).toBe(0);
    expect(report.totals.deleted).toBeGreaterThan(5);

    const after = emu.state();
    const groups = (after.groups ?? []).map((g) => g.name);
    // Admins and Ops stay too: Admins holds Ops in the protected account, and deleting either would
    // take that access away (an orphaned assignment grants nobody; AWS keeps a set that has any).
    expect(groups.sort()).toEqual(["Admins", "BreakGlass", "CT-Admins"]);
    expect((after.permissionSets ?? []).map((p) => p.name).sort()).toEqual([
      "AWSAdministratorAccess",
      "Emergency",
      "Legacy-Manual",
      "Ops",
    ]);
    expect((after.users ?? []).map((u) => u.userName)).toEqual(["bob@example.com"]);
    expect(after.permissionSets?.find((p) => p.name === "Emergency")).toEqual(
      before.permissionSets?.find((p) => p.name === "Emergency"),
    );
    const heldIn = (s: Seed, account: string) => (s.assignments ?? []).filter((a) => a.account === account);
    expect(heldIn(before, ACCOUNTS.prodB).length).toBeGreaterThan(0);
    expect(heldIn(after, ACCOUNTS.prodB)).toEqual(heldIn(before, ACCOUNTS.prodB));
    const breakGlass = (before.assignments ?? []).filter((a) => a.group === "BreakGlass");
    expect(breakGlass.length).toBeGreaterThan(0);
    expect(after.assignments).toEqual(expect.arrayContaining(breakGlass));
    // Not one write named a protected principal, permission set or account.
    const protectedIds = new Set([
      idOf(before, "group", "BreakGlass"),
      idOf(before, "group", "CT-Admins"),
      idOf(before, "user", "bob@example.com"),
      idOf(before, "permissionSet", "Emergency"),
      ACCOUNTS.prodB,
    ]);
    expect(protectedIds.size).toBe(5);
    expect(forbiddenWrites(emu, protectedIds)).toEqual([]);
    // Converged: planning again finds nothing, and keeps saying what protection left alone.
    const again = await planNow(await tempDir(files), emu.endpoint);
    expect(again.changes).toEqual([]);
    expect(again.warnings.map((w) => w.code)).toContain("protected");
  });
});

/** An organisation where only group Admins holds an administrator permission set in the management account. */
function soleAdministrators(callerArn?: string): Seed {
  const { seed } = typical();
  return {
    ...seed,
    ...(callerArn ? { callerArn } : {}),
    permissionSets: [
      ...(seed.permissionSets ?? []).filter((p) => p.name === "AWSAdministratorAccess"),
      { name: "Admin", managedPolicies: [ADMIN_POLICY], tags: { "managed-by": "accessops" } },
    ],
    assignments: [
      { account: "management", permissionSet: "Admin", group: "Admins" },
      { account: "prod-a", permissionSet: "Admin", group: "Admins" },
    ],
  };
}

const withoutManagement = `assignments:
  - { principal: { group: Admins }, permissionSets: [Admin], targets: { accounts: [prod-a] } }
`;
const settings = (extra = "") =>
  `settings:\n  region: us-east-1\n  safety: { maxDeletes: 100, maxDeletePercent: 100 }\n${extra}`;

/** Admins' Admin assignment in the management account goes; its prod-a one stays. */
const dropManagementAccess = {
  "settings.yaml": settings(),
  "identity.yaml": identity,
  "ps.yaml": adminSet,
  "a.yaml": withoutManagement,
};

/** The violations of a refused apply: exit 3, an unsafe plan, and no write. */
function refusedBy(run: CliRun, emu: RunningEmulator): UnsafePlanError["violations"] {
  expect(run.code).toBe(3);
  expect(run.error).toBeInstanceOf(UnsafePlanError);
  expect(emu.writes()).toEqual([]);
  return (run.error as UnsafePlanError).violations;
}

describe("the lockout rail", () => {
  it("refuses to remove the last administrator access to the management account (exit 3, nothing written), unless deletes are allowed", async () => {
    const emu = await start(soleAdministrators());
    const files = dropManagementAccess;
    const violations = refusedBy(await apply(emu, files, false), emu);
    expect(violations.map((v) => v.rule)).toEqual(["lockout"]);
    expect(violations[0]?.message).toContain(
      `nobody holds an administrator permission set in the management account ${ACCOUNTS.management}`,
    );

    const allowed = await apply(emu, files, true);
    expect(allowed.code).toBe(0);
    expect(
      (emu.state().assignments ?? []).some(
        (a) => a.account === ACCOUNTS.management && a.permissionSet === "Admin",
      ),
    ).toBe(false);
  });

  it("lets the same change through when another administrator assignment stays", async () => {
    const emu = await start(soleAdministrators());
    const files = {
      "settings.yaml": settings(),
      "identity.yaml": identity,
      "ps.yaml": adminSet,
      "a.yaml": `${withoutManagement}  - { principal: { group: Admins }, permissionSets: [AWSAdministratorAccess], targets: { accounts: [management] } }\n`,
    };
    expect((await apply(emu, files, false)).code).toBe(0);
  });
});

const ALICE = `arn:aws:sts::${ACCOUNTS.management}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com`;

describe("the caller rail", () => {
  it("refuses a plan that removes the caller's own access (exit 3, nothing written), unless deletes are allowed", async () => {
    // Control Tower's administrators keep the management account reachable: only the caller's rail trips.
    const seed = soleAdministrators(ALICE);
    const emu = await start({
      ...seed,
      assignments: [
        ...(seed.assignments ?? []),
        { account: "management", permissionSet: "AWSAdministratorAccess", group: "CT-Admins" },
      ],
    });
    const files = dropManagementAccess;
    const violations = refusedBy(await apply(emu, files, false), emu);
    expect(violations.map((v) => v.rule)).toEqual(["caller-access"]);
    expect(violations[0]?.message).toBe(
      `This plan removes your own access: alice@example.com is signed in with permission set Admin in account ${ACCOUNTS.management} through group/Admins, and after it no assignment gives alice@example.com that permission set there. Keep one such assignment, or re-run with --allow-deletes if this is intended (and keep another way in to undo it).`,
    );
    expect((await apply(emu, files, true)).code).toBe(0);
  });

  it("lets through a plan that moves the caller to another route first", async () => {
    const emu = await start(soleAdministrators(ALICE));
    const files = {
      "settings.yaml": settings(),
      "identity.yaml": `${identity}  - { name: Oncall, members: [alice@example.com] }\n`,
      "ps.yaml": adminSet,
      "a.yaml": `${withoutManagement}  - { principal: { group: Oncall }, permissionSets: [Admin], targets: { accounts: [management] } }\n`,
    };
    const run = await apply(emu, files, false);
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
  });

  it("tells a CI role it cannot tell, when nothing is protected", async () => {
    const emu = await start({
      ...soleAdministrators(`arn:aws:sts::${ACCOUNTS.management}:assumed-role/github-actions/GitHubActions`),
    });
    const dir = await tempDir({
      "settings.yaml": settings(),
      "identity.yaml": identity,
      "ps.yaml": adminSet,
      "a.yaml": `${withoutManagement}  - { principal: { group: Admins }, permissionSets: [AWSAdministratorAccess], targets: { accounts: [management] } }\n`,
    });
    const plan = await planNow(dir, emu.endpoint);
    expect(plan.warnings.map((w) => w.code)).toContain("caller-unknown");
    expect(plan.safety.ok).toBe(true);
  });
});
