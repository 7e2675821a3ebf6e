import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { renderJson } from "../../src/plan/index.ts";
import { applyCli } from "./cli-io.ts";
import { accessFiles, duplicateWrites, emulator, planNow, TIME_SCALE, tempDir } from "./scenario.ts";

/**
 * Kill and resume: the installed CLI (`node bin/accessops.js`, the compiled build/, which
 * `npm test` builds first) applies a reviewed plan and is killed with SIGKILL at random points —
 * while it reads, while its writes and operations are in flight — then run again with the same
 * plan. The second run must finish the reviewed plan, the emulator must end in the desired state,
 * and its write log must show no write issued twice for the same change.
 *
 * ACCESSOPS_KILL_POINTS sets how many kill points (3 by default); ACCESSOPS_KILL_SEED replays a
 * failing sequence (the seed is printed in the test name).
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/accessops.js");
const DEFAULT_KILL_POINTS = 3;
const KILL_POINTS = Number(process.env.ACCESSOPS_KILL_POINTS ?? DEFAULT_KILL_POINTS);
const SEED = Number(process.env.ACCESSOPS_KILL_SEED ?? Date.now() % 1_000_000);
/**
 * During the run that gets killed, one operation in ten takes 150 times longer (seconds rather
 * than tens of ms): killed while they are in flight, it leaves them running when the next run
 * starts, which must wait for them rather than issue them again.
 */
const SLOW_OPERATIONS = { spike: 0.1, spikeFactor: 150 } as const;
/** The longest a killed run may take to reach its kill point before the test gives up waiting. */
const KILL_WAIT_MS = 15_000;

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NO_COLOR: "1" };
}

function applyProcess(dir: string, planFile: string, endpoint: string, journal: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      BIN,
      "apply",
      dir,
      "--plan",
      planFile,
      "--endpoint",
      endpoint,
      "--time-scale",
      String(TIME_SCALE),
      "--journal",
      journal,
      "--format",
      "json",
    ],
    { cwd: ROOT, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (child.stdout?.listenerCount("data") === 0) child.stdout.resume();
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
}

async function journalLines(path: string): Promise<number> {
  try {
    return (await readFile(path, "utf8")).split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe("killing apply at any instant and running it again", () => {
  let emu: RunningEmulator;
  let dir: string;
  /** Journal lines a whole uninterrupted run writes: the range the kill points are drawn from. */
  let fullRunLines: number;

  beforeAll(async () => {
    emu = await emulator();
    dir = await tempDir(accessFiles({ editOps: true, extraGroups: 2 }));
    const work = await tempDir();
    const reference = await applyCli(dir, emu.endpoint, {
      journal: join(work, "journal.jsonl"),
      autoApprove: true,
    });
    expect(reference.code).toBe(0);
    fullRunLines = await journalLines(join(work, "journal.jsonl"));
    expect(fullRunLines).toBeGreaterThan(40);
  });

  afterAll(async () => {
    await emu?.stop();
  });

  const rnd = random(SEED);
  const points = Array.from({ length: KILL_POINTS }, (_, i) => ({ i, draw: rnd() }));

  it.each(points)(`converges with no duplicate write (seed ${SEED}, point $i)`, async ({ i, draw }) => {
    emu.reset();
    const work = await tempDir();
    const journal = join(work, "journal.jsonl");
    const planFile = join(work, "plan.json");
    await writeFile(planFile, renderJson(await planNow(dir, emu.endpoint)));
    emu.resetStats();

    // Point 0 is killed while it reads and plans (no journal line yet); the others after a random
    // number of journal lines, that is somewhere among the writes.
    const killAfterLines = i === 0 ? 0 : 1 + Math.floor(draw * (fullRunLines - 2));
    emu.setFaults(SLOW_OPERATIONS);
    const first = applyProcess(dir, planFile, emu.endpoint, journal);
    const firstExit = exited(first);
    const deadline = Date.now() + KILL_WAIT_MS;
    if (killAfterLines === 0) await delay(100 + Math.floor(draw * 400));
    else while ((await journalLines(journal)) < killAfterLines && Date.now() < deadline) await delay(2);
    first.kill("SIGKILL");
    const killed = await firstExit;
    expect(killed.signal).toBe("SIGKILL");
    const writesBeforeKill = emu.writes().length;
    emu.setFaults({});

    const secondRun = applyProcess(dir, planFile, emu.endpoint, journal);
    let stdout = "";
    secondRun.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const second = await exited(secondRun);
    expect(second.stderr).not.toContain("error:");
    expect(second.code).toBe(0);
    const report = JSON.parse(stdout) as ApplyReport;
    // A run killed after some writes leaves part of the reviewed plan, which the second run
    // accepts as such; killed before any, the plan is the reviewed one unchanged.
    if (writesBeforeKill > 0 && report.totals.total > 0) expect(second.stderr).toContain("resuming:");
    if (writesBeforeKill === 0) expect(report.resumed).toBeNull();
    expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
    expect(duplicateWrites(emu)).toEqual([]);
  });
});
