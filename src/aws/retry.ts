import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";

/**
 * Our one retry layer. The SDK clients are built with `maxAttempts: 1`: the SDK's standard
 * retry strategy spends a per-client token bucket (500 tokens, 5 per retry) and gives up for
 * good once a throttling storm has emptied it ("retry quota exceeded"), and it never retries
 * sso-admin `ConflictException`. Here every call retries on its own budget, a deadline,
 * with full-jitter exponential backoff, and the caller chooses which errors are worth it
 * (the reader: throttling and transient faults; the writer also conflicts).
 */

/** Why an error may be worth another attempt. */
export type RetryReason = "throttling" | "transient" | "conflict";

export interface RetryPolicy {
  /** The reasons this caller retries; any other error is final at once. */
  retryOn: readonly RetryReason[];
  /** Backoff base for transient errors and conflicts (the cap doubles from here). */
  baseDelayMs: number;
  /** Backoff base after a throttling error: longer, since the quota refills at its own pace. */
  throttlingBaseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
  /** Total time budget from the first attempt; no retry is started that would end after it. */
  deadlineMs: number;
  /** Upper bound on attempts, first one included (the deadline usually ends retries first). */
  maxAttempts: number;
  /**
   * Attempts made whatever the deadline, first one included: a call whose first attempt alone
   * outlasted the deadline (a connection reset after a long wait) still gets another try.
   */
  minAttempts: number;
  /** Decides the reason of an error; `classifyError` unless the connection says otherwise. */
  classify: (error: unknown) => RetryReason | null;
  clock: Clock;
  /** Uniform in [0, 1); injected so tests can pin the jitter. */
  random: () => number;
}

/** What one retry looked like; for counters and progress lines, never for control flow. */
export interface RetryEvent {
  attempt: number;
  reason: RetryReason;
  delayMs: number;
  error: unknown;
}

/** The SDK's own base for non-throttling errors (`@smithy/util-retry`), kept so backoff feels familiar. */
const BASE_DELAY_MS = 100;
/** The SDK's base after throttling: the quota refills per second, so the first wait is half of one. */
const THROTTLING_BASE_DELAY_MS = 500;
/**
 * Longest single wait. Shorter than the SDK's 20 s: a plan is interactive, and after 10 s the
 * per-second quotas have long refilled; waiting longer only adds idle time.
 */
const MAX_DELAY_MS = 10_000;
/**
 * Two minutes of failures on one call ends the read: long enough to ride out a throttling
 * storm from another tool or a brief service blip, short enough that CI does not hang.
 */
const DEADLINE_MS = 120_000;
/** Attempts are bounded by the deadline; this only guards against a clock that never advances. */
const MAX_ATTEMPTS = 50;
/**
 * A call is tried at least this often, deadline or not: AWS and proxies close idle keep-alive
 * connections, so one reset is ordinary; three in a row is not.
 */
const MIN_ATTEMPTS = 3;
const MS_PER_SECOND = 1000;

/** The reader's policy: throttling and transient faults, not conflicts (reads do not conflict). */
export const READ_RETRY_POLICY: RetryPolicy = {
  retryOn: ["throttling", "transient"],
  baseDelayMs: BASE_DELAY_MS,
  throttlingBaseDelayMs: THROTTLING_BASE_DELAY_MS,
  maxDelayMs: MAX_DELAY_MS,
  deadlineMs: DEADLINE_MS,
  maxAttempts: MAX_ATTEMPTS,
  minAttempts: MIN_ATTEMPTS,
  classify: classifyError,
  clock: systemClock,
  random: Math.random,
};

/**
 * Five minutes of refusals on one write ends it. Longer than a read's budget: AWS answers
 * `ConflictException` to `DeletePermissionSet` until deprovisioning from every account has
 * finished, which "can take minutes if you have dozens of accounts"; and a write given up is a
 * change left undone, where a read given up costs only a re-run.
 */
const WRITE_DEADLINE_MS = 300_000;
/** The deadline ends a write's retries; this bound only guards against a clock that never advances. */
const WRITE_MAX_ATTEMPTS = 1_000;

/**
 * The applier's policy: throttling (including the 15-outstanding-operations pool), transient
 * faults, and conflicts ("a retry with appropriate backoff logic is the recommended response",
 * AWS's model says), up to a longer deadline.
 */
