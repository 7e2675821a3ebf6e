import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncStats, CallStats, WriteRecord } from "../src/emulator/index.ts";
import type { ProcessUsage } from "./rss-preload.ts";

/**
 * The benchmark's processes: the emulator, the accessops CLI and the baseline each run in their
 * own Node process, so that one's CPU does not slow the other down and each peak RSS is its
 * own. Every measured child is started with `--import rss-preload.js`, which reports its peak
 * RSS and CPU time at exit.
 */

const MS_PER_SECOND = 1000;
const KB_PER_MB = 1024;
/** How long the emulator may take to load a seed and listen (a full-scale seed loads in ~2 s). */
const EMULATOR_START_TIMEOUT_MS = 60_000;
const LISTENING = /listening on (http:\/\/\S+)/;

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  /** Null when the child died before its exit handler ran. */
  peakRssMb: number | null;
  cpuSeconds: number | null;
}

export interface Paths {
  /** The repository root (the `accessops` bin is `bin/accessops.js` under it). */
  root: string;
  /** The compiled benchmark (`build/bench`). */
  benchBuild: string;
  /** A scratch folder for usage files. */
  scratch: string;
}

let usageFiles = 0;

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (b: Buffer) => out.push(b));
  child.stderr?.on("data", (b: Buffer) => err.push(b));
  return {
    stdout: () => Buffer.concat(out).toString("utf8"),
    stderr: () => Buffer.concat(err).toString("utf8"),
  };
}

async function readUsage(file: string): Promise<ProcessUsage | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as ProcessUsage;
  } catch {
    // The child was killed before its exit handler ran: there is no usage to report.
    return null;
  } finally {
    await rm(file, { force: true });
  }
}

function spawnMeasured(
  paths: Paths,
  script: string,
  args: string[],
): { child: ChildProcess; usageFile: string } {
  const usageFile = join(paths.scratch, `usage-${process.pid}-${usageFiles++}.json`);
  const preload = pathToFileURL(join(paths.benchBuild, "rss-preload.js")).href;
  const child = spawn(process.execPath, ["--import", preload, script, ...args], {
    cwd: paths.root,
    env: { ...process.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: "1", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { child, usageFile };
}

/**
 * Runs a Node script to its end and measures it. With `saveAs`, its stdout and stderr are also
 * written to `<saveAs>.stdout` and `<saveAs>.stderr` for a look after the run.
 */
export async function runChild(
  paths: Paths,
  script: string,
  args: string[],
  saveAs?: string,
): Promise<ChildResult> {
  const started = performance.now();
  const { child, usageFile } = spawnMeasured(paths, script, args);
  const output = collect(child);
  const [code] = (await once(child, "close")) as [number | null];
  const wallSeconds = (performance.now() - started) / MS_PER_SECOND;
  const usage = await readUsage(usageFile);
  const stdout = output.stdout();
  const stderr = output.stderr();
  if (saveAs !== undefined) {
    await writeFile(`${saveAs}.stdout`, stdout, "utf8");
    await writeFile(`${saveAs}.stderr`, stderr, "utf8");
  }
  return {
    code,
    stdout,
    stderr,
    wallSeconds,
    peakRssMb: usage ? usage.maxRssKb / KB_PER_MB : null,
    cpuSeconds: usage ? (usage.userCpuMs + usage.systemCpuMs) / MS_PER_SECOND : null,
  };
}

export const accessopsBin = (paths: Paths) => join(paths.root, "bin", "accessops.js");

/** A running `accessops emulator` and its control endpoints. */
export interface EmulatorProcess {
  endpoint: string;
  pid: number;
  calls(): Promise<CallStats>;
  stats(): Promise<{ async: AsyncStats; calls: CallStats }>;
  writes(): Promise<WriteRecord[]>;
  /** Clears counters, the write log and async statistics. */
  resetStats(): Promise<void>;
  /** Back to the seed. */
  reset(): Promise<void>;
  /** Stops it; returns its CPU seconds. With `saveAs`, its stderr is written to `<saveAs>.stderr`. */
  stop(saveAs?: string): Promise<number | null>;
}

export async function startEmulatorProcess(
  paths: Paths,
  options: { seedFile: string; latencyMs: number; timeScale: number; randomSeed: number },
): Promise<EmulatorProcess> {
  const { child, usageFile } = spawnMeasured(paths, accessopsBin(paths), [
    "emulator",
    "--port",
    "0",
    "--seed",
    options.seedFile,
    "--latency-ms",
    String(options.latencyMs),
    "--time-scale",
    String(options.timeScale),
    "--random-seed",
    String(options.randomSeed),
  ]);
  const output = collect(child);
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the emulator did not start in time")),
      EMULATOR_START_TIMEOUT_MS,
    );
    const onData = () => {
      const m = LISTENING.exec(output.stdout());
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve(m[1] as string);
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}: ${output.stderr()}`));
    });
  });
  const control = async <T>(method: "GET" | "POST", route: string): Promise<T> => {
    const response = await fetch(new URL(`/_emulator/${route}`, endpoint), { method });
    if (!response.ok)
      throw new Error(`emulator ${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    endpoint,
    pid: child.pid ?? -1,
    calls: () => control("GET", "calls"),
    stats: () => control("GET", "stats"),
    writes: () => control("GET", "writes"),
    resetStats: async () => {
      await control("POST", "stats/reset");
    },
    reset: async () => {
      await control("POST", "reset");
    },
    stop: async (saveAs) => {
      child.removeAllListeners("exit");
      const closed = once(child, "close");
      child.kill("SIGTERM");
      await closed;
      if (saveAs !== undefined) await writeFile(`${saveAs}.stderr`, output.stderr(), "utf8");
      const usage = await readUsage(usageFile);
      return usage ? (usage.userCpuMs + usage.systemCpuMs) / MS_PER_SECOND : null;
    },
  };
}
