import { setTimeout as delay } from "node:timers/promises";

/**
 * Time as the rate limiter and the retry loop see it. Injected so tests can run a virtual
 * clock; production code uses `systemClock`. Milliseconds throughout.
 */
export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful (not a wall-clock date). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => (ms > 0 ? delay(ms) : Promise.resolve()),
};
