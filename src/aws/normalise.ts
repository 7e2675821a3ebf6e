import type { Group, User } from "@aws-sdk/client-identitystore";
import type { Account, Tag as OrgTag } from "@aws-sdk/client-organizations";
import type {
  AttachedManagedPolicy,
  PermissionsBoundary as AwsPermissionsBoundary,
  CustomerManagedPolicyReference,
  PermissionSet,
  Tag,
} from "@aws-sdk/client-sso-admin";
import { byCodeUnit, canonicalDuration, canonicalJson, sortedUnique } from "../model/canonical.ts";
import { DEFAULT_SESSION_DURATION } from "../model/config.ts";
import { AwsError } from "../model/errors.ts";
import type { AccountState, OrgAccount } from "../model/live.ts";
import type {
  CustomerManagedPolicyRef,
  GroupEntity,
  PermissionSetEntity,
  PermissionsBoundary,
  UserEntity,
} from "../model/state.ts";

/**
 * Pure conversions of AWS response shapes into the normalised entities of `src/model`
 * (sorted lists, canonical JSON and durations, `null` for absent values). Real AWS omits
 * empty lists and absent members, so every list input may be undefined.
 */

/** The IAM path AWS assumes when a customer-managed policy reference has none. */
const DEFAULT_POLICY_PATH = "/";

/** A member AWS must send; its absence is a malformed answer, not an empty value. */
export function required<T>(value: T | null | undefined, field: string, operation: string): T {
  if (value === undefined || value === null || value === "") {
    throw new AwsError({
      operation,
      message: `${operation} answered without ${field}`,
      detail: "AWS sent an incomplete answer. Run again; if it persists, report it with the command you ran.",
    });
  }
  return value;
}

/** `""` and absent both mean "not set". */
const orNull = (value: string | undefined | null): string | null =>
  value === undefined || value === null || value === "" ? null : value;

/** Tags as a record with sorted keys. */
export function tagRecord(tags: readonly (Tag | OrgTag)[] | undefined | null): Record<string, string> {
  const entries = (tags ?? [])
    .filter((t): t is { Key: string; Value: string | undefined } => typeof t.Key === "string")
    .map((t): [string, string] => [t.Key, t.Value ?? ""])
    .sort(([a], [b]) => byCodeUnit(a, b));
  return Object.fromEntries(entries);
}

/**
 * The inline policy as canonical JSON, or null when there is none: AWS answers an empty or
 * absent document for "no inline policy". A document that is not JSON (AWS validates it, so
 * only a broken answer) is kept as sent so that the diff shows it rather than hiding it.
 */
export function canonicalInlinePolicy(document: string | undefined | null): string | null {
  if (document === undefined || document === null || document.trim() === "") return null;
  try {
    return canonicalJson(JSON.parse(document));
  } catch {
    return document;
  }
}

export const policyPath = (path: string | undefined | null): string => orNull(path) ?? DEFAULT_POLICY_PATH;

/** Customer-managed policy references, sorted by path then name, path defaulted to `/`. */
export function customerManagedRefs(
  refs: readonly CustomerManagedPolicyReference[] | undefined,
): CustomerManagedPolicyRef[] {
  const seen = new Map<string, CustomerManagedPolicyRef>();
  for (const r of refs ?? []) {
    if (!r.Name) continue;
    const ref = { name: r.Name, path: policyPath(r.Path) };
    seen.set(`${ref.path}\u0000${ref.name}`, ref);
  }
  return [...seen.values()].sort((a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.name, b.name));
}

export function boundary(b: AwsPermissionsBoundary | undefined | null): PermissionsBoundary | null {
  if (!b) return null;
  if (b.ManagedPolicyArn) return { managedPolicyArn: b.ManagedPolicyArn };
  const ref = b.CustomerManagedPolicyReference;
  if (ref?.Name) return { customerManagedPolicy: { name: ref.Name, path: policyPath(ref.Path) } };
  return null;
}

/** The parts of a permission set, each from its own API call. */
export interface PermissionSetParts {
  described: PermissionSet;
  tags: readonly Tag[] | undefined | null;
  /** Null when the details were not read (an unmanaged permission set in a full read). */
  details: {
    managedPolicies: readonly AttachedManagedPolicy[] | undefined;
    customerManagedPolicies: readonly CustomerManagedPolicyReference[] | undefined;
    inlinePolicy: string | undefined;
    permissionsBoundary: AwsPermissionsBoundary | null;
  } | null;
}

export function permissionSetEntity(parts: PermissionSetParts): PermissionSetEntity {
  const { described, details } = parts;
  return {
    kind: "permissionSet",
    name: required(described.Name, "Name", "DescribePermissionSet"),
    description: orNull(described.Description),
    sessionDuration: canonicalDuration(orNull(described.SessionDuration) ?? DEFAULT_SESSION_DURATION),
    relayState: orNull(described.RelayState),
    managedPolicies: sortedUnique(
      (details?.managedPolicies ?? []).map((p) => p.Arn).filter((a): a is string => !!a),
    ),
    customerManagedPolicies: customerManagedRefs(details?.customerManagedPolicies),
    inlinePolicy: canonicalInlinePolicy(details?.inlinePolicy),
    permissionsBoundary: boundary(details?.permissionsBoundary),
    tags: tagRecord(parts.tags),
  };
}

/** A group's name: its display name (unique in a store); the id when AWS has none to give. */
export const groupName = (g: Group): string =>
  orNull(g.DisplayName) ?? required(g.GroupId, "GroupId", "ListGroups");

export function groupEntity(g: Group): GroupEntity {
  return { kind: "group", name: groupName(g), description: orNull(g.Description) };
}

/** A user's name: its unique user name; the id when AWS has none to give. */
export const userName = (u: User): string => orNull(u.UserName) ?? required(u.UserId, "UserId", "ListUsers");

export function userEntity(u: User): UserEntity {
  return {
    kind: "user",
    userName: userName(u),
    displayName: u.DisplayName ?? "",
    givenName: u.Name?.GivenName ?? "",
    familyName: u.Name?.FamilyName ?? "",
    emails: sortedUnique((u.Emails ?? []).map((e) => e.Value).filter((v): v is string => !!v)),
  };
}

/** Whether a group was provisioned by an external IdP (SCIM or Active Directory). */
export const hasExternalIds = (g: Group): boolean => (g.ExternalIds ?? []).length > 0;

/**
 * Organizations' account `State`. `Status` is retired (September 2026) and is read only when
 * an older endpoint sends no `State`; its three values map to the same names.
 */
export function accountState(a: Account): AccountState {
  return a.State ?? required(a.Status, "State", "ListAccountsForParent");
}

export function orgAccount(a: Account, ouPath: string, tags: Record<string, string>): OrgAccount {
  return {
    id: required(a.Id, "Id", "ListAccountsForParent"),
    name: a.Name ?? "",
    email: a.Email ?? "",
    state: accountState(a),
    tags,
    ouPath,
  };
}
