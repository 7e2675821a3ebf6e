import { byCodeUnit } from "../model/canonical.ts";
import type { AccessDelta, Change } from "../model/plan.ts";
import type { Address, PrincipalType } from "../model/state.ts";
import { ruleClause } from "./changes.ts";
import { describeAccounts, type OrgIndex } from "./org.ts";

/**
 * What each principal gains and loses through each permission set, from the assignment creates
 * and deletes. Sorted by principal type, principal name, then permission set.
 */
export function accessSummary(changes: readonly Change[], index: OrgIndex): AccessDelta[] {
  const rows = new Map<
    string,
    {
      type: PrincipalType;
      name: string;
      ps: string;
      gains: string[];
      loses: string[];
      blockedBy?: Address;
    }
  >();
  for (const group of groupAssignments(changes)) {
    const key = `${group.principalType}\u0000${group.principalName}\u0000${group.permissionSet}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        type: group.principalType,
        name: group.principalName,
        ps: group.permissionSet,
        gains: [],
        loses: [],
      };
      rows.set(key, row);
    }
    const accounts = group.action === "create" ? row.gains : row.loses;
    for (const c of group.changes) {
      const entity = c.after ?? c.before;
      if (entity?.kind === "assignment") accounts.push(entity.accountId);
      if (c.blockedBy !== undefined) row.blockedBy = c.blockedBy;
    }
  }
  const out: AccessDelta[] = [];
  for (const row of rows.values()) {
    const gains = row.gains.sort(byCodeUnit);
    const loses = row.loses.sort(byCodeUnit);
    const gainsScope = describeAccounts(index, gains);
    const losesScope = describeAccounts(index, loses);
    out.push({
      principalType: row.type,
      principalName: row.name,
      permissionSet: row.ps,
      gains,
      loses,
      scope:
        gains.length && loses.length ? `gains ${gainsScope}; loses ${losesScope}` : gainsScope || losesScope,
      gainsScope,
      losesScope,
      ...(row.blockedBy === undefined ? {} : { blockedBy: row.blockedBy }),
    });
  }
  return out.sort(
    (a, b) =>
      byCodeUnit(a.principalType, b.principalType) ||
      byCodeUnit(a.principalName, b.principalName) ||
      byCodeUnit(a.permissionSet, b.permissionSet),
  );
}

/** Assignment changes of one action for one principal and permission set: how large plans stay readable. */
export interface AssignmentGroup {
  action: "create" | "delete";
  principalType: "USER" | "GROUP";
  principalName: string;
  permissionSet: string;
  changes: Change[];
}

/** Groups assignment creates and deletes by principal and permission set, in a stable order. */
export function groupAssignments(changes: readonly Change[]): AssignmentGroup[] {
  const groups = new Map<string, AssignmentGroup>();
  for (const c of changes) {
    const entity = c.action === "create" ? c.after : c.action === "delete" ? c.before : null;
    if (entity?.kind !== "assignment" || (c.action !== "create" && c.action !== "delete")) continue;
    const key = `${c.action}\u0000${entity.principalType}\u0000${entity.principalName}\u0000${entity.permissionSet}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        action: c.action,
        principalType: entity.principalType,
        principalName: entity.principalName,
        permissionSet: entity.permissionSet,
        changes: [],
      };
      groups.set(key, group);
    }
    group.changes.push(c);
  }
  return [...groups.entries()].sort(([a], [b]) => byCodeUnit(a, b)).map(([, g]) => g);
}

/**
 * "group Platform-Admins gains PlatformAdmin in 14 accounts under Root/Workloads/Prod" (and/or
 * loses); blocked gains read "group X cannot gain ReadOnly in … (blocked: group/X does not exist)".
 */
export function describeAccessDelta(d: AccessDelta): string[] {
  const who = `${d.principalType === "GROUP" ? "group" : "user"} ${d.principalName}`;
  const lines: string[] = [];
  if (d.gains.length > 0) {
    lines.push(
      d.blockedBy === undefined
        ? `${who} gains ${d.permissionSet} in ${d.gainsScope}`
        : `${who} cannot gain ${d.permissionSet} in ${d.gainsScope} (blocked: ${d.blockedBy} does not exist)`,
    );
  }
  if (d.loses.length > 0) lines.push(`${who} loses ${d.permissionSet} in ${d.losesScope}`);
  return lines;
}

/** How many distinct reasons `groupReasons` spells out before it says "+N more". */
export const REASONS_SHOWN = 3;

/**
 * Why a group of assignment changes is planned, in one line: for creates the rules that grant it
 * ("granted by rule a.yaml#0 via OU Root/Prod; rule b.yaml#2 via account dev-1"), for deletes the
 * distinct deletion reasons ("expired at … (rule …)", "no rule grants it"), at most `max` of them
 * and then "+N more". Blocked creates say what is missing instead of "granted by".
 */
export function groupReasons(group: AssignmentGroup, max = REASONS_SHOWN): string {
  const reasons = new Set<string>();
  let blockedBy: Address | undefined;
  let byRules = group.action === "create";
  for (const c of group.changes) {
    blockedBy ??= c.blockedBy;
    if (c.provenance === undefined || c.provenance.length === 0) byRules = false;
  }
  for (const c of group.changes) {
    if (byRules) for (const p of c.provenance ?? []) reasons.add(ruleClause(p));
    else reasons.add(c.reason);
  }
  const all = [...reasons];
  const shown = all.slice(0, max).join("; ");
  const more = all.length > max ? ` +${all.length - max} more` : "";
  if (!byRules) return `${shown}${more}`;
  return blockedBy === undefined
    ? `granted by ${shown}${more}`
    : `${blockedBy} does not exist, so ${shown}${more} cannot grant it`;
}
