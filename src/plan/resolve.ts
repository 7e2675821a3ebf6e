import {
  assignmentAddress,
  groupAddress,
  membershipAddress,
  permissionSetAddress,
  userAddress,
} from "../model/address.ts";
import { byCodeUnit, canonicalDuration, sortedUnique, sortKeysDeep } from "../model/canonical.ts";
import type { AssignmentRule, Config, PermissionSetDecl, SourceLocation } from "../model/config.ts";
import type { Diagnostic } from "../model/errors.ts";
import type { OrgAccount, OrgSnapshot } from "../model/live.ts";
import type { ExpiringAccess, Provenance } from "../model/plan.ts";
import type { Address, AssignmentEntity, PermissionSetEntity, State } from "../model/state.ts";
import { indexOrg, type OrgIndex, ROOT_PATH } from "./org.ts";

/** How far ahead `expiring` looks when the caller does not say. */
export const DEFAULT_EXPIRING_WITHIN_DAYS = 7;
const MS_PER_DAY = 86_400_000;
const ACCOUNT_ID = /^\d{12}$/;

export interface ResolveOptions {
  /** The current instant: rules whose `expires` is at or before it produce nothing. */
  now: Date;
  /** False for a delegated administrator, which cannot assign in the management account. */
  callerIsManagementAccount: boolean;
  /** Look-ahead of `expiring`, in days; `DEFAULT_EXPIRING_WITHIN_DAYS` when not given. */
  expiringWithinDays?: number;
}

/**
 * Why an account a rule matched is not a target:
 * - `not-active`: suspended, closed or not yet active (never a target);
 * - `management-account`: matched by an OU, tags or `all`, but the management account is a
 *   target only when named in `targets.accounts`;
 * - `excluded`: listed in the rule's `exclude`.
 */
export type ExclusionReason = "not-active" | "management-account" | "excluded";

export interface ExcludedAccount {
  /** The rule id (`<file>#<index>`). */
  rule: string;
  accountId: string;
  accountName: string;
  reason: ExclusionReason;
  /** For humans: the account state, or which exclusion matched. Never parse it. */
  detail: string;
  /** The first selector of the rule that matched the account (accounts, then OUs, tags, `all`). */
  matchedBy: Provenance["matchedBy"];
  /** What matched, as in `Provenance.match`. */
  match: string;
}

/** The principals and permission sets the files reference but do not manage: they must exist live. */
export interface References {
  /** Group names declared `external` (or every declared group when the identity source is external), sorted. */
  groups: string[];
  /** User names that rules or group members name but the files do not manage, sorted. */
  users: string[];
  /** Names of permission sets declared `external`, sorted. */
  permissionSets: string[];
}

export interface ResolveResult {
  /** Users, groups, memberships, managed permission sets (ownership tag added) and assignments. */
  desired: State;
  /** Every rule that produces each desired assignment, sorted by rule id. */
  provenance: Map<Address, Provenance[]>;
  /** Accounts a rule matched but skipped, sorted by account id then rule. */
  excluded: ExcludedAccount[];
  /** Assignments that only expired rules produce (so a live copy is deleted), sorted by address. */
  expired: ExpiringAccess[];
  /** Desired assignments whose latest expiry falls within the look-ahead, sorted by address. */
  expiring: ExpiringAccess[];
  references: References;
  /** Ids of the accounts `settings.safety.protected.accounts` names (by id or name), sorted. */
  protectedAccounts: string[];
  /** Located problems; resolution failed when any has severity `error`. */
  diagnostics: Diagnostic[];
}

type Match = Pick<Provenance, "matchedBy" | "match">;

interface Resolution {
  entity: AssignmentEntity;
  provenance: Provenance[];
}

/**
 * Expands the access files against the organisation into the desired state. Pure: the clock and
 * the caller's identity are inputs. Problems are returned as diagnostics located at the rule item
 * (all of them, not the first), never thrown.
 */
