import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/aws/clients.ts";
import { readLive } from "../../src/aws/reader.ts";
import { type ReportFlags, runReport } from "../../src/cli/report.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { importLive, wholeInstanceRequest, writeImport } from "../../src/import/index.ts";
import { ConfigError } from "../../src/model/errors.ts";
import { Capture, NOW, SCALED_LIMITS, TIME_SCALE } from "../import/harness.ts";
import { NESTED_ACCOUNTS, nestedSeed } from "../import/seeds.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Nothing listens here: a report that tried to reach AWS would fail at once. */
const NOWHERE = "http://127.0.0.1:1";

interface JsonReport {
  view: string;
  notes: string[];
  summary: { grants: number; users: number; principals: number; groupsWithUnknownMembers: number };
  grants: { accountId: string; permissionSet: string; principalType: string; principalName: string }[];
  access: { userName: string | null; via: { name: string } }[];
  diff: {
    grants: { change: string; accountId: string; permissionSet: string; principalName: string }[];
  } | null;
}

describe("accessops report against the emulator", () => {
  let emulator: RunningEmulator;
  let work: string;
  let dir: string;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: nestedSeed, latencyMs: 0, timeScale: TIME_SCALE });
    work = await mkdtemp(join(tmpdir(), "accessops-report-cli-"));
    dir = join(work, "access");
    // The access files: the emulator's instance imported, so files and live agree.
    const ctx = connect({ endpoint: emulator.endpoint, env: {}, limits: SCALED_LIMITS });
    try {
      const { live } = await readLive(ctx, wholeInstanceRequest(null));
      const result = await importLive(live, { region: "us-east-1", schema: "schema.json", now: NOW });
      await writeImport(dir, result.files, { force: false, now: NOW });
    } finally {
      ctx.close();
    }
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(work, { recursive: true, force: true });
  });

  const run = async (flags: Partial<ReportFlags>) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runReport(
      dir,
      { expiringWithin: 7, ...flags },
      { stdout, stderr, env: {}, now: NOW, limits: SCALED_LIMITS },
    );
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const json = async (flags: Partial<ReportFlags>): Promise<JsonReport> =>
    JSON.parse((await run({ ...flags, format: "json" })).stdout) as JsonReport;
  const grantKeys = (r: JsonReport) =>
    r.grants.map((g) => `${g.accountId}/${g.permissionSet}/${g.principalType}/${g.principalName}`);

  it("from the files calls only Organizations (and the identity store when asked), never sso-admin", async () => {
    emulator.resetStats();
    const plain = await run({ endpoint: emulator.endpoint, format: "json" });
    const services = new Set(Object.keys(emulator.calls()).map((k) => k.split(":")[0]));
    expect([...services]).toEqual(["organizations"]);
    const report = JSON.parse(plain.stdout) as JsonReport;
    expect(report.summary.groupsWithUnknownMembers).toBe(1);
    expect(plain.stderr).toContain(
      "note: Members of 1 external group (Okta-Engineering) were not read: their rows have no user. Pass --identity-store-id",
    );

    emulator.resetStats();
    const withMembers = await json({
      endpoint: emulator.endpoint,
      identityStoreId: emulator.identityStoreId,
    });
    expect(new Set(Object.keys(emulator.calls()).map((k) => k.split(":")[0]))).toEqual(
      new Set(["organizations", "identitystore"]),
    );
    expect(withMembers.summary.groupsWithUnknownMembers).toBe(0);
    expect(withMembers.notes).toEqual([]);
    expect(
      withMembers.access.filter((r) => r.via.name === "Okta-Engineering").map((r) => r.userName),
    ).toEqual(["bob@example.com", "bob@example.com"]);
  });

  it("saves a snapshot, then reports from it offline with the same result", async () => {
    const snapshot = join(work, "org.json");
    const online = await run({
      endpoint: emulator.endpoint,
      identityStoreId: emulator.identityStoreId,
      saveSnapshot: snapshot,
      format: "json",
    });
    expect(online.stderr).toContain(`saved the organisation snapshot to ${snapshot}`);
    const offline = await run({ endpoint: NOWHERE, snapshot, format: "json" });
    const a = JSON.parse(online.stdout) as JsonReport;
    const b = JSON.parse(offline.stdout) as JsonReport;
    expect(b.grants).toEqual(a.grants);
    expect(b.access).toEqual(a.access);
    expect(b.notes).toEqual([
      expect.stringMatching(/^Resolved against the organisation snapshot .*org\.json taken at /),
    ]);

    await expect(run({ snapshot: join(work, "access", "settings.yaml") })).rejects.toThrow(ConfigError);
  });

  it("--live agrees with the imported files, and --diff shows only what the files leave alone", async () => {
    const files = await json({ endpoint: emulator.endpoint, identityStoreId: emulator.identityStoreId });
    const live = await json({ endpoint: emulator.endpoint, live: true });
    expect(live.view).toBe("live");
    // Live also holds the suspended account's assignment, which the files leave to ownership.ignore.
    const suspended = `${NESTED_ACCOUNTS["prod-legacy"]}/Developer/GROUP/Developers`;
    expect(grantKeys(live).sort()).toEqual([...grantKeys(files), suspended].sort());

    const diff = await json({ endpoint: emulator.endpoint, diff: true, instanceArn: emulator.instanceArn });
    expect(
      diff.diff?.grants.map((c) => `${c.change} ${c.accountId}/${c.permissionSet}/${c.principalName}`),
    ).toEqual([`- ${NESTED_ACCOUNTS["prod-legacy"]}/Developer/Developers`]);
  });

  it("--diff names a rule that does not resolve by its path from where the command ran", async () => {
    const bad = join(work, "bad");
    await cp(dir, bad, { recursive: true });
    await writeFile(
      join(bad, "extra.yaml"),
      "assignments:\n  - principal: { group: Developers }\n    permissionSets: [Developer]\n    targets: { accounts: [no-such-account] }\n",
    );
    const stderr = new Capture();
    const report = runReport(
      bad,
      { expiringWithin: 7, endpoint: emulator.endpoint, diff: true },
      { stdout: new Capture(), stderr, env: {}, now: NOW, limits: SCALED_LIMITS },
    );
    const error = await report.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).diagnostics.map((d) => [d.file, d.line])).toEqual([
      [join(bad, "extra.yaml"), 4],
    ]);
  });

  it("--instance-arn overrides settings.instanceArn for the live read", async () => {
    const wrong = "arn:aws:sso:::instance/ssoins-0000000000000000";
    await expect(run({ endpoint: emulator.endpoint, live: true, instanceArn: wrong })).rejects.toThrow(
      `the instance ${wrong} is not an active IAM Identity Center instance`,
    );
  });

  it("filters, infers the format from --out, and writes the file", async () => {
    const out = join(work, "prod.csv");
    const { stderr, stdout } = await run({
      endpoint: emulator.endpoint,
      principal: "alice@example.com",
      account: "prod-payments",
      out,
    });
    expect(stdout).toBe("");
    expect(stderr).toContain(`wrote ${out} (csv): 2 grants to 2 principals in 1 accounts, 1 users`);
    const lines = (await readFile(out, "utf8")).split("\r\n");
    expect(lines.map((l) => l.split(",").slice(0, 7).join(","))).toEqual([
      "user,via_type,via,account_id,account_name,ou,permission_set",
      "alice@example.com,user,alice@example.com,100000000101,prod-payments,Root/Workloads/Prod,DatabaseAdmin",
      "alice@example.com,group,Platform-Admins,100000000101,prod-payments,Root/Workloads/Prod,PlatformAdmin",
      "",
    ]);
  });
});