export const WRITE_RETRY_POLICY: RetryPolicy = {
  ...READ_RETRY_POLICY,
  retryOn: ["throttling", "transient", "conflict"],
  deadlineMs: WRITE_DEADLINE_MS,
  maxAttempts: WRITE_MAX_ATTEMPTS,
};

/** Error names AWS and the SDK use for throttling (`@smithy/service-error-classification`). */
const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "LimitExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ThrottledException",
  "SlowDown",
  "BandwidthLimitExceeded",
  "ProvisionedThroughputExceededException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
]);

/**
 * Server-side faults worth another try. Organizations' `ConcurrentModificationException` on a
 * read means "another change is being applied, ask again", so it is transient here.
 */
const TRANSIENT_NAMES = new Set([
  "InternalServerException",
  "InternalFailure",
  "InternalError",
  "ServiceException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ConcurrentModificationException",
]);

/** Node socket errors that mean the request may not have reached AWS (or its answer was lost). */
export const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

const HTTP_TOO_MANY_REQUESTS = 429;
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
  RetryAfterSeconds?: unknown;
}

function fields(error: unknown): ErrorFields {
  return error !== null && typeof error === "object" ? (error as ErrorFields) : {};
}

/** The Node error code of a socket failure, looking inside `AggregateError`s (happy eyeballs). */
export function networkErrorCode(error: unknown): string | null {
  const { code, errors } = fields(error);
  if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkErrorCode(inner);
      if (found) return found;
    }
  }
  return null;
}

/** Classifies by error name (never by message), HTTP status and the SDK's retry traits. */
export function classifyError(error: unknown): RetryReason | null {
  const e = fields(error);
  const name = typeof e.name === "string" ? e.name : "";
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING_NAMES.has(name) || status === HTTP_TOO_MANY_REQUESTS || e.$retryable?.throttling === true) {
    return "throttling";
  }
  if (name === "ConflictException") return "conflict";
  if (
    TRANSIENT_NAMES.has(name) ||
    networkErrorCode(error) !== null ||
    (typeof status === "number" && TRANSIENT_STATUSES.has(status)) ||
    e.$retryable !== undefined
  ) {
    return "transient";
  }
  return null;
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^retry)). `retry` counts
 * from 0 for the first retry.
 */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** AWS's own hint (identitystore `RetryAfterSeconds`), in ms, or 0. */
function retryAfterMs(error: unknown): number {
  const hint = fields(error).RetryAfterSeconds;
  return typeof hint === "number" && hint > 0 ? hint * MS_PER_SECOND : 0;
}

/** Thrown when retries ran out; `cause` is the last error, `reason` why it was being retried. */
export class RetriesExhaustedError extends Error {
  override readonly name = "RetriesExhaustedError";
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly reason: RetryReason;

  constructor(attempts: number, elapsedMs: number, reason: RetryReason, cause: unknown) {
    super(`gave up after ${attempts} attempts in ${Math.round(elapsedMs / MS_PER_SECOND)} s (${reason})`, {
      cause,
    });
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
    this.reason = reason;
  }
}

/**
 * Runs `fn` until it succeeds, an error is not retryable under `policy` (rethrown as is), or
 * the deadline (once `minAttempts` were made) or the attempt bound is reached (`RetriesExhaustedError` with the last error as
 * cause). `fn` receives the 0-based attempt number.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (event: RetryEvent) => void,
): Promise<T> {
  const { clock } = policy;
  const start = clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const reason = policy.classify(error);
      if (reason === null || !policy.retryOn.includes(reason)) throw error;
      const base = reason === "throttling" ? policy.throttlingBaseDelayMs : policy.baseDelayMs;
      const jittered = backoffDelay(attempt, base, policy.maxDelayMs, policy.random);
      const delayMs = Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs(error)));
      const elapsed = clock.now() - start;
      const pastDeadline = elapsed + delayMs > policy.deadlineMs && attempt + 1 >= policy.minAttempts;
      if (attempt + 1 >= policy.maxAttempts || pastDeadline) {
        throw new RetriesExhaustedError(attempt + 1, elapsed, reason, error);
      }
      onRetry?.({ attempt: attempt + 1, reason, delayMs, error });
      await clock.sleep(delayMs);
    }
  }
}
