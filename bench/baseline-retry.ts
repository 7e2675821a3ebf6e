import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/**
 * The AWS SDK v3's default retry strategy ("standard" mode, as installed: 3 attempts, a
 * 500-token retry bucket, full-jitter backoff from a 50 ms base, 1 s after throttling, at most
 * 20 s), with every wait divided by the benchmark's time scale so that a scaled run backs off
 * as the real one would. Like the Terraform AWS provider, it also retries ConflictException
 * (`service_package.go` adds it to the retryable codes). This is the baseline's retry
 * behaviour, not accessops's: accessops turns SDK retries off and paces itself.
 */

const MAX_ATTEMPTS = 3;
const INITIAL_RETRY_TOKENS = 500;
/** Tokens a retry after throttling costs, and after any other error. */
const THROTTLING_RETRY_COST = 5;
const RETRY_COST = 14;
/** A success gives back what its retry cost, or this when it needed none. */
const NO_RETRY_INCREMENT = 1;
const DELAY_BASE_MS = 50;
const THROTTLING_DELAY_BASE_MS = 1000;
const MAXIMUM_RETRY_DELAY_MS = 20_000;
const BACKOFF_FACTOR = 2;

interface Token extends RetryToken {
  cost: number | undefined;
}

const token = (count: number, cost: number | undefined): Token => ({
  cost,
  getRetryCount: () => count,
  getRetryDelay: () => 0,
});

/** Whether the SDK's standard strategy, or Terraform on top of it, retries this error. */
function retryable(info: RetryErrorInfo): boolean {
  return (
    info.errorType === "THROTTLING" ||
    info.errorType === "TRANSIENT" ||
    info.error?.name === "ConflictException"
  );
}

export class ScaledStandardRetry implements RetryStrategyV2 {
  readonly #timeScale: number;
  #capacity = INITIAL_RETRY_TOKENS;
  /** Retries refused because the retry bucket was empty ("retry quota exceeded"). */
  quotaRefusals = 0;

  constructor(timeScale: number) {
    this.#timeScale = timeScale;
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, undefined);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const attempts = previous.getRetryCount() + 1;
    const throttled = info.errorType === "THROTTLING";
    const cost = throttled ? THROTTLING_RETRY_COST : RETRY_COST;
    if (!retryable(info) || attempts >= MAX_ATTEMPTS) throw new Error("No retry token available");
    if (this.#capacity < cost) {
      this.quotaRefusals++;
      throw new Error("No retry token available");
    }
    this.#capacity -= cost;
    const base = throttled ? THROTTLING_DELAY_BASE_MS : DELAY_BASE_MS;
    const delay = Math.floor(
      Math.random() * Math.min(base * BACKOFF_FACTOR ** previous.getRetryCount(), MAXIMUM_RETRY_DELAY_MS),
    );
    await new Promise((resolve) => setTimeout(resolve, delay / this.#timeScale));
    return token(attempts, cost);
  }

  recordSuccess(done: RetryToken): void {
    this.#capacity = Math.min(
      INITIAL_RETRY_TOKENS,
      this.#capacity + ((done as Token).cost ?? NO_RETRY_INCREMENT),
    );
  }
}
