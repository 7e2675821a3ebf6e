import type { CallStats, WriteRecord } from "../src/emulator/index.ts";
import type { BaselineResult } from "./baseline.ts";

/** Pure helpers that turn what the emulator and the children report into the benchmark's numbers. */

export interface CallSummary {
  /** Every call the emulator answered, retries and errors included. */
  apiCalls: number;
  /** Calls per `service:Operation`, sorted by operation. */
  byOperation: Record<string, number>;
  /** ThrottlingException / TooManyRequestsException answers received. */
  throttled: number;
  conflicts: number;
  /** Every other error answer. */
  errors: number;
  /** Calls the SDK marked as its own retries. */
  sdkRetries: number;
}

export function summariseCalls(calls: CallStats): CallSummary {
  const out: CallSummary = {
    apiCalls: 0,
    byOperation: {},
    throttled: 0,
    conflicts: 0,
    errors: 0,
    sdkRetries: 0,
  };
  for (const op of Object.keys(calls).sort()) {
    const s = calls[op];
    if (!s || s.calls === 0) continue;
    out.apiCalls += s.calls;
    out.byOperation[op] = s.calls;
    out.throttled += s.throttled;
    out.conflicts += s.conflicts;
    out.errors += s.errors;
    out.sdkRetries += s.retries;
  }
  return out;
}

/** Calls of the operations that only read, for an apply's split between reading and writing. */
export function readCalls(byOperation: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const [op, calls] of Object.entries(byOperation)) {
    const name = op.slice(op.indexOf(":") + 1);
    if (/^(List|Describe|Get)/.test(name) && !/Status$/.test(name)) n += calls;
  }
  return n;
}

/** The plan command's `read live state: 3,901 API calls in 12.3 s, 0 throttled` line. */
export function parseReadCost(stderr: string): { calls: number; seconds: number; throttled: number } | null {
  const m = /read live state: ([\d,]+) API calls? in ([\d.]+) s, ([\d,]+) throttled/.exec(stderr);
  if (!m) return null;
  const n = (s: string | undefined) => Number((s ?? "").replaceAll(",", ""));
  return { calls: n(m[1]), seconds: Number(m[2]), throttled: n(m[3]) };
}

/**
 * When the writes of an apply happened: from the first accepted write to the later of the last
 * write and the last moment an asynchronous operation was seen in flight. Epoch ms.
 */
export function writePhase(
  writes: readonly Pick<WriteRecord, "time">[],
  lastBusyMs: number | null,
): { startMs: number; endMs: number } | null {
  if (writes.length === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const w of writes) {
    first = Math.min(first, w.time);
    last = Math.max(last, w.time);
  }
  return { startMs: first, endMs: Math.max(last, lastBusyMs ?? last) };
}

/** Terraform's parallelism: the baseline's assignment creates run this many at a time. */
export const BASELINE_WORKERS = 10;
const SAMPLED_KIND = "create:account_assignment";

/**
 * The whole of a sampled baseline apply, projected from its sample: the assignment creates not
 * run would have held the 10 workers for (1/F − 1) × the time the sampled ones held them, and
 * made (1/F − 1) × their calls. Exact when F = 1.
 */
export function projectBaseline(
  result: Pick<BaselineResult, "sample" | "tasks">,
  measured: { wallSeconds: number; apiCalls: number },
): { wallSeconds: number; apiCalls: number; projected: boolean } {
  const sampled = result.tasks[SAMPLED_KIND];
  if (result.sample >= 1 || !sampled || sampled.ran === 0) return { ...measured, projected: false };
  const missing = sampled.tasks / sampled.ran - 1;
  return {
    wallSeconds: measured.wallSeconds + (missing * sampled.busySeconds) / BASELINE_WORKERS,
    apiCalls: Math.round(measured.apiCalls + missing * sampled.calls),
    projected: true,
  };
}

/** η = bound / measured, or null when nothing was measured. */
export const efficiency = (boundSeconds: number, wallSeconds: number): number | null =>
  wallSeconds > 0 ? boundSeconds / wallSeconds : null;
