import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LimiterOptions, RateLimiter, type ServiceName, statsSince } from "../../src/aws/limiter.ts";
import { VirtualClock } from "./virtual-clock.ts";

const MS_PER_SECOND = 1000;

/** The most departures in any window of `windowMs` (closed on the left, open on the right). */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let left = 0;
  for (let right = 0; right < sorted.length; right++) {
    while ((sorted[right] ?? 0) - (sorted[left] ?? 0) >= windowMs) left++;
    best = Math.max(best, right - left + 1);
  }
  return best;
}

interface Run {
  departures: number[];
  maxConcurrent: number;
  finishedAt: number;
}

/** Sends `count` calls of one operation at once; each takes `latencyMs` of virtual time. */
async function burst(
  limiter: RateLimiter,
  clock: VirtualClock,
  calls: { service: ServiceName; operation: string; count: number; latencyMs: number; startMs?: number }[],
): Promise<Run> {
  const departures: number[] = [];
  let inFlight = 0;
  let maxConcurrent = 0;
  const work = calls.flatMap(({ service, operation, count, latencyMs, startMs = 0 }) =>
    Array.from({ length: count }, async () => {
      await clock.sleep(startMs);
      return limiter.schedule(service, operation, async () => {
        departures.push(clock.now());
        inFlight++;
        maxConcurrent = Math.max(maxConcurrent, inFlight);
        await clock.sleep(latencyMs);
        inFlight--;
      });
    }),
  );
  await clock.run(Promise.all(work));
  return { departures, maxConcurrent, finishedAt: clock.now() };
}

