import { afterEach, describe, expect, it } from "vitest";
import { call, type Page, readAll, toAwsError } from "../../src/aws/call.ts";
import { type AwsContext, connect } from "../../src/aws/clients.ts";
import { RetriesExhaustedError } from "../../src/aws/retry.ts";
import { AwsError } from "../../src/model/errors.ts";

/** A connection whose clients are never used: the calls below are plain functions. */
let ctx: AwsContext;
const fresh = () => {
  ctx = connect({ endpoint: "http://127.0.0.1:4566", env: {}, retry: { random: () => 0 } });
  return ctx;
};
afterEach(() => ctx?.close());

const site = { service: "identitystore", operation: "ListGroups", address: "identity store" } as const;

/** Answers the given pages in turn, recording the tokens asked for. */
function scripted<T>(answers: Page<T>[]): {
  page: (token: string | undefined) => Promise<Page<T>>;
  asked: (string | undefined)[];
} {
  const asked: (string | undefined)[] = [];
  return {
    asked,
    page: async (token) => {
      asked.push(token);
      const answer = answers[asked.length - 1];
      if (!answer) throw new Error("asked past the last page");
      return answer;
    },
  };
}

const awsError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { requestId: "req-1" }, ...extra });

describe("readAll", () => {
  it("follows tokens, reads a missing list as empty and stops on an empty token", async () => {
    const pages = scripted<number>([
      { items: [1, 2], next: "a" },
      { items: undefined, next: "b" },
      { items: [], next: "c" },
      { items: [3], next: "" },
    ]);
    expect(await readAll(fresh(), site, pages.page)).toEqual([1, 2, 3]);
    expect(pages.asked).toEqual([undefined, "a", "b", "c"]);
  });

  it.each([[null], [undefined]])("stops on a %j token", async (next) => {
    const pages = scripted<number>([{ items: [1], next }]);
    expect(await readAll(fresh(), site, pages.page)).toEqual([1]);
  });

  it("refuses a page loop instead of returning part of the list", async () => {
    const pages = scripted<number>([
      { items: [1], next: "a" },
      { items: [2], next: "b" },
      { items: [3], next: "a" },
    ]);
    const error = await readAll(fresh(), site, pages.page).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ operation: "ListGroups", address: "identity store" });
    expect((error as AwsError).message).toContain("already returned");
  });
});

describe("call", () => {
  it("does not start a call once the connection's signal is aborted", async () => {
    const controller = new AbortController();
    const reason = new AwsError({ operation: "X", message: "first failure", detail: "d" });
    controller.abort(reason);
    let started = 0;
    const error = await call({ ...fresh(), signal: controller.signal }, site, async () => {
      started++;
      return 1;
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(started).toBe(0);
  });
});

describe("toAwsError", () => {
  it.each<[string, unknown, Partial<AwsError>, RegExp]>([
    [
      "access denied",
      awsError("AccessDeniedException", "User is not authorized"),
      { awsCode: "AccessDeniedException", requestId: "req-1" },
      /docs\/iam\/plan-role-policy\.json/,
    ],
    [
      "expired credentials",
      awsError("ExpiredTokenException", "The security token included in the request is expired"),
      { awsCode: "ExpiredTokenException" },
      /Refresh them/,
    ],
    [
      "no credentials at all",
      awsError("CredentialsProviderError", "Could not load credentials from any providers"),
      { awsCode: "CredentialsProviderError" },
      /No AWS credentials were found/,
    ],
    ["no region", new Error("Region is missing"), { awsCode: "Error" }, /settings\.region/],
    [
      "an organizations page token",
      awsError("InvalidInputException", "invalid value", { Reason: "INVALID_NEXT_TOKEN" }),
      { awsCode: "InvalidInputException" },
      /page token/,
    ],
    [
      "throttling past the deadline",
      new RetriesExhaustedError(9, 120_000, "throttling", awsError("ThrottlingException", "Rate exceeded")),
      { awsCode: "ThrottlingException" },
      /another tool is probably using the same quota.*--max-rate/,
    ],
    [
      "a server error past the deadline",
      new RetriesExhaustedError(9, 120_000, "transient", awsError("InternalServerException", "oops")),
      { awsCode: "InternalServerException" },
      /kept failing \(InternalServerException\) for 120 s/,
    ],
    [
      "nothing listening",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), { code: "ECONNREFUSED" }),
      { awsCode: "ECONNREFUSED" },
      /Nothing answers at http:\/\/127\.0\.0\.1:4566\/. Start the emulator/,
    ],
  ])("%s", (_, error, expected, advice) => {
    const mapped = toAwsError(fresh(), site, error);
    expect(mapped).toMatchObject({ operation: "ListGroups", address: "identity store", ...expected });
    expect(mapped.detail).toMatch(advice);
    expect(mapped.message).toMatch(/^ListGroups \(identity store\) failed: /);
    expect(mapped.cause).toBe(error);
  });

  it("passes an AwsError through unchanged", () => {
    const error = new AwsError({ operation: "X", message: "m", detail: "d" });
    expect(toAwsError(fresh(), site, error)).toBe(error);
  });
});
