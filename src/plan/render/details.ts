import { byCodeUnit, canonicalJson, sortedUnique } from "../../model/canonical.ts";
import type { Change, ChangeAction, ExpiringAccess, FieldChange, Plan } from "../../model/plan.ts";
import type { CustomerManagedPolicyRef, Entity } from "../../model/state.ts";
import { count } from "../words.ts";
import { lineDiff } from "./line-diff.ts";

/**
 * Render-neutral lines shared by the text and markdown renderers, so both say the same thing:
 * the text renderer colours them, the markdown renderer puts them in a ```diff block.
 */

/** `+` added, `-` removed, `~` changed in place, ` ` context. */
export type Mark = "+" | "-" | "~" | " ";

export interface DetailLine {
  mark: Mark;
  /** Nesting below the change header: 0 for a field, 1 for a field's items or policy lines. */
  depth: number;
  text: string;
}

/** The symbol of a change that cannot be applied (`Change.blockedBy`), instead of its action's. */
export const BLOCKED_SYMBOL = "✗";

/** Terraform-like symbols per action. */
export const ACTION_SYMBOL: Record<ChangeAction, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  provision: "↻",
};

/** A policy document pretty-printed with sorted keys, one JSON line per line; raw lines if not JSON. */
export function prettyPolicy(text: string): string[] {
  try {
    return JSON.stringify(JSON.parse(text), sortedReplacer, 2).split("\n");
  } catch {
    return text.split("\n");
  }
}

function sortedReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort(byCodeUnit)
      .map((k) => [k, record[k]]),
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** A value as it reads in a field line: strings quoted, null as `null`, objects as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value) : canonicalJson(value);
}

/** A list item: strings as written, customer-managed policy references as `path` + `name`. */
function showItem(item: unknown): string {
  if (typeof item === "string") return item;
  if (isRecord(item) && typeof item.name === "string" && typeof item.path === "string") {
    const ref = item as unknown as CustomerManagedPolicyRef;
    return `${ref.path}${ref.name}`;
  }
  return canonicalJson(item);
}

/** The lines of one field change. Policies become a line diff; lists and tags show what came and went. */
export function fieldLines(field: string, change: FieldChange): DetailLine[] {
  const { from, to } = change;
  const mark: Mark = from == null ? "+" : to == null ? "-" : "~";
  if (field === "inlinePolicy") {
    const before = typeof from === "string" ? prettyPolicy(from) : [];
    const after = typeof to === "string" ? prettyPolicy(to) : [];
    return [
      { mark, depth: 0, text: `${field}:` },
      ...lineDiff(before, after).map((e): DetailLine => ({ mark: e.op, depth: 1, text: e.line })),
    ];
  }
  if (Array.isArray(from) || Array.isArray(to)) {
    const before = (Array.isArray(from) ? from : []).map(showItem);
    const after = (Array.isArray(to) ? to : []).map(showItem);
    const kept = new Set(after);
    const old = new Set(before);
    return [
      { mark, depth: 0, text: `${field}:` },
      ...before.filter((x) => !kept.has(x)).map((text): DetailLine => ({ mark: "-", depth: 1, text })),
      ...after.filter((x) => !old.has(x)).map((text): DetailLine => ({ mark: "+", depth: 1, text })),
    ];
  }
  if (field === "tags" && (isRecord(from) || isRecord(to))) {
    const before = isRecord(from) ? from : {};
    const after = isRecord(to) ? to : {};
    const keys = sortedUnique([...Object.keys(before), ...Object.keys(after)]);
    const lines: DetailLine[] = [{ mark, depth: 0, text: `${field}:` }];
    for (const key of keys) {
      const a = before[key];
      const b = after[key];
      if (a === b) continue;
      if (a === undefined) lines.push({ mark: "+", depth: 1, text: `${key} = ${showValue(b)}` });
      else if (b === undefined) lines.push({ mark: "-", depth: 1, text: `${key} = ${showValue(a)}` });
      else lines.push({ mark: "~", depth: 1, text: `${key}: ${showValue(a)} → ${showValue(b)}` });
    }
    return lines;
  }
  if (from == null) return [{ mark: "+", depth: 0, text: `${field}: ${showValue(to)}` }];
  if (to == null) return [{ mark: "-", depth: 0, text: `${field}: ${showValue(from)}` }];
  return [{ mark: "~", depth: 0, text: `${field}: ${showValue(from)} → ${showValue(to)}` }];
}

