import { mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ApplyReport } from "../src/apply/report.ts";
import { sha256Hex } from "../src/model/canonical.ts";
import type { Plan } from "../src/model/plan.ts";
import type { BaselineResult } from "./baseline.ts";
import { writeAccessDir } from "./emit.ts";
import { applyBound, type Latency, QUOTAS, readModel } from "./formulas.ts";
import {
  DEFAULT_RANDOM_SEED,
  type GeneratedOrg,
  generateOrganisation,
  type Scale,
  SHAPES,
} from "./generate.ts";
import { isMain } from "./main.ts";
import {
  BASELINE_WORKERS,
  type CallSummary,
  efficiency,
  parseReadCost,
  projectBaseline,
  readCalls,
  summariseCalls,
  writePhase,
} from "./measure.ts";
import type { PlanCpuResult } from "./plan-cpu.ts";
import {
  accessopsBin,
  type ChildResult,
  type EmulatorProcess,
  type Paths,
  runChild,
  startEmulatorProcess,
} from "./process.ts";
import { type BenchRow, formatTable, type RatioRow, ratios } from "./report.ts";
import { type TfInput, tfResources } from "./terraform-model.ts";
import { buildVariants, VARIANTS, type Variant, type VariantData } from "./variants.ts";

/**
 * `npm run bench -- [--scale small|full] [--time-scale K] [--latency-ms MS] [--variants a,b]
 * [--no-baseline] [--baseline-budget S]`: the benchmark of ecosystem-performance §2.8. For each
 * variant of the synthetic organisation it starts `accessops emulator` with AWS's limits, runs
 * `accessops plan` and `accessops apply` as child processes, then the Terraform-like baseline
 * against the same starting state, and reports calls, throttling, wall time against the §2.6 /
 * §2.7 bounds, memory and the pure core's CPU. Results: a table on stdout and
 * `bench/results/{latest,<scale>}.json`.
 */

/** Median async latency (§2.8 suggests a 3 s median); the emulator's lognormal shape is 0.5. */
const DEFAULT_LATENCY_MS = 3000;
const EMULATOR_LATENCY_SIGMA = 0.5;
/**
 * Default time scales. Full: about 10 minutes on 2 cores while the quotas, not the machine,
 * still bound each phase (20 TPS × 25 = 500 sso-admin calls/s, about what one core serves
 * through the SDK). Small: a smoke run of about 2 minutes, where process start-up outweighs the
 * scaled bounds, so its efficiencies say little.
 */
const DEFAULT_TIME_SCALE: Record<Scale, number> = { small: 50, full: 25 };
/**
 * The scale of one more no-op plan, slow enough that the client's CPU (about 1 ms per SDK call)
 * keeps up with the paced calls, so the read is bound by the quota as it is against AWS: a full
 * read at K = 25 needs ~800 calls/s, more than one core makes; at K = 5, ~160.
 */
const DEFAULT_READ_TIME_SCALE: Record<Scale, number> = { small: 50, full: 5 };
/**
 * Wall-time budget (s, scaled) of the baseline's assignment creates: a Terraform-like bootstrap
 * takes W × 10 s / 10 workers (5.6 h at full scale), so it runs on a sample and is projected.
 */
const DEFAULT_BASELINE_BUDGET_S: Record<Scale, number> = { small: 10, full: 45 };
/** Terraform's first status poll of an assignment operation, seconds. */
const BASELINE_FIRST_POLL_S = 10;
/** How often the harness samples the emulator's in-flight count during an apply. */
const BUSY_POLL_MS = 100;
/** Load average above which the machine is too busy for numbers worth committing. */
const QUIET_LOAD = 1.5;
const MS_PER_SECOND = 1000;
/** How much of a failed child's stderr a result row keeps. */
const STDERR_TAIL_CHARS = 2000;
const BYTES_PER_MB = 1024 * 1024;

