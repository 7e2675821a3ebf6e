import { byCodeUnit, canonicalDuration, canonicalJson } from "../model/canonical.ts";
import {
  type AssignmentRule,
  type Config,
  DEFAULT_MAX_DELETE_PERCENT,
  DEFAULT_MAX_DELETES,
  DEFAULT_OWNERSHIP_TAG,
  DEFAULT_SESSION_DURATION,
  type GroupDecl,
  type IgnoreRule,
  type PermissionSetDecl,
  type Settings,
  type SourceLocation,
  type UserDecl,
} from "../model/config.ts";
import type { CustomerManagedPolicyRef, PermissionsBoundary } from "../model/state.ts";
import {
  type AssignmentInput,
  type CustomerManagedPolicyInput,
  type Declarations,
  type Entry,
  type GroupInput,
  keyWhere,
  type PermissionSetInput,
  type UserInput,
  where,
} from "./input.ts";

/** An inline policy after loading and checking: canonical JSON, and the file it came from. */
export interface LoadedPolicy {
  canonical: string;
  /** Relative to the access directory; null when written in the YAML. */
  file: string | null;
}

/**
 * Builds the normalised `Config` from declarations that passed every check: lists sorted by
 * code unit, records with sorted keys, defaults applied, durations and policies canonical.
 */
export function normalise(
  d: Declarations,
  dir: string,
  files: string[],
  policies: ReadonlyMap<Entry<PermissionSetInput>, LoadedPolicy>,
): Config {
  return {
    dir,
    files: [...files].sort(byCodeUnit),
    settings: settingsOf(d),
    users: d.users.map(userOf).sort((a, b) => byCodeUnit(a.userName, b.userName)),
    groups: d.groups.map(groupOf).sort((a, b) => byCodeUnit(a.name, b.name)),
    permissionSets: d.permissionSets
      .map((entry) => permissionSetOf(entry, policies.get(entry) ?? null))
      .sort((a, b) => byCodeUnit(a.name, b.name)),
    assignments: [...d.assignments].sort(byFileThenIndex).map(assignmentOf),
  };
}

const sorted = (values: readonly string[] | undefined): string[] => [...(values ?? [])].sort(byCodeUnit);

/** A record with its keys in code-unit order (own `__proto__` keys stay plain keys). */
const sortedRecord = (record: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodeUnit(a, b)));

const locationOf = (entry: Entry<unknown>): SourceLocation => where(entry);

const byFileThenIndex = (a: Entry<unknown>, b: Entry<unknown>): number =>
  byCodeUnit(a.source.file, b.source.file) || a.index - b.index;

function settingsOf(d: Declarations): Settings {
  const [entry] = d.settings;
  const s = entry?.data ?? {};
  const ignore: IgnoreRule[] = (s.ownership?.ignore ?? [])
    .map(
      (rule) => Object.fromEntries(Object.entries(rule).sort(([a], [b]) => byCodeUnit(a, b))) as IgnoreRule,
    )
    .sort((a, b) => byCodeUnit(canonicalJson(a), canonicalJson(b)));
  return {
    region: s.region ?? null,
    instanceArn: s.instanceArn ?? null,
    identitySource: s.identitySource ?? "identity-center",
    ownership: {
      tag: { ...(s.ownership?.tag ?? DEFAULT_OWNERSHIP_TAG) },
      groups: s.ownership?.groups ?? null,
      users: s.ownership?.users ?? null,
      ignore,
    },
    safety: {
      maxDeletes: s.safety?.maxDeletes ?? DEFAULT_MAX_DELETES,
      maxDeletePercent: s.safety?.maxDeletePercent ?? DEFAULT_MAX_DELETE_PERCENT,
      protected: {
        principals: sorted(s.safety?.protected?.principals),
        permissionSets: sorted(s.safety?.protected?.permissionSets),
        accounts: sorted(s.safety?.protected?.accounts),
      },
    },
    source: entry ? keyWhere(entry) : null,
  };
}

function userOf(entry: Entry<UserInput>): UserDecl {
  const u = entry.data;
  return {
    userName: u.userName,
    displayName: u.displayName,
    givenName: u.name.givenName,
    familyName: u.name.familyName,
    emails: sorted(u.emails),
    source: locationOf(entry),
  };
}

