import type { Writable } from "node:stream";
import { type Command, Option } from "commander";
import { scaledSession } from "../apply/run.ts";
import type { ReadStats } from "../aws/limiter.ts";
import { EXIT_CHANGES, EXIT_OK, UnsafePlanError } from "../model/errors.ts";
import type { RefreshMode } from "../model/live.ts";
import type { Plan } from "../model/plan.ts";
import { openSession, planWith } from "../pipeline.ts";
import { applyCommand, renderJson, renderMarkdown, renderText, TARGETED_SCOPE } from "../plan/index.ts";
import { count } from "../plan/words.ts";
import { addConnectionOptions, type ConnectionFlags, sessionOptions, timeScaleOption } from "./connection.ts";
import { colourEnabled, painter, writeFileAtomic } from "./output.ts";
import { DEFAULT_DIR, withDirPaths } from "./paths.ts";
import { displayDiagnostic } from "./validate.ts";

export type PlanFormat = "text" | "markdown" | "json";

/** The parsed flags of `accessops plan`. */
export interface PlanCommandOptions extends ConnectionFlags {
  /** Also write the plan JSON here (the bytes of `--format json`), whatever the display format. */
  out?: string;
  format: PlanFormat;
  /** Exit 2 when the plan has changes (Terraform's `-detailed-exitcode`). */
  detailedExitcode?: boolean;
  refresh: RefreshMode;
  allowDeletes?: boolean;
  /** Text only: list every account, reason and unmanaged address. */
  verbose?: boolean;
  /** For runs against an emulator started with the same `--time-scale`; 1 (or absent) against AWS. */
  timeScale?: number;
}

type Stream = Writable & { isTTY?: boolean };

/** Where `plan` writes, its environment and its clock. Injected by tests. */
export interface PlanIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  /** The instant expiry is judged against. */
  now: Date;
  /** A monotonic clock in ms, for the read-cost line only. */
  elapsedMs: () => number;
}

/** What a targeted read leaves out (docs/aws-reading.md), said on every targeted plan. */
const TARGETED_NOTE = `refresh targeted: ${TARGETED_SCOPE}`;

const MS_PER_SECOND = 1000;

export function registerPlan(program: Command): void {
  const command = program
    .command("plan")
    .description("read the live state, compare it with the access files and print the changes")
    .argument("[dir]", "the access directory", DEFAULT_DIR)
    .option("--out <file>", "also write the plan JSON to this file (for apply --plan)")
    .addOption(
      new Option("--format <format>", "what to print on stdout")
        .choices(["text", "markdown", "json"])
        .default("text"),
    )
    .option("--detailed-exitcode", "exit 2 when the plan has changes")
    .addOption(
      new Option("--refresh <mode>", "read everything accessops owns, or only what the files name")
        .choices(["full", "targeted"])
        .default("full"),
    )
    .option(
      "--allow-deletes",
      "let a plan through the delete thresholds and the lockout rails (management account, your own access)",
    )
    .option("--verbose", "text: list every account, reason and unmanaged object")
    .addOption(timeScaleOption());
  addConnectionOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Exit status: 0 no changes (or changes without --detailed-exitcode), 1 error,",
        "2 changes with --detailed-exitcode, 3 unsafe plan (a safety rail tripped; see --allow-deletes).",
        "The plan goes to stdout; warnings, the read cost and notes go to stderr.",
      ].join("\n"),
    )
    .action(async (dir: string, options: PlanCommandOptions) => {
      process.exitCode = await runPlan(dir, options, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        now: new Date(),
        elapsedMs: () => performance.now(),
      });
    });
}

/**
 * Plans `dir` against the live instance, prints the plan in `options.format` on stdout (and
 * writes `--out`), and returns the exit code. Throws the typed errors (`ConfigError` before any
 * API call when the files are invalid, `AwsError`, and `UnsafePlanError` after printing an unsafe
 * plan) for the CLI's `reportError` to map to exit codes.
 */
export async function runPlan(dir: string, options: PlanCommandOptions, io: PlanIo): Promise<number> {
  const errPaint = painter(colourEnabled(io.stderr, io.env));
  const session = await withDirPaths(dir, () =>
    openSession(scaledSession(sessionOptions(dir, options, io.now), options.timeScale ?? 1)),
  );
  let plan: Plan;
  try {
    for (const d of session.warnings) io.stderr.write(`${displayDiagnostic(d, dir, errPaint)}\n`);
    const started = io.elapsedMs();
    const run = await withDirPaths(dir, () =>
      planWith(session, { refresh: options.refresh, allowDeletes: options.allowDeletes === true }),
    );
    io.stderr.write(`${readCostLine(run.stats, io.elapsedMs() - started)}\n`);
    if (options.refresh === "targeted") io.stderr.write(`${TARGETED_NOTE}\n`);
    plan = run.plan;
  } finally {
    session.ctx.close();
  }

  const json = renderJson(plan);
  if (options.out !== undefined) {
    await writeFileAtomic(options.out, json, "--out");
    io.stderr.write(`${outNote(plan, dir, options.out)}\n`);
  }
  io.stdout.write(render(plan, json, dir, options, io));

  if (!plan.safety.ok) throw new UnsafePlanError(plan.safety.violations);
  return options.detailedExitcode === true && plan.summary.total > 0 ? EXIT_CHANGES : EXIT_OK;
}

function render(plan: Plan, json: string, dir: string, options: PlanCommandOptions, io: PlanIo): string {
  const typed = typedDir(dir);
  switch (options.format) {
    case "json":
      return json;
    case "markdown":
      return renderMarkdown(plan, typed);
    case "text":
      return renderText(plan, {
        paint: painter(colourEnabled(io.stdout, io.env)),
        verbose: options.verbose === true,
        ...typed,
      });
  }
}

/** The directory for the suggested apply command: left out when it is the default. */
function typedDir(dir: string): { dir?: string } {
  return dir === DEFAULT_DIR ? {} : { dir };
}

/** `read live state: 412 API calls in 3.1 s, 0 throttled` (and the retries, when there were any). */
function readCostLine(stats: ReadStats, elapsedMs: number): string {
  const retries = stats.totalRetries > 0 ? `, ${count(stats.totalRetries, "retry", "retries")}` : "";
  const seconds = (elapsedMs / MS_PER_SECOND).toFixed(1);
  return `read live state: ${count(stats.totalCalls, "API call")} in ${seconds} s, ${stats.totalThrottled.toLocaleString("en-US")} throttled${retries}`;
}

/** What `--out` wrote and, for a safe plan with changes, the command that applies exactly that file. */
function outNote(plan: Plan, dir: string, out: string): string {
  const wrote = `wrote ${out} (checksum ${plan.checksum})`;
  if (plan.changes.length === 0) return `${wrote}: no changes to apply`;
  if (!plan.safety.ok) return `${wrote}: apply will refuse this plan until the safety rails pass`;
  return `${wrote}\nRun \`${applyCommand(plan, { ...typedDir(dir), planFile: out })}\` to apply exactly this plan.`;
}
