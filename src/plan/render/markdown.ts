import type { AccessDelta, Change, Plan } from "../../model/plan.ts";
import { type AssignmentGroup, groupAssignments, groupReasons } from "../access.ts";
import { count, countByKind } from "../words.ts";
import {
  blockedNote,
  changeDetailLines,
  changeHeader,
  type DetailLine,
  expiringLine,
  reasonShown,
} from "./details.ts";
import { codeSpan, escapeMarkdown, fenceFor, flattenControls } from "./escape.ts";
import { applyCommand, TARGETED_SCOPE, unmanagedSummary } from "./summary.ts";

/** GitHub rejects issue and pull-request comments longer than this. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
/**
 * The default size budget of a plan comment: below GitHub's limit with room for what the Action
 * wraps around the plan (a hidden marker, a status line, links).
 */
export const GITHUB_COMMENT_BUDGET_CHARS = 60_000;
/** The full diff starts expanded only when it is this short (Atlantis collapses above 12 lines). */
const SMALL_DIFF_LINES = 12;
/** Room kept for the note that says what was cut. */
const CUT_NOTE_RESERVE_CHARS = 200;

export interface MarkdownOptions {
  /** Size budget in characters; `GITHUB_COMMENT_BUDGET_CHARS` by default. */
  maxChars?: number;
  /** Heading text before the counts. Trusted markdown from the caller: not escaped. */
  title?: string;
  /** Trusted markdown after the checksum (links to the run or the plan artifact): not escaped. */
  footer?: string;
  /**
   * The access directory as the user passed it to `plan`, for the suggested apply command; leave
   * it out when it was the default (`access`). See `ApplyCommandOptions.dir`.
   */
  dir?: string;
  /**
   * The cut note's wording: which limit the cut fits and where the rest is (trusted markdown).
   * The default suits a PR comment; the Action's job summary names its own limit and plan.json.
   */
  cut?: { limit: string; rest: string };
}

/** The cut note of a PR comment. */
const COMMENT_CUT = { limit: "the comment size limit", rest: "see the job summary or plan.json" } as const;

interface Item {
  text: string;
  /** True for an item of the full diff: counts as one change shown. */
  change?: boolean;
}

interface Section {
  open: string;
  items: Item[];
  close: string;
}

