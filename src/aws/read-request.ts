import { sortedUnique } from "../model/canonical.ts";
import type { Config, IdentitySource } from "../model/config.ts";
import type { RefreshMode } from "../model/live.ts";
import type { PrincipalType } from "../model/state.ts";

/** A principal by type and name (group display name or user name). */
export interface PrincipalRef {
  type: PrincipalType;
  name: string;
}

/**
 * What the live reader must read, derived from the configuration alone (pure). The reader
 * reads at least this; `everything` widens it to the whole instance.
 */
export interface ReadRequest {
  refresh: RefreshMode;
  /**
   * Read every permission set's details and provisioning, every assignment and every group's
   * memberships, whatever the configuration says (for `import` and `report --live`).
   */
  everything: boolean;
  /** `settings.instanceArn`; null: the account's only instance (ListInstances). */
  instanceArn: string | null;
  identitySource: IdentitySource;
  /** The tag that marks a permission set as accessops's. */
  ownershipTag: { key: string; value: string };
  /** Regex sources of `ownership.groups` / `ownership.users`; null when not set. */
  ownershipGroups: string | null;
  ownershipUsers: string | null;
  /**
   * Group names the configuration touches: declared groups (external ones included) and
   * group principals of assignment rules. Sorted.
   */
  groups: string[];
  /**
   * User names the configuration touches: declared users, members of declared groups and
   * user principals of assignment rules. Sorted.
   */
  users: string[];
  /**
   * Groups accessops manages: declared, not external, and only when the identity source is
   * Identity Center itself. Their memberships are read, and their assignments to any
   * permission set are managed, so a full read covers those too. Sorted.
   */
  managedGroups: string[];
  /**
   * Permission set names the configuration touches: declared ones (external included) and
   * their `previously` names. Permission sets carrying the ownership tag are added by the
   * reader once tags are known. Sorted.
   */
  permissionSets: string[];
  /**
   * Principals whose assignments a targeted read covers: every principal named above
   * (declared groups and users, and rule principals). Sorted by type then name.
   */
  principals: PrincipalRef[];
  /**
   * Whether account tags are needed: only when a rule targets tags (reading them costs one
   * organizations call per account).
   */
  accountTags: boolean;
}

/** Derives what to read from a validated configuration. */
export function readRequestFor(
  config: Config,
  options: { refresh: RefreshMode; everything?: boolean },
): ReadRequest {
  const { settings } = config;
  const ruleGroups = config.assignments
    .filter((r) => r.principal.type === "GROUP")
    .map((r) => r.principal.name);
  const ruleUsers = config.assignments
    .filter((r) => r.principal.type === "USER")
    .map((r) => r.principal.name);
  const groups = sortedUnique([...config.groups.map((g) => g.name), ...ruleGroups]);
  const users = sortedUnique([
    ...config.users.map((u) => u.userName),
    ...config.groups.flatMap((g) => g.members),
    ...ruleUsers,
  ]);
  const managedGroups =
    settings.identitySource === "identity-center"
      ? sortedUnique(config.groups.filter((g) => !g.external).map((g) => g.name))
      : [];
  const principals: PrincipalRef[] = [
    ...groups.map((name): PrincipalRef => ({ type: "GROUP", name })),
    ...sortedUnique([...config.users.map((u) => u.userName), ...ruleUsers]).map(
      (name): PrincipalRef => ({ type: "USER", name }),
    ),
  ];
  return {
    refresh: options.refresh,
    everything: options.everything ?? false,
    instanceArn: settings.instanceArn,
    identitySource: settings.identitySource,
    ownershipTag: { ...settings.ownership.tag },
    ownershipGroups: settings.ownership.groups,
    ownershipUsers: settings.ownership.users,
    groups,
    users,
    managedGroups,
    permissionSets: sortedUnique(config.permissionSets.flatMap((p) => [p.name, ...p.previously])),
    principals,
    accountTags: config.assignments.some((r) => r.targets.tags !== null),
  };
}
