import { randomUUID } from "node:crypto";
import type { Clock } from "../aws/clock.ts";
import { DEFAULT_LIMITS } from "../aws/limiter.ts";
import { READ_RETRY_POLICY, type RetryPolicy, WRITE_RETRY_POLICY } from "../aws/retry.ts";
import { createWriter } from "../aws/writer.ts";
import { ConfigError, type Diagnostic, StalePlanError, UnsafePlanError } from "../model/errors.ts";
import type { RefreshMode } from "../model/live.ts";
import type { Plan } from "../model/plan.ts";
import {
  openSession,
  type PlanOptions,
  type PlanRun,
  planWith,
  type Session,
  type SessionOptions,
} from "../pipeline.ts";
import { planChecksum } from "../plan/index.ts";
import { DEFAULT_EXECUTOR_LIMITS, executePlan } from "./execute.ts";
import { type JournalFile, openJournal, type ReviewedPlan, readJournal, reviewedPlanOf } from "./journal.ts";
import { DEFAULT_POLLING, type PollingOptions } from "./operations.ts";
import { ProgressTracker } from "./progress.ts";
import { awaitInProgress } from "./recover.ts";
import { APPLY_REPORT_FORMAT_VERSION, type ApplyEntry, type ApplyReport, totalsOf } from "./report.ts";
import { compareWithReviewed } from "./resume.ts";

/** What the user approved before the run: a plan file, a checksum, or nothing (approve now). */
export type Reviewed =
  | { kind: "plan"; file: string; plan: Plan }
  | {
      kind: "checksum";
      checksum: string;
      /**
       * The instance the reviewed plan was made for, when known (the Action's plan comment names
       * it): a plan of creates alone has the same checksum on any instance, so it is checked too.
       */
      instanceArn?: string | null;
    }
  | null;

export interface ApplyRequest {
  session: SessionOptions;
  reviewed: Reviewed;
  /** `--auto-approve`: apply the current plan without asking. */
  autoApprove: boolean;
  allowDeletes: boolean;
  refresh: RefreshMode;
  /** `--only-expired`: apply only the deletions of expired assignments (see `onlyExpired`). */
  onlyExpired: boolean;
  journalPath: string;
  /**
   * Divides every wait (polling, backoff, settling) and multiplies every pace, for runs against
   * an emulator started with the same `--time-scale`. 1 against AWS.
   */
  timeScale: number;
}

/** The run's side of the terminal: messages, the plan display, confirmation and progress. */
export interface ApplyIo {
  /** A line for humans (stderr in the CLI). */
  log(line: string): void;
  /** A validation warning of the access files (they never fail a run). */
  warn(diagnostic: Diagnostic): void;
  /** Shows the plan that is about to be applied. */
  showPlan(plan: Plan): void;
  /** Asks on a terminal whether to apply; null without one (apply then never prompts). */
  confirm: ((plan: Plan) => Promise<boolean>) | null;
  /** Starts the progress display; the returned function stops (and clears) it. */
  startProgress(tracker: ProgressTracker): () => void;
  /** Wall clock, for journal records. */
  now: () => Date;
  /** Monotonic clock for waits and durations. */
  clock: Clock;
}

/** `no-changes` and `applied` carry the report (an empty one when there was nothing to do). */
export type ApplyResult =
  | { kind: "no-changes"; plan: Plan; report: ApplyReport }
  | { kind: "cancelled"; plan: Plan }
  | { kind: "applied"; plan: Plan; report: ApplyReport };

/** Reads after the last write until live state settles: AWS's List calls lag behind its writes. */
const RESIDUAL_READS = 3;
/** First wait before reading again; doubles each time (2 s, then 4 s: 6 s at most). */
const RESIDUAL_SETTLE_MS = 2_000;

/**
 * `accessops apply`: the one code path that writes.
 *
 * load + validate (no API call before the files are valid) → read and plan → wait for operations
 * still in progress (an interrupted run's), and re-read when there were any → compare with the
 * reviewed plan (stale: refuse; partly applied: resume) → safety rails → approval → execute,
 * journaling every write → read and plan again: anything left is an error.
 *
 * Throws `ConfigError` (files, flags, no approval), `StalePlanError` and `UnsafePlanError`
 * (refused), and `AwsError` for failures outside a change; failed changes are in the report.
 */
