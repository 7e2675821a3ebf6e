import { DEFAULT_EXECUTOR_LIMITS, type ExecutorLimits, executePlan } from "../../src/apply/execute.ts";
import type { JournalRecord, JournalSink } from "../../src/apply/journal.ts";
import type { PollingOptions } from "../../src/apply/operations.ts";
import { ProgressTracker } from "../../src/apply/progress.ts";
import type { ApplyEntry } from "../../src/apply/report.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { type RetryPolicy, WRITE_RETRY_POLICY } from "../../src/aws/retry.ts";
import type { Config } from "../../src/model/config.ts";
import type { Plan } from "../../src/model/plan.ts";
import { buildPlan } from "../../src/plan/index.ts";
import { NOW } from "../plan/builders.ts";
import type { FakeWriter } from "./fake-writer.ts";

/** Backoff in milliseconds rather than seconds: the fake answers at once. */
export const FAST_RETRY: RetryPolicy = {
  ...WRITE_RETRY_POLICY,
  baseDelayMs: 1,
  throttlingBaseDelayMs: 1,
  maxDelayMs: 4,
  deadlineMs: 5_000,
};

export const FAST_POLLING: PollingOptions = {
  firstMs: 0,
  minMs: 1,
  maxMs: 2,
  factor: 1.5,
  timeoutMs: 10_000,
};

/** A journal kept in memory. */
export class MemoryJournal implements JournalSink {
  readonly records: JournalRecord[] = [];
  append(record: JournalRecord): void {
    this.records.push(structuredClone(record));
  }
}

export function planAgainst(config: Config, fake: FakeWriter, allowDeletes = true): Plan {
  return buildPlan({ config, live: fake.toLive(), now: NOW, allowDeletes });
}

export interface FakeRun {
  entries: ApplyEntry[];
  journal: MemoryJournal;
  progress: ProgressTracker;
}

/** Plans `config` against the fake, executes the plan on it, and returns the entries. */
export async function applyToFake(
  config: Config,
  fake: FakeWriter,
  options: { limits?: Partial<ExecutorLimits>; retry?: Partial<RetryPolicy> } = {},
): Promise<FakeRun & { plan: Plan }> {
  const plan = planAgainst(config, fake);
  return { plan, ...(await executeOnFake(plan, fake, options)) };
}

export async function executeOnFake(
  plan: Pick<Plan, "changes">,
  fake: FakeWriter,
  options: { limits?: Partial<ExecutorLimits>; retry?: Partial<RetryPolicy> } = {},
): Promise<FakeRun> {
  const journal = new MemoryJournal();
  const progress = new ProgressTracker(plan.changes.length, systemClock);
  const entries = await executePlan({
    changes: plan.changes,
    live: fake.toLive(),
    writer: fake,
    retry: { ...FAST_RETRY, ...options.retry },
    clock: systemClock,
    polling: FAST_POLLING,
    limits: { ...DEFAULT_EXECUTOR_LIMITS, ...options.limits },
    journal,
    runId: "run-1",
    progress,
    now: () => NOW,
  });
  return { entries, journal, progress };
}

/** `address -> outcome` for the entries that are not plain successes, or all of them. */
export function outcomes(entries: readonly ApplyEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.address, e.outcome]));
}