export function resolveDesired(config: Config, org: OrgSnapshot, options: ResolveOptions): ResolveResult {
  const index = indexOrg(org);
  const desired: State = new Map();
  const diagnostics: Diagnostic[] = [];
  const identityManaged = config.settings.identitySource === "identity-center";
  const ownershipTag = config.settings.ownership.tag;

  const managedUsers = new Set<string>();
  if (identityManaged) {
    for (const u of config.users) {
      managedUsers.add(u.userName);
      desired.set(userAddress(u.userName), {
        kind: "user",
        userName: u.userName,
        displayName: u.displayName,
        givenName: u.givenName,
        familyName: u.familyName,
        emails: sortedUnique(u.emails),
      });
    }
  }

  const declaredGroups = new Set<string>();
  const referencedGroups = new Set<string>();
  const referencedUsers = new Set<string>();
  const referenceUser = (userName: string): void => {
    if (!managedUsers.has(userName)) referencedUsers.add(userName);
  };
  for (const g of config.groups) {
    declaredGroups.add(g.name);
    if (g.external || !identityManaged) {
      referencedGroups.add(g.name);
      continue;
    }
    desired.set(groupAddress(g.name), { kind: "group", name: g.name, description: g.description });
    for (const member of sortedUnique(g.members)) {
      referenceUser(member);
      desired.set(membershipAddress(g.name, member), { kind: "membership", group: g.name, userName: member });
    }
  }

  const declaredPermissionSets = new Set<string>();
  const externalPermissionSets: string[] = [];
  for (const ps of config.permissionSets) {
    declaredPermissionSets.add(ps.name);
    if (ps.external) externalPermissionSets.push(ps.name);
    else desired.set(permissionSetAddress(ps.name), desiredPermissionSet(ps, ownershipTag));
  }

  const nowMs = options.now.getTime();
  const horizonMs = nowMs + (options.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS) * MS_PER_DAY;
  const granted = new Map<Address, Resolution>();
  const expiredBy = new Map<Address, ExpiringAccess>();
  const excluded: ExcludedAccount[] = [];

  for (const rule of config.assignments) {
    const report = (pointer: string, code: string, message: string): void => {
      diagnostics.push(locate(rule, pointer, code, message));
    };
    const { principal } = rule;
    if (principal.type === "GROUP" && !declaredGroups.has(principal.name)) {
      report(
        "/principal",
        "unknown-group",
        `group "${principal.name}" is not declared: add it under groups (with external: true if your IdP syncs it), or fix the name.`,
      );
    }
    if (principal.type === "USER") referenceUser(principal.name);
    rule.permissionSets.forEach((name, i) => {
      if (!declaredPermissionSets.has(name)) {
        report(
          `/permissionSets/${i}`,
          "unknown-permission-set",
          `permission set "${name}" is not declared: add it under permissionSets (with external: true if it is made outside accessops), or fix the name.`,
        );
      }
    });

    const targets = matchTargets(rule, index, options.callerIsManagementAccount, report, excluded);
    const expiresMs = rule.expires === null ? null : Date.parse(rule.expires);
    for (const [accountId, match] of targets) {
      for (const permissionSet of new Set(rule.permissionSets)) {
        const entity: AssignmentEntity = {
          kind: "assignment",
          accountId,
          permissionSet,
          principalType: principal.type,
          principalName: principal.name,
        };
        const address = assignmentAddress(entity);
        if (rule.expires !== null && expiresMs !== null && expiresMs <= nowMs) {
          const previous = expiredBy.get(address);
          if (!previous || Date.parse(previous.expires) < expiresMs) {
            expiredBy.set(address, { address, expires: rule.expires, rule: rule.id, assignment: entity });
          }
          continue;
        }
        const provenance: Provenance = {
          rule: rule.id,
          file: rule.source.file,
          line: rule.source.line,
          ...match,
          expires: rule.expires,
          reason: rule.reason,
        };
        const existing = granted.get(address);
        if (existing) existing.provenance.push(provenance);
        else granted.set(address, { entity, provenance: [provenance] });
      }
    }
  }

  const provenance = new Map<Address, Provenance[]>();
  const expiring: ExpiringAccess[] = [];
  for (const [address, { entity, provenance: rules }] of granted) {
    rules.sort((a, b) => byCodeUnit(a.rule, b.rule));
    desired.set(address, entity);
    provenance.set(address, rules);
    const until = latestExpiry(rules);
    if (until !== null && Date.parse(until) <= horizonMs) {
      const rule = rules.find((p) => p.expires === until)?.rule ?? "";
      expiring.push({ address, expires: until, rule, assignment: entity });
    }
  }
  const expired = [...expiredBy.values()].filter((e) => !granted.has(e.address));

  excluded.sort((a, b) => byCodeUnit(a.accountId, b.accountId) || byCodeUnit(a.rule, b.rule));
  const protectedAccounts = resolveProtectedAccounts(config, index, diagnostics);
  return {
    desired,
    provenance,
    excluded,
    expired: expired.sort((a, b) => byCodeUnit(a.address, b.address)),
    expiring: expiring.sort((a, b) => byCodeUnit(a.address, b.address)),
    references: {
      groups: [...referencedGroups].sort(byCodeUnit),
      users: [...referencedUsers].sort(byCodeUnit),
      permissionSets: externalPermissionSets.sort(byCodeUnit),
    },
    protectedAccounts,
    diagnostics,
  };
}