/** The attributes a create sets, as field lines (empty values left out). */
function creationLines(entity: Entity): DetailLine[] {
  const skip = new Set([
    "kind",
    "name",
    "userName",
    "group",
    "accountId",
    "permissionSet",
    "principalType",
    "principalName",
  ]);
  const record = entity as unknown as Record<string, unknown>;
  const lines: DetailLine[] = [];
  for (const field of Object.keys(record)) {
    const value = record[field];
    if (skip.has(field) || value == null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (isRecord(value) && Object.keys(value).length === 0) continue;
    lines.push(...fieldLines(field, { from: null, to: value }));
  }
  return lines;
}

/** `111111111111 prod-payments`, or the id alone when the plan does not know the name. */
export function accountLine(plan: Pick<Plan, "accountNames">, accountId: string): string {
  const name = plan.accountNames[accountId];
  return name === undefined || name === accountId ? accountId : `${accountId} ${name}`;
}

/**
 * The header of a change: symbol, address, the account's name for an assignment, and what kind
 * of update, replace or provision it is. A blocked change says so instead of looking applicable.
 */
export function changeHeader(c: Change, plan: Pick<Plan, "accountNames">): string {
  const notes: string[] = [];
  const assignment =
    c.after?.kind === "assignment" ? c.after : c.before?.kind === "assignment" ? c.before : null;
  if (assignment !== null) {
    const name = plan.accountNames[assignment.accountId];
    if (name !== undefined && name !== assignment.accountId) notes.push(name);
  } else if (c.adopt) notes.push("adopt: adds the ownership tag");
  else if (c.replaces !== undefined) notes.push(`replaces ${c.replaces}`);
  else if (c.after?.kind === "provisioning") {
    const target = c.after.target;
    notes.push(
      target === "ALL_PROVISIONED_ACCOUNTS"
        ? "every account holding it"
        : count(target.accounts.length, "account"),
    );
  }
  if (c.blockedBy !== undefined) notes.push(blockedNote(c.blockedBy));
  const symbol = c.blockedBy === undefined ? ACTION_SYMBOL[c.action] : BLOCKED_SYMBOL;
  return `${symbol} ${c.address}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
}

/** `blocked: group/Okta does not exist`. */
export function blockedNote(blockedBy: string): string {
  return `blocked: ${blockedBy} does not exist`;
}

/**
 * Whether a renderer shows the change's `reason` next to it even when not verbose: a deletion or a
 * re-provision must say why, since nothing in the files points at it.
 */
export function reasonShown(c: Change): boolean {
  return c.action === "delete" || c.action === "provision";
}

/** An expiring assignment as people read it: who, which permission set, which account. */
export function expiringLine(plan: Pick<Plan, "accountNames">, x: ExpiringAccess): string {
  const a = x.assignment;
  const what = a
    ? `${principalLabel(a.principalType, a.principalName)} → ${a.permissionSet} in ${accountLine(plan, a.accountId)}`
    : x.address;
  return `${what} expires ${x.expires} (rule ${x.rule})`;
}

/** What a change does beyond its header line. */
export function changeDetailLines(change: Change, plan: Pick<Plan, "accountNames">): DetailLine[] {
  if (change.action === "update" || change.action === "replace") {
    return Object.entries(change.fields ?? {})
      .sort(([a], [b]) => byCodeUnit(a, b))
      .flatMap(([field, fc]) => fieldLines(field, fc));
  }
  if (change.action === "create" && change.after && change.after.kind !== "provisioning") {
    return creationLines(change.after);
  }
  if (change.after?.kind === "provisioning" && change.after.target !== "ALL_PROVISIONED_ACCOUNTS") {
    return change.after.target.accounts.map(
      (id): DetailLine => ({ mark: "~", depth: 0, text: accountLine(plan, id) }),
    );
  }
  return [];
}

/** `group Platform-Admins`, `user alice@example.com`. */
export function principalLabel(type: "USER" | "GROUP", name: string): string {
  return `${type === "GROUP" ? "group" : "user"} ${name}`;
}
