import { describe, expect, it } from "vitest";
import type { WriteRecord } from "../../src/apply/journal.ts";
import type { Config } from "../../src/model/config.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  live,
  OWNED,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  settings,
} from "../plan/builders.ts";
import { FakeWriter } from "./fake-writer.ts";
import { applyToFake, executeOnFake, outcomes, planAgainst } from "./helpers.ts";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const POWER = "arn:aws:iam::aws:policy/PowerUserAccess";
const INLINE =
  '{"Statement":[{"Action":"aws-portal:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}';
const ACTIVE = [PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX];

/** Two teams, three permission sets with every kind of attachment, rules over accounts and OUs. */
function teamConfig(
  over: { adminPolicies?: string[]; extraGroups?: number; newAdmins?: boolean } = {},
): Config {
  const extra = Array.from({ length: over.extraGroups ?? 0 }, (_, i) => `Team-${i}`);
  return config({
    users: [decl.user("alice.liddell@example.com"), decl.user("bob.builder@example.com")],
    groups: [
      decl.group("Admins", { members: ["alice.liddell@example.com"], description: "on call" }),
      decl.group("Devs", { members: ["bob.builder@example.com"] }),
      ...extra.map((name) => decl.group(name)),
      ...(over.newAdmins ? [decl.group("More-Admins")] : []),
    ],
    permissionSets: [
      decl.permissionSet("Admin", {
        managedPolicies: over.adminPolicies ?? [ADMIN],
        inlinePolicy: INLINE,
        sessionDuration: "PT4H",
        relayState: "https://console.aws.amazon.com/",
        tags: { team: "platform" },
      }),
      decl.permissionSet("ReadOnly", {
        managedPolicies: [READ_ONLY],
        permissionsBoundary: { customerManagedPolicy: { name: "Boundary", path: "/" } },
      }),
      decl.permissionSet("Dev", {
        managedPolicies: [POWER],
        customerManagedPolicies: [{ name: "DevExtras", path: "/team/" }],
        description: "developers",
      }),
      ...extra.map((name) => decl.permissionSet(`${name}-Access`, { managedPolicies: [READ_ONLY] })),
    ],
    assignments: [
      rule({ group: "Admins" }, ["Admin", "ReadOnly"], { all: true }),
      rule({ group: "Devs" }, ["Dev"], { ous: ["Root/Workloads/Dev"] }),
      rule({ group: "Devs" }, ["ReadOnly"], { accounts: ["prod-payments"] }),
      ...extra.map((name) => rule({ group: name }, ["ReadOnly", `${name}-Access`], { all: true })),
      ...(over.newAdmins ? [rule({ group: "More-Admins" }, ["Admin"], { all: true })] : []),
    ],
  });
}

/** The same configuration with Dev renamed to Developer (`previously: [Dev]`). */
function renamedDev(cfg: Config): Config {
  return config({
    ...cfg,
    permissionSets: cfg.permissionSets.map((p) =>
      p.name === "Dev" ? { ...p, name: "Developer", previously: ["Dev"] } : p,
    ),
    assignments: cfg.assignments.map((r) => ({
      ...r,
      permissionSets: r.permissionSets.map((n) => (n === "Dev" ? "Developer" : n)),
    })),
  });
}

const writesOf = (fake: FakeWriter, operation: string) =>
  fake.writes.filter((w) => w.operation === operation);

