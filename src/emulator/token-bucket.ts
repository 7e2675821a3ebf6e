const MS_PER_SECOND = 1000;

/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`; a call that finds
 * no whole token is throttled. An infinite rate never throttles.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #updated: number;

  constructor(ratePerSecond: number, capacity: number, now: number) {
    this.#ratePerMs = ratePerSecond / MS_PER_SECOND;
    this.#capacity = Math.max(1, capacity);
    this.#tokens = this.#capacity;
    this.#updated = now;
  }

  /** Takes one token at time `now`; false when the bucket is empty (the call is throttled). */
  take(now: number): boolean {
    if (this.#ratePerMs === Number.POSITIVE_INFINITY) return true;
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
    this.#updated = Math.max(this.#updated, now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Tokens available at time `now`. */
  level(now: number): number {
    if (this.#ratePerMs === Number.POSITIVE_INFINITY) return this.#capacity;
    return Math.min(this.#capacity, this.#tokens + Math.max(0, now - this.#updated) * this.#ratePerMs);
  }
}
