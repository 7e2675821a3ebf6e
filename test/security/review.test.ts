import { describe, expect, it } from "vitest";
import { renderReportText } from "../../src/apply/render.ts";
import { type ApplyReport, totalsOf } from "../../src/apply/report.ts";
import { buildPlan, renderMarkdown, renderText } from "../../src/plan/index.ts";
import { ADMINISTRATOR_POLICY_ARN } from "../../src/plan/policies.ts";
import { GITHUB_COMMENT_MAX_CHARS } from "../../src/plan/render/markdown.ts";
import { config, decl, e, live, NOW, rule, settings } from "../plan/builders.ts";

/**
 * What a reviewer sees is what the plan does, against a pull request written to mislead:
 * - an administrator grant hidden among thousands of harmless changes stays in sight when the
 *   comment is cut to fit GitHub's limit;
 * - markdown, HTML, mentions and terminal escapes in names and reasons render as inert text, in the
 *   pull-request comment and on a terminal.
 */

const admin = decl.permissionSet("Admin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] });
const readOnly = decl.permissionSet("ReadOnly", {
  managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
});

describe("a change hidden in a large plan", () => {
  const teams = Array.from({ length: 600 }, (_, i) => `Team-${String(i).padStart(4, "0")}`);
  const plan = buildPlan({
    config: config({
      groups: [...teams.map((name) => decl.group(name)), decl.group("Zz-Quiet")],
      permissionSets: [admin, readOnly],
      assignments: [
        ...teams.map((name) => rule({ group: name }, ["ReadOnly"], { all: true })),
        rule({ group: "Zz-Quiet" }, ["Admin"], { accounts: ["prod-payments"] }),
      ],
    }),
    live: live(),
    now: NOW,
    allowDeletes: false,
  });

  it("is cut to fit the comment, and says so", () => {
    const comment = renderMarkdown(plan);
    expect(plan.changes.length).toBeGreaterThan(3_000);
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_MAX_CHARS);
    expect(comment).toMatch(
      /✂️ \*\*Cut to fit the comment size limit:\*\* [\d,]+ more changes not shown; see the job summary or plan\.json\./,
    );
  });

  it("keeps the administrator grant in sight, at the top, in the comment and on the terminal", () => {
    const comment = renderMarkdown(plan);
    const warning = "group/Zz-Quiet gains full administrator access through Admin in prod-payments";
    expect(comment).toContain(warning);
    expect(comment.indexOf(warning)).toBeLessThan(comment.indexOf("**Access changes**"));
    expect(renderText(plan, { paint: (_s, t) => t })).toContain(warning);
  });
});

/** Markdown with fenced blocks and inline code spans removed: what GitHub would interpret. */
function outsideCode(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "").replace(/(`+)(?:(?!\1)[\s\S])+?\1/g, "");
}

describe("text from the files renders as itself", () => {
  const hostile = "<img src=x onerror=alert(1)> [approve](https://evil.example) @acme/security **ok** | `x`";
  const plan = buildPlan({
    config: config({
      groups: [decl.group("<script>alert(1)</script>", { external: false })],
      permissionSets: [readOnly],
      assignments: [
        rule(
          { group: "<script>alert(1)</script>" },
          ["ReadOnly"],
          { accounts: ["prod-payments"] },
          { reason: hostile },
        ),
      ],
    }),
    live: live(),
    now: NOW,
    allowDeletes: false,
  });

  it("in the pull-request comment: no HTML, no link, no mention, no table break", () => {
    const comment = renderMarkdown(plan);
    // Names go in code spans and the diff in a fenced block, where GitHub shows text as it is;
    // everywhere else no tag survives.
    expect(outsideCode(comment)).not.toMatch(/<img|<script/);
    expect(comment).not.toContain("[approve](https://evil.example)");
    expect(comment).not.toMatch(/@acme/);
    expect(comment).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // Every table row has the table's five columns: no cell was split by a pipe from the reason.
    for (const row of comment.split("\n").filter((l) => l.startsWith("| group"))) {
      expect(row.replace(/\\\|/g, "").split("|").length - 2).toBe(5);
    }
  });
});

/** The control and format characters in `text`, but its own line breaks. */
const rawControls = (text: string): string[] =>
  [...text].filter((c) => c !== "\n" && /[\p{Cc}\p{Cf}]/u.test(c));

describe("names from AWS on a terminal", () => {
  // The identity store allows line breaks in a group's name, and an IdP may send escape sequences.
  const forged = "Team-x\n  + group/Fake\u001b[32m\u202e";
  const plan = buildPlan({
    config: config({ settings: settings({ groups: "^Team-" }) }),
    live: live([e.group(forged)]),
    now: NOW,
    allowDeletes: false,
  });

  it("never start a line of their own nor send escape sequences, in the plan and the apply report", () => {
    const text = renderText(plan, { paint: (_s, t) => t });
    expect(text).toContain("- group/Team-x\\n  + group/Fake\\u001b[32m\\u202e\n");
    expect(text).not.toMatch(/\n\s*\+ group\/Fake/);
    expect(rawControls(text)).toEqual([]);
    const report: ApplyReport = {
      formatVersion: 1,
      instance: plan.instance,
      checksum: plan.checksum,
      entries: [
        {
          address: `group/${forged}`,
          kind: "group",
          action: "delete",
          outcome: "failed",
          requestId: null,
          error: {
            operation: "DeleteGroup",
            code: "X",
            message: `refused\r${forged}`,
            failureReason: null,
            requestId: null,
          },
          note: null,
        },
      ],
      totals: { ...totalsOf([]), failed: 1, total: 1 },
      residual: [],
      awaitedAtStart: 0,
      resumed: null,
      durationMs: 1,
      apiCalls: { calls: {}, throttled: {}, retries: {}, totalCalls: 0, totalThrottled: 0, totalRetries: 0 },
    };
    const printed = renderReportText(report, { paint: (_s, t) => t });
    expect(printed).toContain("group/Team-x\\n  + group/Fake");
    expect(rawControls(printed)).toEqual([]);
  });
});
