import { groupAddress, permissionSetAddress, principalAddress, userAddress } from "../model/address.ts";
import { byCodeUnit } from "../model/canonical.ts";
import type { Live } from "../model/live.ts";
import type { Change, PlanWarning } from "../model/plan.ts";
import type { Address, PermissionSetEntity, State } from "../model/state.ts";
import { describeMatch, type KeptChange } from "./changes.ts";
import { accountLabel, describeAccounts, type OrgIndex } from "./org.ts";
import { grantsFullAccess, ROLE_MANAGED_POLICY_DEFAULT_QUOTA } from "./policies.ts";
import type { ExcludedAccount } from "./resolve.ts";
import { count, listJoin } from "./words.ts";

/**
 * AWS keeps a closed account in the organisation for this many days (the post-closure period, in
 * which it can still be reopened), then drops it: a rule naming it then fails to resolve.
 */
const POST_CLOSURE_DAYS = 90;

/**
 * Accounts that are not ACTIVE and that a rule names or selects by OU or tags: one warning per
 * account, naming every such rule, with advice that fits the account's state. `all: true` means
 * the active accounts, so an account only `all` matched is skipped silently.
 */
export function inactiveAccountWarnings(
  excluded: readonly ExcludedAccount[],
  index: OrgIndex,
): PlanWarning[] {
  const byAccount = new Map<string, ExcludedAccount[]>();
  for (const e of excluded) {
    if (e.reason !== "not-active" || e.matchedBy === "all") continue;
    byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
  }
  return [...byAccount].map(([id, rules]) => {
    const name = rules[0]?.accountName ?? id;
    const state = index.byId.get(id)?.state ?? "not ACTIVE";
    const via = listJoin(rules.map((r) => `${r.rule} (${describeMatch(r)})`));
    const naming = rules.filter((r) => r.matchedBy === "account-id" || r.matchedBy === "account-name");
    const remove =
      naming.length > 0
        ? `remove it from targets.accounts of rule${naming.length === 1 ? "" : "s"} ${listJoin(naming.map((r) => r.rule))}`
        : "";
    return {
      code: "account-not-active" as const,
      message: [
        `skipped account ${name} (${id}): it is ${state}, so rule${rules.length === 1 ? "" : "s"} ${via} assign${rules.length === 1 ? "s" : ""} nothing there.`,
        inactiveAdvice(state, remove),
      ]
        .filter((part) => part !== "")
        .join(" "),
    };
  });
}

/** What to do about an account that is not active, given how it was targeted (`remove` is empty unless a rule names it). */
function inactiveAdvice(state: string, remove: string): string {
  switch (state) {
    case "SUSPENDED":
      return `AWS suspended it: the first plan after it is reinstated assigns it${remove ? `; if it is being retired, ${remove}` : ""}.`;
    case "PENDING_ACTIVATION":
      return "Its sign-up is not complete: the first plan after it becomes ACTIVE assigns it.";
    case "PENDING_CLOSURE":
    case "CLOSED": {
      const closing = state === "CLOSED" ? "It is closed" : "It is being closed";
      return remove
        ? `${closing}: ${remove}, or planning fails once AWS drops it from the organisation (${POST_CLOSURE_DAYS} days after closure).`
        : `${closing}; nothing to change in the files (AWS drops it from the organisation ${POST_CLOSURE_DAYS} days after closure).`;
    }
    default:
      return remove ? `If it stays inactive, ${remove}.` : "";
  }
}

/** A rename recreates the IAM roles, so anything that names the old role ARN breaks. */
export function renameWarnings(changes: readonly Change[]): PlanWarning[] {
  return changes
    .filter((c) => c.action === "replace" && c.replaces !== undefined && c.after?.kind === "permissionSet")
    .map((c) => {
      const newName = c.after?.kind === "permissionSet" ? c.after.name : "";
      return {
        code: "rename",
        address: c.address,
        message: `permission set ${c.replaces} is renamed to ${newName}: AWS cannot rename, so it recreates the roles as AWSReservedSSO_${newName}_* in every account. Role ARNs in EKS aws-auth maps or IAM trust policies that name AWSReservedSSO_${c.replaces}_* stop matching: update them after apply.`,
      };
    });
}

/** A permission set that starts granting full access (AdministratorAccess, or an inline allow-all). */
export function adminPolicyWarnings(changes: readonly Change[]): PlanWarning[] {
  const out: PlanWarning[] = [];
  for (const c of changes) {
    if (c.after?.kind !== "permissionSet" || !grantsFullAccess(c.after)) continue;
    if (c.before?.kind === "permissionSet" && grantsFullAccess(c.before)) continue;
    out.push({
      code: "admin-policy",
      address: c.address,
      message: `permission set ${c.after.name} grants full administrator access after this plan: everyone assigned it can do anything in those accounts. Make sure that is intended.`,
    });
  }
  return out;
}

/**
 * Grants of full administrator access, one warning per principal and permission set: in a large
 * plan the access table can be cut to fit a comment, and warnings come first, so an administrator
 * grant is never out of sight. `permissionSet` finds the granted set as it will be after the plan.
 */
