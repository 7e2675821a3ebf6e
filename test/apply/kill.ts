import { type ChildProcess, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { renderJson } from "../../src/plan/index.ts";
import { planNow, TIME_SCALE, tempDir } from "./scenario.ts";

/**
 * Killing the installed CLI (`node bin/accessops.js`, the compiled build/, which `npm test` builds
 * first) with SIGKILL part way through an apply, then running it again: the machinery of the
 * kill-and-resume tests (test/apply/kill-resume.test.ts, test/reliability/kill-anywhere.test.ts).
 *
 * ACCESSOPS_KILL_POINTS sets how many kill points a suite draws; ACCESSOPS_KILL_SEED replays a
 * failing sequence (the seed is printed in the test names).
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/accessops.js");
/** The seed of this run's kill points: given, or drawn from the clock (and printed). */
export const KILL_SEED = Number(process.env.ACCESSOPS_KILL_SEED ?? Date.now() % 1_000_000);
/** How many kill points a suite runs: ACCESSOPS_KILL_POINTS, else the suite's default. */
export const killPoints = (defaultCount: number): number =>
  Number(process.env.ACCESSOPS_KILL_POINTS ?? defaultCount);

/**
 * During the run that gets killed, one operation in ten takes 150 times longer (seconds rather
 * than tens of ms): killed while they are in flight, it leaves them running when the next run
 * starts, which must wait for them rather than issue them again.
 */
const SLOW_OPERATIONS = { spike: 0.1, spikeFactor: 150 } as const;
/** The longest a killed run may take to reach its kill point before the test gives up waiting. */
const KILL_WAIT_MS = 15_000;
/** Point 0 is killed this long after its start (plus up to KILL_SPREAD_MS), while it reads. */
const KILL_WHILE_READING_MS = 100;
const KILL_SPREAD_MS = 400;

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` kill points drawn from KILL_SEED: an index and a draw in [0, 1) each. */
export function drawPoints(count: number): { i: number; draw: number }[] {
  const rnd = random(KILL_SEED);
  return Array.from({ length: count }, (_, i) => ({ i, draw: rnd() }));
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

interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function exited(child: ChildProcess): Promise<Exit> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** Lines of a JSON-lines journal so far (0 when it does not exist yet). */
export async function journalLines(path: string): Promise<number> {
  try {
    return (await readFile(path, "utf8")).split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

export interface KillAndResume {
  /** The killed run's exit: `signal` is SIGKILL. */
  killed: Exit;
  /** Writes the emulator accepted before the kill. */
  writesBeforeKill: number;
  /** The second run, with the same reviewed plan and journal. */
  second: Exit;
  /** The second run's report (its stdout). */
  report: ApplyReport;
}

/**
 * From the emulator's seed: plans `dir` into a reviewed plan, applies it with the CLI with slow
 * operations in flight, kills it with SIGKILL after `killAfterLines` journal lines (0: while it
 * reads, `draw` spreading the instant), then applies the same plan again without faults.
 */
export async function killAndResume(
  emu: RunningEmulator,
  dir: string,
  killAfterLines: number,
  draw: number,
): Promise<KillAndResume> {
  emu.reset();
  const work = await tempDir();
  const journal = join(work, "journal.jsonl");
  const planFile = join(work, "plan.json");
  await writeFile(planFile, renderJson(await planNow(dir, emu.endpoint)));
  emu.resetStats();

  emu.setFaults(SLOW_OPERATIONS);
  const first = applyProcess(dir, planFile, emu.endpoint, journal);
  const firstExit = exited(first);
  const deadline = Date.now() + KILL_WAIT_MS;
  if (killAfterLines === 0) await delay(KILL_WHILE_READING_MS + Math.floor(draw * KILL_SPREAD_MS));
  else while ((await journalLines(journal)) < killAfterLines && Date.now() < deadline) await delay(2);
  first.kill("SIGKILL");
  const killed = await firstExit;
  const writesBeforeKill = emu.writes().length;
  emu.setFaults({});

  const second = await exited(applyProcess(dir, planFile, emu.endpoint, journal));
  return { killed, writesBeforeKill, second, report: JSON.parse(second.stdout || "null") as ApplyReport };
}
