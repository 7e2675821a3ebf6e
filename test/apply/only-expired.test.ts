import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { applyCli } from "./cli-io.ts";
import { ACCOUNTS, accessFiles, emulator, planNow, tempDir } from "./scenario.ts";

let running: RunningEmulator | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

/**
 * The scenario's files with the Admins rule expired: the full plan removes Admins' Ops grants
 * (expired) and also does unrelated work (new groups, the Dev and Audit permission sets, ...).
 */
function filesWithExpiredAdmins(): Record<string, string> {
  const files = accessFiles();
  files["assignments.yaml"] = (files["assignments.yaml"] ?? "").replace(
    "{ principal: { group: Admins }, permissionSets: [Ops], targets: { all: true } }",
    '{ principal: { group: Admins }, permissionSets: [Ops], targets: { all: true }, expires: "2020-01-01T00:00:00Z", reason: INC-1 }',
  );
  return files;
}

const opsGrantsOfAdmins = (emu: RunningEmulator) =>
  (emu.state().assignments ?? []).filter((a) => a.permissionSet === "Ops" && a.group === "Admins");

describe("apply --only-expired", () => {
  it("removes expired access and nothing else; the regular apply then does the rest", async () => {
    running = await emulator();
    const emu = running;
    const dir = await tempDir(filesWithExpiredAdmins());
    const journal = join(await tempDir(), "journal.jsonl");
    expect(opsGrantsOfAdmins(emu).length).toBeGreaterThan(0);
    const full = await planNow(dir, emu.endpoint);
    const unrelated = full.changes.filter((c) => c.expired === undefined);
    expect(unrelated.length).toBeGreaterThan(0);
    const writesBefore = emu.writes().length;

    const run = await applyCli(dir, emu.endpoint, {
      journal,
      autoApprove: true,
      onlyExpired: true,
      format: "json",
    });
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ApplyReport;
    expect(report.entries.length).toBeGreaterThan(0);
    expect(report.entries.every((e) => e.action === "delete" && e.outcome === "deleted")).toBe(true);
    expect(report.residual).toEqual([]);

    expect(opsGrantsOfAdmins(emu)).toEqual([]);
    const written = emu.writes().slice(writesBefore);
    expect(new Set(written.map((w) => w.operation))).toEqual(new Set(["DeleteAccountAssignment"]));
    expect(emu.state().groups?.some((g) => g.name === "Auditors")).toBe(false);

    const after = await planNow(dir, emu.endpoint);
    expect(after.changes.some((c) => c.expired !== undefined)).toBe(false);
    expect(after.changes.map((c) => c.address)).toEqual(unrelated.map((c) => c.address));
    expect(after.changes.some((c) => c.address.includes(`/${ACCOUNTS.prodA}/Ops/GROUP/Admins`))).toBe(false);
  });

  it("has nothing to do when no access has expired", async () => {
    running = await emulator();
    const dir = await tempDir(accessFiles());
    const journal = join(await tempDir(), "journal.jsonl");
    const run = await applyCli(dir, running.endpoint, { journal, autoApprove: true, onlyExpired: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("No changes.");
    expect(running.writes()).toEqual([]);
  });
});
