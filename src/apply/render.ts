import type { Paint } from "../cli/output.ts";
import { sortKeysDeep } from "../model/canonical.ts";
import type { ChangeKind } from "../model/plan.ts";
import { codeSpan, escapeMarkdown, GITHUB_COMMENT_BUDGET_CHARS, withVisibleControls } from "../plan/index.ts";
import { count, KIND_NOUNS, listJoin } from "../plan/words.ts";
import { shortDuration } from "./progress.ts";
import { type ApplyEntry, type ApplyReport, type Outcome, reportSucceeded } from "./report.ts";

/** Outcomes that mean the change went through, in the order the summaries list them. */
const DONE: readonly Outcome[] = ["created", "updated", "deleted", "provisioned", "unchanged"];

const n = (x: number): string => x.toLocaleString("en-US");

/** `142 created, 3 updated, 1 provisioned` (only the outcomes that occurred). */
function outcomeCounts(report: ApplyReport, outcomes: readonly Outcome[]): string {
  return outcomes
    .filter((o) => report.totals[o] > 0)
    .map((o) => `${n(report.totals[o])} ${o}`)
    .join(", ");
}

/** The one-line verdict: what was done, what failed, how long it took. */
export function reportHeadline(report: ApplyReport): string {
  const done = DONE.reduce((sum, o) => sum + report.totals[o], 0);
  const took = `in ${shortDuration(report.durationMs)}`;
  if (reportSucceeded(report)) {
    return `Apply complete: ${count(done, "change")} made (${outcomeCounts(report, DONE)}) ${took}.`;
  }
  const bad = [
    report.totals.failed > 0 ? `${n(report.totals.failed)} failed` : "",
    report.totals.skipped > 0 ? `${n(report.totals.skipped)} skipped` : "",
    report.residual.length > 0 ? `${n(report.residual.length)} still differ after apply` : "",
  ].filter(Boolean);
  return `Apply finished with errors: ${bad.join(", ")}; ${n(done)} of ${n(report.totals.total)} changes made ${took}.`;
}

/** `412 API calls, 0 throttled, 3 retries`. */
function costLine(report: ApplyReport): string {
  const c = report.apiCalls;
  const retries = c.totalRetries > 0 ? `, ${count(c.totalRetries, "retry", "retries")}` : "";
  return `${count(c.totalCalls, "API call")}, ${n(c.totalThrottled)} throttled${retries}`;
}

/** What went through, by kind: `120 assignments, 4 permission sets`. */
function doneByKind(entries: readonly ApplyEntry[], outcome: Outcome): string {
  const counts = new Map<ChangeKind, number>();
  for (const e of entries) if (e.outcome === outcome) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return listJoin([...counts].map(([kind, k]) => count(k, ...KIND_NOUNS[kind])));
}

function errorText(e: ApplyEntry): string {
  if (!e.error) return e.note ?? "";
  const code = e.error.code ? `${e.error.code}: ` : "";
  const what =
    e.error.failureReason !== null
      ? `${e.error.message}: ${e.error.failureReason}`
      : `${code}${e.error.message}`;
  return e.error.fix === undefined ? what : `${what} ${e.error.fix}`;
}

const INDENT = "  ";

/** The report for a terminal or a CI log. */
export function renderReportText(untrusted: ApplyReport, options: { paint: Paint }): string {
  // Addresses and AWS's messages never start a line of their own or reach the terminal raw.
  const report = withVisibleControls(untrusted);
  const { paint } = options;
  const ok = reportSucceeded(report);
  const out: string[] = [paint(ok ? "green" : "red", paint("bold", reportHeadline(report)))];
  if (report.resumed) {
    out.push(
      `Resumed a reviewed plan: ${n(report.resumed.remaining)} of ${n(report.resumed.reviewed)} changes remained.`,
    );
  }
  if (report.awaitedAtStart > 0) {
    out.push(
      `Waited first for ${count(report.awaitedAtStart, "operation")} still in progress from an earlier run.`,
    );
  }
  const made = DONE.filter((o) => report.totals[o] > 0 && o !== "unchanged").map((o) =>
    o === "provisioned"
      ? `re-provisioned ${count(report.totals[o], "permission set")}`
      : `${o} ${doneByKind(report.entries, o)}`,
  );
  if (made.length > 0) out.push(`Done: ${made.join("; ")}.`);

  const failed = report.entries.filter((e) => e.outcome === "failed");
  if (failed.length > 0) {
    out.push("", paint("bold", "Failed:"));
    for (const e of failed) {
      const request = e.error?.requestId ?? e.requestId;
      out.push(
        `${INDENT}${paint("red", "✗")} ${e.address}: ${e.error?.operation ?? e.action}${request ? ` (request ${request})` : ""}`,
      );
      out.push(`${INDENT}${INDENT}${errorText(e)}`);
    }
  }
  const skipped = report.entries.filter((e) => e.outcome === "skipped");
  if (skipped.length > 0) {
    out.push("", paint("bold", "Skipped:"));
    for (const e of skipped) out.push(`${INDENT}${paint("yellow", "-")} ${e.address}: ${e.note ?? ""}`);
  }
  if (report.residual.length > 0) {
    out.push("", paint("bold", "Still different after apply (the residual plan):"));
    for (const r of report.residual) out.push(`${INDENT}${paint("yellow", "~")} ${r.address} (${r.action})`);
    out.push(
      `${INDENT}Live state did not reach the files. Run accessops plan to see why; another tool may be changing the same objects.`,
    );
  }
  out.push("", paint("dim", `${costLine(report)}. Plan ${report.checksum}.`));
  return `${out.join("\n")}\n`;
}

