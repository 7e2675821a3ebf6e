import type { Paint, Style } from "../../cli/output.ts";
import type { Change, Plan } from "../../model/plan.ts";
import { type AssignmentGroup, describeAccessDelta, groupAssignments, groupReasons } from "../access.ts";
import { APPLY_ORDER, phaseIndex } from "../order.ts";
import {
  ACTION_SYMBOL,
  accountLine,
  BLOCKED_SYMBOL,
  blockedNote,
  changeDetailLines,
  changeHeader,
  type DetailLine,
  expiringLine,
  principalLabel,
  reasonShown,
} from "./details.ts";
import { withVisibleControls } from "./escape.ts";
import { accessIndex, applyCommand, headline, TARGETED_SCOPE, unmanagedSummary } from "./summary.ts";

export interface TextOptions {
  /** Colours; the identity painter for plain text (no TTY, NO_COLOR). */
  paint: Paint;
  /** List every account of grouped assignment changes, every reason and every unmanaged address. */
  verbose?: boolean;
  /**
   * The access directory as the user passed it to `plan`, for the suggested apply command; leave
   * it out when it was the default (`access`). See `ApplyCommandOptions.dir`.
   */
  dir?: string;
  /**
   * Close with the command that applies exactly this plan (default). Off where the plan is shown
   * by apply itself, which is that command.
   */
  applyHint?: boolean;
}

/** Without --verbose, a group of assignment changes lists its accounts only up to this many. */
export const TEXT_ACCOUNTS_LISTED_MAX = 5;

const MARK_STYLE: Record<string, Style | null> = { "+": "green", "-": "red", "~": "yellow", " ": null };
const ACTION_STYLE: Record<Change["action"], Style> = {
  create: "green",
  update: "yellow",
  replace: "yellow",
  delete: "red",
  provision: "cyan",
};

const INDENT = "  ";
/** Changes that cannot be applied (`Change.blockedBy`). */
const BLOCKED_STYLE: Style = "yellow";

/** The plan for a terminal: summary, access changes, changes by phase, warnings, safety, checksum. */
export function renderText(untrusted: Plan, options: TextOptions): string {
  // Names and texts from YAML or AWS never start a line of their own or reach the terminal raw.
  const plan = withVisibleControls(untrusted);
  const { paint } = options;
  const verbose = options.verbose ?? false;
  const out: string[] = [paint("bold", headline(plan)), ""];
  if (plan.refresh === "targeted")
    out.push(paint("dim", `Targeted plan (--refresh targeted): ${TARGETED_SCOPE}`), "");

  if (plan.access.length > 0) {
    out.push(paint("bold", "Access changes:"));
    for (const delta of plan.access) {
      // describeAccessDelta gives the gains line first (when there are gains), then the losses line.
      const styles: Style[] = [];
      if (delta.gains.length > 0) styles.push(delta.blockedBy === undefined ? "green" : BLOCKED_STYLE);
      if (delta.loses.length > 0) styles.push("red");
      describeAccessDelta(delta).forEach((line, i) => {
        out.push(`${INDENT}${paint(styles[i] ?? "red", line)}`);
      });
    }
    out.push("");
  }

  const findDelta = accessIndex(plan);
  const byPhase = new Map<number, Change[]>();
  for (const c of plan.changes) {
    const i = phaseIndex(c);
    const list = byPhase.get(i) ?? [];
    list.push(c);
    byPhase.set(i, list);
  }
  APPLY_ORDER.forEach((spec, i) => {
    const changes = byPhase.get(i);
    if (!changes) return;
    out.push(paint("bold", `${spec.title}:`));
    if (spec.kind === "assignment") {
      for (const group of groupAssignments(changes))
        out.push(...assignmentGroupLines(plan, group, findDelta, options));
    } else {
      for (const c of changes) out.push(...changeLines(plan, c, paint, verbose));
    }
    out.push("");
  });

  if (plan.warnings.length > 0) {
    out.push(paint("bold", "Warnings:"));
    for (const w of plan.warnings) out.push(`${INDENT}${paint("yellow", "!")} ${w.message}`);
    out.push("");
  }
  if (plan.expiring.length > 0) {
    out.push(paint("bold", "Expiring soon:"));
    for (const x of plan.expiring) out.push(`${INDENT}${expiringLine(plan, x)}`);
    out.push("");
  }
  if (plan.unmanaged.length > 0) {
    out.push(paint("dim", unmanagedSummary(plan, verbose ? "" : "; --verbose lists them")));
    if (verbose) for (const a of plan.unmanaged) out.push(paint("dim", `${INDENT}${a}`));
    out.push("");
  }

  const { safety } = plan;
  if (safety.violations.length > 0) {
    const overridden = safety.ok;
    out.push(paint("bold", overridden ? "Safety rails overridden with --allow-deletes:" : "Safety rails:"));
    for (const v of safety.violations) {
      const acknowledged = safety.deletesAllowed && v.overridable;
      out.push(
        `${INDENT}${paint(acknowledged ? "yellow" : "red", `${acknowledged ? "!" : "✗"} ${v.rule}: ${v.message}`)}`,
      );
    }
    if (!safety.ok) out.push(paint("red", paint("bold", "This plan is unsafe: apply will refuse it.")));
    out.push("");
  }

  if (plan.changes.length > 0) {
    out.push(`Checksum: ${plan.checksum}`);
    if (safety.ok && options.applyHint !== false) {
      const command = applyCommand(plan, options.dir === undefined ? {} : { dir: options.dir });
      out.push(`Run \`${command}\` to apply exactly this plan.`);
    }
  }
  while (out.at(-1) === "") out.pop();
  return `${out.join("\n")}\n`;
}

