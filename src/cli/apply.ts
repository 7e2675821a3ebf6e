import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { type Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_JOURNAL_PATH } from "../apply/journal.ts";
import { isInteractive, startProgressDisplay } from "../apply/progress.ts";
import { renderReportJson, renderReportMarkdown, renderReportText } from "../apply/render.ts";
import { reportSucceeded } from "../apply/report.ts";
import { type ApplyIo, type ApplyResult, type Reviewed, runApply } from "../apply/run.ts";
import { type Clock, systemClock } from "../aws/clock.ts";
import { ConfigError, EXIT_ERROR, EXIT_OK } from "../model/errors.ts";
import type { RefreshMode } from "../model/live.ts";
import type { Plan } from "../model/plan.ts";
import { PLAN_CHECKSUM, parsePlanJson, renderText } from "../plan/index.ts";
import { addConnectionOptions, type ConnectionFlags, sessionOptions, timeScaleOption } from "./connection.ts";
import { colourEnabled, painter } from "./output.ts";
import { DEFAULT_DIR, withDirPaths } from "./paths.ts";
import { displayDiagnostic } from "./validate.ts";

export type ApplyFormat = "text" | "markdown" | "json";

/** The parsed flags of `accessops apply`. */
export interface ApplyCommandOptions extends ConnectionFlags {
  plan?: string;
  checksum?: string;
  autoApprove: boolean;
  allowDeletes: boolean;
  journal: string;
  format: ApplyFormat;
  refresh: RefreshMode;
  /** Apply only the deletions of expired assignments (just-in-time access revocation). */
  onlyExpired?: boolean;
  /** For runs against an emulator started with the same `--time-scale`; 1 against AWS. */
  timeScale: number;
}

type Stream = Writable & { isTTY?: boolean };

/** Where `apply` reads and writes, its environment and clocks. Injected by tests and the demo. */
export interface ApplyCliIo {
  stdout: Stream;
  stderr: Stream;
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => Date;
  clock: Clock;
}

