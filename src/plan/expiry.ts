import { byCodeUnit } from "../model/canonical.ts";
import type { OrgSnapshot } from "../model/live.ts";
import type { AccessDelta, Change, Plan, PlanWarning, SafetyRule, SafetyViolation } from "../model/plan.ts";
import type { Address } from "../model/state.ts";
import { summarise } from "./build.ts";
import { planChecksum } from "./checksum.ts";
import { describeAccounts, indexOrg } from "./org.ts";

/**
 * Rails whose addresses are the changes they count (deletions, or the management-account holders
 * the deletions remove): they still hold for the reduced plan only when it keeps one of those.
 * The other rails say the inputs are wrong (a reference that does not resolve, a re-created
 * group): nothing applies until they are fixed, so they are kept whatever the plan keeps.
 */
const CHANGE_RAILS: ReadonlySet<SafetyRule> = new Set([
  "max-deletes",
  "max-delete-percent",
  "lockout",
  "caller-access",
  "management-account-permission-set",
]);

/**
 * Warnings that stay true of the reduced plan whatever it keeps: what protection and a partial
 * read left out. Every other warning is kept only when it names a kept change.
 */
const STANDING_WARNINGS: ReadonlySet<PlanWarning["code"]> = new Set(["protected", "outside-coverage"]);

/** True for the deletion of an assignment whose every granting rule expired (`Change.expired`). */
export function isExpiredDeletion(change: Change): boolean {
  return change.action === "delete" && change.kind === "assignment" && change.expired !== undefined;
}

/**
 * The plan reduced to the deletions of expired assignments, for `apply --only-expired`: a
 * frequent schedule revokes just-in-time access on time without applying anything else a
 * merged-but-unapplied change would bring. Pure.
 *
 * Recomputed: `changes` (the expired deletions, in the original apply order), `summary`,
 * `access` (only the losses those deletions cause), `accountNames`, `checksum`. Safety: the
 * count rails (max deletes, delete percentage, lockout) are kept only when they name a kept
 * change, with their addresses narrowed to those; the thresholds are not in the plan, so a kept
 * count rail is never re-judged against the smaller count (conservative: the reduced plan is
 * never let through where the full plan's verdict on the same deletions stopped it). Input
 * rails are kept as they are. Warnings are kept when they name a kept change, and
 * `protected` and `outside-coverage` warnings always. `expiring`, `unmanaged` and `orphans`
 * describe the instance, not the changes, and are kept.
 */
export function onlyExpired(plan: Plan): Plan {
  const changes = plan.changes.filter(isExpiredDeletion);
  const kept = new Set<Address>(changes.map((c) => c.address));

  const violations: SafetyViolation[] = [];
  for (const v of plan.safety.violations) {
    if (!CHANGE_RAILS.has(v.rule)) {
      violations.push(v);
      continue;
    }
    const addresses = v.addresses.filter((a) => kept.has(a));
    if (addresses.length > 0) violations.push({ ...v, addresses });
  }
  const ok = violations.every((v) => plan.safety.deletesAllowed && v.overridable);

  const accountIds = new Set<string>(plan.orphans.map((o) => o.accountId));
  for (const c of changes) if (c.before?.kind === "assignment") accountIds.add(c.before.accountId);
  for (const e of plan.expiring) if (e.assignment !== undefined) accountIds.add(e.assignment.accountId);
  const accountNames: Record<string, string> = {};
  for (const id of [...accountIds].sort(byCodeUnit)) {
    const name = plan.accountNames[id];
    if (name !== undefined) accountNames[id] = name;
  }

  return {
    ...plan,
    changes,
    summary: summarise(changes),
    access: expiredAccess(plan, changes),
    warnings: plan.warnings.filter(
      (w) => STANDING_WARNINGS.has(w.code) || (w.address !== undefined && kept.has(w.address)),
    ),
    safety: { ok, deletesAllowed: plan.safety.deletesAllowed, violations },
    accountNames,
    checksum: planChecksum(changes),
  };
}

/**
 * The access summary of the reduced plan: per principal and permission set, the accounts the
 * expired deletions remove. A delta whose losses are all expirations keeps its scope text (which
 * may name the OU); a narrowed one is described by account names, since the plan holds no OUs.
 */
function expiredAccess(plan: Plan, changes: readonly Change[]): AccessDelta[] {
  const lost = new Map<string, string[]>();
  const key = (type: string, name: string, ps: string): string => `${type}\u0000${name}\u0000${ps}`;
  for (const c of changes) {
    if (c.before?.kind !== "assignment") continue;
    const k = key(c.before.principalType, c.before.principalName, c.before.permissionSet);
    lost.set(k, [...(lost.get(k) ?? []), c.before.accountId]);
  }
  const names: OrgSnapshot = {
    rootId: "",
    managementAccountId: "",
    accounts: Object.entries(plan.accountNames).map(([id, name]) => ({
      id,
      name,
      email: "",
      state: "ACTIVE",
      tags: {},
      ouPath: "",
    })),
    ous: [],
  };
  const index = indexOrg(names);
  const out: AccessDelta[] = [];
  for (const d of plan.access) {
    const loses = (lost.get(key(d.principalType, d.principalName, d.permissionSet)) ?? []).sort(byCodeUnit);
    if (loses.length === 0) continue;
    const same = loses.length === d.loses.length && loses.every((id, i) => id === d.loses[i]);
    const losesScope = same ? d.losesScope : describeAccounts(index, loses);
    out.push({ ...d, gains: [], loses, scope: losesScope, gainsScope: "", losesScope });
  }
  return out;
}
