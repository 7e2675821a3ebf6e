import {
  assignmentAddress,
  groupAddress,
  membershipAddress,
  permissionSetAddress,
  principalAddress,
  userAddress,
} from "../model/address.ts";
import { byCodeUnit, sortedUnique } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import type { CallerIdentity, Live } from "../model/live.ts";
import type { Change, PlanWarning } from "../model/plan.ts";
import type { Address, AssignmentEntity } from "../model/state.ts";

/**
 * Whether a plan removes the access of whoever runs it. An IAM Identity Center user signed in
 * through permission set P in account A holds P there through assignments: to the user, or to a
 * group the user belongs to. A plan that removes every such route (deletes the assignments, the
 * memberships, the group, the user or P itself) would end the caller's access half way through
 * their own change. For other callers (a CI role, an IAM user) accessops cannot tell whose access
 * a plan removes; `protected` principals are the guard there. Pure.
 */

/** One way the caller holds their permission set in their account. */
interface Route {
  assignment: AssignmentEntity;
  /** The group it goes through, or null for an assignment to the user. */
  group: string | null;
  /** False when the group's members were not read: the caller may or may not be one. */
  known: boolean;
}

/** What the rail found: the routes the plan removes, and why the caller keeps none. */
export interface CallerLoss {
  caller: CallerIdentity & { permissionSet: string; userName: string };
  /** Addresses of the removed routes (assignments) and of the changes that remove them. */
  addresses: Address[];
  /** `group/Platform-Admins`, `user/alice@example.com`: the principals the routes went through. */
  through: Address[];
}

/** The Identity Center caller's routes to their permission set in their account that this plan removes, when it removes all. */
export function callerLoss(live: Live, changes: readonly Change[]): CallerLoss | null {
  const caller = live.caller;
  if (caller?.kind !== "identity-center-user" || caller.permissionSet === null || caller.userName === null) {
    return null;
  }
  const { accountId, permissionSet, userName } = caller;
  const readGroups = new Set(live.coverage.memberships);
  const deleted = new Set<Address>();
  const created: AssignmentEntity[] = [];
  const joins = new Set<string>();
  for (const c of changes) {
    if (c.action === "delete" || c.action === "replace") deleted.add(c.address);
    if (c.action === "replace" && c.replaces !== undefined) deleted.add(permissionSetAddress(c.replaces));
    if (c.action === "create" && c.after?.kind === "assignment") created.push(c.after);
    if (c.action === "create" && c.after?.kind === "membership" && c.after.userName === userName) {
      joins.add(c.after.group);
    }
  }
  /** Whether the caller is in `group` now or after the plan; null when its members were not read. */
  const isMember = (group: string, after: boolean): boolean | null => {
    const address = membershipAddress(group, userName);
    if (after && (deleted.has(address) || deleted.has(groupAddress(group)))) return false;
    if (after && joins.has(group)) return true;
    // A group that does not exist yet has no members but those this plan adds.
    if (!live.state.has(groupAddress(group))) return false;
    return readGroups.has(group) ? live.state.has(address) : null;
  };
  const routeOf = (a: AssignmentEntity, after: boolean): Route | null => {
    if (a.accountId !== accountId || a.permissionSet !== permissionSet) return null;
    if (a.principalType === "USER")
      return a.principalName === userName ? { assignment: a, group: null, known: true } : null;
    const member = isMember(a.principalName, after);
    return member === false ? null : { assignment: a, group: a.principalName, known: member === true };
  };

  const now: Route[] = [];
  for (const e of live.state.values()) {
    if (e.kind !== "assignment") continue;
    const route = routeOf(e, false);
    if (route) now.push(route);
  }
  if (now.length === 0) return null;
  const gone = (r: Route): boolean =>
    deleted.has(assignmentAddress(r.assignment)) ||
    deleted.has(permissionSetAddress(permissionSet)) ||
    deleted.has(userAddress(userName)) ||
    (r.group !== null && isMember(r.group, true) === false);
  const removed = now.filter(gone);
  if (removed.length === 0) return null;
  const kept: Route[] = [];
  for (const e of live.state.values()) {
    const route = e.kind === "assignment" ? routeOf(e, true) : null;
    if (route && !gone(route)) kept.push(route);
  }
  for (const a of created) {
    const route = routeOf(a, true);
    if (route) kept.push(route);
  }
  if (kept.some((r) => r.known)) return null;
  // Routes through groups whose members were not read may be the caller's only ones: with one of
  // them removed and no known route left, the caller may lose access.
  return {
    caller: { ...caller, permissionSet, userName },
    addresses: sortedUnique(removed.map((r) => assignmentAddress(r.assignment))),
    through: [
      ...new Set(
        removed.map((r) => principalAddress(r.assignment.principalType, r.assignment.principalName)),
      ),
    ].sort(byCodeUnit),
  };
}

/**
 * For a caller accessops cannot trace to assignments (a CI role, an IAM user), a plan that removes
 * assignments in the caller's account says so once, when no principal is protected: protection is
 * then the only guard against removing the access of the people who review and undo plans.
 */
export function callerWarnings(config: Config, live: Live, changes: readonly Change[]): PlanWarning[] {
  const caller = live.caller;
  if (caller === undefined || caller.kind === "identity-center-user") return [];
  if (config.settings.safety.protected.principals.length > 0) return [];
  const removes = changes.some(
    (c) =>
      c.action === "delete" && c.before?.kind === "assignment" && c.before.accountId === caller.accountId,
  );
  if (!removes) return [];
  return [
    {
      code: "caller-unknown",
      message: `accessops runs as ${caller.arn}, not as an IAM Identity Center user, so it cannot tell whether this plan removes the access of the people who review it; it removes assignments in that account (${caller.accountId}). List break-glass principals under settings.safety.protected.principals so no plan can remove them.`,
    },
  ];
}
