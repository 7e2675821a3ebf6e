import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { accessFiles, emulator, TIME_SCALE, tempDir } from "../apply/scenario.ts";

/**
 * `accessops apply` as installed: `node bin/accessops.js` (the compiled build/, which `npm test`
 * builds first). Flags, approval, exit codes and what goes to stdout and stderr; the executor's
 * behaviour is tested in test/apply.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Nothing listens here: a command that reached the network would fail with a connection error. */
const NOWHERE = "http://127.0.0.1:9";

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1", PATH: process.env.PATH };
  const child = spawn(process.execPath, ["bin/accessops.js", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("accessops apply", () => {
  let emu: RunningEmulator;
  let dir: string;
  let work: string;

  beforeAll(async () => {
    emu = await emulator();
    dir = await tempDir(accessFiles());
    work = await tempDir();
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it("documents its flags, the journal and the exit codes", async () => {
    const { code, stdout } = await cli(["apply", "--help"]);
    expect(code).toBe(0);
    for (const flag of [
      "--plan <file>",
      "--checksum <sha>",
      "--auto-approve",
      "--allow-deletes",
      "--journal <file>",
      "--endpoint <url>",
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain(".accessops/journal.jsonl");
    expect(stdout).toContain("3 refused");
  });

  it.each([
    [["--plan", "plan.json", "--checksum", "a".repeat(64)], "cannot be used with option"],
    [["--checksum", "not-a-checksum"], "expected the 64-hex-digit plan checksum"],
    [[], "apply needs an approval and there is no terminal to ask"],
  ])("refuses %j before any API call", async (args, message) => {
    const { code, stderr, stdout } = await cli(["apply", dir, "--endpoint", NOWHERE, ...args]);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain("ECONNREFUSED");
    expect(stdout).toBe("");
  });

  it("applies with --auto-approve: the report alone on stdout, the plan and notes on stderr; then there is nothing to do", async () => {
    const journal = join(work, "journal.jsonl");
    const common = [
      "apply",
      dir,
      "--endpoint",
      emu.endpoint,
      "--time-scale",
      String(TIME_SCALE),
      "--journal",
      journal,
    ];
    const first = await cli([...common, "--auto-approve", "--format", "json"]);
    expect(first.stderr).toContain("Plan: ");
    expect(first.stderr).not.toContain("to apply exactly this plan");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as ApplyReport;
    expect(report.totals.failed).toBe(0);
    expect(report.totals.total).toBeGreaterThan(10);

    const again = await cli([...common, "--auto-approve"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`No changes. Live state matches ${dir}/.\n`);
  });

  it("exits 3 on a stale checksum", async () => {
    const { code, stderr } = await cli([
      "apply",
      dir,
      "--endpoint",
      emu.endpoint,
      "--time-scale",
      String(TIME_SCALE),
      "--journal",
      join(work, "other.jsonl"),
      "--checksum",
      "0".repeat(64),
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain("stale plan: the reviewed plan 000000000000 no longer matches");
  });
});