/** The permission set as it must look live: the declaration plus the ownership tag. */
function desiredPermissionSet(
  ps: PermissionSetDecl,
  ownershipTag: { key: string; value: string },
): PermissionSetEntity {
  return {
    kind: "permissionSet",
    name: ps.name,
    description: ps.description,
    sessionDuration: canonicalDuration(ps.sessionDuration),
    relayState: ps.relayState,
    managedPolicies: sortedUnique(ps.managedPolicies),
    customerManagedPolicies: [...ps.customerManagedPolicies].sort(
      (a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.name, b.name),
    ),
    inlinePolicy: ps.inlinePolicy,
    permissionsBoundary: ps.permissionsBoundary,
    tags: sortKeysDeep({ ...ps.tags, [ownershipTag.key]: ownershipTag.value }),
  };
}

/**
 * The accounts one rule targets, each with the first selector that matched it (accounts, then
 * OUs, then tags, then `all`). Skipped accounts go to `excluded`; unknown references are reported.
 */
function matchTargets(
  rule: AssignmentRule,
  index: OrgIndex,
  callerIsManagementAccount: boolean,
  report: (pointer: string, code: string, message: string) => void,
  excluded: ExcludedAccount[],
): Map<string, Match> {
  const managementId = index.org.managementAccountId;
  const matched = new Map<string, { account: OrgAccount; match: Match }>();
  const add = (account: OrgAccount, match: Match): void => {
    if (!matched.has(account.id)) matched.set(account.id, { account, match });
  };

  rule.targets.accounts.forEach((ref, i) => {
    const pointer = `/targets/accounts/${i}`;
    const account = lookupAccount(ref, index, pointer, report);
    if (!account) return;
    if (account.id === managementId && !callerIsManagementAccount) {
      report(
        pointer,
        "management-account-delegated",
        `account "${ref}" is the management account, where a delegated administrator cannot assign access: remove it from targets.accounts, or run accessops with credentials of the management account.`,
      );
      return;
    }
    add(
      account,
      ACCOUNT_ID.test(ref)
        ? { matchedBy: "account-id", match: ref }
        : { matchedBy: "account-name", match: ref },
    );
  });
  rule.targets.ous.forEach((path, i) => {
    for (const account of lookupOu(path, index, `/targets/ous/${i}`, report)) {
      add(account, { matchedBy: "ou", match: path });
    }
  });
  const tags = rule.targets.tags;
  if (tags !== null) {
    const wanted = Object.entries(tags);
    const match = wanted.map(([k, v]) => `${k}=${v}`).join(",");
    for (const account of index.byId.values()) {
      if (wanted.every(([k, v]) => account.tags[k] === v)) add(account, { matchedBy: "tags", match });
    }
  }
  if (rule.targets.all) {
    for (const account of index.byId.values()) add(account, { matchedBy: "all", match: "all" });
  }

  const exclusions = new Map<string, string>();
  rule.exclude.accounts.forEach((ref, i) => {
    const account = lookupAccount(ref, index, `/exclude/accounts/${i}`, report);
    if (account && !exclusions.has(account.id)) exclusions.set(account.id, `exclude.accounts ${ref}`);
  });
  rule.exclude.ous.forEach((path, i) => {
    for (const account of lookupOu(path, index, `/exclude/ous/${i}`, report)) {
      if (!exclusions.has(account.id)) exclusions.set(account.id, `exclude.ous ${path}`);
    }
  });

  const targets = new Map<string, Match>();
  for (const [id, { account, match }] of matched) {
    const skip = (reason: ExclusionReason, detail: string): void => {
      excluded.push({ rule: rule.id, accountId: id, accountName: account.name, reason, detail, ...match });
    };
    const exclusion = exclusions.get(id);
    const explicit = match.matchedBy === "account-id" || match.matchedBy === "account-name";
    if (exclusion !== undefined) skip("excluded", exclusion);
    else if (account.state !== "ACTIVE") skip("not-active", account.state);
    else if (id === managementId && !explicit) {
      skip("management-account", "the management account is a target only when named in targets.accounts");
    } else targets.set(id, match);
  }
  return targets;
}

