import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  isInteractive,
  ProgressTracker,
  progressLine,
  shortDuration,
  startProgressDisplay,
} from "../../src/apply/progress.ts";
import {
  renderReportJson,
  renderReportMarkdown,
  renderReportText,
  reportHeadline,
} from "../../src/apply/render.ts";
import { type ApplyEntry, type ApplyReport, reportSucceeded, totalsOf } from "../../src/apply/report.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { painter } from "../../src/cli/output.ts";

const plain = painter(false);

function entry(over: Partial<ApplyEntry> & Pick<ApplyEntry, "address" | "outcome">): ApplyEntry {
  return { kind: "assignment", action: "create", requestId: null, error: null, note: null, ...over };
}

function report(entries: ApplyEntry[], over: Partial<ApplyReport> = {}): ApplyReport {
  return {
    formatVersion: 1,
    instance: { arn: "arn:aws:sso:::instance/ssoins-1", identityStoreId: "d-1" },
    checksum: "ab".repeat(32),
    entries,
    totals: totalsOf(entries),
    residual: [],
    awaitedAtStart: 0,
    resumed: null,
    durationMs: 72_000,
    apiCalls: { calls: {}, throttled: {}, retries: {}, totalCalls: 812, totalThrottled: 0, totalRetries: 3 },
    ...over,
  };
}

const FAILURE =
  "Received a 404 status error: Policy arn:aws:iam::222222222222:policy/Boundary does not exist.";
const failed = entry({
  address: "assignment/222222222222/Dev/GROUP/Devs",
  outcome: "failed",
  requestId: "0f6c8a0e-1111-2222-3333-444455556666",
  error: {
    operation: "CreateAccountAssignment",
    code: null,
    message: "CreateAccountAssignment ended FAILED",
    failureReason: FAILURE,
    requestId: "0f6c8a0e-1111-2222-3333-444455556666",
  },
});

