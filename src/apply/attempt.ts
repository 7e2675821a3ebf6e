import { redactSecrets } from "../aws/redact.ts";
import { RetriesExhaustedError, type RetryEvent, type RetryPolicy, withRetry } from "../aws/retry.ts";
import { AwsError } from "../model/errors.ts";
import type { AccessWriter } from "./ports.ts";
import type { ApplyError } from "./report.ts";

const MS_PER_SECOND = 1000;

/**
 * Runs one writer call under the write retry policy, asking the writer which of its failures are
 * worth another attempt (throttling, transient faults, conflicts in process). `onRetry` sees every
 * retry (for the progress line's throttling count).
 */
export function attempt<T>(
  writer: Pick<AccessWriter, "retryReason">,
  policy: RetryPolicy,
  fn: () => Promise<T>,
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  return withRetry(fn, { ...policy, classify: (error) => writer.retryReason(error) }, onRetry);
}

/** A failure as the report shows it: the operation, AWS's code, a sentence and the request id. */
export function applyErrorOf(error: unknown, fallbackOperation: string): ApplyError {
  const exhausted = error instanceof RetriesExhaustedError ? error : null;
  const inner = exhausted ? exhausted.cause : error;
  const giveUp = exhausted
    ? ` (still ${exhausted.reason === "conflict" ? "conflicting" : exhausted.reason === "throttling" ? "throttled" : "failing"} after ${exhausted.attempts} attempts in ${Math.round(exhausted.elapsedMs / MS_PER_SECOND)} s)`
    : "";
  if (inner instanceof AwsError) {
    return {
      operation: inner.operation,
      code: inner.awsCode,
      message: `${inner.message}${giveUp}`,
      failureReason: null,
      requestId: inner.requestId,
      ...(inner.detail === "" ? {} : { fix: inner.detail }),
    };
  }
  const message = redactSecrets(inner instanceof Error ? inner.message : String(inner));
  return {
    operation: fallbackOperation,
    code: null,
    message: `${message}${giveUp}`,
    failureReason: null,
    requestId: null,
  };
}