/** Protected accounts by id; a name or id the organisation does not know is an error, never ignored. */
function resolveProtectedAccounts(config: Config, index: OrgIndex, diagnostics: Diagnostic[]): string[] {
  const at: SourceLocation = config.settings.source ?? { file: config.files[0] ?? "", line: 0, column: 0 };
  const ids = new Set<string>();
  for (const ref of config.settings.safety.protected.accounts) {
    const account = lookupAccount(ref, index, "", (_pointer, code, message) => {
      diagnostics.push({
        severity: "error",
        file: at.file,
        line: at.line,
        column: at.column,
        code,
        message: `settings.safety.protected.accounts: ${message}`,
      });
    });
    if (account) ids.add(account.id);
  }
  return [...ids].sort(byCodeUnit);
}

function lookupAccount(
  ref: string,
  index: OrgIndex,
  pointer: string,
  report: (pointer: string, code: string, message: string) => void,
): OrgAccount | undefined {
  if (ACCOUNT_ID.test(ref)) {
    const account = index.byId.get(ref);
    if (!account) {
      report(
        pointer,
        "unknown-account",
        `account id ${ref} is not in the organisation: fix the id, or remove it if the account was closed.`,
      );
    }
    return account;
  }
  const named = index.byName.get(ref) ?? [];
  if (named.length === 1) return named[0];
  if (named.length === 0) {
    report(
      pointer,
      "unknown-account",
      `no account in the organisation is named "${ref}": fix the name (case matters) or use the 12-digit account id.`,
    );
  } else {
    report(
      pointer,
      "ambiguous-account",
      `${named.length} accounts are named "${ref}" (${named.map((a) => a.id).join(", ")}): use the account id instead.`,
    );
  }
  return undefined;
}

function lookupOu(
  path: string,
  index: OrgIndex,
  pointer: string,
  report: (pointer: string, code: string, message: string) => void,
): OrgAccount[] {
  const accounts = index.underOu.get(path);
  if (accounts) return accounts;
  const near = [...index.underOu.keys()].find((p) => p.toLowerCase() === path.toLowerCase());
  const hint = near
    ? `did you mean ${near}?`
    : `OU paths start at ${ROOT_PATH}, for example ${ROOT_PATH}/Workloads/Prod.`;
  report(pointer, "unknown-ou", `OU path "${path}" is not in the organisation: ${hint}`);
  return [];
}

function locate(rule: AssignmentRule, pointer: string, code: string, message: string): Diagnostic {
  const at: SourceLocation = rule.locations[pointer] ?? rule.source;
  return { severity: "error", file: at.file, line: at.line, column: at.column, message, code };
}

/** The latest expiry of a set of provenances; null (never expires) wins. */
function latestExpiry(rules: readonly Provenance[]): string | null {
  let latest: string | null = null;
  for (const p of rules) {
    if (p.expires === null) return null;
    if (latest === null || Date.parse(p.expires) > Date.parse(latest)) latest = p.expires;
  }
  return latest;
}
