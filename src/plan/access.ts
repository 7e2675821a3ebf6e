import { byCodeUnit } from "../model/canonical.ts";
import type { AccessDelta, Change } from "../model/plan.ts";
import type { PrincipalType } from "../model/state.ts";
import { describeAccounts, type OrgIndex } from "./org.ts";

/**
 * What each principal gains and loses through each permission set, from the assignment creates
 * and deletes. Sorted by principal type, principal name, then permission set.
 */
export function accessSummary(changes: readonly Change[], index: OrgIndex): AccessDelta[] {
  const rows = new Map<
    string,
    { type: PrincipalType; name: string; ps: string; gains: string[]; loses: string[] }
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

/** "group Platform-Admins gains PlatformAdmin in 14 accounts under Root/Workloads/Prod" (and/or loses). */
export function describeAccessDelta(d: AccessDelta): string[] {
  const who = `${d.principalType === "GROUP" ? "group" : "user"} ${d.principalName}`;
  const lines: string[] = [];
  if (d.gains.length > 0) lines.push(`${who} gains ${d.permissionSet} in ${d.gainsScope}`);
  if (d.loses.length > 0) lines.push(`${who} loses ${d.permissionSet} in ${d.losesScope}`);
  return lines;
}
