import { byCodeUnit } from "../model/canonical.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { classifyError } from "./retry.ts";

/**
 * Client-side pacing that keeps every run under IAM Identity Center's published quotas, so
 * a plan never meets a throttling error it must recover from:
 * - sso-admin: 20 calls per second shared by every operation (one bucket);
 * - identitystore: 20 calls per second per operation (one bucket per operation);
 * - organizations: 10 calls per second (one bucket; AWS does not publish a number, this is
 *   the conservative figure the emulator also enforces).
 *
 * Each bucket paces at `headroom` (90 %) of its quota with a burst of one call: calls leave
 * at least 1/rate apart. Why under the quota: AWS counts arrivals, we control departures, and
 * network jitter can bunch two departures together on arrival. Leaving at 18/s, at most
 * 1 + 18·(t + d) calls of ours arrive in any window of t seconds when arrival delays vary by at
 * most d; that stays within a 20/s limit counted over any one-second window for d up to 55 ms,
 * and within a token bucket holding a second's worth of calls for d up to a second. The 10 %
 * of throughput it costs is cheaper than one throttling error and its backoff.
 *
 * Buckets are independent, so identity-store, organizations and sso-admin reads overlap:
 * a read's wall time approaches the largest calls/rate over the buckets. In-flight calls are
 * bounded per bucket (a call waiting for its slot in one bucket never blocks another).
 */

export type ServiceName = "sso-admin" | "identitystore" | "organizations" | "sts";

export interface LimiterOptions {
  /** sso-admin's collective quota, calls per second. Raise it only after AWS raised yours. */
  ssoAdminRate: number;
  /** identitystore's quota per operation, calls per second. */
  identityStoreRate: number;
  /** organizations' rate, calls per second. */
  organizationsRate: number;
  /** Fraction of each quota actually used (see above); 0 < headroom <= 1. */
  headroom: number;
  /**
   * A ceiling on every bucket, calls per second, for teams that share the quota with other
   * tools (e.g. 10 leaves half of sso-admin's 20/s to them). Null: no ceiling.
   */
  maxRate: number | null;
  /** Calls a bucket may send back to back after being idle; 1 means strictly paced. */
  burst: number;
  /**
   * Calls in flight per bucket. 10 keeps 18 calls/s going at up to ~550 ms per call, above
   * AWS's usual latency, and keeps the socket count small.
   */
  maxInFlight: number;
}

/** AWS's published quotas, calls per second (see the module comment). */
const SSO_ADMIN_QUOTA = 20;
const IDENTITY_STORE_QUOTA_PER_OPERATION = 20;
const ORGANIZATIONS_QUOTA = 10;
/**
 * STS's request quota per account and Region. accessops calls STS once per run (GetCallerIdentity),
 * so this bucket only exists to count that call like every other.
 */
const STS_QUOTA = 600;
const DEFAULT_HEADROOM = 0.9;
const DEFAULT_MAX_IN_FLIGHT = 10;
const MS_PER_SECOND = 1000;

export const DEFAULT_LIMITS: LimiterOptions = {
  ssoAdminRate: SSO_ADMIN_QUOTA,
  identityStoreRate: IDENTITY_STORE_QUOTA_PER_OPERATION,
  organizationsRate: ORGANIZATIONS_QUOTA,
  headroom: DEFAULT_HEADROOM,
  maxRate: null,
  burst: 1,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
};

/**
 * API calls made, per `service:Operation` key (for example `sso-admin:ListTagsForResource`;
 * the service is part of the key because organizations has an operation of the same name).
 * Every HTTP attempt counts, retries included. Keys are sorted.
 */
export interface ReadStats {
  calls: Record<string, number>;
  /** Throttling errors received per key: zero when pacing works. */
  throttled: Record<string, number>;
  /** Retries started per key (any reason). */
  retries: Record<string, number>;
  totalCalls: number;
  totalThrottled: number;
  totalRetries: number;
}

/** The key of one operation in `ReadStats`. */
export const statsKey = (service: ServiceName, operation: string): string => `${service}:${operation}`;

function sortedRecord(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...map.keys()].sort(byCodeUnit)) out[key] = map.get(key) ?? 0;
  return out;
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const v of map.values()) total += v;
  return total;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counters of calls, throttling errors and retries; shared by everything using one connection. */
export class CallCounter {
  readonly #calls = new Map<string, number>();
  readonly #throttled = new Map<string, number>();
  readonly #retries = new Map<string, number>();