export async function runApply(request: ApplyRequest, io: ApplyIo): Promise<ApplyResult> {
  const started = io.clock.now();
  if (request.reviewed === null && !request.autoApprove && io.confirm === null) {
    throw new ConfigError(
      "apply needs an approval and there is no terminal to ask",
      [],
      "Pass --auto-approve, or --plan plan.json / --checksum SHA of a plan you reviewed (accessops plan --out plan.json).",
    );
  }
  checkPlanFile(request.reviewed);
  const records = await readJournal(request.journalPath);
  const scale = request.timeScale;

  const session = await openSession(scaledSession(request.session, scale));
  let journal: JournalFile | null = null;
  try {
    for (const d of session.warnings) io.warn(d);
    const planOptions: PlanOptions = {
      refresh: request.refresh,
      allowDeletes: request.allowDeletes,
      onlyExpired: request.onlyExpired,
    };
    let run = await planWith(session, planOptions);
    const writer = createWriter(session.ctx, run.live.instance);
    const retry = scaledRetry(WRITE_RETRY_POLICY, scale, io.clock);
    const polling = scaledPolling(DEFAULT_POLLING, scale);
    const runId = randomUUID();
    journal = openJournal(request.journalPath);

    const awaited = await awaitInProgress({
      writer,
      retry,
      clock: io.clock,
      polling,
      records,
      journal,
      instanceArn: run.live.instance.instanceArn,
      runId,
      now: io.now,
    });
    if (awaited > 0) {
      io.log(
        `waited for ${awaited} operation${awaited === 1 ? "" : "s"} still in progress (an earlier run's, or another tool's); reading live state again`,
      );
      run = await planWith(session, planOptions);
    }
    const plan = run.plan;
    const reviewed = reviewedPlan(request.reviewed, records, plan);
    let resumed: ApplyReport["resumed"] = null;
    if (reviewed !== null) {
      const verdict = compareWithReviewed(reviewed, plan);
      if (verdict.kind === "stale") throw staleError(reviewed.checksum, plan.checksum, verdict.lines);
      if (verdict.kind === "resume" && verdict.remaining > 0) {
        resumed = { remaining: verdict.remaining, reviewed: verdict.reviewed };
        io.log(`resuming: ${verdict.remaining} of ${verdict.reviewed} reviewed changes remain`);
      }
    }
    if (!plan.safety.ok) throw new UnsafePlanError(plan.safety.violations);
    const report = (entries: ApplyEntry[], residual: Plan["changes"]): ApplyReport => ({
      formatVersion: APPLY_REPORT_FORMAT_VERSION,
      instance: plan.instance,
      checksum: plan.checksum,
      entries,
      totals: totalsOf(entries),
      residual: residual.map((c) => ({ address: c.address, action: c.action })),
      awaitedAtStart: awaited,
      resumed,
      durationMs: io.clock.now() - started,
      apiCalls: session.ctx.limiter.stats(),
    });
    if (plan.changes.length === 0) return { kind: "no-changes", plan, report: report([], []) };

    io.showPlan(plan);
    if (
      request.reviewed === null &&
      !request.autoApprove &&
      io.confirm !== null &&
      !(await io.confirm(plan))
    ) {
      return { kind: "cancelled", plan };
    }

    journal.append({
      type: "run-start",
      time: io.now().toISOString(),
      runId,
      instanceArn: run.live.instance.instanceArn,
      checksum: plan.checksum,
      reviewed: reviewed ?? { checksum: plan.checksum, changes: plan.changes },
    });
    const progress = new ProgressTracker(plan.changes.length, io.clock);
    const stop = io.startProgress(progress);
    let entries: ApplyEntry[];
    try {
      entries = await executePlan({
        changes: plan.changes,
        live: run.live,
        writer,
        retry,
        clock: io.clock,
        polling,
        limits: DEFAULT_EXECUTOR_LIMITS,
        journal,
        runId,
        progress,
        now: io.now,
      });
    } finally {
      stop();
    }

    const residual = await residualPlan(session, planOptions, entries, scale, io);
    const done = report(entries, residual.changes);
    journal.append({
      type: "run-end",
      time: io.now().toISOString(),
      runId,
      totals: done.totals,
      residual: done.residual.length,
    });
    return { kind: "applied", plan, report: done };
  } finally {
    journal?.close();
    session.ctx.close();
  }
}

/** A plan file whose checksum does not match its own changes was edited after it was written. */
function checkPlanFile(reviewed: Reviewed): void {
  if (reviewed?.kind !== "plan") return;
  if (planChecksum(reviewed.plan.changes) === reviewed.plan.checksum) return;
  throw new ConfigError(
    `${reviewed.file} was changed after accessops wrote it: its changes do not match its checksum`,
    [],
    `Plan again with accessops plan --out ${reviewed.file}, review it, and apply that file unedited.`,
  );
}

