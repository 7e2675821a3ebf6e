import { assignmentAddress } from "../model/address.ts";
import { byCodeUnit, sortedUnique } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import { ConfigError } from "../model/errors.ts";
import type { Live, OrgSnapshot } from "../model/live.ts";
import type { Provenance } from "../model/plan.ts";
import type { Address, AssignmentEntity, PermissionSetEntity, PrincipalType } from "../model/state.ts";
import { ADMINISTRATOR_PERMISSION_SET, grantsFullAccess, isAdministratorClass } from "../plan/policies.ts";
import { DEFAULT_EXPIRING_WITHIN_DAYS, resolveDesired } from "../plan/resolve.ts";
import { nearest } from "../schema/suggest.ts";

/**
 * Effective access: who can reach which account with which permission set, and why. Built from
 * the access files resolved against the organisation, or from the live instance; pure.
 */

const MS_PER_DAY = 86_400_000;

/** Where the access comes from: the files as resolved now, or what AWS holds. */
export type AccessSource = "files" | "live";

export interface ReportAccount {
  id: string;
  name: string;
  /** Path of the parent OU, `Root/...`. */
  ouPath: string;
  state: string;
}

/** A principal and, for a group, its members; null when they are unknown (an external group not read). */
export interface ReportPrincipal {
  type: PrincipalType;
  name: string;
  /** Sorted user names; always `[name]`-free for users (empty). Null: a group whose members were not read. */
  members: string[] | null;
}

/**
 * One assignment: a principal holds a permission set in an account. `rules` explain it (empty
 * when no rule of the files grants it, as for live access nobody declared).
 */
export interface Grant {
  principalType: PrincipalType;
  principalName: string;
  accountId: string;
  permissionSet: string;
  /** Administrator-class: AdministratorAccess attached, an allow-all inline policy, or Control Tower's admin set. */
  admin: boolean;
  /** The latest `expires` of the rules granting it; null when any grants it for good, or none says. */
  expires: string | null;
  /** The rules of the access files that produce this assignment, sorted by rule id. */
  rules: Provenance[];
}

/**
 * One user's access to an account through one principal: the group they are in, or a direct
 * grant (`via` is the user). `userName` is null for a group whose members are unknown.
 */
export interface AccessRow {
  userName: string | null;
  via: { type: PrincipalType; name: string };
  accountId: string;
  permissionSet: string;
  admin: boolean;
  expires: string | null;
  rules: Provenance[];
}

export interface EffectiveAccess {
  source: AccessSource;
  /** The instant expiry is judged against (ISO-8601). */
  now: string;
  expiringWithinDays: number;
  /** Every account of the organisation, sorted by id. */
  accounts: ReportAccount[];
  /** Principals holding at least one grant, groups first, each sorted by name. */
  principals: ReportPrincipal[];
  /** Grants sorted by account, principal type, principal name, permission set. */
  grants: Grant[];
}

/** Group name to sorted member user names, for groups whose members come from outside the files. */
export type GroupMembers = Readonly<Record<string, readonly string[]>>;

/**
 * A group's members, or undefined when they were not read. Own keys only: a group may be called
 * `constructor` or `toString`, which a plain lookup would find on `Object.prototype`.
 */
export function membersOf(members: GroupMembers, group: string): readonly string[] | undefined {
  return Object.hasOwn(members, group) ? members[group] : undefined;
}

/** Builds a `GroupMembers` whose keys are all own properties (`__proto__` included). */
export function groupMembers(
  entries: Iterable<readonly [string, readonly string[]]>,
): Record<string, string[]> {
  return Object.fromEntries([...entries].map(([group, list]) => [group, [...list]]));
}

export interface FromFilesInput {
  config: Config;
  org: OrgSnapshot;
  /** Members of external groups (from the identity store or a snapshot); absent groups are unknown. */
  externalMembers: GroupMembers;
  now: Date;
  expiringWithinDays?: number;
}

/**
 * Access as the files grant it now: the rules resolved against the organisation (expired rules
 * grant nothing), members of managed groups from the files, of external groups from
 * `externalMembers`. Throws `ConfigError` when the files do not resolve (an unknown account or OU).
 */
