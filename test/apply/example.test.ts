import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import { parseSeed, type RunningEmulator, type Seed, startEmulator } from "../../src/emulator/index.ts";
import { applyCli, type CliRun } from "./cli-io.ts";
import { TIME_SCALE, tempDir } from "./scenario.ts";

/**
 * The bootstrap of the repository's own example, access/, on the demo organisation
 * (examples/demo-org.json: 40 accounts, Control Tower's permission sets, an Okta group, drift),
 * with AWS-like latency and random throttling and server errors.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ACCESS = join(ROOT, "access");
const CONTROL_TOWER = [
  "AWSAdministratorAccess",
  "AWSReadOnlyAccess",
  "AWSPowerUserAccess",
  "AWSOrganizationsFullAccess",
  "AWSServiceCatalogAdminFullAccess",
  "AWSServiceCatalogEndUserAccess",
];

describe("apply of the example access/ on the demo organisation", () => {
  let emu: RunningEmulator;
  let seed: Seed;
  let run: CliRun;

  beforeAll(async () => {
    const { readFile } = await import("node:fs/promises");
    seed = parseSeed(await readFile(join(ROOT, "examples/demo-org.json"), "utf8"));
    emu = await startEmulator({
      seed,
      latencyMs: 2_000,
      timeScale: TIME_SCALE,
      faults: { throttle: 0.03, server: 0.01 },
    });
    const work = await tempDir();
    run = await applyCli(ACCESS, emu.endpoint, {
      journal: join(work, "journal.jsonl"),
      autoApprove: true,
      format: "json",
    });
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it("bootstraps everything, through throttling and server errors, and leaves nothing to do", () => {
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ApplyReport;
    expect(report.totals.total).toBeGreaterThan(200);
    expect(report.totals.failed + report.totals.skipped).toBe(0);
    expect(report.residual).toEqual([]);
    expect(report.totals.provisioned).toBe(1);
    expect(report.entries.find((x) => x.address === "permission-set/Admin")?.outcome).toBe("deleted");
  });

  it("never touches what Control Tower and the IdP own", () => {
    const state = emu.state();
    const arns = new Map((state.permissionSets ?? []).map((p) => [p.arn, p.name]));
    const controlTowerArns = new Set(
      (state.permissionSets ?? []).filter((p) => CONTROL_TOWER.includes(p.name)).map((p) => p.arn),
    );
    expect(controlTowerArns.size).toBe(CONTROL_TOWER.length);
    for (const w of emu.writes()) {
      const arn = (w.params.PermissionSetArn ?? w.params.ResourceArn) as string | undefined;
      if (arn === undefined || !controlTowerArns.has(arn)) continue;
      // Assigning Control Tower's AWSAdministratorAccess is what access/ asks; nothing else.
      expect(`${w.operation} ${arns.get(arn)}`).toBe("CreateAccountAssignment AWSAdministratorAccess");
    }
    for (const name of CONTROL_TOWER) {
      const before = seed.permissionSets?.find((p) => p.name === name);
      const after = state.permissionSets?.find((p) => p.name === name);
      expect(after?.managedPolicies).toEqual(before?.managedPolicies);
      expect(after?.tags ?? {}).toEqual({});
    }
    const kept = (seed.assignments ?? []).filter(
      (a) =>
        a.group === "AWSControlTowerAdmins" || a.group === "AWSAuditAccountAdmins" || a.user !== undefined,
    );
    expect(kept.length).toBeGreaterThan(0);
    const ids = new Map((state.accounts ?? []).map((a) => [a.name, a.id]));
    for (const a of kept) {
      const held = (state.assignments ?? []).some(
        (x) => x.account === ids.get(a.account) && x.permissionSet === a.permissionSet,
      );
      expect(held).toBe(true);
    }
    const okta = state.groups?.find((g) => g.name === "Okta-Engineering");
    expect(okta?.id).toBeDefined();
    expect(emu.writes().filter((w) => w.params.GroupId === okta?.id)).toEqual([]);
  });
});