export function adminAccessWarnings(
  changes: readonly Change[],
  permissionSet: (name: string) => PermissionSetEntity | null,
  index: OrgIndex,
): PlanWarning[] {
  const grants = new Map<string, { principal: string; ps: string; accounts: string[] }>();
  for (const c of changes) {
    if (c.action !== "create" || c.after?.kind !== "assignment" || c.blockedBy !== undefined) continue;
    const ps = permissionSet(c.after.permissionSet);
    if (ps === null || !grantsFullAccess(ps)) continue;
    const principal = principalAddress(c.after.principalType, c.after.principalName);
    const key = `${principal}\u0000${ps.name}`;
    const entry = grants.get(key) ?? { principal, ps: ps.name, accounts: [] };
    entry.accounts.push(c.after.accountId);
    grants.set(key, entry);
  }
  return [...grants.values()].map(({ principal, ps, accounts }) => ({
    code: "admin-access",
    address: principal,
    message: `${principal} gains full administrator access through ${ps} in ${describeAccounts(index, accounts.sort(byCodeUnit))}. Make sure that is intended.`,
  }));
}

/** Grants made to users directly, one warning per user and permission set. */
export function directUserWarnings(changes: readonly Change[], index: OrgIndex): PlanWarning[] {
  const grants = new Map<string, { user: string; ps: string; accounts: string[] }>();
  for (const c of changes) {
    if (c.action !== "create" || c.after?.kind !== "assignment" || c.after.principalType !== "USER") continue;
    const key = `${c.after.principalName}\u0000${c.after.permissionSet}`;
    const entry = grants.get(key) ?? { user: c.after.principalName, ps: c.after.permissionSet, accounts: [] };
    entry.accounts.push(c.after.accountId);
    grants.set(key, entry);
  }
  return [...grants.values()].map(({ user, ps, accounts }) => ({
    code: "direct-user-assignment",
    address: userAddress(user),
    message: `user ${user} gets ${ps} directly in ${describeAccounts(index, accounts.sort(byCodeUnit))}: prefer a group, so access is reviewed and removed in one place.`,
  }));
}

/** How many kept addresses a protection warning names before it says "+N more". */
const KEPT_ADDRESSES_SHOWN = 3;

/** Changes left out because a protected object is involved: one warning per protected object. */
export function protectedWarnings(kept: readonly KeptChange[]): PlanWarning[] {
  const byShield = new Map<string, KeptChange[]>();
  for (const k of kept) byShield.set(k.protectedBy, [...(byShield.get(k.protectedBy) ?? []), k]);
  return [...byShield].map(([shield, changes]) => {
    const own = changes.length === 1 && changes[0]?.address === shield;
    const listed = changes.slice(0, KEPT_ADDRESSES_SHOWN).map((k) => `${k.address} (${k.action})`);
    const more = changes.length - listed.length;
    const what = own
      ? `${shield} (${changes[0]?.action})`
      : `${listed.join(", ")}${more > 0 ? ` +${more} more` : ""}`;
    return {
      code: "protected" as const,
      ...(shield.includes("/") ? { address: shield } : {}),
      message: own
        ? `kept ${shield}: it is protected, so the ${changes[0]?.action} was left out`
        : `kept ${count(changes.length, "change")} because ${shield} is protected: ${what}`,
    };
  });
}

/**
 * Assignments of deleted principals on managed permission sets, one warning per principal and set.
 * On a permission set this plan deletes they matter more: AWS refuses the delete until they are gone.
 */
export function orphanWarnings(
  live: Live,
  changes: readonly Change[],
  desired: State,
  index: OrgIndex,
): PlanWarning[] {
  const deleted = new Set<string>();
  for (const c of changes)
    if (c.action === "delete" && c.before?.kind === "permissionSet") deleted.add(c.before.name);
  const groups = new Map<string, { ps: string; type: string; id: string; accounts: string[] }>();
  for (const o of live.orphans) {
    if (!deleted.has(o.permissionSet) && !desired.has(permissionSetAddress(o.permissionSet))) continue;
    const key = `${o.permissionSet}\u0000${o.principalType}\u0000${o.principalId}`;
    const entry = groups.get(key) ?? {
      ps: o.permissionSet,
      type: o.principalType,
      id: o.principalId,
      accounts: [],
    };
    entry.accounts.push(o.accountId);
    groups.set(key, entry);
  }
  return [...groups.values()].map(({ ps, type, id, accounts }) => {
    const blocking = deleted.has(ps) ? `, and AWS refuses to delete ${ps} while they exist` : "";
    return {
      code: "orphan-assignments",
      address: permissionSetAddress(ps),
      message: `${count(accounts.length, "assignment")} of ${ps} (${describeAccounts(index, accounts.sort(byCodeUnit))}) belong${accounts.length === 1 ? "s" : ""} to a ${type.toLowerCase()} that no longer exists (id ${id})${blocking}: remove them with aws sso-admin delete-account-assignment or in the console.`,
    };
  });
}