export function accessFromFiles(input: FromFilesInput): EffectiveAccess {
  const { config, org, now } = input;
  const resolved = resolveDesired(config, org, { now, callerIsManagementAccount: true });
  const errors = resolved.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new ConfigError(
      `${errors.length} problem${errors.length === 1 ? "" : "s"} resolving the access files against the organisation`,
      resolved.diagnostics,
    );
  }
  const sets = new Map<string, PermissionSetEntity>();
  for (const e of resolved.desired.values()) if (e.kind === "permissionSet") sets.set(e.name, e);

  const grants: Grant[] = [];
  for (const e of resolved.desired.values()) {
    if (e.kind !== "assignment") continue;
    grants.push(grantOf(e, resolved.provenance.get(assignmentAddress(e)) ?? [], sets));
  }
  const managed = config.settings.identitySource === "identity-center";
  const members = new Map<string, string[] | null>();
  for (const g of config.groups) {
    if (managed && !g.external) members.set(g.name, sortedUnique(g.members));
    else {
      const known = membersOf(input.externalMembers, g.name);
      members.set(g.name, known === undefined ? null : sortedUnique(known));
    }
  }
  return assemble("files", org, grants, members, now, input.expiringWithinDays);
}

/**
 * Access as AWS holds it: every live assignment, members from the live memberships (a read of
 * `everything`). `provenance` (the files resolved against the same organisation, keyed by
 * assignment address) names the rules behind each assignment where the files grant it.
 */
export function accessFromLive(
  live: Live,
  options: { now: Date; expiringWithinDays?: number; provenance?: ReadonlyMap<Address, Provenance[]> },
): EffectiveAccess {
  const sets = new Map<string, PermissionSetEntity>();
  for (const e of live.state.values()) if (e.kind === "permissionSet") sets.set(e.name, e);
  const members = new Map<string, string[] | null>(Object.entries(liveMembers(live)));
  const grants: Grant[] = [];
  for (const e of live.state.values()) {
    if (e.kind !== "assignment") continue;
    grants.push(grantOf(e, options.provenance?.get(assignmentAddress(e)) ?? [], sets));
  }
  return assemble("live", live.org, grants, members, options.now, options.expiringWithinDays);
}

/** Every live group's members (user names, sorted), by group name, as a read of `everything` saw them. */
export function liveMembers(live: Live): Record<string, string[]> {
  const members = new Map<string, string[]>();
  const of = (group: string): string[] => {
    const list = members.get(group) ?? [];
    members.set(group, list);
    return list;
  };
  for (const e of live.state.values()) {
    if (e.kind === "group") of(e.name);
    else if (e.kind === "membership") of(e.group).push(e.userName);
  }
  return groupMembers([...members].map(([group, list]) => [group, sortedUnique(list)]));
}

/**
 * The files' rules behind each assignment, resolved against `org`: the provenance `--live`
 * attaches to live assignments. Resolution problems leave the affected rules out (a live report
 * must not fail because a rule names an account that is gone).
 */
export function filesProvenance(config: Config, org: OrgSnapshot, now: Date): Map<Address, Provenance[]> {
  return resolveDesired(config, org, { now, callerIsManagementAccount: true }).provenance;
}

function grantOf(
  e: AssignmentEntity,
  rules: Provenance[],
  sets: ReadonlyMap<string, PermissionSetEntity>,
): Grant {
  return {
    principalType: e.principalType,
    principalName: e.principalName,
    accountId: e.accountId,
    permissionSet: e.permissionSet,
    admin: adminClass(e.permissionSet, sets.get(e.permissionSet)),
    expires: latestExpiry(rules),
    rules,
  };
}

function adminClass(name: string, ps: PermissionSetEntity | undefined): boolean {
  if (ps === undefined) return name === ADMINISTRATOR_PERMISSION_SET;
  return isAdministratorClass(ps) || grantsFullAccess(ps);
}

/** The latest expiry of a set of rules; null (never expires, or no rule) wins. */
function latestExpiry(rules: readonly Provenance[]): string | null {
  if (rules.length === 0) return null;
  let latest: string | null = null;
  for (const p of rules) {
    if (p.expires === null) return null;
    if (latest === null || Date.parse(p.expires) > Date.parse(latest)) latest = p.expires;
  }
  return latest;
}