describe("RateLimiter pacing", () => {
  it.each<[string, Partial<LimiterOptions>, ServiceName, number]>([
    ["sso-admin defaults: 18/s", {}, "sso-admin", 18],
    ["identitystore defaults: 18/s per operation", {}, "identitystore", 18],
    ["organizations defaults: 9/s", {}, "organizations", 9],
    ["maxRate caps the bucket", { maxRate: 5 }, "sso-admin", 5],
    ["maxRate above the quota changes nothing", { maxRate: 50 }, "sso-admin", 18],
    ["full quota without headroom", { headroom: 1 }, "sso-admin", 20],
    ["a raised quota", { ssoAdminRate: 40 }, "sso-admin", 36],
  ])("%s", async (_, options, service, rate) => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(options, clock);
    expect(limiter.ratePerSecond(service)).toBeCloseTo(rate);
    const run = await burst(limiter, clock, [
      { service, operation: "ListThings", count: 120, latencyMs: 80 },
    ]);
    // Strict pacing: never more than 1 + rate·t calls in any window of t seconds.
    for (const windowMs of [100, 500, 1000, 3000]) {
      expect(maxInWindow(run.departures, windowMs)).toBeLessThanOrEqual(
        1 + Math.floor((rate * windowMs) / MS_PER_SECOND),
      );
    }
    // And it does use the rate it is given: 120 calls take about 119 intervals.
    expect(run.finishedAt).toBeLessThan(((120 + 1) * MS_PER_SECOND) / rate + 80);
  });

  it("lets a burst through after an idle period, then paces", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ burst: 5, headroom: 1, ssoAdminRate: 10 }, clock);
    const run = await burst(limiter, clock, [
      { service: "sso-admin", operation: "A", count: 30, latencyMs: 10 },
    ]);
    expect(run.departures.filter((t) => t === 0)).toHaveLength(5);
    expect(maxInWindow(run.departures, MS_PER_SECOND)).toBeLessThanOrEqual(5 + 10);
  });

  it("never exceeds the rate over any window, whatever the arrival pattern", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            startMs: fc.integer({ min: 0, max: 2000 }),
            latencyMs: fc.integer({ min: 1, max: 900 }),
          }),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 25 }),
        async (arrivals, burstSize, rate) => {
          const clock = new VirtualClock();
          const limiter = new RateLimiter({ burst: burstSize, headroom: 1, ssoAdminRate: rate }, clock);
          const run = await burst(
            limiter,
            clock,
            arrivals.map((a) => ({ service: "sso-admin", operation: "Op", count: 1, ...a })),
          );
          for (const windowMs of [50, 333, 1000, 2500]) {
            const bound = burstSize + (rate * windowMs) / MS_PER_SECOND;
            expect(maxInWindow(run.departures, windowMs)).toBeLessThanOrEqual(Math.ceil(bound));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** A clock whose timers fire late by a random amount, like a busy event loop. */
class LateClock extends VirtualClock {
  readonly #lateness: () => number;

  constructor(lateness: () => number) {
    super();
    this.#lateness = lateness;
  }

  override sleep(ms: number): Promise<void> {
    return super.sleep(ms + this.#lateness());
  }
}

describe("RateLimiter under late timers", () => {
  it("never lets calls that were due leave together", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 50 }),
        async (lags) => {
          let i = 0;
          const clock = new LateClock(() => lags[i++ % lags.length] ?? 0);
          const limiter = new RateLimiter({ headroom: 1, ssoAdminRate: 20 }, clock);
          const run = await burst(limiter, clock, [
            { service: "sso-admin", operation: "Op", count: 60, latencyMs: 5 },
          ]);
          const sorted = [...run.departures].sort((a, b) => a - b);
          for (let k = 1; k < sorted.length; k++) {
            expect((sorted[k] ?? 0) - (sorted[k - 1] ?? 0)).toBeGreaterThanOrEqual(MS_PER_SECOND / 20);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("RateLimiter buckets", () => {
  it("shares one bucket across sso-admin operations", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({}, clock);
    const run = await burst(limiter, clock, [
      { service: "sso-admin", operation: "ListPermissionSets", count: 40, latencyMs: 50 },
      { service: "sso-admin", operation: "DescribePermissionSet", count: 40, latencyMs: 50 },
    ]);
    expect(maxInWindow(run.departures, MS_PER_SECOND)).toBeLessThanOrEqual(19);
    expect(run.finishedAt).toBeGreaterThanOrEqual((79 * MS_PER_SECOND) / 18);
  });

  it("paces identitystore per operation and overlaps the services", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({}, clock);
    const per = 36;
    const run = await burst(limiter, clock, [
      { service: "sso-admin", operation: "ListAccountAssignmentsForPrincipal", count: per, latencyMs: 50 },
      { service: "identitystore", operation: "ListGroups", count: per, latencyMs: 50 },
      { service: "identitystore", operation: "ListGroupMemberships", count: per, latencyMs: 50 },
      { service: "organizations", operation: "ListAccountsForParent", count: per / 2, latencyMs: 50 },
    ]);
    // Four buckets of about two seconds each, run side by side: about two seconds in all.
    const oneBucket = ((per - 1) * MS_PER_SECOND) / 18 + 50;
    expect(run.finishedAt).toBeLessThan(oneBucket * 1.1);
    expect(maxInWindow(run.departures, MS_PER_SECOND)).toBeGreaterThan(19);
  });

  it("bounds the calls in flight per bucket", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ maxInFlight: 3 }, clock);
    const run = await burst(limiter, clock, [
      { service: "sso-admin", operation: "Slow", count: 20, latencyMs: 2000 },
    ]);
    expect(run.maxConcurrent).toBe(3);
  });

  it("counts calls and throttling errors per operation", async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({}, clock);
    const before = limiter.stats();
    const throttle = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const denied = Object.assign(new Error("no"), { name: "AccessDeniedException" });
    const results = await clock.run(
      Promise.allSettled([
        limiter.schedule("sso-admin", "ListTagsForResource", async () => 1),
        limiter.schedule("organizations", "ListTagsForResource", async () => 2),
        limiter.schedule("organizations", "ListTagsForResource", () => Promise.reject(throttle)),
        limiter.schedule("identitystore", "ListGroups", () => Promise.reject(denied)),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
    const stats = statsSince(before, limiter.stats());
    expect(stats.calls).toEqual({
      "identitystore:ListGroups": 1,
      "organizations:ListTagsForResource": 2,
      "sso-admin:ListTagsForResource": 1,
    });
    expect(stats.throttled).toEqual({ "organizations:ListTagsForResource": 1 });
    expect(stats.totalCalls).toBe(4);
    expect(stats.totalThrottled).toBe(1);
  });

  it.each<[Partial<LimiterOptions>]>([
    [{ headroom: 0 }],
    [{ headroom: 1.5 }],
    [{ maxRate: 0 }],
    [{ burst: -1 }],
  ])("rejects %j", (options) => {
    expect(() => new RateLimiter(options)).toThrow(RangeError);
  });
});
