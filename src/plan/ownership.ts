import {
  assignmentAddress,
  groupAddress,
  permissionSetAddress,
  principalAddress,
  userAddress,
} from "../model/address.ts";
import type { Config, IgnoreRule } from "../model/config.ts";
import { ConfigError } from "../model/errors.ts";
import type { Live } from "../model/live.ts";
import type { Address, AssignmentEntity, Entity, PermissionSetEntity } from "../model/state.ts";
import { compileOwnershipRegex } from "../schema/regex-guard.ts";
import type { ResolveResult } from "./resolve.ts";

/**
 * The ownership rules of DESIGN.md section 3 as predicates over live entities: what accessops may
 * delete, what protection shields, and what the live read covered. Built once per plan.
 */
export interface Ownership {
  /**
   * Why accessops may delete this live entity when nothing declares it (the delete's `reason`),
   * or null when the entity is not managed and must be left alone.
   */
  deletionReason(entity: Entity): string | null;
  /** The protected object (an address, or `account <id>`) shielding this entity, or null. */
  protectedBy(entity: Entity): string | null;
  /** Whether the live read covered this entity completely; outside it, nothing is deleted. */
  covers(entity: Entity): boolean;
  /** True when the live permission set carries the ownership tag. */
  isTagged(ps: PermissionSetEntity): boolean;
  /** Old permission-set name to the declared name that lists it in `previously`. */
  renamedTo: ReadonlyMap<string, string>;
  /**
   * Why a live assignment that accessops would otherwise delete is left alone because AWS cannot
   * change access where it is: `management-account` for a delegated administrator (AWS denies
   * it any change there), `inactive-account` for an account that is not ACTIVE (suspended,
   * closing, closed, or no longer in the organisation). Null for anything else.
   */
  leftOutOfReach(entity: Entity): "management-account" | "inactive-account" | null;
}

