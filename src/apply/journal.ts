import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../model/errors.ts";
import type { Change } from "../model/plan.ts";
import type { Address } from "../model/state.ts";
import type { OperationKind, OperationState } from "./ports.ts";
import type { OutcomeTotals } from "./report.ts";

/**
 * The apply journal: an append-only JSON-lines file recording every write apply makes, so a run
 * can be audited afterwards and a run that was killed can be finished safely. One JSON object per
 * line; lines are only ever appended, each written whole before apply goes on.
 */

/** Where the journal goes when `--journal` is not given, relative to the current directory. */
export const DEFAULT_JOURNAL_PATH = ".accessops/journal.jsonl";

/** The plan a run was approved to apply: what a later run may resume. */
export interface ReviewedPlan {
  checksum: string;
  changes: Change[];
}

/** A run starts: which instance, which plan it executes, and the reviewed plan that plan belongs to. */
export interface RunStartRecord {
  type: "run-start";
  /** ISO-8601 instant. */
  time: string;
  runId: string;
  instanceArn: string;
  /** Checksum of the plan this run executes. */
  checksum: string;
  /**
   * The reviewed plan: the one given with `--plan`/`--checksum` (the original one when this run
   * resumes it), or this run's own plan when it was approved on the spot. A later run given
   * `--checksum` of it finds it here and may finish it.
   */
  reviewed: ReviewedPlan;
}

/**
 * One write. Synchronous writes get one record with their final status; asynchronous ones get an
 * `IN_PROGRESS` record when AWS accepted them (with the request id) and another with the final
 * status. An `IN_PROGRESS` record without a later one is a request a killed run left behind.
 */
export interface WriteRecord {
  type: "write";
  time: string;
  runId: string;
  address: Address;
  /** The AWS operation, for example `CreateAccountAssignment`. */
  operation: string;
  /** Asynchronous requests only: which status calls follow this request. */
  kind?: OperationKind;
  /** AWS's request id of an asynchronous request; null for synchronous calls. */
  requestId: string | null;
  status: OperationState;
  /** AWS's FailureReason, or the error code and message of a refused call. */
  error?: string;
  /** A remark, for example "already gone" for a delete that found nothing to delete. */
  note?: string;
}

export interface RunEndRecord {
  type: "run-end";
  time: string;
  runId: string;
  totals: OutcomeTotals;
  /** Residual changes found by the check after the last write. */
  residual: number;
}

export type JournalRecord = RunStartRecord | WriteRecord | RunEndRecord;

/** Where the executor writes its records: a file in the CLI, an array in tests. */
export interface JournalSink {
  /** Appends one record; it is on disk (in the kernel's hands) when this returns. */
  append(record: JournalRecord): void;
}

/** An open journal file. */
export interface JournalFile extends JournalSink {
  readonly path: string;
  close(): void;
}

/** Opens (creating it and its directory when needed) the journal for appending. */
export function openJournal(path: string): JournalFile {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, "a");
  } catch (error) {
    throw new ConfigError(
      `cannot open the apply journal ${path}: ${(error as Error).message}`,
      [],
      "Pass --journal with a path in a writable directory; apply records every write there.",
      { cause: error },
    );
  }
  return {
    path,
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * Every record of a journal file, oldest first; none when the file does not exist. A last line
 * cut short (a run killed while writing it) is left out.
 */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ConfigError(
      `cannot read the apply journal ${path}: ${(error as Error).message}`,
      [],
      "Check --journal; apply reads it to finish a run that was interrupted.",
      { cause: error },
    );
  }
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // A line cut short by a kill: everything before it is intact, and nothing after it exists.
    }
  }
  return records;
}

/** The reviewed plan of this checksum, as the last run that started from it stored it; null when none did. */
export function reviewedPlanOf(records: readonly JournalRecord[], checksum: string): ReviewedPlan | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r?.type === "run-start" && r.reviewed.checksum === checksum) return r.reviewed;
  }
  return null;
}

/** An asynchronous request a run recorded as accepted but never saw finish. */
export interface DanglingRequest {
  runId: string;
  address: Address;
  operation: string;
  kind: OperationKind;
  requestId: string;
}

/**
 * Requests recorded `IN_PROGRESS` on this instance with no final status after them: a run was
 * killed while they ran. The caller asks AWS how they ended.
 */
export function danglingRequests(records: readonly JournalRecord[], instanceArn: string): DanglingRequest[] {
  const runsHere = new Set(
    records.filter((r) => r.type === "run-start" && r.instanceArn === instanceArn).map((r) => r.runId),
  );
  const open = new Map<string, DanglingRequest>();
  for (const r of records) {
    if (r.type !== "write" || r.requestId === null) continue;
    // Request ids are unique: any later record of one ends it, whichever run wrote it.
    if (r.status === "IN_PROGRESS" && r.kind !== undefined && runsHere.has(r.runId)) {
      open.set(r.requestId, {
        runId: r.runId,
        address: r.address,
        operation: r.operation,
        kind: r.kind,
        requestId: r.requestId,
      });
    } else {
      open.delete(r.requestId);
    }
  }
  return [...open.values()];
}