describe("executePlan against a stateful fake", () => {
  it("bootstraps everything, and planning again finds nothing to do", async () => {
    const fake = new FakeWriter();
    const cfg = teamConfig();
    const { plan, entries, journal } = await applyToFake(cfg, fake);

    expect(entries.map((x) => x.address)).toEqual(plan.changes.map((c) => c.address));
    expect(new Set(entries.map((x) => x.outcome))).toEqual(new Set(["created"]));
    expect(planAgainst(cfg, fake).changes).toEqual([]);
    expect(fake.toLive().state.get("permission-set/Admin")).toEqual(
      e.permissionSet("Admin", {
        managedPolicies: [ADMIN],
        inlinePolicy: INLINE,
        sessionDuration: "PT4H",
        relayState: "https://console.aws.amazon.com/",
        tags: { ...OWNED, team: "platform" },
      }),
    );

    // Every assignment request is journaled when AWS accepts it and again when it ends.
    const writes = journal.records.filter((r): r is WriteRecord => r.type === "write");
    const creates = writes.filter((w) => w.operation === "CreateAccountAssignment");
    const started = creates.filter((w) => w.status === "IN_PROGRESS").map((w) => w.requestId);
    const ended = creates.filter((w) => w.status === "SUCCEEDED").map((w) => w.requestId);
    expect(started.length).toBe(entries.filter((x) => x.kind === "assignment").length);
    expect(new Set(ended)).toEqual(new Set(started));
    for (const entry of entries.filter((x) => x.kind === "assignment")) {
      expect(entry.requestId).toMatch(/^req-/);
    }
  });

  it("edits a provisioned permission set, then provisions it once, after the last edit", async () => {
    const fake = new FakeWriter();
    await applyToFake(teamConfig(), fake);
    const arn = fake.toLive().ids.permissionSets.Admin as string;
    const before = fake.writes.length;

    // New assignments of the same permission set wait for its re-provisioning: AWS refuses
    // overlapping work on an account and permission set (the fake answers ConflictException).
    const cfg = teamConfig({ adminPolicies: [READ_ONLY, POWER], newAdmins: true });
    const { plan, entries } = await applyToFake(cfg, fake);

    expect(plan.changes.slice(0, 4).map((c) => `${c.action} ${c.address}`)).toEqual([
      "create group/More-Admins",
      "update permission-set/Admin",
      "provision provisioning/Admin",
      `create assignment/${PROD_PAYMENTS}/Admin/GROUP/More-Admins`,
    ]);
    expect(outcomes(entries)).toMatchObject({
      "permission-set/Admin": "updated",
      "provisioning/Admin": "provisioned",
    });
    expect(new Set(entries.slice(3).map((x) => x.outcome))).toEqual(new Set(["created"]));
    expect(fake.conflicts).toBe(0);
    const writes = fake.writes.slice(before);
    const provisions = writes.filter((w) => w.operation === "ProvisionPermissionSet");
    expect(provisions).toEqual([{ operation: "ProvisionPermissionSet", subject: `${arn} ALL` }]);
    const ops = writes.map((w) => w.operation);
    const edits = ops.flatMap((o, i) =>
      o.endsWith("PermissionSet") && o !== "ProvisionPermissionSet" ? [i] : [],
    );
    expect(edits).toHaveLength(3);
    expect(Math.max(...edits)).toBeLessThan(ops.indexOf("ProvisionPermissionSet"));
    expect(fake.toLive().provisioning.Admin).toEqual({ accounts: ACTIVE.slice().sort(), stale: [] });
    expect(planAgainst(cfg, fake).changes).toEqual([]);
  });

  it("keeps 15 assignment operations in flight, never more, and one at a time per account and permission set", async () => {
    const fake = new FakeWriter({ pollsToFinish: 3 });
    const cfg = teamConfig({ extraGroups: 6 });
    const { entries } = await applyToFake(cfg, fake);
    const asyncOps = entries.filter((x) => x.kind === "assignment").length;

    expect(asyncOps).toBeGreaterThan(60);
    expect(new Set(entries.map((x) => x.outcome))).toEqual(new Set(["created"]));
    expect(fake.peakOutstanding).toBe(15);
    // The fake answers ConflictException to overlapping work on a pair and ThrottlingException past
    // 15: the executor never provoked either.
    expect(fake.conflicts).toBe(0);
    expect(fake.throttles).toBe(0);
    // Batched polling: about one Describe per operation (when it leaves the IN_PROGRESS list), not
    // one per operation per poll.
    expect(fake.describeCalls).toBeLessThan(asyncOps * 1.5);
    expect(planAgainst(cfg, fake).changes).toEqual([]);
  });

  it("reports a FAILED operation with AWS's reason and request id, and does the rest", async () => {
    const fake = new FakeWriter();
    const reason = "Received a 409 status error: Cannot exceed quota for PoliciesPerRole: 10";
    fake.addRule({ operation: "CreateAccountAssignment", match: DEV_2, failed: reason, times: 0 });
    const { entries } = await applyToFake(teamConfig(), fake);

    const failed = entries.filter((x) => x.outcome === "failed");
    expect(failed.map((x) => x.address).sort()).toEqual(
      [
        `assignment/${DEV_2}/Admin/GROUP/Admins`,
        `assignment/${DEV_2}/Dev/GROUP/Devs`,
        `assignment/${DEV_2}/ReadOnly/GROUP/Admins`,
      ].sort(),
    );
    for (const f of failed) {
      expect(f.error).toMatchObject({ operation: "CreateAccountAssignment", failureReason: reason });
      expect(f.requestId).toMatch(/^req-/);
      expect(f.error?.requestId).toBe(f.requestId);
    }
    expect(entries.filter((x) => x.outcome === "created").length).toBe(entries.length - failed.length);
  });

  it("absorbs throttling, conflicts and server errors with backoff", async () => {
    const fake = new FakeWriter();
    fake.addRule({ operation: "CreateAccountAssignment", error: "ThrottlingException", times: 6 });
    fake.addRule({ operation: "AttachManagedPolicyToPermissionSet", error: "ConflictException", times: 3 });
    fake.addRule({ operation: "CreateGroup", error: "InternalServerException", times: 2 });
    fake.addRule({ operation: "Describe:assignment-create", error: "ThrottlingException", times: 4 });
    fake.addRule({ operation: "List:assignment-create", error: "InternalServerException", times: 2 });
    const cfg = teamConfig();
    const { entries, progress } = await applyToFake(cfg, fake);

    expect(new Set(entries.map((x) => x.outcome))).toEqual(new Set(["created"]));
    expect(progress.snapshot().throttled).toBeGreaterThanOrEqual(10);
    expect(planAgainst(cfg, fake).changes).toEqual([]);
  });

  it("gives up on an error that retrying cannot fix, and skips what depends on it", async () => {
    const fake = new FakeWriter();
    fake.addRule({ operation: "CreatePermissionSet", match: "Dev", error: "ValidationException" });
    fake.addRule({ operation: "CreateGroup", match: "Admins", error: "AccessDeniedException" });
    const { entries } = await applyToFake(teamConfig(), fake);
    const by = outcomes(entries);

    expect(by["permission-set/Dev"]).toBe("failed");
    expect(by["group/Admins"]).toBe("failed");
    expect(by["membership/Admins/alice.liddell@example.com"]).toBe("skipped");
    for (const x of entries.filter((x) => x.kind === "assignment")) {
      const dependsOnFailure = x.address.includes("/Dev/") || x.address.endsWith("/GROUP/Admins");
      expect(x.outcome).toBe(dependsOnFailure ? "skipped" : "created");
    }
    const skipped = entries.find((x) => x.address === `assignment/${DEV_1}/Dev/GROUP/Devs`);
    expect(skipped?.note).toContain("permission set Dev could not be created");
    expect(entries.find((x) => x.address === "permission-set/Dev")?.error?.code).toBe("ValidationException");
  });

  it("deletes a permission set only after its assignments, waiting out deprovisioning", async () => {
    const fake = new FakeWriter({ deprovisionPolls: 3 });
    const cfg = teamConfig();
    await applyToFake(cfg, fake);
    const withoutDev = config({
      ...cfg,
      permissionSets: cfg.permissionSets.filter((p) => p.name !== "Dev"),
      assignments: cfg.assignments.filter((r) => !r.permissionSets.includes("Dev")),
    });
    const { plan, entries } = await applyToFake(withoutDev, fake);

    expect(plan.changes.at(-1)?.address).toBe("permission-set/Dev");
    expect(new Set(entries.map((x) => x.outcome))).toEqual(new Set(["deleted"]));
    expect(fake.toLive().state.has("permission-set/Dev")).toBe(false);
    const conflictsWhileDeprovisioning = fake.conflicts;
    expect(conflictsWhileDeprovisioning).toBeGreaterThanOrEqual(3);
    const order = fake.writes.map((w) => w.operation);
    expect(order.lastIndexOf("DeleteAccountAssignment")).toBeLessThan(order.indexOf("DeletePermissionSet"));
  });

  it("renames without an access gap: the new grants exist before the old ones go", async () => {
    const fake = new FakeWriter({ deprovisionPolls: 1 });
    const cfg = teamConfig();
    await applyToFake(cfg, fake);
    const before = fake.writes.length;
    const { entries } = await applyToFake(renamedDev(cfg), fake);

    expect(outcomes(entries)).toMatchObject({
      "permission-set/Developer": "created",
      "permission-set/Dev": "deleted",
    });
    const ops = fake.writes.slice(before).map((w) => w.operation);
    expect(ops.lastIndexOf("CreateAccountAssignment")).toBeLessThan(ops.indexOf("DeleteAccountAssignment"));
    expect(ops.at(-1)).toBe("DeletePermissionSet");
    expect(planAgainst(renamedDev(cfg), fake).changes).toEqual([]);
  });

  it("keeps the old permission set and its access when its replacement cannot be created", async () => {
    const fake = new FakeWriter();
    const cfg = teamConfig();
    await applyToFake(cfg, fake);
    const renamed = renamedDev(cfg);
    fake.addRule({
      operation: "CreatePermissionSet",
      match: "Developer",
      error: "ServiceQuotaExceededException",
    });
    const { entries } = await applyToFake(renamed, fake);
    const by = outcomes(entries);

    expect(by["permission-set/Developer"]).toBe("failed");
    expect(by["permission-set/Dev"]).toBe("skipped");
    expect(by[`assignment/${DEV_1}/Dev/GROUP/Devs`]).toBe("skipped");
    expect(fake.toLive().state.has(`assignment/${DEV_1}/Dev/GROUP/Devs`)).toBe(true);
    expect(writesOf(fake, "DeleteAccountAssignment")).toEqual([]);
  });

  it("counts a delete of something already gone as deleted, and a create of something there as created", async () => {
    const fake = new FakeWriter();
    const cfg = teamConfig();
    await applyToFake(cfg, fake);
    const narrower = config({ ...cfg, assignments: cfg.assignments.slice(1) });
    const plan = planAgainst(narrower, fake);
    const doomed = plan.changes.filter((c) => c.action === "delete");
    expect(doomed.length).toBeGreaterThan(0);
    // Someone else removes them between the plan and the apply.
    for (const [k, a] of fake.assignments) {
      const name = fake.groups.get(a.principalId)?.name;
      if (name === "Admins") fake.assignments.delete(k);
    }
    const { entries } = await executeOnFake(plan, fake);
    for (const x of entries.filter((x) => x.action === "delete")) {
      expect(x).toMatchObject({ outcome: "deleted", note: "already gone", requestId: null });
    }
  });

  it("refuses at once to delete a permission set that assignments outside the plan still hold", async () => {
    const fake = new FakeWriter().load(
      live([
        e.group("Outsiders"),
        e.permissionSet("Old", { managedPolicies: [ADMIN] }),
        e.assignment(PROD_WEB, "Old", "Outsiders"),
      ]),
    );
    const cfg = config({ settings: settings({ ignore: [{ principal: "Outsiders" }] }) });
    const { entries } = await applyToFake(cfg, fake);

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ address: "permission-set/Old", outcome: "failed" });
    expect(entries[0]?.error?.message).toContain("1 that this plan does not remove remain");
    expect(fake.conflicts).toBe(0);
  });

  it("keeps a group whose assignments could not be deleted", async () => {
    const fake = new FakeWriter();
    const cfg = teamConfig();
    await applyToFake(cfg, fake);
    const withoutDevs = config({
      ...cfg,
      groups: cfg.groups.filter((g) => g.name !== "Devs"),
      assignments: cfg.assignments.filter((r) => r.principal.name !== "Devs"),
      settings: settings({ groups: "^Devs$" }),
    });
    fake.addRule({
      operation: "DeleteAccountAssignment",
      match: DEV_1,
      failed: "Received a 500 status error",
    });
    const { entries } = await applyToFake(withoutDevs, fake);
    const by = outcomes(entries);

    expect(by[`assignment/${DEV_1}/Dev/GROUP/Devs`]).toBe("failed");
    expect(by["group/Devs"]).toBe("skipped");
    expect(fake.toLive().state.has("group/Devs")).toBe(true);
  });
});
