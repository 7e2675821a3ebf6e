/**
 * The normalised state shared by the desired side (resolved from the access files) and the
 * live side (read from AWS). Both sides are built into the same shape, keyed by readable
 * addresses, with names instead of ids and server-assigned fields dropped, so that the diff
 * needs no special cases.
 *
 * Normalisation rules every producer of a `State` must follow:
 * - lists are sorted (code-unit order) and free of duplicates;
 * - absent optional values are `null`, never `undefined` or a missing key;
 * - inline policies are canonical JSON (see `canonicalJson`), tags and other records have
 *   sorted keys;
 * - session durations are canonical ISO-8601 (see `canonicalDuration`), `PT1H` when unset.
 */

export type PrincipalType = "USER" | "GROUP";

export type EntityKind = "user" | "group" | "membership" | "permissionSet" | "assignment";

/** A stable, human-readable key such as `group/Platform-Admins` (see `address.ts`). */
export type Address = string;

export interface UserEntity {
  kind: "user";
  /** The unique user name (`UserName` in the identity store). */
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  /** Sorted e-mail addresses; the first declared one is the primary address in AWS. */
  emails: string[];
}

export interface GroupEntity {
  kind: "group";
  /** The group's `DisplayName`, unique in an identity store. */
  name: string;
  description: string | null;
}

export interface MembershipEntity {
  kind: "membership";
  group: string;
  userName: string;
}

export interface CustomerManagedPolicyRef {
  name: string;
  /** IAM path, always starting and ending with `/`; `/` when not given. */
  path: string;
}

export type PermissionsBoundary =
  | { customerManagedPolicy: CustomerManagedPolicyRef; managedPolicyArn?: never }
  | { managedPolicyArn: string; customerManagedPolicy?: never };

export interface PermissionSetEntity {
  kind: "permissionSet";
  /** 1-32 characters of `[\w+=,.@-]`; immutable in AWS (a rename is a replace). */
  name: string;
  description: string | null;
  /** Canonical ISO-8601 duration, for example `PT4H`; `PT1H` when not declared. */
  sessionDuration: string;
  relayState: string | null;
  /** Sorted AWS-managed policy ARNs. */
  managedPolicies: string[];
  /** Sorted by path then name. */
  customerManagedPolicies: CustomerManagedPolicyRef[];
  /** Canonical JSON text of the inline policy, or null when there is none. */
  inlinePolicy: string | null;
  permissionsBoundary: PermissionsBoundary | null;
  /** All tags, including the ownership tag on permission sets accessops manages. */
  tags: Record<string, string>;
}

export interface AssignmentEntity {
  kind: "assignment";
  /** 12-digit AWS account id. */
  accountId: string;
  /** Permission set name (never its ARN). */
  permissionSet: string;
  principalType: PrincipalType;
  /** Group display name or user name (never the identity-store id). */
  principalName: string;
}

export type Entity = UserEntity | GroupEntity | MembershipEntity | PermissionSetEntity | AssignmentEntity;

export type EntityOf<K extends EntityKind> = Extract<Entity, { kind: K }>;

/**
 * A normalised state: every entity under its address. Producers insert in any order;
 * consumers that need determinism sort by address (`byCodeUnit`).
 */
export type State = Map<Address, Entity>;
