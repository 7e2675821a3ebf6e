import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CreateGroupCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { afterEach, describe, expect, it } from "vitest";
import { readJournal, type WriteRecord } from "../../src/apply/journal.ts";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { StalePlanError } from "../../src/model/errors.ts";
import { renderJson } from "../../src/plan/index.ts";
import { applyCli } from "./cli-io.ts";
import {
  ACCOUNTS,
  accessFiles,
  duplicateWrites,
  emulator,
  planNow,
  seed,
  tempDir,
  type Variant,
} from "./scenario.ts";

let running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.stop()));
  running = [];
});

async function start(options: Parameters<typeof emulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await emulator(options);
  running.push(emu);
  return emu;
}

async function setup(variant: Variant = {}) {
  const dir = await tempDir(accessFiles(variant));
  const work = await tempDir();
  return { dir, journal: join(work, "journal.jsonl"), work };
}

const report = (stdout: string): ApplyReport => JSON.parse(stdout) as ApplyReport;
const statePs = (emu: RunningEmulator, name: string) =>
  emu.state().permissionSets?.find((p) => p.name === name);

describe("apply against the emulator", () => {
  it("edits a permission set, re-provisions it exactly once and clears LATEST_PERMISSION_SET_NOT_PROVISIONED", async () => {
    const emu = await start();
    const { dir, journal } = await setup({ editOps: true });
    const plan = await planNow(dir, emu.endpoint);
    expect(plan.changes.find((c) => c.address === "provisioning/Ops")?.after).toMatchObject({
      target: "ALL_PROVISIONED_ACCOUNTS",
    });

    const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true, format: "json" });
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    const r = report(run.stdout);
    expect(r.entries.find((x) => x.address === "provisioning/Ops")?.outcome).toBe("provisioned");
    expect(r.residual).toEqual([]);

    const opsArn = statePs(emu, "Ops")?.arn;
    const provisions = emu.writes().filter((w) => w.operation === "ProvisionPermissionSet");
    expect(provisions.map((w) => w.params.PermissionSetArn)).toEqual([opsArn]);
    const lastEdit = Math.max(
      ...emu
        .writes()
        .filter((w) => w.params.PermissionSetArn === opsArn && w.operation !== "CreateAccountAssignment")
        .filter((w) => w.operation !== "ProvisionPermissionSet")
        .map((w) => w.seq),
    );
    expect(provisions[0]?.seq).toBeGreaterThan(lastEdit);
    expect(statePs(emu, "Ops")?.stale ?? []).toEqual([]);
    expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
  });

  it.each([
    { stale: ["prod-a", "prod-b", "dev-a"], requests: [{ TargetType: "ALL_PROVISIONED_ACCOUNTS" }] },
    {
      stale: ["prod-a", "prod-b"],
      requests: [
        { TargetType: "AWS_ACCOUNT", TargetId: ACCOUNTS.prodA },
        { TargetType: "AWS_ACCOUNT", TargetId: ACCOUNTS.prodB },
      ],
    },
  ])("re-provisions a stale copy in $stale with $requests.length request(s)", async ({ stale, requests }) => {
    const emu = await start({
      seed: {
        ...seed,
        permissionSets: seed.permissionSets?.map((ps) => (ps.name === "Ops" ? { ...ps, stale } : ps)),
      },
    });
    const { dir, journal } = await setup();
    const plan = await planNow(dir, emu.endpoint);
    expect(plan.changes.find((c) => c.address === "provisioning/Ops")?.after).toMatchObject({
      target: {
        accounts: stale.map((name) => emu.state().accounts?.find((a) => a.name === name)?.id).sort(),
      },
    });

    const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true, format: "json" });
    expect(run.code).toBe(0);
    const sent = emu
      .writes()
      .filter((w) => w.operation === "ProvisionPermissionSet")
      .map(({ params }) => ({
        TargetType: params.TargetType,
        ...(params.TargetId ? { TargetId: params.TargetId } : {}),
      }));
    expect(sent.sort((a, b) => String(a.TargetId).localeCompare(String(b.TargetId)))).toEqual(requests);
    expect(statePs(emu, "Ops")?.stale ?? []).toEqual([]);
    expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
  });

  it("deletes a permission set only after its assignments, riding out conflicts while it deprovisions", async () => {
    const emu = await start();
    emu.addFaultRules({ operation: "DeletePermissionSet", error: "ConflictException", times: 3 });
    const { dir, journal } = await setup();
    const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true, format: "json" });
    expect(run.code).toBe(0);

    expect(statePs(emu, "Old")).toBeUndefined();
    const writes = emu.writes();
    const deletePs = writes.find((w) => w.operation === "DeletePermissionSet");
    const assignmentDeletes = writes.filter((w) => w.operation === "DeleteAccountAssignment");
    expect(assignmentDeletes).toHaveLength(3);
    expect(Math.max(...assignmentDeletes.map((w) => w.seq))).toBeLessThan(deletePs?.seq ?? 0);
    expect(emu.calls()["sso-admin:DeletePermissionSet"]?.conflicts).toBeGreaterThanOrEqual(3);
    // Creates before deletes: the first deletion comes after the last creation.
    const creates = writes.filter((w) => w.operation === "CreateAccountAssignment");
    expect(Math.max(...creates.map((w) => w.seq))).toBeLessThan(
      Math.min(...assignmentDeletes.map((w) => w.seq)),
    );
    expect(report(run.stdout).entries.find((x) => x.address === "permission-set/Old")?.outcome).toBe(
      "deleted",
    );
  });

  it("reports a FAILED operation with its reason and request id, finishes the rest, and exits 1", async () => {
    const emu = await start();
    const reason = "Received a 409 status error: Cannot exceed quota for RolesPerAccount: 1000";
    emu.addFaultRules({
      operation: "CreateAccountAssignment",
      error: "FAILED",
      failureReason: reason,
      afterCalls: 2,
    });
    const { dir, journal } = await setup();
    const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Apply finished with errors: 1 failed/);
    expect(run.stdout).toContain(`CreateAccountAssignment ended FAILED: ${reason}`);
    const failedId = /\(request ([0-9a-f-]{36})\)/.exec(run.stdout)?.[1];
    const records = (await readJournal(journal)).filter((r): r is WriteRecord => r.type === "write");
    expect(records.find((r) => r.requestId === failedId && r.status === "FAILED")?.error).toBe(reason);
    // Everything else went through: planning again finds only the failed assignment.
    expect((await planNow(dir, emu.endpoint)).changes).toHaveLength(1);
  });

  it("absorbs throttling and conflicts", async () => {
    const emu = await start({ faults: { throttle: 0.08 } });
    emu.addFaultRules(
      { operation: "AttachManagedPolicyToPermissionSet", error: "ConflictException", times: 2 },
      { operation: "CreateAccountAssignment", error: "ConflictException", times: 3 },
      { operation: "CreateAccountAssignment", error: "ThrottlingException", afterCalls: 4, times: 3 },
      { operation: "ListAccountAssignmentCreationStatus", error: "InternalServerException", times: 2 },
      // A concurrent modification in the identity store: not "already a member".
      { operation: "CreateGroupMembership", error: "ConflictException", times: 1 },
    );
    const { dir, journal } = await setup({ editOps: true });
    const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true, format: "json" });
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    const r = report(run.stdout);
    expect(r.apiCalls.totalThrottled).toBeGreaterThan(3);
    expect(r.totals.failed).toBe(0);
    expect(duplicateWrites(emu)).toEqual([]);
  });

  it("refuses a stale reviewed plan (exit 3), saying what changed", async () => {
    const emu = await start();
    const { dir, journal, work } = await setup();
    const planFile = join(work, "plan.json");
    await writeFile(planFile, renderJson(await planNow(dir, emu.endpoint)));
    // Someone creates, by hand, a group accessops owns by its name: a deletion nobody reviewed.
    const ids = new IdentitystoreClient({
      endpoint: emu.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    await ids.send(new CreateGroupCommand({ IdentityStoreId: emu.identityStoreId, DisplayName: "Doomed-1" }));
    ids.destroy();

    const run = await applyCli(dir, emu.endpoint, { journal, plan: planFile });
    expect(run.code).toBe(3);
    expect(run.error).toBeInstanceOf(StalePlanError);
    expect((run.error as StalePlanError).detail).toContain("group/Doomed-1: delete is newly planned");
    expect(
      emu.writes().filter((w) => w.service !== "identitystore" || w.operation !== "CreateGroup"),
    ).toEqual([]);
  });

  it("finishes a reviewed plan an earlier run left half done: with the plan file, and with its checksum", async () => {
    const emu = await start();
    const { dir, journal, work } = await setup({ editOps: true });
    const reviewed = await planNow(dir, emu.endpoint);
    const planFile = join(work, "plan.json");
    await writeFile(planFile, renderJson(reviewed));

    // The first run loses a third of its assignment creations (access denied): it applies the rest.
    emu.addFaultRules({
      operation: "CreateAccountAssignment",
      error: "AccessDeniedException",
      afterCalls: 1,
      times: 3,
    });
    const first = await applyCli(dir, emu.endpoint, { journal, checksum: reviewed.checksum });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("3 failed");

    // With the plan file: the rest of the reviewed plan is accepted as such.
    const remaining = await planNow(dir, emu.endpoint);
    expect(remaining.changes).toHaveLength(3);
    emu.addFaultRules({ operation: "CreateAccountAssignment", error: "AccessDeniedException", times: 1 });
    const second = await applyCli(dir, emu.endpoint, { journal, plan: planFile });
    expect(second.code).toBe(1);
    // The failed change says what to do about it.
    expect(second.stdout).toContain("sso:CreateAccountAssignment. Grant the role that runs accessops apply");
    expect(second.stderr).toContain(`resuming: 3 of ${reviewed.changes.length} reviewed changes remain`);

    // With the checksum alone: the journal holds the reviewed plan of that checksum.
    const third = await applyCli(dir, emu.endpoint, { journal, checksum: reviewed.checksum, format: "json" });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`resuming: 1 of ${reviewed.changes.length} reviewed changes remain`);
    expect(report(third.stdout).resumed).toEqual({ remaining: 1, reviewed: reviewed.changes.length });
    expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
    expect(duplicateWrites(emu)).toEqual([]);
  });

  it("waits out read-after-write lag before judging what is left, and reports what really is", async () => {
    // Finished assignments appear in List calls only 1 s (scaled: 50 ms) later: the check settles.
    const settling = await start({ faults: { lag: 1_000 } });
    const a = await setup();
    const ok = await applyCli(a.dir, settling.endpoint, {
      journal: a.journal,
      autoApprove: true,
      format: "json",
    });
    expect(ok.code).toBe(0);
    expect(report(ok.stdout).residual).toEqual([]);

    // Ten minutes of lag is beyond any settling: what the read cannot see is reported, exit 1.
    const lagging = await start({ faults: { lag: 600_000 } });
    const b = await setup();
    const bad = await applyCli(b.dir, lagging.endpoint, {
      journal: b.journal,
      autoApprove: true,
      format: "json",
    });
    expect(bad.code).toBe(1);
    const r = report(bad.stdout);
    expect(r.totals.failed).toBe(0);
    expect(r.residual.length).toBeGreaterThan(0);
    expect(r.residual.every((x) => x.address.startsWith("assignment/") && x.action === "create")).toBe(true);
    expect(bad.stderr).toContain("live state still differs");
  });

  it("needs an approval without a terminal, and says how to give one, before any API call", async () => {
    const emu = await start();
    const { dir, journal } = await setup();
    const run = await applyCli(dir, emu.endpoint, { journal });
    expect(run.code).toBe(1);
    expect(String((run.error as Error).message)).toBe(
      "apply needs an approval and there is no terminal to ask",
    );
    expect(Object.keys(emu.calls())).toEqual([]);
  });

  it("answers 'No changes' when live state already matches", async () => {
    const emu = await start();
    const { dir, journal } = await setup();
    expect((await applyCli(dir, emu.endpoint, { journal, autoApprove: true })).code).toBe(0);
    const again = await applyCli(dir, emu.endpoint, { journal, autoApprove: true });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`No changes. Live state matches ${dir}/.\n`);
    expect(emu.state().accounts?.find((a) => a.id === ACCOUNTS.old)?.state).toBe("SUSPENDED");
  });
});
