import { renderReportMarkdown } from "../apply/render.ts";
import type { ApplyReport } from "../apply/report.ts";
import { type Diagnostic, InternalError } from "../model/errors.ts";
import type { Plan } from "../model/plan.ts";
import {
  codeSpan,
  escapeMarkdown,
  GITHUB_COMMENT_BUDGET_CHARS,
  GITHUB_COMMENT_MAX_CHARS,
  type MarkdownOptions,
  renderMarkdown,
} from "../plan/index.ts";
import { headline } from "../plan/render/summary.ts";
import { count } from "../plan/words.ts";
import { composeBody, type Marker, type MarkerKind } from "./marker.ts";

/**
 * The Action's markdown: the PR plan comment, its status lines, the job summary, the apply report
 * comment and the drift issue. Pure functions of the plan or report and the run's links; every
 * string that comes from the files or from AWS goes through `escapeMarkdown` or `codeSpan`.
 */

/**
 * The summary's budget: below GitHub's 1 MiB per step (it drops a larger summary whole), with
 * room for the Action's headings around the plan.
 */
const STEP_SUMMARY_BUDGET_BYTES = 1_000_000;
/** A UTF-16 code unit never takes more than 3 bytes in UTF-8: a character budget this small always fits. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** Status text longer than this is cut: the plan above keeps its budget (`GITHUB_COMMENT_BUDGET_CHARS`). */
const STATUS_MAX_CHARS = 4_000;
/** Validation errors listed in a comment; all of them are annotations and in the log. */
const DIAGNOSTICS_LISTED_MAX = 50;
/** Hex digits of a checksum shown in a status line (the full one is in the plan). */
const SHORT_CHECKSUM = 12;

/** Links and names of the run, from the runner's environment (trusted). */
export interface RunLinks {
  /** The access directory (the `path` input). */
  path: string;
  /** The workflow run's page, where the job summary is. */
  runUrl: string;
}

/** The first hex digits of a checksum, enough to tell plans apart in a sentence. */
export const shortChecksum = (checksum: string): string => checksum.slice(0, SHORT_CHECKSUM);
const short = (checksum: string): string => codeSpan(`${shortChecksum(checksum)}…`);
const runLink = (links: RunLinks): string => `[this run](${links.runUrl})`;
const instanceId = (arn: string): string => arn.split("/").at(-1) ?? arn;

function planTitle(kind: "plan" | "drift", plan: Plan, links: RunLinks): string {
  const where = `${codeSpan(links.path)} on ${codeSpan(instanceId(plan.instance.arn))}`;
  return kind === "plan"
    ? `IAM Identity Center plan — ${where}`
    : `IAM Identity Center drift check — ${where}`;
}

/** Renders within `maxChars` and says whether anything was cut (by rendering once more unbounded). */
function renderBounded(
  plan: Plan,
  options: MarkdownOptions,
  maxChars: number,
): { text: string; truncated: boolean } {
  const text = renderMarkdown(plan, { ...options, maxChars });
  return {
    text,
    truncated: text !== renderMarkdown(plan, { ...options, maxChars: Number.POSITIVE_INFINITY }),
  };
}

/** The plan part of the PR comment: the renderer's plan, cut to the comment budget, and where the full plan is. */
export function planCommentContent(plan: Plan, links: RunLinks): { content: string; truncated: boolean } {
  const { text, truncated } = renderBounded(
    plan,
    {
      title: planTitle("plan", plan, links),
      footer: `<sub>Full plan: the job summary of ${runLink(links)}, and plan.json (the step's \`plan-json\` output).</sub>`,
      ...dirOption(links.path),
    },
    GITHUB_COMMENT_BUDGET_CHARS,
  );
  return { content: text, truncated };
}

/** The suggested apply command names the directory only when it is not the default. */
function dirOption(path: string): { dir?: string } {
  return path === "access" ? {} : { dir: path };
}

/**
 * The full plan for the job summary, under GitHub's 1 MiB: first with a character budget equal to
 * the byte budget (plans are mostly ASCII), and when that is too many bytes, with one that fits
 * whatever the characters.
 */
export function planSummary(kind: "plan" | "drift", plan: Plan, links: RunLinks): string {
  const options: MarkdownOptions = {
    title: planTitle(kind, plan, links),
    cut: {
      limit: "the job summary's 1 MiB",
      rest: "plan.json (the step's `plan-json` output) has the whole plan",
    },
    ...dirOption(links.path),
  };
  const first = renderMarkdown(plan, { ...options, maxChars: STEP_SUMMARY_BUDGET_BYTES });
  if (Buffer.byteLength(first, "utf8") <= STEP_SUMMARY_BUDGET_BYTES) return first;
  return renderMarkdown(plan, {
    ...options,
    maxChars: Math.floor(STEP_SUMMARY_BUDGET_BYTES / MAX_UTF8_BYTES_PER_UNIT),
  });
}

/**
 * The comment body for files that do not validate: how many problems, the first ones with their
 * place (each is also an annotation on its line), and what to do.
 */