/**
 * The plan as a pull-request comment: a title with counts, banners for an unsafe plan and for
 * deletions, the access summary as a table, changes grouped per permission set and principal,
 * the full diff in a collapsible block, warnings and the checksum. Everything from YAML or AWS is
 * escaped. Cut at section and line boundaries to stay within `maxChars`, with a note saying what
 * was left out.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_BUDGET_CHARS;
  const head = [titleLine(plan, options.title), ...banners(plan)].join("\n\n");
  const sections = [
    violationsSection(plan),
    warningsSection(plan),
    accessSection(plan),
    permissionSetSection(plan),
    identitySection(plan),
    expiringSection(plan),
    diffSection(plan),
  ].filter((s): s is Section => s !== null && s.items.length > 0);
  const tail = tailBlock(plan, options);

  const blocks = [head];
  let used = head.length + tail.length + 2;
  let cut = false;
  let changesShown = 0;
  for (const section of sections) {
    const base = section.open.length + section.close.length + 4;
    let size = used + base;
    const lines: string[] = [];
    for (const item of section.items) {
      if (size + item.text.length + 1 + CUT_NOTE_RESERVE_CHARS > maxChars) {
        cut = true;
        break;
      }
      lines.push(item.text);
      size += item.text.length + 1;
      if (item.change) changesShown++;
    }
    if (lines.length > 0) {
      blocks.push([section.open, ...lines, section.close].filter((l) => l !== "").join("\n"));
      used = size;
    }
    if (cut) break;
  }
  if (cut) {
    const hidden = plan.changes.length - changesShown;
    const what = hidden > 0 ? `${count(hidden, "more change")} not shown` : "some sections were shortened";
    const { limit, rest } = options.cut ?? COMMENT_CUT;
    blocks.push(`> ✂️ **Cut to fit ${limit}:** ${what}; ${rest}.`);
  }
  if (tail !== "") blocks.push(tail);
  return `${blocks.join("\n\n")}\n`;
}

function instanceLabel(plan: Plan): string {
  return plan.instance.arn.split("/").at(-1) ?? plan.instance.arn;
}

function titleLine(plan: Plan, title?: string): string {
  const heading = title ?? `IAM Identity Center plan — ${codeSpan(instanceLabel(plan))}`;
  const s = plan.summary;
  if (s.total === 0) return `### ${heading} · ✅ no changes`;
  const n = (x: number): string => x.toLocaleString("en-US");
  const blocked = (s.blocked ?? 0) > 0 ? ` (⛔ ${n(s.blocked ?? 0)} blocked)` : "";
  const parts = [`🟢 ${n(s.create)} to create${blocked}`, `🟡 ${n(s.update)} to update`];
  if (s.replace > 0) parts.push(`🟠 ${n(s.replace)} to replace`);
  parts.push(`🔴 ${n(s.delete)} to delete`);
  if (s.provision > 0) parts.push(`🔁 ${count(s.provision, "re-provision")}`);
  return `### ${heading} · ${parts.join(" · ")}`;
}

function banners(plan: Plan): string[] {
  const out: string[] = [];
  const { safety } = plan;
  if (!safety.ok)
    out.push(
      "> ⛔ **This plan is unsafe: apply will refuse it.** The safety rails below say why and what to do.",
    );
  else if (safety.violations.length > 0) out.push("> ⚠️ **Safety rails overridden with `--allow-deletes`.**");
  const deletes = plan.changes.filter((c) => c.action === "delete");
  if (deletes.length > 0) out.push(`> 🔴 **This plan deletes ${countByKind(deletes)}.**`);
  if (plan.refresh === "targeted") {
    out.push(`> ℹ️ **Targeted plan** (\`--refresh targeted\`): ${escapeMarkdown(TARGETED_SCOPE)}`);
  }
  return out;
}

function violationsSection(plan: Plan): Section {
  return {
    open: "**Safety rails**\n",
    items: plan.safety.violations.map((v) => ({
      text: `- ${plan.safety.deletesAllowed && v.overridable ? "⚠️" : "⛔"} **${v.rule}**: ${escapeMarkdown(v.message)}`,
    })),
    close: "",
  };
}

function warningsSection(plan: Plan): Section {
  return {
    open: "**Warnings**\n",
    items: plan.warnings.map((w) => ({ text: `- ⚠️ ${escapeMarkdown(w.message)}` })),
    close: "",
  };
}

const cell = (text: string): string => (text === "" ? "—" : escapeMarkdown(text));
const code = (text: string): string => codeSpan(text, { inTable: true });

function accessSection(plan: Plan): Section {
  const groups = new Map<string, AssignmentGroup>();
  for (const g of groupAssignments(plan.changes)) {
    groups.set(rowKey(g.action, g.principalType, g.principalName, g.permissionSet), g);
  }
  const why = (d: AccessDelta, action: AssignmentGroup["action"]): string => {
    const g = groups.get(rowKey(action, d.principalType, d.principalName, d.permissionSet));
    return g ? escapeMarkdown(groupReasons(g)) : "";
  };
  return {
    open: "**Access changes**\n\n| Principal | Permission set | Gains | Loses | Why |\n|---|---|---|---|---|",
    items: plan.access.map((d) => {
      const gains = d.blockedBy === undefined ? cell(d.gainsScope) : `⛔ blocked: ${cell(d.gainsScope)}`;
      const reasons =
        d.gains.length > 0 && d.loses.length > 0
          ? `gains: ${why(d, "create")}<br>loses: ${why(d, "delete")}`
          : why(d, d.gains.length > 0 ? "create" : "delete");
      return {
        text: `| ${d.principalType === "GROUP" ? "group" : "user"} ${code(d.principalName)} | ${code(d.permissionSet)} | ${gains} | ${cell(d.losesScope)} | ${reasons} |`,
      };
    }),
    close: "",
  };
}

const rowKey = (action: string, type: string, name: string, ps: string): string =>
  `${action}\u0000${type}\u0000${name}\u0000${ps}`;

const ACTION_LABEL: Record<Change["action"], string> = {
  create: "🟢 create",
  update: "🟡 update",
  replace: "🟠 replace",
  delete: "🔴 delete",
  provision: "🔁 re-provision",
};

/** What a permission-set change does, in one table cell. */
function permissionSetDetail(c: Change): string {
  if (c.after?.kind === "provisioning") return escapeMarkdown(c.reason);
  const fields = Object.keys(c.fields ?? {}).filter((f) => f !== "name");
  const parts: string[] = [];
  if (c.replaces !== undefined) parts.push(`replaces ${code(c.replaces)}: its roles are recreated`);
  if (c.adopt) parts.push("adopts it (adds the ownership tag)");
  if (c.action === "update" || c.action === "replace") {
    if (fields.length > 0) parts.push(`changes ${fields.map((f) => code(f)).join(", ")}`);
  } else {
    parts.push(escapeMarkdown(c.reason));
  }
  return parts.join("; ");
}