/** Permission sets with more policies than an IAM role takes by default. */
export function policyCountWarnings(desired: State): PlanWarning[] {
  const out: PlanWarning[] = [];
  for (const e of desired.values()) {
    if (e.kind !== "permissionSet") continue;
    const count = e.managedPolicies.length + e.customerManagedPolicies.length;
    if (count <= ROLE_MANAGED_POLICY_DEFAULT_QUOTA) continue;
    out.push({
      code: "policy-count",
      address: permissionSetAddress(e.name),
      message: `permission set ${e.name} has ${count} managed and customer-managed policies; IAM allows ${ROLE_MANAGED_POLICY_DEFAULT_QUOTA} per role by default, so provisioning fails unless that quota was raised in every target account. Merge policies, or raise the quota.`,
    });
  }
  return out;
}

/** Declared (managed) groups that an external IdP provisions through SCIM: the next sync overwrites them. */
export function idpGroupWarnings(live: Live, desired: State): PlanWarning[] {
  return live.idpGroups
    .filter((name) => desired.has(groupAddress(name)))
    .map((name) => ({
      code: "idp-group",
      address: groupAddress(name),
      message: `group ${name} is provisioned by your IdP (SCIM), which overwrites changes made here: declare it with external: true.`,
    }));
}

/** Owned objects a targeted read did not cover: they were not considered for deletion. */
export function coverageWarnings(outsideCoverage: readonly string[]): PlanWarning[] {
  if (outsideCoverage.length === 0) return [];
  return [
    {
      code: "outside-coverage",
      message: `${outsideCoverage.length} live object${outsideCoverage.length === 1 ? " lies" : "s lie"} outside the targeted read, so the plan does not delete ${outsideCoverage.length === 1 ? "it" : "them"}: run with --refresh full to reconcile everything.`,
    },
  ];
}

/**
 * Management-account assignments that no rule grants, left alone because the caller is a
 * delegated administrator: the files and the management account disagree until someone plans
 * from the management account.
 */
export function managementAccountWarnings(left: readonly Address[], index: OrgIndex): PlanWarning[] {
  if (left.length === 0) return [];
  const id = index.org.managementAccountId;
  const listed = left.slice(0, KEPT_ADDRESSES_SHOWN).join(", ");
  const more = left.length > KEPT_ADDRESSES_SHOWN ? ` +${left.length - KEPT_ADDRESSES_SHOWN} more` : "";
  return [
    {
      code: "management-account-unmanaged",
      message: `left ${count(left.length, "assignment")} in the management account ${accountLabel(index, id)} (${id}) that no rule grants (${listed}${more}): a delegated administrator cannot change access there. Plan and apply from the management account to remove ${left.length === 1 ? "it" : "them"}, or keep ${left.length === 1 ? "it" : "them"} out of accessops with a settings.ownership.ignore rule for account ${id}.`,
    },
  ];
}

/**
 * Assignments left alone in accounts that are not ACTIVE although no rule grants them: AWS fails
 * every assignment operation there, so a deletion would only end FAILED. One warning per account,
 * with what happens next for its state.
 */
export function inactiveAccountAssignmentWarnings(
  left: readonly Address[],
  live: Live,
  index: OrgIndex,
): PlanWarning[] {
  const byAccount = new Map<string, Address[]>();
  for (const address of left) {
    const entity = live.state.get(address);
    if (entity?.kind !== "assignment") continue;
    byAccount.set(entity.accountId, [...(byAccount.get(entity.accountId) ?? []), address]);
  }
  return [...byAccount].map(([id, addresses]) => {
    const state = index.byId.get(id)?.state;
    const listed = addresses.slice(0, KEPT_ADDRESSES_SHOWN).join(", ");
    const more =
      addresses.length > KEPT_ADDRESSES_SHOWN ? ` +${addresses.length - KEPT_ADDRESSES_SHOWN} more` : "";
    const them = addresses.length === 1 ? "it" : "them";
    const where =
      state === undefined
        ? `account ${id}, which is no longer in the organisation`
        : `${state} account ${accountLabel(index, id)} (${id})`;
    const next =
      state === "SUSPENDED" || state === "PENDING_ACTIVATION"
        ? `the first plan after the account is ACTIVE again removes ${them}`
        : `AWS removes ${them} with the account`;
    return {
      code: "inactive-account-unmanaged",
      message: `left ${count(addresses.length, "assignment")} in ${where} that no rule grants (${listed}${more}): AWS cannot change access in an account that is not ACTIVE; ${next}.`,
    };
  });
}

/** Warnings in a stable order: by code, then address, then message. */
export function sortWarnings(warnings: PlanWarning[]): PlanWarning[] {
  return warnings.sort(
    (a, b) =>
      byCodeUnit(a.code, b.code) ||
      byCodeUnit(a.address ?? "", b.address ?? "") ||
      byCodeUnit(a.message, b.message),
  );
}