function groupOf(entry: Entry<GroupInput>): GroupDecl {
  const g = entry.data;
  const external = g.external === true;
  return {
    name: g.name,
    description: g.description ?? null,
    members: external ? [] : sorted(g.members),
    external,
    source: locationOf(entry),
  };
}

const policyRef = (ref: CustomerManagedPolicyInput): CustomerManagedPolicyRef => ({
  name: ref.name,
  path: ref.path ?? "/",
});

function boundaryOf(input: PermissionSetInput["permissionsBoundary"]): PermissionsBoundary | null {
  if (input?.customerManagedPolicy) return { customerManagedPolicy: policyRef(input.customerManagedPolicy) };
  if (input?.managedPolicyArn) return { managedPolicyArn: input.managedPolicyArn };
  return null;
}

function permissionSetOf(entry: Entry<PermissionSetInput>, policy: LoadedPolicy | null): PermissionSetDecl {
  const p = entry.data;
  return {
    name: p.name,
    external: p.external === true,
    description: p.description ?? null,
    sessionDuration: canonicalDuration(p.sessionDuration ?? DEFAULT_SESSION_DURATION),
    relayState: p.relayState ?? null,
    managedPolicies: sorted(p.managedPolicies),
    customerManagedPolicies: (p.customerManagedPolicies ?? [])
      .map(policyRef)
      .sort((a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.name, b.name)),
    inlinePolicy: policy?.canonical ?? null,
    inlinePolicyFile: policy?.file ?? null,
    permissionsBoundary: boundaryOf(p.permissionsBoundary),
    tags: sortedRecord(p.tags ?? {}),
    previously: sorted(p.previously),
    source: locationOf(entry),
  };
}

/** JSON pointer token escaping (RFC 6901). */
const token = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1");

function assignmentOf(entry: Entry<AssignmentInput>): AssignmentRule {
  const a = entry.data;
  const locations: Record<string, SourceLocation> = {};
  // Each list is sorted; its pointers use the sorted index, the one a consumer iterates with.
  const sortedList = (
    written: readonly string[] | undefined,
    pointer: string,
    ...path: string[]
  ): string[] => {
    const values = sorted(written);
    for (const [i, value] of values.entries()) {
      locations[`${pointer}/${i}`] = where(entry, ...path, (written ?? []).indexOf(value));
    }
    return values;
  };
  const principalType = a.principal.group !== undefined ? "GROUP" : "USER";
  const principalKey = principalType === "GROUP" ? "group" : "user";
  locations["/principal"] = where(entry, "principal");
  locations["/principal/name"] = where(entry, "principal", principalKey);
  locations["/targets"] = where(entry, "targets");
  const permissionSets = sortedList(a.permissionSets, "/permissionSets", "permissionSets");
  const targets = {
    accounts: sortedList(a.targets.accounts, "/targets/accounts", "targets", "accounts"),
    ous: sortedList(a.targets.ous, "/targets/ous", "targets", "ous"),
    tags: a.targets.tags === undefined ? null : sortedRecord(a.targets.tags),
    all: a.targets.all === true,
  };
  for (const key of Object.keys(targets.tags ?? {}))
    locations[`/targets/tags/${token(key)}`] = where(entry, "targets", "tags", key);
  if (a.targets.all !== undefined) locations["/targets/all"] = where(entry, "targets", "all");
  const exclude = {
    accounts: sortedList(a.exclude?.accounts, "/exclude/accounts", "exclude", "accounts"),
    ous: sortedList(a.exclude?.ous, "/exclude/ous", "exclude", "ous"),
  };
  if (a.exclude !== undefined) locations["/exclude"] = where(entry, "exclude");
  if (a.expires !== undefined) locations["/expires"] = where(entry, "expires");
  if (a.reason !== undefined) locations["/reason"] = where(entry, "reason");
  return {
    id: `${entry.source.file}#${entry.index}`,
    principal: { type: principalType, name: (a.principal.group ?? a.principal.user) as string },
    permissionSets,
    targets,
    exclude,
    expires: a.expires === undefined ? null : new Date(a.expires).toISOString(),
    reason: a.reason ?? null,
    source: locationOf(entry),
    locations,
  };
}