function permissionSetSection(plan: Plan): Section {
  const changes = plan.changes.filter((c) => c.kind === "permissionSet" || c.kind === "provisioning");
  return {
    open: "**Permission sets**\n\n| Permission set | Change | Details |\n|---|---|---|",
    items: changes.map((c) => {
      const name = c.after?.kind === "provisioning" ? c.after.permissionSet : entityName(c);
      return { text: `| ${code(name)} | ${ACTION_LABEL[c.action]} | ${permissionSetDetail(c)} |` };
    }),
    close: "",
  };
}

function entityName(c: Change): string {
  const e = c.after ?? c.before;
  switch (e?.kind) {
    case "permissionSet":
    case "group":
      return e.name;
    case "user":
      return e.userName;
    case "membership":
      return `${e.userName} in ${e.group}`;
    default:
      return c.address;
  }
}

function identitySection(plan: Plan): Section {
  const changes = plan.changes.filter(
    (c) => c.kind === "user" || c.kind === "group" || c.kind === "membership",
  );
  return {
    open: "**Identity store**\n",
    items: changes.map((c) => {
      const noun = c.kind === "membership" ? "membership" : c.kind;
      const fields = Object.keys(c.fields ?? {});
      const detail = fields.length > 0 ? ` (${fields.map((f) => code(f)).join(", ")})` : "";
      const why = reasonShown(c) ? `: ${escapeMarkdown(c.reason)}` : "";
      const blocked = c.blockedBy === undefined ? "" : ` (⛔ ${escapeMarkdown(blockedNote(c.blockedBy))})`;
      return {
        text: `- ${ACTION_LABEL[c.action]} ${noun} ${codeSpan(entityName(c))}${detail}${blocked}${why}`,
      };
    }),
    close: "",
  };
}

function expiringSection(plan: Plan): Section {
  return {
    open: "**⏳ Expiring soon**\n",
    items: plan.expiring.map((x) => ({ text: `- ${escapeMarkdown(expiringLine(plan, x))}` })),
    close: "",
  };
}

/** Line prefixes GitHub's diff highlighting knows: `+` green, `-` red, `!` orange. */
const DIFF_MARK: Record<DetailLine["mark"], string> = { "+": "+", "-": "-", "~": "!", " ": " " };
const ACTION_MARK: Record<Change["action"], string> = {
  create: "+",
  update: "!",
  replace: "!",
  delete: "-",
  provision: "!",
};

/** A blocked change is not highlighted as an addition: it cannot happen. */
const BLOCKED_MARK = " ";

function diffLines(plan: Plan, c: Change): string[] {
  const header = changeHeader(c, plan);
  const mark = c.blockedBy === undefined ? ACTION_MARK[c.action] : BLOCKED_MARK;
  return [
    `${mark} ${flattenControls(header.slice(header.indexOf(" ") + 1))}`,
    ...changeDetailLines(c, plan).map(
      (d) => `${DIFF_MARK[d.mark]}   ${"  ".repeat(d.depth)}${flattenControls(d.text)}`,
    ),
    ...(reasonShown(c) ? [`    # ${flattenControls(c.reason)}`] : []),
  ];
}

function diffSection(plan: Plan): Section | null {
  if (plan.changes.length === 0) return null;
  const items = plan.changes.map((c) => ({ text: diffLines(plan, c).join("\n"), change: true }));
  const lineCount = items.reduce((n, i) => n + i.text.split("\n").length, 0);
  // The fence must be longer than any backtick run in the policies and names inside.
  const fence = fenceFor(items.map((i) => i.text).join("\n"));
  const open = lineCount <= SMALL_DIFF_LINES ? " open" : "";
  return {
    open: `<details${open}><summary>Full diff (${count(plan.changes.length, "change")})</summary>\n\n${fence}diff`,
    items,
    close: `${fence}\n\n</details>`,
  };
}

function tailBlock(plan: Plan, options: MarkdownOptions): string {
  const footer = options.footer;
  const lines: string[] = [];
  if (plan.unmanaged.length > 0) lines.push(`<sub>${escapeMarkdown(unmanagedSummary(plan))}</sub>`, "");
  if (plan.changes.length > 0) {
    const sha = plan.checksum;
    lines.push(
      plan.safety.ok
        ? `Plan checksum ${codeSpan(sha)} · apply exactly this plan with ${codeSpan(applyCommand(plan, options.dir === undefined ? {} : { dir: options.dir }))}`
        : `Plan checksum ${codeSpan(sha)} · apply refuses this plan until the safety rails above are resolved.`,
    );
  }
  if (footer) lines.push("", footer);
  return lines.join("\n").trim();
}
