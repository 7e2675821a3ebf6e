import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  classifyError,
  READ_RETRY_POLICY,
  RetriesExhaustedError,
  type RetryEvent,
  type RetryPolicy,
  type RetryReason,
  withRetry,
} from "../../src/aws/retry.ts";
import { VirtualClock } from "./virtual-clock.ts";

const awsError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} message`), { name, ...extra });

describe("classifyError", () => {
  it.each<[string, unknown, RetryReason | null]>([
    ["sso-admin throttling", awsError("ThrottlingException"), "throttling"],
    ["organizations throttling", awsError("TooManyRequestsException"), "throttling"],
    ["any 429", awsError("SomethingNew", { $metadata: { httpStatusCode: 429 } }), "throttling"],
    ["the SDK's throttling trait", awsError("X", { $retryable: { throttling: true } }), "throttling"],
    ["sso-admin internal error", awsError("InternalServerException"), "transient"],
    ["organizations service error", awsError("ServiceException"), "transient"],
    ["a 503 of unknown name", awsError("Weird", { $metadata: { httpStatusCode: 503 } }), "transient"],
    ["a reset socket", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "transient"],
    [
      "refused on every address",
      new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })], "connect"),
      "transient",
    ],
    ["SDK timeout", awsError("TimeoutError"), "transient"],
    ["conflict", awsError("ConflictException"), "conflict"],
    ["access denied", awsError("AccessDeniedException", { $metadata: { httpStatusCode: 400 } }), null],
    ["validation", awsError("ValidationException"), null],
    ["not found", awsError("ResourceNotFoundException", { $metadata: { httpStatusCode: 404 } }), null],
    ["unknown operation", awsError("UnknownOperationException"), null],
    ["a 409 is not a throttle", awsError("Whatever", { $metadata: { httpStatusCode: 409 } }), null],
    ["not an error at all", "boom", null],
  ])("%s", (_, error, reason) => {
    expect(classifyError(error)).toBe(reason);
  });
});

describe("backoffDelay", () => {
  it.each([
    [0, 100, 10_000, 100],
    [1, 100, 10_000, 200],
    [3, 500, 10_000, 4000],
    [10, 500, 10_000, 10_000],
    [60, 100, 10_000, 10_000],
  ])("retry %i with base %i and cap %i stays in [0, %i)", (retry, base, cap, ceiling) => {
    expect(backoffDelay(retry, base, cap, () => 0)).toBe(0);
    const top = backoffDelay(retry, base, cap, () => 0.999_999);
    expect(top).toBeLessThan(ceiling);
    expect(top).toBeGreaterThanOrEqual(ceiling - 1);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(retry, base, cap, Math.random);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(ceiling);
    }
  });
});

function policy(clock: VirtualClock, overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...READ_RETRY_POLICY, clock, random: () => 0.5, ...overrides };
}

/** A call that fails with the given errors in turn, then answers "ok". */
function flaky(errors: unknown[]): { fn: (attempt: number) => Promise<string>; attempts: () => number } {
  let n = 0;
  return {
    fn: async () => {
      const error = errors[n++];
      if (error !== undefined) throw error;
      return "ok";
    },
    attempts: () => n,
  };
}

describe("withRetry", () => {
  it("retries throttling and transient errors until the call succeeds", async () => {
    const clock = new VirtualClock();
    const call = flaky([
      awsError("ThrottlingException"),
      awsError("InternalServerException"),
      awsError("ThrottlingException"),
    ]);
    const events: RetryEvent[] = [];
    const result = await clock.run(withRetry(call.fn, policy(clock), (e) => events.push(e)));
    expect(result).toBe("ok");
    expect(call.attempts()).toBe(4);
    expect(events.map((e) => [e.attempt, e.reason, e.delayMs])).toEqual([
      [1, "throttling", 250],
      [2, "transient", 100],
      [3, "throttling", 1000],
    ]);
    expect(clock.now()).toBe(1350);
  });

  it.each([
    ["AccessDeniedException"],
    ["ValidationException"],
    ["ResourceNotFoundException"],
    ["ConflictException"],
  ])("gives up on %s at once when not asked to retry it", async (name) => {
    const clock = new VirtualClock();
    const call = flaky([awsError(name)]);
    await expect(clock.run(withRetry(call.fn, policy(clock)))).rejects.toMatchObject({ name });
    expect(call.attempts()).toBe(1);
  });

  it("retries conflicts for a caller that asks for it (the writer)", async () => {
    const clock = new VirtualClock();
    const call = flaky([awsError("ConflictException"), awsError("ConflictException")]);
    const result = await clock.run(
      withRetry(call.fn, policy(clock, { retryOn: ["throttling", "transient", "conflict"] })),
    );
    expect(result).toBe("ok");
    expect(call.attempts()).toBe(3);
  });

  it("stops at the deadline with the last error as the cause", async () => {
    const clock = new VirtualClock();
    const last = awsError("ThrottlingException");
    const call = flaky(Array.from({ length: 100 }, () => last));
    const run = withRetry(call.fn, policy(clock, { deadlineMs: 5000, random: () => 0.999 }));
    const error = await clock.run(run).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.cause).toBe(last);
    expect(exhausted.reason).toBe("throttling");
    // Waits of ~500, ~1000, ~2000 ms fit in 5 s; the next (~4000 ms) would not.
    expect(call.attempts()).toBe(4);
    expect(exhausted.attempts).toBe(4);
    expect(clock.now()).toBeLessThanOrEqual(5000);
  });

  it("tries a call whose first attempt outlasted the deadline at least minAttempts times", async () => {
    const clock = new VirtualClock();
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    let attempts = 0;
    const slowThenFine = async (): Promise<string> => {
      attempts++;
      if (attempts > 1) return "ok";
      await clock.sleep(6000);
      throw reset;
    };
    const run = withRetry(slowThenFine, policy(clock, { deadlineMs: 5000 }));
    await expect(clock.run(run)).resolves.toBe("ok");
    expect(attempts).toBe(2);

    const always = flaky(Array.from({ length: 10 }, () => reset));
    const error = await clock
      .run(withRetry(always.fn, policy(clock, { deadlineMs: 0, minAttempts: 3 })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(always.attempts()).toBe(3);
  });

  it("stops at the attempt bound", async () => {
    const clock = new VirtualClock();
    const call = flaky(Array.from({ length: 10 }, () => awsError("InternalServerException")));
    const error = await clock
      .run(withRetry(call.fn, policy(clock, { maxAttempts: 3 })))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(call.attempts()).toBe(3);
  });

  it("waits at least as long as AWS asks, within the cap", async () => {
    const clock = new VirtualClock();
    const call = flaky([awsError("ThrottlingException", { RetryAfterSeconds: 3 })]);
    const events: RetryEvent[] = [];
    await clock.run(withRetry(call.fn, policy(clock, { random: () => 0 }), (e) => events.push(e)));
    expect(events.map((e) => e.delayMs)).toEqual([3000]);
  });
});