/** The shell's convention for a process ended by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;
const INTERRUPTED =
  "interrupted: requests already sent keep running at AWS. Run the same apply again to finish: it waits for them first and repeats nothing.";

function checksumArg(value: string): string {
  const v = value.trim().toLowerCase();
  if (!PLAN_CHECKSUM.test(v)) {
    throw new InvalidArgumentError(
      `expected the 64-hex-digit plan checksum that accessops plan prints, got "${value}"`,
    );
  }
  return v;
}

export function registerApply(program: Command): void {
  const command = program
    .command("apply")
    .description(
      "apply the plan: re-read live state, re-plan, write the changes and wait until AWS has made them",
    )
    .argument("[dir]", "the access directory", DEFAULT_DIR)
    .addOption(
      new Option(
        "--plan <file>",
        "apply exactly this reviewed plan (accessops plan --out); refuse if stale",
      ).conflicts("checksum"),
    )
    .addOption(
      new Option(
        "--checksum <sha>",
        "apply only if the plan's checksum is this reviewed one; refuse if stale",
      )
        .argParser(checksumArg)
        .conflicts("plan"),
    )
    .option(
      "--auto-approve",
      "apply without asking (needed without a terminal unless --plan or --checksum)",
      false,
    )
    .option(
      "--allow-deletes",
      "let a plan through the delete thresholds and the lockout rails (management account, your own access)",
      false,
    )
    .option(
      "--only-expired",
      "apply only the removal of expired assignments (for a frequent revocation schedule)",
      false,
    )
    .option("--journal <file>", "append-only JSON-lines record of every write", DEFAULT_JOURNAL_PATH)
    .addOption(
      new Option("--format <format>", "how to print the report on stdout")
        .choices(["text", "markdown", "json"])
        .default("text"),
    )
    .addOption(
      new Option("--refresh <mode>", "read everything accessops owns, or only what the files name")
        .choices(["full", "targeted"])
        .default("full"),
    )
    .addOption(timeScaleOption());
  addConnectionOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Exit status: 0 applied (or nothing to do), 1 error or a change that failed,",
        "3 refused (the reviewed plan is stale, or a safety rail tripped; see --allow-deletes).",
        "The report goes to stdout; the plan, progress and notes go to stderr.",
        "How apply works, the journal and resuming a killed run: docs/apply.md.",
      ].join("\n"),
    )
    .action(async (dir: string, options: ApplyCommandOptions) => {
      process.once("SIGINT", () => {
        process.stderr.write(`\n${INTERRUPTED}\n`);
        process.exit(EXIT_INTERRUPTED);
      });
      process.exitCode = await runApplyCommand(dir, options, {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        env: process.env,
        now: () => new Date(),
        clock: systemClock,
      });
    });
}

/** Runs `accessops apply` and returns the exit code; typed errors are thrown for the CLI to map. */
export async function runApplyCommand(
  dir: string,
  options: ApplyCommandOptions,
  io: ApplyCliIo,
): Promise<number> {
  const reviewed = await reviewedFrom(options);
  const errPaint = painter(colourEnabled(io.stderr, io.env));
  const terminal = Boolean(io.stdin.isTTY) && isInteractive(io.stderr, io.env);
  const applyIo: ApplyIo = {
    log: (line) => io.stderr.write(`${line}\n`),
    warn: (d) => io.stderr.write(`${displayDiagnostic(d, dir, errPaint)}\n`),
    showPlan: (plan) => io.stderr.write(`${renderText(plan, { paint: errPaint, applyHint: false })}\n`),
    confirm: terminal ? (plan) => confirm(plan, io) : null,
    startProgress: (tracker) =>
      startProgressDisplay(tracker, io.stderr, { interactive: isInteractive(io.stderr, io.env) }),
    now: io.now,
    clock: io.clock,
  };
  const now = io.now();
  const result = await withDirPaths(dir, () =>
    runApply(
      {
        session: sessionOptions(dir, options, now),
        reviewed,
        autoApprove: options.autoApprove,
        allowDeletes: options.allowDeletes,
        refresh: options.refresh,
        onlyExpired: options.onlyExpired ?? false,
        journalPath: options.journal,
        timeScale: options.timeScale,
      },
      applyIo,
    ),
  );
  return printResult(result, dir, options.format, io);
}

/** Prints the report in `format` on stdout and returns the exit code. */
export function printResult(
  result: ApplyResult,
  dir: string,
  format: ApplyFormat,
  io: Pick<ApplyCliIo, "stdout" | "stderr" | "env">,
): number {
  if (result.kind === "cancelled") {
    io.stderr.write("Apply cancelled; nothing was changed.\n");
    return EXIT_ERROR;
  }
  const { report } = result;
  if (format === "json") io.stdout.write(renderReportJson(report));
  else if (format === "markdown") io.stdout.write(renderReportMarkdown(report));
  else if (result.kind === "no-changes")
    io.stdout.write(`No changes. Live state matches ${dir.replace(/\/?$/, "/")}.\n`);
  else io.stdout.write(renderReportText(report, { paint: painter(colourEnabled(io.stdout, io.env)) }));
  return reportSucceeded(report) ? EXIT_OK : EXIT_ERROR;
}

async function reviewedFrom(options: ApplyCommandOptions): Promise<Reviewed> {
  if (options.checksum !== undefined) return { kind: "checksum", checksum: options.checksum };
  if (options.plan === undefined) return null;
  let text: string;
  try {
    text = await readFile(options.plan, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read the plan ${options.plan}: ${(error as Error).message}`,
      [],
      "Pass --plan the file accessops plan --out wrote.",
      { cause: error },
    );
  }
  return { kind: "plan", file: options.plan, plan: parsePlanJson(text, options.plan) };
}

/** Terraform's question: only `yes` applies. */
async function confirm(plan: Plan, io: ApplyCliIo): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(
      `Apply these ${plan.changes.length} changes to ${plan.instance.arn}?\nOnly 'yes' will be accepted: `,
    );
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}