/** The reviewed plan to hold the current one against; null when nothing was reviewed. */
function reviewedPlan(
  reviewed: Reviewed,
  records: Parameters<typeof reviewedPlanOf>[0],
  plan: Plan,
): ReviewedPlan | null {
  if (reviewed === null) return null;
  if (reviewed.kind === "plan") {
    if (reviewed.plan.instance.arn !== plan.instance.arn) {
      throw staleError(reviewed.plan.checksum, plan.checksum, [
        `${reviewed.file} was planned for instance ${reviewed.plan.instance.arn}, and the files now manage ${plan.instance.arn}`,
      ]);
    }
    return { checksum: reviewed.plan.checksum, changes: reviewed.plan.changes };
  }
  if (reviewed.instanceArn != null && reviewed.instanceArn !== plan.instance.arn) {
    throw staleError(reviewed.checksum, plan.checksum, [
      `the reviewed plan was made for instance ${reviewed.instanceArn}, and the files now manage ${plan.instance.arn}`,
    ]);
  }
  const fromJournal = reviewedPlanOf(records, reviewed.checksum);
  if (fromJournal !== null) return fromJournal;
  if (reviewed.checksum === plan.checksum) return { checksum: plan.checksum, changes: plan.changes };
  throw staleError(reviewed.checksum, plan.checksum, [
    "the changes planned now differ from the reviewed ones (with --checksum alone accessops cannot show how: apply --plan plan.json shows it)",
  ]);
}

/** Lines of a stale-plan explanation shown at most; the rest are counted. */
const STALE_LINES_SHOWN = 20;

function staleError(expected: string, actual: string, lines: readonly string[]): StalePlanError {
  const shown = lines.slice(0, STALE_LINES_SHOWN);
  const more = lines.length > shown.length ? [`… and ${lines.length - shown.length} more`] : [];
  return new StalePlanError(
    expected,
    actual,
    ["What changed since the review:", ...shown.map((l) => `  ${l}`), ...more].join("\n"),
  );
}

/**
 * Reads and plans once more after the last write. A change left over is either explained by a
 * failed or skipped change, or the live state has not settled yet (AWS's List calls trail its
 * writes by a little): the latter gets a few more reads, a little apart, before it counts.
 */
async function residualPlan(
  session: Session,
  options: PlanOptions,
  entries: readonly ApplyEntry[],
  scale: number,
  io: ApplyIo,
): Promise<Plan> {
  const explained = new Set(
    entries.filter((e) => e.outcome === "failed" || e.outcome === "skipped").map((e) => e.address),
  );
  let run: PlanRun = await planWith(session, options);
  for (let i = 1; i < RESIDUAL_READS; i++) {
    if (run.plan.changes.every((c) => explained.has(c.address))) break;
    const wait = (RESIDUAL_SETTLE_MS * 2 ** (i - 1)) / scale;
    io.log(
      `live state still differs in ${run.plan.changes.length} place(s); reading again in ${Math.round(wait)} ms`,
    );
    await io.clock.sleep(wait);
    run = await planWith(session, options);
  }
  return run.plan;
}

/**
 * The session's connection for an emulator running `scale` times faster than AWS: its quotas
 * multiplied (and so our pace), the read retries' waits divided. Unchanged at scale 1.
 */
export function scaledSession(session: SessionOptions, scale: number): SessionOptions {
  if (scale === 1) return session;
  return {
    ...session,
    connection: {
      ...session.connection,
      limits: {
        ssoAdminRate: DEFAULT_LIMITS.ssoAdminRate * scale,
        identityStoreRate: DEFAULT_LIMITS.identityStoreRate * scale,
        organizationsRate: DEFAULT_LIMITS.organizationsRate * scale,
        ...session.connection.limits,
      },
      retry: { ...scaledDelays(READ_RETRY_POLICY, scale), ...session.connection.retry },
    },
  };
}

/** The policy's waits divided by the time scale (only the waits: the classification stays the connection's). */
function scaledDelays(
  policy: RetryPolicy,
  scale: number,
): Pick<RetryPolicy, "baseDelayMs" | "throttlingBaseDelayMs" | "maxDelayMs" | "deadlineMs"> {
  return {
    baseDelayMs: policy.baseDelayMs / scale,
    throttlingBaseDelayMs: policy.throttlingBaseDelayMs / scale,
    maxDelayMs: policy.maxDelayMs / scale,
    deadlineMs: policy.deadlineMs / scale,
  };
}

function scaledRetry(policy: RetryPolicy, scale: number, clock: Clock): RetryPolicy {
  return { ...policy, ...scaledDelays(policy, scale), clock };
}

function scaledPolling(polling: PollingOptions, scale: number): PollingOptions {
  return {
    ...polling,
    firstMs: polling.firstMs / scale,
    minMs: polling.minMs / scale,
    maxMs: polling.maxMs / scale,
    timeoutMs: polling.timeoutMs / scale,
  };
}
