import {
  addressOf,
  groupAddress,
  membershipAddress,
  permissionSetAddress,
  principalAddress,
  userAddress,
} from "../model/address.ts";
import { byCodeUnit } from "../model/canonical.ts";
import type { Config, SourceLocation } from "../model/config.ts";
import type { Live } from "../model/live.ts";
import type { Change, ChangeAction, Provenance } from "../model/plan.ts";
import type { Address, Entity, PermissionSetEntity } from "../model/state.ts";
import { diffKeyed, fieldChanges } from "./diff.ts";
import type { Ownership } from "./ownership.ts";
import type { ResolveResult } from "./resolve.ts";

/** A change the files ask for but the planner left out because a protected object is involved. */
export interface KeptChange {
  address: Address;
  action: ChangeAction;
  /** The protected object: an address such as `group/BreakGlass`, or `account <id>`. */
  protectedBy: string;
}

export interface EntityChanges {
  /** Creates, updates, replaces and deletes, in no particular order. */
  changes: Change[];
  kept: KeptChange[];
  /** Live addresses accessops does not own, sorted. */
  unmanaged: Address[];
  /** Owned live addresses outside the read's coverage, so not considered for deletion, sorted. */
  outsideCoverage: Address[];
  /** Managed live objects the read covered: the denominator of the delete-percentage rail. */
  managedLiveCount: number;
  /**
   * Management-account assignments a delegated administrator leaves alone although no rule grants
   * them (AWS denies it any change there), sorted. Also in `unmanaged`.
   */
  leftToManagementAccount: Address[];
  /**
   * Assignments in accounts that are not ACTIVE left alone although no rule grants them (AWS
   * fails every assignment operation there), sorted. Also in `unmanaged`.
   */
  leftInInactiveAccounts: Address[];
}

/**
 * Protection holds what a protected assignment stands on. Deleting its group or user would orphan
 * it (AWS keeps a deleted principal's assignments, granting nobody), and deleting its permission
 * set cannot succeed while it exists: such deletions move from `changes` to `kept`, protected by
 * what protects the assignment.
 */
function keepWhatProtectedAssignmentsNeed(changes: Change[], kept: KeptChange[], live: Live): void {
  const needed = new Map<Address, string>();
  for (const k of kept) {
    const a = live.state.get(k.address);
    if (k.action !== "delete" || a?.kind !== "assignment") continue;
    for (const address of [
      permissionSetAddress(a.permissionSet),
      principalAddress(a.principalType, a.principalName),
    ]) {
      if (!needed.has(address)) needed.set(address, k.protectedBy);
    }
  }
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i];
    const shield = c?.action === "delete" ? needed.get(c.address) : undefined;
    if (c === undefined || shield === undefined) continue;
    changes.splice(i, 1);
    kept.push({ address: c.address, action: "delete", protectedBy: shield });
  }
}

/**
 * Diffs the desired state against the live one and applies the ownership rules: what may be
 * created, updated, replaced (renames) or deleted, what protection keeps, and what is unmanaged.
 */
