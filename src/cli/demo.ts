import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { isInteractive, startProgressDisplay } from "../apply/progress.ts";
import { renderReportText } from "../apply/render.ts";
import { reportSucceeded } from "../apply/report.ts";
import { runApply, scaledSession } from "../apply/run.ts";
import { type Clock, systemClock } from "../aws/clock.ts";
import { startEmulator } from "../emulator/index.ts";
import { EXIT_ERROR, EXIT_OK } from "../model/errors.ts";
import { openSession, planWith, type SessionOptions } from "../pipeline.ts";
import { renderText } from "../plan/index.ts";
import { positiveNumberArg } from "./connection.ts";
import { colourEnabled, type Paint, painter } from "./output.ts";
import { displayDiagnostic } from "./validate.ts";

/** The sample organisation and the example access files, shipped with the package. */
const DEMO_SEED = fileURLToPath(new URL("../../examples/demo-org.json", import.meta.url));
const ACCESS_DIR = fileURLToPath(new URL("../../access", import.meta.url));
const ACCESS_LABEL = "access/";

/** AWS-like median latency of an assignment operation or a provisioning (field reports: 1-5 s). */
const DEMO_LATENCY_MS = 2_000;
/**
 * Ten times faster than AWS — latencies divided by 10, quotas multiplied by 10 — so the whole
 * loop takes seconds while every limit keeps its real proportions.
 */
const DEMO_TIME_SCALE = 10;

type Stream = Writable & { isTTY?: boolean };

export interface DemoIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  clock: Clock;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "the whole loop on a sample organisation, against a local emulator (never AWS): plan, apply, plan again",
    )
    .option(
      "--time-scale <k>",
      "how much faster than AWS the emulator runs (latencies divided, quotas multiplied)",
      positiveNumberArg,
      DEMO_TIME_SCALE,
    )
    .action(async (options: { timeScale: number }) => {
      process.exitCode = await runDemo(options, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        now: () => new Date(),
        clock: systemClock,
      });
    });
}

/**
 * Starts the emulator in-process with `examples/demo-org.json`, plans `access/` against it and
 * prints the plan, applies it with progress, shows that a second plan is empty and says what to
 * try next. Talks to nothing but its own emulator: the endpoint is explicit and the AWS_*
 * environment is ignored.
 */
export async function runDemo(options: { timeScale: number }, io: DemoIo): Promise<number> {
  const paint = painter(colourEnabled(io.stdout, io.env));
  const errPaint = painter(colourEnabled(io.stderr, io.env));
  const say = (text = "") => io.stdout.write(`${text}\n`);
  const step = (n: number, text: string) => say(`\n${paint("bold", paint("cyan", `${n}. ${text}`))}\n`);

  say(paint("bold", "accessops demo: AWS IAM Identity Center as code, on a sample organisation"));
  say(
    "A local emulator of IAM Identity Center and Organizations runs in this process, seeded with\n" +
      "examples/demo-org.json: 40 accounts in nested OUs, Control Tower's permission sets, an Okta-synced\n" +
      "group and some drift made by hand. Nothing here talks to AWS.",
  );
  const emulator = await startEmulator({
    seed: DEMO_SEED,
    latencyMs: DEMO_LATENCY_MS,
    timeScale: options.timeScale,
  });
  try {
    const session: SessionOptions = {
      dir: ACCESS_DIR,
      now: io.now(),
      instanceArn: null,
      // An explicit endpoint and an empty environment: no AWS_* setting can send this elsewhere.
      connection: { endpoint: emulator.endpoint, region: null, profile: null, maxRate: null, env: {} },
    };

    step(1, `accessops plan ${ACCESS_LABEL}`);
    const first = await openSession(scaledSession(session, options.timeScale));
    try {
      for (const d of first.warnings) io.stderr.write(`${displayDiagnostic(d, ACCESS_LABEL, errPaint)}\n`);
      const { plan } = await planWith(first, { refresh: "full", allowDeletes: false });
      // Step 2 is the apply: no closing hint naming `apply --checksum`.
      say(renderText(plan, { paint, applyHint: false }));
    } finally {
      first.ctx.close();
    }

    step(2, `accessops apply ${ACCESS_LABEL} --auto-approve`);
    const journalPath = join(await mkdtemp(join(tmpdir(), "accessops-demo-")), "journal.jsonl");
    const result = await runApply(
      {
        session,
        reviewed: null,
        autoApprove: true,
        allowDeletes: false,
        refresh: "full",
        onlyExpired: false,
        journalPath,
        timeScale: options.timeScale,
      },
      {
        log: (line) => io.stderr.write(`${line}\n`),
        warn: () => undefined,
        showPlan: (plan) =>
          say(`Applying ${plan.changes.length} changes (the plan above), in the order AWS needs.`),
        confirm: null,
        startProgress: (tracker) =>
          startProgressDisplay(tracker, io.stderr, { interactive: isInteractive(io.stderr, io.env) }),
        now: io.now,
        clock: io.clock,
      },
    );
    if (result.kind === "cancelled") return EXIT_ERROR;
    say(renderReportText(result.report, { paint }));
    say(`Every write is in the journal: ${journalPath}`);

    step(3, `accessops plan ${ACCESS_LABEL} (again)`);
    const second = await openSession(scaledSession(session, options.timeScale));
    let again: number;
    try {
      const { plan } = await planWith(second, { refresh: "full", allowDeletes: false });
      again = plan.changes.length;
      say(renderText(plan, { paint }).split("\n")[0]);
    } finally {
      second.ctx.close();
    }
    nextSteps(say, paint);
    return reportSucceeded(result.report) && again === 0 ? EXIT_OK : EXIT_ERROR;
  } finally {
    await emulator.stop();
  }
}

function nextSteps(say: (text?: string) => void, paint: Paint): void {
  say(`\n${paint("bold", "Try next")}`);
  say("  • Edit a file in access/ (add an account to a rule, change a policy) and run npm run demo again.");
  say("  • Run the emulator yourself and point the commands at it:");
  say("      npx accessops emulator --seed examples/demo-org.json --time-scale 10 &");
  say("      npx accessops plan --endpoint http://127.0.0.1:4566 --time-scale 10");
  say("      npx accessops apply --endpoint http://127.0.0.1:4566 --time-scale 10");
  say("  • Read on: docs/format.md (the access files), docs/apply.md (how apply works), docs/emulator.md.");
}