function assemble(
  source: AccessSource,
  org: OrgSnapshot,
  grants: Grant[],
  members: ReadonlyMap<string, string[] | null>,
  now: Date,
  expiringWithinDays = DEFAULT_EXPIRING_WITHIN_DAYS,
): EffectiveAccess {
  grants.sort(compareGrants);
  const principals = new Map<string, ReportPrincipal>();
  for (const g of grants) {
    const key = `${g.principalType}\u0000${g.principalName}`;
    if (principals.has(key)) continue;
    principals.set(key, {
      type: g.principalType,
      name: g.principalName,
      members: g.principalType === "GROUP" ? (members.get(g.principalName) ?? null) : [],
    });
  }
  return {
    source,
    now: now.toISOString(),
    expiringWithinDays,
    accounts: [...org.accounts]
      .sort((a, b) => byCodeUnit(a.id, b.id))
      .map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath, state: a.state })),
    principals: [...principals.values()].sort(
      (a, b) => byCodeUnit(a.type, b.type) || byCodeUnit(a.name, b.name),
    ),
    grants,
  };
}

function compareGrants(a: Grant, b: Grant): number {
  return (
    byCodeUnit(a.accountId, b.accountId) ||
    byCodeUnit(a.principalType, b.principalType) ||
    byCodeUnit(a.principalName, b.principalName) ||
    byCodeUnit(a.permissionSet, b.permissionSet)
  );
}

/** What to keep: `--principal` (a group or user name) and `--account` (an id or a name). */
export interface AccessFilter {
  principal?: string | null;
  account?: string | null;
}

/**
 * The access narrowed to a principal and/or an account. A user name keeps the groups that user
 * is in (with only that user as member) and the user's direct grants; a group name keeps that
 * group. Accounts are kept whole (the matrix still lists every account of the organisation).
 */
export function filterAccess(access: EffectiveAccess, filter: AccessFilter): EffectiveAccess {
  const who = filter.principal ?? null;
  const where = filter.account ?? null;
  const account =
    where === null
      ? null
      : new Set(access.accounts.filter((a) => a.id === where || a.name === where).map((a) => a.id));
  if (account !== null && account.size === 0) {
    // Every account of the organisation is in the report: no match is a typo, not "nobody".
    const near = nearest(
      where as string,
      access.accounts.map((a) => a.name),
    );
    throw new ConfigError(
      `--account ${where} is no account of the organisation (neither an id nor a name)`,
      [],
      `${near === null ? "" : `Did you mean ${near}? `}Pass an account id or name as the organisation lists it.`,
    );
  }
  const principals = new Map<string, ReportPrincipal>();
  for (const p of access.principals) {
    if (who === null || p.name === who) principals.set(`${p.type}\u0000${p.name}`, p);
    else if (p.type === "GROUP" && p.members?.includes(who)) {
      principals.set(`${p.type}\u0000${p.name}`, { ...p, members: [who] });
    }
  }
  const grants = access.grants.filter(
    (g) =>
      principals.has(`${g.principalType}\u0000${g.principalName}`) &&
      (account === null || account.has(g.accountId)),
  );
  const kept = new Set(grants.map((g) => `${g.principalType}\u0000${g.principalName}`));
  return {
    ...access,
    principals: access.principals.flatMap((p) => {
      const key = `${p.type}\u0000${p.name}`;
      const narrowed = principals.get(key);
      return narrowed && kept.has(key) ? [narrowed] : [];
    }),
    grants,
  };
}

/**
 * Every user's access, through each group they are in and their direct grants, sorted by user,
 * account, permission set, then the principal it comes through. A group whose members are
 * unknown gives one row with a null user (sorted last); an empty group gives none.
 */