export function planEntityChanges(
  config: Config,
  live: Live,
  resolved: ResolveResult,
  ownership: Ownership,
): EntityChanges {
  const sources = declarationSources(config);
  const changes: Change[] = [];
  const kept: KeptChange[] = [];
  const unmanaged: Address[] = [];
  const outsideCoverage: Address[] = [];
  const leftToManagementAccount: Address[] = [];
  const leftInInactiveAccounts: Address[] = [];
  let managedLiveCount = 0;
  const expired = new Map(resolved.expired.map((e) => [e.address, e]));
  const diff = diffKeyed(live.state, resolved.desired, fieldChanges);
  const declaredAt = (entity: Entity): string => {
    const at = sources.get(addressOf(entity));
    return at ? `${at.file}:${at.line}` : "the access files";
  };

  for (const after of diff.creates) {
    const address = addressOf(after);
    const replaced = after.kind === "permissionSet" ? replacedPermissionSet(after, live, ownership) : null;
    if (replaced && after.kind === "permissionSet") {
      changes.push({
        address,
        kind: after.kind,
        action: "replace",
        before: replaced,
        after,
        fields: { name: { from: replaced.name, to: after.name }, ...fieldChanges(replaced, after) },
        reason: `renamed from ${replaced.name} (previously, ${declaredAt(after)})`,
        replaces: replaced.name,
      });
      continue;
    }
    const provenance = resolved.provenance.get(address);
    changes.push({
      address,
      kind: after.kind,
      action: "create",
      before: null,
      after,
      reason: provenance ? grantedBy(provenance) : `declared at ${declaredAt(after)}`,
      ...(provenance ? { provenance } : {}),
    });
  }

  managedLiveCount += diff.unchanged.length;
  for (const { before, after, fields } of diff.updates) {
    managedLiveCount++;
    const address = addressOf(after);
    const shield = ownership.protectedBy(before);
    if (shield !== null) {
      kept.push({ address, action: "update", protectedBy: shield });
      continue;
    }
    const adopt = before.kind === "permissionSet" && !ownership.isTagged(before);
    const tag = config.settings.ownership.tag;
    changes.push({
      address,
      kind: after.kind,
      action: "update",
      before,
      after,
      fields,
      reason: adopt
        ? `adopted: declared at ${declaredAt(after)} but not tagged ${tag.key}=${tag.value}; this adds the tag`
        : `live differs from ${declaredAt(after)} in ${Object.keys(fields).join(", ")}`,
      ...(adopt ? { adopt: true } : {}),
    });
  }

  for (const before of diff.deletes) {
    const address = addressOf(before);
    const reason = ownership.deletionReason(before);
    if (reason === null) {
      unmanaged.push(address);
      const outOfReach = ownership.leftOutOfReach(before);
      if (outOfReach === "management-account") leftToManagementAccount.push(address);
      if (outOfReach === "inactive-account") leftInInactiveAccounts.push(address);
      continue;
    }
    if (!ownership.covers(before)) {
      outsideCoverage.push(address);
      continue;
    }
    managedLiveCount++;
    const shield = ownership.protectedBy(before);
    if (shield !== null) {
      kept.push({ address, action: "delete", protectedBy: shield });
      continue;
    }
    const expiry = expired.get(address);
    changes.push({
      address,
      kind: before.kind,
      action: "delete",
      before,
      after: null,
      reason,
      ...(expiry ? { expired: expiry.expires } : {}),
    });
  }

  keepWhatProtectedAssignmentsNeed(changes, kept, live);
  return {
    changes,
    kept: kept.sort((a, b) => byCodeUnit(a.address, b.address)),
    unmanaged: unmanaged.sort(byCodeUnit),
    outsideCoverage: outsideCoverage.sort(byCodeUnit),
    managedLiveCount,
    leftToManagementAccount: leftToManagementAccount.sort(byCodeUnit),
    leftInInactiveAccounts: leftInInactiveAccounts.sort(byCodeUnit),
  };
}

/**
 * The live permission set a declared one replaces: the first name in its `previously` that is
 * live, deletable (covered, not protected) and not itself declared. Null means a plain create.
 */
function replacedPermissionSet(
  after: PermissionSetEntity,
  live: Live,
  ownership: Ownership,
): PermissionSetEntity | null {
  for (const [old, newName] of ownership.renamedTo) {
    if (newName !== after.name) continue;
    const candidate = live.state.get(permissionSetAddress(old));
    if (candidate?.kind !== "permissionSet") continue;
    if (ownership.covers(candidate) && ownership.protectedBy(candidate) === null) return candidate;
  }
  return null;
}

/** `granted by rule a.yaml#0 via OU Root/Prod; rule b.yaml#2 via account prod-payments (INC-1234)`. */
export function grantedBy(provenance: readonly Provenance[]): string {
  return `granted by ${provenance.map(ruleClause).join("; ")}`;
}

/** `rule a.yaml#0 via OU Root/Prod`, with the rule's own `reason` in parentheses when it has one. */
export function ruleClause(p: Pick<Provenance, "rule" | "matchedBy" | "match" | "reason">): string {
  return `rule ${p.rule} via ${describeMatch(p)}${p.reason === null ? "" : ` (${p.reason})`}`;
}

export function describeMatch(p: Pick<Provenance, "matchedBy" | "match">): string {
  switch (p.matchedBy) {
    case "account-id":
    case "account-name":
      return `account ${p.match}`;
    case "ou":
      return `OU ${p.match}`;
    case "tags":
      return `tags ${p.match}`;
    case "all":
      return "all accounts";
  }
}

/** Where each declared user, group, membership and permission set was written. */
function declarationSources(config: Config): Map<Address, SourceLocation> {
  const out = new Map<Address, SourceLocation>();
  for (const u of config.users) out.set(userAddress(u.userName), u.source);
  for (const g of config.groups) {
    out.set(groupAddress(g.name), g.source);
    for (const m of g.members) out.set(membershipAddress(g.name, m), g.source);
  }
  for (const p of config.permissionSets) out.set(permissionSetAddress(p.name), p.source);
  return out;
}