/** Rows listed per table in markdown; the JSON report has them all. */
const MARKDOWN_ROWS_MAX = 50;

/**
 * The report as a merge comment or job summary: a title with the verdict, a table of counts, and
 * the failures, skips and residual changes with AWS's reasons. Everything from YAML or AWS is
 * escaped. Long tables are cut (the JSON report has every entry).
 */
export function renderReportMarkdown(report: ApplyReport, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_BUDGET_CHARS;
  const ok = reportSucceeded(report);
  const blocks: string[] = [
    `### IAM Identity Center apply — ${ok ? "✅" : "❌"} ${escapeMarkdown(reportHeadline(report))}`,
  ];
  if (report.resumed) {
    blocks.push(
      `Resumed a reviewed plan: ${n(report.resumed.remaining)} of ${n(report.resumed.reviewed)} changes remained.`,
    );
  }
  const rows = [...DONE, "skipped", "failed"]
    .filter((o) => report.totals[o as Outcome] > 0)
    .map((o) => `| ${o} | ${n(report.totals[o as Outcome])} |`);
  if (rows.length > 0) blocks.push(["| Outcome | Changes |", "|---|---:|", ...rows].join("\n"));

  const table = (title: string, header: string, lines: string[]) => {
    if (lines.length === 0) return;
    const shown = lines.slice(0, MARKDOWN_ROWS_MAX);
    const more =
      lines.length > shown.length
        ? `\n\n… and ${n(lines.length - shown.length)} more in the JSON report.`
        : "";
    blocks.push(`**${title}**\n\n${header}\n${shown.join("\n")}${more}`);
  };
  const cell = (text: string) => escapeMarkdown(text);
  table(
    `Failed (${n(report.totals.failed)})`,
    "| Change | Operation | Request id | Why |\n|---|---|---|---|",
    report.entries
      .filter((e) => e.outcome === "failed")
      .map(
        (e) =>
          `| ${codeSpan(e.address, { inTable: true })} | ${cell(e.error?.operation ?? e.action)} | ${cell(e.error?.requestId ?? e.requestId ?? "")} | ${cell(errorText(e))} |`,
      ),
  );
  table(
    `Skipped (${n(report.totals.skipped)})`,
    "| Change | Why |\n|---|---|",
    report.entries
      .filter((e) => e.outcome === "skipped")
      .map((e) => `| ${codeSpan(e.address, { inTable: true })} | ${cell(e.note ?? "")} |`),
  );
  table(
    `Still different after apply (${n(report.residual.length)})`,
    "| Change | Action |\n|---|---|",
    report.residual.map((r) => `| ${codeSpan(r.address, { inTable: true })} | ${r.action} |`),
  );
  blocks.push(`<sub>${escapeMarkdown(costLine(report))} · plan ${codeSpan(report.checksum)}</sub>`);

  let text = blocks.join("\n\n");
  if (text.length > maxChars) {
    const note = "\n\n… cut to fit a comment; the JSON report has everything.";
    text = `${text.slice(0, maxChars - note.length).replace(/\n[^\n]*$/, "")}${note}`;
  }
  return `${text}\n`;
}

/** Top-level key order of the JSON report: the verdict first, the entries last. */
const TOP_LEVEL_ORDER: { [K in keyof ApplyReport]: number } = {
  formatVersion: 0,
  instance: 1,
  checksum: 2,
  totals: 3,
  residual: 4,
  resumed: 5,
  awaitedAtStart: 6,
  durationMs: 7,
  apiCalls: 8,
  entries: 9,
};

/** The report as JSON: top-level keys in a fixed order, nested keys sorted. */
export function renderReportJson(report: ApplyReport): string {
  const keys = (Object.keys(TOP_LEVEL_ORDER) as (keyof ApplyReport)[]).sort(
    (a, b) => TOP_LEVEL_ORDER[a] - TOP_LEVEL_ORDER[b],
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = sortKeysDeep(report[key]);
  return `${JSON.stringify(out, null, 2)}\n`;
}
