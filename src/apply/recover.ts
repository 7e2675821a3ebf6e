import type { Clock } from "../aws/clock.ts";
import type { RetryPolicy } from "../aws/retry.ts";
import { AwsError } from "../model/errors.ts";
import { attempt } from "./attempt.ts";
import { type DanglingRequest, danglingRequests, type JournalRecord, type JournalSink } from "./journal.ts";
import { type PollingOptions, StatusPoller } from "./operations.ts";
import type { AccessWriter, OperationKind, OperationStatus } from "./ports.ts";

export interface RecoverOptions {
  writer: AccessWriter;
  retry: RetryPolicy;
  clock: Clock;
  polling: PollingOptions;
  /** The journal as read before this run started, and where this run appends. */
  records: readonly JournalRecord[];
  journal: JournalSink;
  instanceArn: string;
  runId: string;
  now: () => Date;
}

const KINDS: readonly OperationKind[] = ["assignment-create", "assignment-delete", "provision"];

/**
 * Finds the asynchronous requests still running on the instance — left by an earlier apply that
 * was killed, or started by another tool — and waits until every one has ended, so that the live
 * read that follows sees their effect and nothing is issued twice. Requests the journal recorded
 * as started but never saw end get their final status journaled. Returns how many requests it
 * waited for.
 */
export async function awaitInProgress(options: RecoverOptions): Promise<number> {
  const { writer, retry } = options;
  const pollers = new Map<OperationKind, StatusPoller>(
    KINDS.map((kind) => [kind, new StatusPoller(kind, writer, options)]),
  );
  const poller = (kind: OperationKind) => pollers.get(kind) as StatusPoller;
  const waits = new Map<string, Promise<OperationStatus>>();
  const waitFor = (kind: OperationKind, requestId: string): Promise<OperationStatus> => {
    let pending = waits.get(requestId);
    if (!pending) {
      pending = poller(kind).wait({ kind, requestId, status: "IN_PROGRESS", failureReason: null });
      waits.set(requestId, pending);
    }
    return pending;
  };

  const dangling = danglingRequests(options.records, options.instanceArn);
  const journaled = dangling.map(async (d) => {
    const status = await statusOf(writer, retry, d);
    if (status === null) return;
    const final = status.status === "IN_PROGRESS" ? await waitFor(d.kind, d.requestId) : status;
    options.journal.append({
      type: "write",
      time: options.now().toISOString(),
      runId: options.runId,
      address: d.address,
      operation: d.operation,
      kind: d.kind,
      requestId: d.requestId,
      status: final.status,
      ...(final.failureReason === null ? {} : { error: final.failureReason }),
    });
  });
  const listed = KINDS.map(async (kind) => {
    const { requestIds } = await attempt(writer, retry, () => writer.listInProgress(kind));
    await Promise.all(requestIds.map((id) => waitFor(kind, id)));
  });
  // Every promise has its handler from here on, and none is left running when this returns:
  // the first failure is thrown once all have settled.
  const settled = await Promise.allSettled([...journaled, ...listed]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return waits.size;
}

/** The request's status, or null when AWS no longer knows it (nothing left to wait for). */
async function statusOf(
  writer: AccessWriter,
  retry: RetryPolicy,
  d: DanglingRequest,
): Promise<OperationStatus | null> {
  try {
    return await attempt(writer, retry, () => writer.describeOperation(d.kind, d.requestId));
  } catch (error) {
    if (error instanceof AwsError && error.awsCode === "ResourceNotFoundException") return null;
    throw error;
  }
}