interface Options {
  scale: Scale;
  timeScale: number;
  /** The scale of the extra, quota-bound no-op plan (none when it equals `timeScale`). */
  readTimeScale: number;
  latencyMs: number;
  variants: Variant[];
  baseline: boolean;
  baselineBudgetSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: "string", default: "small" },
      "time-scale": { type: "string" },
      "read-time-scale": { type: "string" },
      "latency-ms": { type: "string", default: String(DEFAULT_LATENCY_MS) },
      variants: { type: "string", default: VARIANTS.join(",") },
      "no-baseline": { type: "boolean", default: false },
      "baseline-budget": { type: "string" },
    },
  });
  const scale = values.scale;
  if (scale !== "small" && scale !== "full") throw new Error(`--scale must be small or full, got ${scale}`);
  const variants = (values.variants ?? "").split(",").filter(Boolean) as Variant[];
  const unknown = variants.filter((v) => !VARIANTS.includes(v));
  if (unknown.length > 0)
    throw new Error(`unknown variants: ${unknown.join(", ")}; choose from ${VARIANTS.join(", ")}`);
  const positive = (name: string, text: string | undefined, fallback: number) => {
    const n = text === undefined ? fallback : Number(text);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${text}`);
    return n;
  };
  return {
    scale,
    timeScale: positive("time-scale", values["time-scale"], DEFAULT_TIME_SCALE[scale]),
    readTimeScale: positive("read-time-scale", values["read-time-scale"], DEFAULT_READ_TIME_SCALE[scale]),
    latencyMs: positive("latency-ms", values["latency-ms"], DEFAULT_LATENCY_MS),
    variants,
    baseline: !values["no-baseline"],
    baselineBudgetSeconds: positive(
      "baseline-budget",
      values["baseline-budget"],
      DEFAULT_BASELINE_BUDGET_S[scale],
    ),
  };
}

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(
    `[${((performance.now() - started) / MS_PER_SECOND).toFixed(0).padStart(4)} s] ${line}\n`,
  );
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Samples the emulator's async in-flight count until stopped; returns the last busy moment (epoch ms). */
function watchBusy(emulator: EmulatorProcess): { stop(): Promise<number | null> } {
  let lastBusy: number | null = null;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { async } = await emulator.stats();
      if (async.assignmentOperations.inFlight + async.provisionings.inFlight > 0) lastBusy = Date.now();
      await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return lastBusy;
    },
  };
}

interface VariantFiles {
  dir: string;
  access: string;
  seed: string;
  terraform: string;
  scratch: string;
}

async function writeVariant(root: string, gen: GeneratedOrg, variant: VariantData): Promise<VariantFiles> {
  const dir = join(root, variant.name);
  const files: VariantFiles = {
    dir,
    access: join(dir, "access"),
    seed: join(dir, "seed.json"),
    terraform: join(dir, "terraform.json"),
    scratch: join(dir, "scratch"),
  };
  await writeAccessDir(files.access, variant.files);
  await writeFile(files.seed, JSON.stringify(variant.seed), "utf8");
  const input: TfInput = {
    config: tfResources(gen, variant.declared),
    state: variant.applied ? tfResources(gen, { assignments: variant.applied.assignments }) : [],
  };
  await writeFile(files.terraform, JSON.stringify(input), "utf8");
  await rm(files.scratch, { recursive: true, force: true });
  await mkdir(files.scratch, { recursive: true });
  return files;
}

interface Context {
  options: Options;
  paths: Paths;
  latency: Latency;
  /** Saved live states by the hash of the seed they were read from. */
  liveFiles: Map<string, string>;
}

const base = (ctx: Context, variant: VariantData, timeScale = ctx.options.timeScale) => ({
  name: variant.name,
  scale: ctx.options.scale,
  timeScale,
});

function callFields(calls: CallSummary) {
  return {
    apiCalls: calls.apiCalls,
    callsByOperation: calls.byOperation,
    throttlingErrors: calls.throttled,
    conflicts: calls.conflicts,
    otherErrors: calls.errors,
  };
}

function failed(what: string, r: ChildResult): Error {
  return new Error(`${what} exited with ${r.code}:\n${r.stderr.slice(-4000)}`);
}

async function accessopsPlan(
  ctx: Context,
  emulator: EmulatorProcess,
  v: VariantData,
  f: VariantFiles,
  timeScale = ctx.options.timeScale,
) {
  const planFile = join(f.scratch, "plan.json");
  await emulator.resetStats();
  const endpoint = ["--endpoint", emulator.endpoint];
  const r = await runChild(
    ctx.paths,
    accessopsBin(ctx.paths),
    ["plan", f.access, ...endpoint, "--format", "json", "--out", planFile, "--time-scale", String(timeScale)],
    join(f.scratch, "accessops-plan"),
  );
  if (r.code !== 0) throw failed("accessops plan", r);
  const calls = summariseCalls(await emulator.calls());
  const plan = JSON.parse(r.stdout) as Plan;
  const model = readModelOf(v);
  const bound = model.boundSeconds / timeScale;
  const read = parseReadCost(r.stderr);
  const { create, update, delete: del, provision } = plan.summary;
  return {
    row: {
      ...base(ctx, v, timeScale),
      phase: "plan",
      strategy: "accessops",
      via: "accessops plan",
      ...callFields(calls),
      throttlingSurfaced: 0,
      wallSeconds: round(r.wallSeconds),
      readSeconds: read?.seconds ?? null,
      boundSeconds: round(bound),
      efficiency: efficiency(bound, r.wallSeconds),
      readEfficiency: read ? efficiency(bound, read.seconds) : null,
      awsEfficiency: read ? awsEfficiency(bound, r.wallSeconds, read.seconds, timeScale) : null,
      peakRssMb: r.peakRssMb === null ? null : round(r.peakRssMb, 1),
      cpuSeconds: r.cpuSeconds === null ? null : round(r.cpuSeconds),
      planCpuMs: null as number | null,
      planJsonBytes: Buffer.byteLength(r.stdout),
      commentChars: null as number | null,
      model: { sA: model.sA, sB: model.sB, sMin: model.sMin, terraform: model.terraform },
      callsOverSB: round(calls.apiCalls / model.sB, 3),
      ssoAdminCallsOverSB: round(ssoAdminCalls(calls) / model.sB, 3),
      plan: { create, update, delete: del, provision },
      expected: v.expected,
      correct:
        create === v.expected.create &&
        update === v.expected.update &&
        del === v.expected.delete &&
        provision === v.expected.provision,
    } satisfies BenchRow,
    planFile,
  };
}

/**
 * η projected to AWS speed: the quota-paced part (`pacedSeconds`) takes K times longer at K = 1,
 * the rest of the run (process start, loading, planning, rendering) does not.
 */
function awsEfficiency(bound: number, wall: number, pacedSeconds: number, timeScale: number): number | null {
  return efficiency(bound * timeScale, pacedSeconds * timeScale + Math.max(0, wall - pacedSeconds));
}

/** §2.6 for the variant's live state: memberships are managed, and rules target account tags. */
const readModelOf = (v: VariantData) =>
  readModel(v.seed, { membershipsManaged: true, accountTags: v.targetsTags });

const ssoAdminCalls = (calls: CallSummary) =>
  Object.entries(calls.byOperation)
    .filter(([op]) => op.startsWith("sso-admin:"))
    .reduce((n, [, c]) => n + c, 0);

async function planCpu(
  ctx: Context,
  emulator: EmulatorProcess,
  v: VariantData,
  f: VariantFiles,
): Promise<PlanCpuResult> {
  const script = join(ctx.paths.benchBuild, "plan-cpu.js");
  // Variants that start from the same live state (no-op and the typical pull request) share one read.
  const key = sha256Hex(JSON.stringify(v.seed));
  const live = ctx.liveFiles.get(key) ?? join(f.scratch, "live.json");
  if (!ctx.liveFiles.has(key)) await readLiveFile(ctx, emulator, f, script, live);
  ctx.liveFiles.set(key, live);
  const measured = await runChild(ctx.paths, script, ["measure", "--dir", f.access, "--live", live]);
  if (measured.code !== 0) throw failed("plan-cpu measure", measured);
  return JSON.parse(measured.stdout) as PlanCpuResult;
}

async function readLiveFile(
  ctx: Context,
  emulator: EmulatorProcess,
  f: VariantFiles,
  script: string,
  live: string,
) {
  const read = await runChild(ctx.paths, script, [
    "read",
    "--dir",
    f.access,
    "--live",
    live,
    "--endpoint",
    emulator.endpoint,
    "--time-scale",
    String(ctx.options.timeScale),
  ]);
  if (read.code !== 0) throw failed("plan-cpu read", read);
}

async function accessopsApply(
  ctx: Context,
  emulator: EmulatorProcess,
  v: VariantData,
  f: VariantFiles,
  planFile: string,
) {
  const { timeScale } = ctx.options;
  await emulator.resetStats();
  const busy = watchBusy(emulator);
  const r = await runChild(
    ctx.paths,
    accessopsBin(ctx.paths),
    [
      "apply",
      f.access,
      "--plan",
      planFile,
      "--endpoint",
      emulator.endpoint,
      "--time-scale",
      String(timeScale),
      "--format",
      "json",
      "--journal",
      join(f.scratch, "journal.jsonl"),
    ],
    join(f.scratch, "accessops-apply"),
  );
  const lastBusy = await busy.stop();
  const calls = summariseCalls(await emulator.calls());
  const { async } = await emulator.stats();
  const writes = await emulator.writes();
  if (r.code !== 0 && r.code !== 1) throw failed("accessops apply", r);
  const report = r.stdout.trim() === "" ? null : (JSON.parse(r.stdout) as ApplyReport);
  const readBound = readModelOf(v).boundSeconds / timeScale;
  const write = applyBound(v.work, ctx.latency);
  const bound = readBound + write.writeSeconds / timeScale;
  const phase = writePhase(writes, lastBusy);
  const writeSeconds = phase ? (phase.endMs - phase.startMs) / MS_PER_SECOND : 0;
  const windowSeconds = async.windowMs / MS_PER_SECOND;
  const opSeconds = async.assignmentOperations.meanInFlight * windowSeconds;
  return {
    ...base(ctx, v),
    phase: "apply",
    strategy: "accessops",
    via: "accessops apply --plan",
    ...callFields(calls),
    throttlingSurfaced: report ? report.totals.failed : null,
    readCalls: readCalls(calls.byOperation),
    wallSeconds: round(r.wallSeconds),
    boundSeconds: round(bound),
    efficiency: efficiency(bound, r.wallSeconds),
    writeSeconds: round(writeSeconds),
    writeBoundSeconds: round(write.writeSeconds / timeScale),
    writeEfficiency: writeSeconds > 0 ? efficiency(write.writeSeconds / timeScale, writeSeconds) : null,
    bound: {
      readSeconds: round(readBound),
      setupSeconds: round(write.setupSeconds / timeScale),
      provisioningSeconds: round(write.provisioningSeconds / timeScale),
      assignmentSeconds: round(write.assignmentSeconds / timeScale),
      effectiveLatencySeconds: round(write.effectiveLatencySeconds, 3),
    },
    meanInFlight: writeSeconds > 0 ? round(opSeconds / writeSeconds) : null,
    peakInFlight: async.assignmentOperations.peakInFlight,
    assignmentOperations: async.assignmentOperations.started,
    meanOperationSeconds:
      async.assignmentOperations.started > 0
        ? round((opSeconds / async.assignmentOperations.started) * timeScale)
        : null,
    provisionings: async.provisionings.started,
    peakRssMb: r.peakRssMb === null ? null : round(r.peakRssMb, 1),
    cpuSeconds: r.cpuSeconds === null ? null : round(r.cpuSeconds),
    planCpuMs: null,
    exitCode: r.code,
    stderrTail: r.code === 0 ? null : r.stderr.slice(-STDERR_TAIL_CHARS),
    outcome: report ? { totals: report.totals, residual: report.residual.length } : null,
    correct: r.code === 0 && report !== null && report.residual.length === 0 && report.totals.failed === 0,
  } satisfies BenchRow;
}

async function baselinePlan(ctx: Context, emulator: EmulatorProcess, v: VariantData, f: VariantFiles) {
  await emulator.reset();
  await emulator.resetStats();
  const diff = join(f.scratch, "terraform-diff.json");
  const r = await runChild(
    ctx.paths,
    join(ctx.paths.benchBuild, "baseline.js"),
    [
      "plan",
      "--endpoint",
      emulator.endpoint,
      "--time-scale",
      String(ctx.options.timeScale),
      "--input",
      f.terraform,
      "--diff",
      diff,
    ],
    join(f.scratch, "baseline-plan"),
  );
  if (r.code !== 0) throw failed("baseline plan", r);
  const result = JSON.parse(r.stdout) as BaselineResult;
  const calls = summariseCalls(await emulator.calls());
  const bound = readModelOf(v).boundSeconds / ctx.options.timeScale;
  return {
    row: {
      ...base(ctx, v),
      phase: "plan",
      strategy: "terraform-like",
      via: "bench/baseline.js plan",
      ...callFields(calls),
      throttlingSurfaced: Object.values(result.errors).reduce((a, b) => a + b, 0),
      retryQuotaRefusals: result.retryQuotaRefusals,
      wallSeconds: round(r.wallSeconds),
      boundSeconds: round(bound),
      efficiency: efficiency(bound, r.wallSeconds),
      awsEfficiency: awsEfficiency(bound, r.wallSeconds, result.elapsedSeconds, ctx.options.timeScale),
      peakRssMb: r.peakRssMb === null ? null : round(r.peakRssMb, 1),
      cpuSeconds: r.cpuSeconds === null ? null : round(r.cpuSeconds),
      planCpuMs: null,
      terraformDiff: result.diff ?? null,
      errors: result.errors,
    } satisfies BenchRow,
    diff,
    result,
  };
}

async function baselineApply(
  ctx: Context,
  emulator: EmulatorProcess,
  v: VariantData,
  diff: string,
  planned: BaselineResult,
) {
  const { timeScale, baselineBudgetSeconds } = ctx.options;
  await emulator.resetStats();
  const creates = planned.diff?.create ?? 0;
  const estimated = (creates * BASELINE_FIRST_POLL_S) / BASELINE_WORKERS / timeScale;
  const sample = estimated > baselineBudgetSeconds ? baselineBudgetSeconds / estimated : 1;
  const r = await runChild(
    ctx.paths,
    join(ctx.paths.benchBuild, "baseline.js"),
    [
      "apply",
      "--endpoint",
      emulator.endpoint,
      "--time-scale",
      String(timeScale),
      "--diff",
      diff,
      "--sample",
      String(sample),
    ],
    join(dirname(diff), "baseline-apply"),
  );
  if (r.code !== 0) throw failed("baseline apply", r);
  const result = JSON.parse(r.stdout) as BaselineResult;
  const calls = summariseCalls(await emulator.calls());
  const projection = projectBaseline(result, { wallSeconds: r.wallSeconds, apiCalls: calls.apiCalls });
  const write = applyBound(v.work, ctx.latency);
  const bound = write.writeSeconds / timeScale;
  return {
    ...base(ctx, v),
    phase: "apply",
    strategy: "terraform-like",
    via: "bench/baseline.js apply (a saved plan: no refresh)",
    ...callFields(calls),
    apiCalls: projection.apiCalls,
    measuredApiCalls: calls.apiCalls,
    throttlingSurfaced: Object.values(result.errors).reduce((a, b) => a + b, 0),
    retryQuotaRefusals: result.retryQuotaRefusals,
    wallSeconds: round(projection.wallSeconds),
    measuredWallSeconds: round(r.wallSeconds),
    projected: projection.projected,
    sample: round(sample, 4),
    boundSeconds: round(bound),
    efficiency: efficiency(bound, projection.wallSeconds),
    peakRssMb: r.peakRssMb === null ? null : round(r.peakRssMb, 1),
    cpuSeconds: r.cpuSeconds === null ? null : round(r.cpuSeconds),
    planCpuMs: null,
    errors: result.errors,
    tasks: result.tasks,
  } satisfies BenchRow;
}

/**
 * The no-op plan once more, against its own emulator at `readTimeScale`: the read bound by the
 * quota rather than by the client's CPU, as it is against AWS (see DEFAULT_READ_TIME_SCALE).
 */
async function quotaBoundPlan(
  ctx: Context,
  gen: GeneratedOrg,
  v: VariantData,
  f: VariantFiles,
): Promise<BenchRow> {
  const emulator = await startEmulatorProcess(ctx.paths, {
    seedFile: f.seed,
    latencyMs: ctx.options.latencyMs,
    timeScale: ctx.options.readTimeScale,
    randomSeed: gen.randomSeed,
  });
  try {
    const plan = await accessopsPlan(ctx, emulator, v, f, ctx.options.readTimeScale);
    return { ...plan.row, quotaBound: true };
  } finally {
    await emulator.stop();
  }
}

async function runVariant(
  ctx: Context,
  gen: GeneratedOrg,
  v: VariantData,
  dataDir: string,
): Promise<BenchRow[]> {
  const f = await writeVariant(dataDir, gen, v);
  const emulator = await startEmulatorProcess(ctx.paths, {
    seedFile: f.seed,
    latencyMs: ctx.options.latencyMs,
    timeScale: ctx.options.timeScale,
    randomSeed: gen.randomSeed,
  });
  const rows: BenchRow[] = [];
  try {
    log(`${v.name}: accessops plan`);
    const plan = await accessopsPlan(ctx, emulator, v, f);
    log(`${v.name}: pure-core CPU`);
    const cpu = await planCpu(ctx, emulator, v, f);
    plan.row.planCpuMs = round(cpu.coldCpuMs, 1);
    plan.row.commentChars = cpu.commentChars;
    rows.push({ ...plan.row, planCpu: cpu });
    log(`${v.name}: accessops apply`);
    rows.push(await accessopsApply(ctx, emulator, v, f, plan.planFile));
    if (v.name === "no-op" && ctx.options.readTimeScale !== ctx.options.timeScale) {
      log(`${v.name}: accessops plan at time scale ${ctx.options.readTimeScale} (quota-bound read)`);
      rows.push(await quotaBoundPlan(ctx, gen, v, f));
    }
    if (ctx.options.baseline) {
      log(`${v.name}: terraform-like plan`);
      const tfPlan = await baselinePlan(ctx, emulator, v, f);
      rows.push(tfPlan.row);
      log(`${v.name}: terraform-like apply`);
      rows.push(await baselineApply(ctx, emulator, v, tfPlan.diff, tfPlan.result));
    }
  } finally {
    const emulatorCpu = await emulator.stop(join(f.scratch, "emulator"));
    log(`${v.name}: emulator CPU ${emulatorCpu === null ? "?" : emulatorCpu.toFixed(1)} s`);
  }
  return rows;
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, "..", "..");
  const paths: Paths = { root, benchBuild: here, scratch: join(root, "build", "bench-data") };
  const dataDir = join(paths.scratch, options.scale);
  await mkdir(dataDir, { recursive: true });
  const loadBefore = loadavg()[0] ?? 0;
  if (loadBefore > QUIET_LOAD) {
    log(
      `note: load average ${loadBefore.toFixed(2)}; numbers taken on a busy machine are noisy (commit runs below ${QUIET_LOAD})`,
    );
  }
  log(`generating the ${options.scale} organisation (seed ${DEFAULT_RANDOM_SEED})`);
  const gen = generateOrganisation(SHAPES[options.scale], DEFAULT_RANDOM_SEED, options.scale);
  const variants = buildVariants(gen);
  const ctx: Context = {
    options,
    paths,
    latency: { medianSeconds: options.latencyMs / MS_PER_SECOND, sigma: EMULATOR_LATENCY_SIGMA },
    liveFiles: new Map(),
  };

  const rows: BenchRow[] = [];
  for (const name of options.variants) rows.push(...(await runVariant(ctx, gen, variants[name], dataDir)));
  const ratioRows: RatioRow[] = ratios(rows);
  const results = {
    generatedAt: new Date().toISOString(),
    scale: options.scale,
    timeScale: options.timeScale,
    latency: { medianMs: options.latencyMs, sigma: EMULATOR_LATENCY_SIGMA },
    quotas: QUOTAS,
    baselineBudgetSeconds: options.baselineBudgetSeconds,
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverageBefore: round(loadBefore),
      loadAverageAfter: round(loadavg()[0] ?? 0),
    },
    organisation: {
      shape: gen.shape,
      randomSeed: gen.randomSeed,
      accounts: gen.org.accounts.length,
      permissionSets: gen.permissionSets.length,
      groups: gen.groups.length,
      users: gen.users.length,
      assignments: gen.desired.size,
      rules: gen.rules.length,
      accessFilesBytes: [...variants["no-op"].files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0),
      seedBytes: Buffer.byteLength(JSON.stringify(variants["no-op"].seed)),
    },
    totalSeconds: round((performance.now() - started) / MS_PER_SECOND, 1),
    rows,
    ratios: ratioRows,
  };
  process.stdout.write(formatTable(rows, ratioRows, results));
  const out = join(root, "bench", "results");
  await mkdir(out, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(join(out, `${options.scale}.json`), text, "utf8");
  await writeFile(join(out, "latest.json"), text, "utf8");
  log(
    `wrote bench/results/${options.scale}.json and bench/results/latest.json (${(Buffer.byteLength(text) / BYTES_PER_MB).toFixed(2)} MB) in ${results.totalSeconds} s`,
  );
}

if (isMain(import.meta.url)) {
  await main(process.argv.slice(2));
}