function changeLines(plan: Plan, c: Change, paint: Paint, verbose: boolean): string[] {
  const style = c.blockedBy === undefined ? ACTION_STYLE[c.action] : BLOCKED_STYLE;
  const lines = [`${INDENT}${paint(style, changeHeader(c, plan))}`];
  for (const d of changeDetailLines(c, plan)) lines.push(detailLine(d, paint));
  if (verbose || reasonShown(c)) lines.push(paint("dim", `${INDENT.repeat(3)}${c.reason}`));
  return lines;
}

function detailLine(d: DetailLine, paint: Paint): string {
  const text = `${INDENT.repeat(2)}${d.mark} ${INDENT.repeat(d.depth)}${d.text}`;
  const style = MARK_STYLE[d.mark];
  return style ? paint(style, text) : text;
}

function assignmentGroupLines(
  plan: Plan,
  group: AssignmentGroup,
  findDelta: ReturnType<typeof accessIndex>,
  options: TextOptions,
): string[] {
  const { paint } = options;
  const verbose = options.verbose ?? false;
  const blockedBy = group.changes.find((c) => c.blockedBy !== undefined)?.blockedBy;
  const style = blockedBy === undefined ? ACTION_STYLE[group.action] : BLOCKED_STYLE;
  const symbol = blockedBy === undefined ? ACTION_SYMBOL[group.action] : BLOCKED_SYMBOL;
  const delta = findDelta(group.principalType, group.principalName, group.permissionSet);
  const scope = (group.action === "create" ? delta?.gainsScope : delta?.losesScope) ?? "";
  const who = principalLabel(group.principalType, group.principalName);
  const blocked = blockedBy === undefined ? "" : ` (${blockedNote(blockedBy)})`;
  const lines = [`${INDENT}${paint(style, `${symbol} ${who} → ${group.permissionSet}: ${scope}${blocked}`)}`];
  if (!verbose) lines.push(paint("dim", `${INDENT.repeat(3)}${groupReasons(group)}`));
  if (verbose || group.changes.length <= TEXT_ACCOUNTS_LISTED_MAX) {
    for (const c of group.changes) {
      const entity = c.after ?? c.before;
      if (entity?.kind !== "assignment") continue;
      const reason = verbose ? paint("dim", `  ${c.reason}`) : "";
      lines.push(
        `${INDENT.repeat(2)}${paint(style, `${symbol} ${accountLine(plan, entity.accountId)}`)}${reason}`,
      );
    }
  }
  return lines;
}