describe("the ApplyReport renderers", () => {
  it("says what was done, in how long and at what cost, when everything went through", () => {
    const r = report([
      entry({ address: "assignment/1/A/GROUP/G", outcome: "created" }),
      entry({ address: "assignment/2/A/GROUP/G", outcome: "created" }),
      entry({ address: "permission-set/A", kind: "permissionSet", action: "update", outcome: "updated" }),
      entry({ address: "provisioning/A", kind: "provisioning", action: "provision", outcome: "provisioned" }),
    ]);
    expect(reportSucceeded(r)).toBe(true);
    expect(renderReportText(r, { paint: plain })).toBe(
      [
        "Apply complete: 4 changes made (2 created, 1 updated, 1 provisioned) in 1m12s.",
        "Done: created 2 assignments; updated 1 permission set; re-provisioned 1 permission set.",
        "",
        `812 API calls, 0 throttled, 3 retries. Plan ${"ab".repeat(32)}.`,
        "",
      ].join("\n"),
    );
  });

  it("lists every failure with its operation, request id and AWS's reason, and every skip and residual change", () => {
    const r = report(
      [
        entry({ address: "assignment/1/A/GROUP/G", outcome: "created" }),
        failed,
        entry({
          address: "provisioning/Dev",
          kind: "provisioning",
          action: "provision",
          outcome: "skipped",
          note: "permission set Dev could not be updated completely",
        }),
      ],
      { residual: [{ address: "permission-set/Dev", action: "update" }] },
    );
    const text = renderReportText(r, { paint: plain });
    expect(reportHeadline(r)).toBe(
      "Apply finished with errors: 1 failed, 1 skipped, 1 still differ after apply; 1 of 3 changes made in 1m12s.",
    );
    expect(text).toContain(
      `  ✗ assignment/222222222222/Dev/GROUP/Devs: CreateAccountAssignment (request 0f6c8a0e-1111-2222-3333-444455556666)\n    CreateAccountAssignment ended FAILED: ${FAILURE}`,
    );
    expect(text).toContain("  - provisioning/Dev: permission set Dev could not be updated completely");
    expect(text).toContain("  ~ permission-set/Dev (update)");
  });

  it("escapes names and reasons from AWS in markdown, and cuts long tables", () => {
    const hostile = entry({
      ...failed,
      address: "assignment/1/Ops/GROUP/<img src=x>@team",
      error: {
        ...(failed.error as NonNullable<ApplyEntry["error"]>),
        failureReason: "**bold** | <script> @admins",
      },
    });
    const many = Array.from({ length: 120 }, (_, i) => ({ ...hostile, address: `${hostile.address}-${i}` }));
    const md = renderReportMarkdown(report(many));
    expect(md).toMatch(/^### IAM Identity Center apply — ❌ /);
    // Outside code spans (where markup is inert) there is no raw HTML but the footer's own <sub>.
    expect(md.replace(/`[^`\n]*`/g, "").replace(/<\/?sub>/g, "")).not.toMatch(/</);
    expect(md).toContain("`assignment/1/Ops/GROUP/<img src=x>@team-0`");
    expect(md).not.toMatch(/@admins/);
    expect(md).toContain("\\*\\*bold\\*\\*");
    expect(md).toContain("… and 70 more in the JSON report.");
    expect(renderReportMarkdown(report(many), { maxChars: 2_000 }).length).toBeLessThanOrEqual(2_001);
  });

  it("writes JSON with the verdict first and the entries last, byte-identical for identical reports", () => {
    const r = report([failed]);
    const json = renderReportJson(r);
    expect(Object.keys(JSON.parse(json))).toEqual([
      "formatVersion",
      "instance",
      "checksum",
      "totals",
      "residual",
      "resumed",
      "awaitedAtStart",
      "durationMs",
      "apiCalls",
      "entries",
    ]);
    expect(renderReportJson(structuredClone(r))).toBe(json);
    expect(JSON.parse(json).entries[0].error.failureReason).toBe(FAILURE);
  });
});

describe("the progress line", () => {
  it.each([
    [0, "0s"],
    [42_400, "42s"],
    [185_000, "3m05s"],
    [6_720_000, "1h52m"],
  ])("shows %i ms as %s", (ms, text) => {
    expect(shortDuration(ms)).toBe(text);
  });

  it("reads like a heartbeat", () => {
    expect(
      progressLine({
        done: 1240,
        total: 20000,
        inFlight: 15,
        throttled: 0,
        failed: 0,
        elapsedMs: 1000,
        etaMs: 6_720_000,
      }),
    ).toBe("applying: 1,240/20,000 done · 15 in flight · ETA 1h52m");
    expect(
      progressLine({
        done: 0,
        total: 10,
        inFlight: 3,
        throttled: 2,
        failed: 1,
        elapsedMs: 5_000,
        etaMs: null,
      }),
    ).toBe("applying: 0/10 done · 3 in flight · 2 throttled · 1 failed · 5s elapsed");
  });
});

describe("the progress display", () => {
  it("redraws one line in place on a terminal, and clears it when stopped", async () => {
    let out = "";
    const tracker = new ProgressTracker(4, systemClock);
    tracker.begin();
    const stop = startProgressDisplay(tracker, { write: (t: string) => (out += t) }, { interactive: true });
    await delay(450);
    stop();
    const frames = out.split("\r").filter(Boolean);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    const CLEAR_LINE = "\u001b[K";
    expect(frames[0]?.endsWith(CLEAR_LINE)).toBe(true);
    expect(frames[0]?.slice(0, -CLEAR_LINE.length)).toMatch(
      /^applying: 0\/4 done · 1 in flight · \d+s elapsed$/,
    );
    expect(out).not.toContain("\n");
    expect(out.endsWith("\r\u001b[K")).toBe(true);
  });

  it("prints a heartbeat line every few seconds without one, and nothing more", async () => {
    let out = "";
    const tracker = new ProgressTracker(2, systemClock);
    tracker.finished(false);
    const stop = startProgressDisplay(
      tracker,
      { write: (t: string) => (out += t) },
      { interactive: false, heartbeatMs: 20 },
    );
    await delay(110);
    stop();
    const lines = out.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^applying: 1\/2 done · 0 in flight · ETA \d+s$/);
    const after = out;
    await delay(60);
    expect(out).toBe(after);
  });

  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: true }, { CI: "true" }, false],
    [{ isTTY: true }, { TERM: "dumb" }, false],
    [{ isTTY: false }, {}, false],
  ])("draws a live line for %j with %j: %s", (stream, env, expected) => {
    expect(isInteractive(stream, env)).toBe(expected);
  });
});