  call(key: string): void {
    bump(this.#calls, key);
  }

  throttled(key: string): void {
    bump(this.#throttled, key);
  }

  retry(key: string): void {
    bump(this.#retries, key);
  }

  snapshot(): ReadStats {
    return {
      calls: sortedRecord(this.#calls),
      throttled: sortedRecord(this.#throttled),
      retries: sortedRecord(this.#retries),
      totalCalls: sum(this.#calls),
      totalThrottled: sum(this.#throttled),
      totalRetries: sum(this.#retries),
    };
  }
}

/** What happened between two snapshots of the same counter. */
export function statsSince(before: ReadStats, after: ReadStats): ReadStats {
  const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(b)) {
      const d = value - (a[key] ?? 0);
      if (d > 0) out[key] = d;
    }
    return out;
  };
  return {
    calls: diff(before.calls, after.calls),
    throttled: diff(before.throttled, after.throttled),
    retries: diff(before.retries, after.retries),
    totalCalls: after.totalCalls - before.totalCalls,
    totalThrottled: after.totalThrottled - before.totalThrottled,
    totalRetries: after.totalRetries - before.totalRetries,
  };
}

/** A FIFO counting semaphore. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(permits: number) {
    this.#free = permits;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/**
 * One pacing bucket: the generic cell rate algorithm. `tat` is the theoretical arrival time
 * of the next call; a call may leave at `tat - (burst - 1) * interval`. In any window of t ms,
 * at most `burst + t / interval` calls leave.
 *
 * Departures are released one by one, in order, by a single pump that looks at the clock when
 * it releases: a timer that fires late (a busy event loop, a GC pause) delays calls but never
 * lets the ones that were due leave together.
 */
class Bucket {
  readonly intervalMs: number;
  readonly #burst: number;
  readonly #slots: Semaphore;
  readonly #clock: Clock;
  readonly #waiting: (() => void)[] = [];
  #tat = Number.NEGATIVE_INFINITY;
  #pumping = false;

  constructor(clock: Clock, ratePerSecond: number, burst: number, maxInFlight: number) {
    this.#clock = clock;
    this.intervalMs = MS_PER_SECOND / ratePerSecond;
    this.#burst = burst;
    this.#slots = new Semaphore(maxInFlight);
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
        const earliest = this.#tat - (this.#burst - 1) * this.intervalMs;
        let now = this.#clock.now();
        while (now < earliest) {
          await this.#clock.sleep(earliest - now);
          now = this.#clock.now();
        }
        this.#tat = Math.max(this.#tat, now) + this.intervalMs;
        next();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #departure(): Promise<void> {
    const turn = new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (!this.#pumping) void this.#pump();
    return turn;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.#slots.acquire();
    try {
      await this.#departure();
      return await fn();
    } finally {
      this.#slots.release();
    }
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Paces and counts calls; one per connection, shared by the reader and the writer. */
export class RateLimiter {
  readonly options: LimiterOptions;
  readonly counter = new CallCounter();
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: Partial<LimiterOptions> = {}, clock: Clock = systemClock) {
    this.options = { ...DEFAULT_LIMITS, ...options };
    const { headroom, burst, maxInFlight, maxRate } = this.options;
    if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1], got ${headroom}`);
    positive("burst", burst);
    positive("maxInFlight", maxInFlight);
    if (maxRate !== null) positive("maxRate", maxRate);
    this.#clock = clock;
  }

  /** The pace of a service's buckets, calls per second, after headroom and `maxRate`. */
  ratePerSecond(service: ServiceName): number {
    const { ssoAdminRate, identityStoreRate, organizationsRate, headroom, maxRate } = this.options;
    const quota =
      service === "sso-admin"
        ? ssoAdminRate
        : service === "identitystore"
          ? identityStoreRate
          : service === "organizations"
            ? organizationsRate
            : STS_QUOTA;
    const paced = positive(`${service} rate`, quota) * headroom;
    return maxRate === null ? paced : Math.min(paced, maxRate);
  }

  #bucket(service: ServiceName, operation: string): Bucket {
    const key = service === "identitystore" ? statsKey(service, operation) : service;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(
        this.#clock,
        this.ratePerSecond(service),
        this.options.burst,
        this.options.maxInFlight,
      );
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Runs one API call (one HTTP attempt) in its bucket's pace, counting it and any throttling. */
  async schedule<T>(service: ServiceName, operation: string, fn: () => Promise<T>): Promise<T> {
    const key = statsKey(service, operation);
    return this.#bucket(service, operation).run(async () => {
      this.counter.call(key);
      try {
        return await fn();
      } catch (error) {
        if (classifyError(error) === "throttling") this.counter.throttled(key);
        throw error;
      }
    });
  }

  stats(): ReadStats {
    return this.counter.snapshot();
  }
}