export function invalidContent(diagnostics: readonly Diagnostic[], links: RunLinks): string {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const listed = errors.slice(0, DIAGNOSTICS_LISTED_MAX).map((d) => {
    const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
    return `- ${codeSpan(where)}: ${escapeMarkdown(d.message)}`;
  });
  const more =
    errors.length > listed.length
      ? [`- … and ${count(errors.length - listed.length, "more problem")}: see the log of ${runLink(links)}.`]
      : [];
  return [
    `### IAM Identity Center plan — ${codeSpan(links.path)} · ❌ the access files are invalid`,
    `${count(errors.length, "problem")}; each is annotated on its line in the **Files changed** tab.`,
    [...listed, ...more].join("\n"),
  ].join("\n\n");
}

/** The comment body when planning failed for another reason (AWS refused, a bug). */
export function errorContent(error: { message: string; detail?: string }, links: RunLinks): string {
  return [
    `### IAM Identity Center plan — ${codeSpan(links.path)} · ❌ plan failed`,
    `**${escapeMarkdown(error.message)}**`,
    ...(error.detail ? [escapeMarkdown(error.detail)] : []),
    `The log of ${runLink(links)} has the details.`,
  ].join("\n\n");
}

/** What a status line needs besides the status: the checksums and the reason, when there are. */
export interface StatusDetail {
  checksum?: string | null;
  /** apply: the checksum planned at merge, when it differs from the reviewed one. */
  current?: string | null;
  /** One or more sentences from an error or a report headline: escaped here. */
  reason?: string;
}

/** The status line under the plan, rewritten as the pull request moves from plan to apply. */
export function statusText(status: Marker["status"], links: RunLinks, detail: StatusDetail = {}): string {
  const why = detail.reason ? escapeMarkdown(detail.reason) : "";
  const text = ((): string => {
    switch (status) {
      case "planned":
        return `✅ **Ready to apply on merge** (plan ${short(detail.checksum ?? "")}).`;
      case "no-changes":
        return `✅ **Nothing to apply:** live state matches ${codeSpan(links.path)}.`;
      case "unsafe":
        return "⛔ **Refused:** a safety rail tripped, so apply would refuse this plan. The safety rails above say why and what to do.";
      case "invalid":
        return "⛔ **Refused:** the access files are invalid. Fix the problems above and push again.";
      case "error":
        return `❌ **Plan failed:** nothing can be applied until a plan succeeds. ${why}`;
      case "applying":
        return `🟠 **Applying** plan ${short(detail.checksum ?? "")} in ${runLink(links)}…`;
      case "applied":
        return `✅ **Applied** in ${runLink(links)}. ${why}`;
      case "apply-failed":
        return `❌ **Apply finished with errors** in ${runLink(links)}: the apply report below says what failed. ${why}`;
      case "plan-changed":
        return [
          `⛔ **Not applied: the plan changed** since this review (reviewed ${short(detail.checksum ?? "")}, planned at merge ${short(detail.current ?? "")}); nothing was changed by ${runLink(links)}.`,
          why,
          "To apply, review a fresh plan: open a pull request (any change re-plans), or run the plan workflow by hand and then the apply workflow by hand with `checksum:` set to the plan you reviewed (docs/github-action.md).",
        ]
          .filter(Boolean)
          .join("\n\n");
      case "not-applied":
        return `⛔ **Not applied** by ${runLink(links)}: ${why}`;
    }
  })().trim();
  return text.length <= STATUS_MAX_CHARS ? text : `${text.slice(0, STATUS_MAX_CHARS - 1)}…`;
}

/** The apply report for the pull request (a reply to the plan comment) and the job summary. */
export function reportContent(report: ApplyReport, links: RunLinks): string {
  return `${renderReportMarkdown(report).trimEnd()}\n\n<sub>Applied by ${runLink(links)} from ${codeSpan(links.path)}.</sub>`;
}

/** The drift issue's body content: the drift as a plan, cut to fit an issue body. */
export function driftContent(plan: Plan, links: RunLinks): { content: string; truncated: boolean } {
  const { text, truncated } = renderBounded(
    plan,
    {
      title: planTitle("drift", plan, links),
      footer: [
        "<sub>If the live change was intended, change the files in a pull request; otherwise the next apply puts live state back.",
        `This issue is updated by every drift run and closed when live state matches ${codeSpan(links.path)} again.</sub>`,
      ].join(" "),
      ...dirOption(links.path),
    },
    GITHUB_COMMENT_BUDGET_CHARS,
  );
  return { content: text, truncated };
}

/** `3 to create, 0 to update, 1 to delete` (the plan headline without its frame). */
export function countsText(plan: Pick<Plan, "summary">): string {
  return headline(plan)
    .replace(/^Plan: /, "")
    .replace(/\.$/, "");
}

/**
 * A whole body (marker, content, status) that GitHub accepts. The budgets above keep every body
 * below the limit; a longer one is a bug in them, so it fails loudly instead of being rejected.
 */
export function body(kind: MarkerKind, marker: Marker, content: string, status: string): string {
  const text = composeBody(kind, marker, content, status);
  if (text.length > GITHUB_COMMENT_MAX_CHARS) {
    throw new InternalError(
      `the ${kind} body is ${text.length} characters, over GitHub's ${GITHUB_COMMENT_MAX_CHARS}`,
    );
  }
  return text;
}