export function ownershipOf(config: Config, live: Live, resolved: ResolveResult): Ownership {
  const { settings } = config;
  const { desired } = resolved;
  const tag = settings.ownership.tag;
  const identityManaged = settings.identitySource === "identity-center";
  const groupsPattern = compilePattern(config, "groups", settings.ownership.groups);
  const usersPattern = compilePattern(config, "users", settings.ownership.users);
  const declaredGroups = new Set(config.groups.map((g) => g.name));
  const declaredUsers = new Set(config.users.map((u) => u.userName));
  const declaredPermissionSets = new Set(config.permissionSets.map((p) => p.name));
  const idpGroups = new Set(live.idpGroups);
  const expired = new Map(resolved.expired.map((e) => [e.address, e]));

  const renamedTo = new Map<string, string>();
  for (const ps of config.permissionSets) {
    if (ps.external) continue;
    for (const old of ps.previously) if (!declaredPermissionSets.has(old)) renamedTo.set(old, ps.name);
  }

  const isTagged = (ps: PermissionSetEntity): boolean => ps.tags[tag.key] === tag.value;

  /** Why the permission set is accessops's, or null. */
  const permissionSetOwner = (name: string): string | null => {
    if (desired.has(permissionSetAddress(name))) return "declared";
    const newName = renamedTo.get(name);
    if (newName !== undefined) return `renamed to ${newName}`;
    const liveSet = live.state.get(permissionSetAddress(name));
    if (liveSet?.kind === "permissionSet" && isTagged(liveSet) && !declaredPermissionSets.has(name)) {
      return `tagged ${tag.key}=${tag.value} but no longer declared`;
    }
    return null;
  };
  const groupOwner = (name: string): string | null => {
    if (desired.has(groupAddress(name))) return "declared";
    if (!identityManaged || declaredGroups.has(name) || idpGroups.has(name)) return null;
    return groupsPattern?.test(name)
      ? `not declared and matches ownership.groups "${settings.ownership.groups}"`
      : null;
  };
  const userOwner = (userName: string): string | null => {
    if (desired.has(userAddress(userName))) return "declared";
    if (!identityManaged || declaredUsers.has(userName)) return null;
    return usersPattern?.test(userName)
      ? `not declared and matches ownership.users "${settings.ownership.users}"`
      : null;
  };

  const ignored = (a: AssignmentEntity): boolean =>
    settings.ownership.ignore.some((rule) => ignores(rule, a));

  const accountStates = new Map(live.org.accounts.map((a) => [a.id, a.state]));
  /**
   * Where AWS cannot change access: a delegated administrator can neither create nor delete in
   * the management account (AccessDeniedException), and an account that is not ACTIVE fails
   * every assignment operation; a deletion there would only end FAILED.
   */
  const outOfReach = (a: AssignmentEntity): "management-account" | "inactive-account" | null => {
    if (!live.callerIsManagementAccount && a.accountId === live.org.managementAccountId) {
      return "management-account";
    }
    return accountStates.get(a.accountId) === "ACTIVE" ? null : "inactive-account";
  };

  /** Why the assignment may be deleted, judged as if the caller could reach every account. */
  const assignmentReason = (a: AssignmentEntity, address: Address): string | null => {
    if (ignored(a)) return null;
    const expiry = expired.get(address);
    if (expiry) return `expired at ${expiry.expires} (rule ${expiry.rule})`;
    const psOwner = permissionSetOwner(a.permissionSet);
    if (psOwner !== null && psOwner !== "declared") return `permission set ${a.permissionSet} is ${psOwner}`;
    const principalOwner =
      a.principalType === "GROUP" ? groupOwner(a.principalName) : userOwner(a.principalName);
    const label = `${a.principalType === "GROUP" ? "group" : "user"} ${a.principalName}`;
    if (principalOwner !== null && principalOwner !== "declared")
      return `${label} is deleted: ${principalOwner}`;
    // A declared user's assignments are managed through their permission set only: user-level
    // grants on foreign permission sets often come from just-in-time tools.
    const groupManaged = a.principalType === "GROUP" && principalOwner === "declared";
    return psOwner === "declared" || groupManaged ? "no rule grants it" : null;
  };

  const protectedPrincipals = new Set(settings.safety.protected.principals);
  const protectedSets = new Set(settings.safety.protected.permissionSets);
  const protectedAccounts = new Set(resolved.protectedAccounts);
  const shield = (address: Address): string | null => (protectedPrincipals.has(address) ? address : null);

  const coverage = live.coverage;
  const coveredPrincipals = new Set(coverage.principals);
  const coveredSets = new Set(coverage.permissionSets);
  const coveredMemberships = new Set(coverage.memberships);
  const setCovered = (name: string): boolean => coverage.allPermissionSets || coveredSets.has(name);

  return {
    renamedTo,
    isTagged,
    leftOutOfReach(entity) {
      if (entity.kind !== "assignment") return null;
      const where = outOfReach(entity);
      return where !== null && assignmentReason(entity, assignmentAddress(entity)) !== null ? where : null;
    },
    deletionReason(entity) {
      switch (entity.kind) {
        case "permissionSet":
          return permissionSetOwner(entity.name);
        case "group":
          return groupOwner(entity.name);
        case "user":
          return userOwner(entity.userName);
        case "membership": {
          const owner = groupOwner(entity.group);
          if (owner === null) return null;
          return owner === "declared"
            ? `${entity.userName} is not in the members of group ${entity.group}`
            : `group ${entity.group} is deleted: ${owner}`;
        }
        case "assignment":
          return outOfReach(entity) !== null ? null : assignmentReason(entity, assignmentAddress(entity));
      }
    },
    protectedBy(entity) {
      switch (entity.kind) {
        case "permissionSet":
          return protectedSets.has(entity.name) ? permissionSetAddress(entity.name) : null;
        case "group":
          return shield(groupAddress(entity.name));
        case "user":
          return shield(userAddress(entity.userName));
        case "membership":
          return shield(groupAddress(entity.group)) ?? shield(userAddress(entity.userName));
        case "assignment":
          return (
            shield(principalAddress(entity.principalType, entity.principalName)) ??
            (protectedSets.has(entity.permissionSet) ? permissionSetAddress(entity.permissionSet) : null) ??
            (protectedAccounts.has(entity.accountId) ? `account ${entity.accountId}` : null)
          );
      }
    },
    covers(entity) {
      switch (entity.kind) {
        case "permissionSet":
          return setCovered(entity.name);
        case "group":
          return coverage.allPrincipals || coveredPrincipals.has(groupAddress(entity.name));
        case "user":
          return coverage.allPrincipals || coveredPrincipals.has(userAddress(entity.userName));
        case "membership":
          return coveredMemberships.has(entity.group);
        case "assignment":
          return (
            coveredPrincipals.has(principalAddress(entity.principalType, entity.principalName)) ||
            (coverage.assignmentStrategy === "per-pair" && setCovered(entity.permissionSet))
          );
      }
    },
  };
}

/** An ignore rule matches when every field it gives equals the assignment's. */
function ignores(rule: IgnoreRule, a: AssignmentEntity): boolean {
  return (
    (rule.principalType == null || rule.principalType === a.principalType) &&
    (rule.principal == null || rule.principal === a.principalName) &&
    (rule.permissionSet == null || rule.permissionSet === a.permissionSet) &&
    (rule.account == null || rule.account === a.accountId)
  );
}

function compilePattern(config: Config, key: "groups" | "users", source: string | null): RegExp | null {
  if (source === null) return null;
  try {
    return compileOwnershipRegex(source);
  } catch (error) {
    const at = config.settings.source ?? { file: config.files[0] ?? "", line: 0, column: 0 };
    throw new ConfigError(`settings.ownership.${key} is not a valid regular expression`, [
      {
        severity: "error",
        file: at.file,
        line: at.line,
        column: at.column,
        code: "invalid-regex",
        message: `settings.ownership.${key} "${source}" is not a valid regular expression (${(error as Error).message}): fix it.`,
      },
    ]);
  }
}