export function accessRows(access: EffectiveAccess): AccessRow[] {
  const byPrincipal = new Map(access.principals.map((p) => [`${p.type}\u0000${p.name}`, p]));
  const rows: AccessRow[] = [];
  for (const g of access.grants) {
    const base = {
      via: { type: g.principalType, name: g.principalName },
      accountId: g.accountId,
      permissionSet: g.permissionSet,
      admin: g.admin,
      expires: g.expires,
      rules: g.rules,
    };
    if (g.principalType === "USER") {
      rows.push({ userName: g.principalName, ...base });
      continue;
    }
    const members = byPrincipal.get(`${g.principalType}\u0000${g.principalName}`)?.members ?? null;
    if (members === null) rows.push({ userName: null, ...base });
    else for (const userName of members) rows.push({ userName, ...base });
  }
  // Rows without a user (members not read) go last.
  return rows.sort(
    (a, b) =>
      Number(a.userName === null) - Number(b.userName === null) ||
      byCodeUnit(a.userName ?? "", b.userName ?? "") ||
      byCodeUnit(a.accountId, b.accountId) ||
      byCodeUnit(a.permissionSet, b.permissionSet) ||
      byCodeUnit(a.via.type, b.via.type) ||
      byCodeUnit(a.via.name, b.via.name),
  );
}

/** Counts for the summary of a report. */
export interface AccessSummary {
  /** Groups and users holding at least one grant. */
  principals: number;
  groups: number;
  /** Distinct users with effective access (through groups with known members, or directly). */
  users: number;
  /** Accounts with at least one grant, and in the organisation. */
  accounts: number;
  organisationAccounts: number;
  permissionSets: number;
  grants: number;
  /** Grants of administrator-class permission sets. */
  adminGrants: number;
  /** Grants whose access ends within the look-ahead (`expiringWithinDays` from `now`). */
  expiring: number;
  /** User-level rows (`accessRows`). */
  accessRows: number;
  /** Groups holding grants whose members are unknown. */
  groupsWithUnknownMembers: number;
}

export function summarise(access: EffectiveAccess): AccessSummary {
  const rows = accessRows(access);
  const horizon = Date.parse(access.now) + access.expiringWithinDays * MS_PER_DAY;
  return {
    principals: access.principals.length,
    groups: access.principals.filter((p) => p.type === "GROUP").length,
    users: new Set(rows.flatMap((r) => (r.userName === null ? [] : [r.userName]))).size,
    accounts: new Set(access.grants.map((g) => g.accountId)).size,
    organisationAccounts: access.accounts.length,
    permissionSets: new Set(access.grants.map((g) => g.permissionSet)).size,
    grants: access.grants.length,
    adminGrants: access.grants.filter((g) => g.admin).length,
    expiring: access.grants.filter((g) => g.expires !== null && Date.parse(g.expires) <= horizon).length,
    accessRows: rows.length,
    groupsWithUnknownMembers: access.principals.filter((p) => p.type === "GROUP" && p.members === null)
      .length,
  };
}

/** One difference between two views of access: `+` what the first grants and the second does not. */
export interface AccessChange<T> {
  change: "+" | "-";
  item: T;
}

export interface AccessDiff {
  /** Grants the files give that live lacks (`+`: applying gains them) and live grants the files drop (`-`). */
  grants: AccessChange<Grant>[];
  /** The same at user level: who would gain and lose what, through which principal. */
  rows: AccessChange<AccessRow>[];
}

/**
 * What applying the files would change in effective access: `+` gained, `-` lost. Grants compare
 * by principal, account and permission set; user rows also by the principal they come through.
 */
export function diffAccess(files: EffectiveAccess, live: EffectiveAccess): AccessDiff {
  const grantKey = (g: Grant) => `${g.accountId}/${g.permissionSet}/${g.principalType}/${g.principalName}`;
  const rowKey = (r: AccessRow) =>
    `${r.userName ?? ""}\u0000${r.accountId}\u0000${r.permissionSet}\u0000${r.via.type}\u0000${r.via.name}`;
  return {
    grants: changes(files.grants, live.grants, grantKey),
    rows: changes(accessRows(files), accessRows(live), rowKey),
  };
}

function changes<T>(wanted: readonly T[], held: readonly T[], key: (t: T) => string): AccessChange<T>[] {
  const have = new Set(held.map(key));
  const want = new Set(wanted.map(key));
  return [
    ...wanted.filter((t) => !have.has(key(t))).map((item) => ({ change: "+" as const, item })),
    ...held.filter((t) => !want.has(key(t))).map((item) => ({ change: "-" as const, item })),
  ];
}
