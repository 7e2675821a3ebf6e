import type { ReadStats } from "../aws/limiter.ts";
import type { Change, ChangeAction, ChangeKind } from "../model/plan.ts";
import type { Address } from "../model/state.ts";

/** The ApplyReport JSON format version. Bump on incompatible changes; add fields freely. */
export const APPLY_REPORT_FORMAT_VERSION = 1;

/**
 * What became of one planned change:
 * - `created`, `updated`, `deleted`, `provisioned`: done (a create of an assignment that already
 *   existed, and a delete of something already gone, count as done);
 * - `unchanged`: nothing needed writing after all (for example a re-provision whose accounts
 *   were all left out);
 * - `skipped`: not attempted because something it depends on failed (`note` says what);
 * - `failed`: attempted and refused, or ended `FAILED` (`error` says why).
 */
export type Outcome = "created" | "updated" | "deleted" | "provisioned" | "unchanged" | "skipped" | "failed";

export const OUTCOMES: readonly Outcome[] = [
  "created",
  "updated",
  "deleted",
  "provisioned",
  "unchanged",
  "skipped",
  "failed",
];

/** Why a change failed, as AWS said it. */
export interface ApplyError {
  /** The API operation that failed, for example `CreateAccountAssignment`. */
  operation: string;
  /** AWS's error code (`ConflictException`), or null for an asynchronous `FAILED` status. */
  code: string | null;
  /** One sentence: what happened. */
  message: string;
  /** AWS's `FailureReason` of a `FAILED` asynchronous request; null otherwise. */
  failureReason: string | null;
  /** The request id of the failed call or asynchronous request, for AWS support; null when unknown. */
  requestId: string | null;
  /** What to do about it, when accessops knows (a missing permission, credentials, throttling). */
  fix?: string;
}

/** One planned change and what became of it. */
export interface ApplyEntry {
  address: Address;
  kind: ChangeKind;
  action: ChangeAction;
  outcome: Outcome;
  /**
   * The request id of the asynchronous request that carried the change (assignments and
   * provisioning; the last one when a re-provision took one request per account); null otherwise.
   */
  requestId: string | null;
  error: ApplyError | null;
  /** A short remark for humans: why it was skipped, "already gone". Never parse it. */
  note: string | null;
}

export type OutcomeTotals = Record<Outcome, number> & { total: number };

/**
 * The result of an apply: plain, versioned data, rendered as text, markdown (the Action's merge
 * comment) and JSON. Entries follow the plan's order.
 */
export interface ApplyReport {
  formatVersion: typeof APPLY_REPORT_FORMAT_VERSION;
  instance: { arn: string; identityStoreId: string };
  /** Checksum of the plan that was executed (the current plan, not necessarily the reviewed one). */
  checksum: string;
  entries: ApplyEntry[];
  totals: OutcomeTotals;
  /**
   * Changes the plan made after the last write still finds (the residual plan), by address. A
   * non-empty list means live state did not reach the files: the run fails.
   */
  residual: { address: Address; action: ChangeAction }[];
  /** Asynchronous requests of an earlier, interrupted run (or another tool) awaited before planning. */
  awaitedAtStart: number;
  /** Set when this run finished a reviewed plan an earlier run had partly applied. */
  resumed: { remaining: number; reviewed: number } | null;
  /** Wall time of the whole run (read, plan, writes, residual check), ms. */
  durationMs: number;
  /** Every API call of the run, reads included, with throttling received and the retries of reads. */
  apiCalls: ReadStats;
}

/** True when every change went through and nothing is residual. */
export function reportSucceeded(report: Pick<ApplyReport, "totals" | "residual">): boolean {
  return report.totals.failed === 0 && report.totals.skipped === 0 && report.residual.length === 0;
}

export function totalsOf(entries: readonly Pick<ApplyEntry, "outcome">[]): OutcomeTotals {
  const totals = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const e of entries) totals[e.outcome]++;
  return { ...totals, total: entries.length };
}

/** The outcome of a change that went through. */
export function doneOutcome(change: Pick<Change, "action">): Outcome {
  switch (change.action) {
    case "create":
    case "replace":
      return "created";
    case "update":
      return "updated";
    case "delete":
      return "deleted";
    case "provision":
      return "provisioned";
  }
}
