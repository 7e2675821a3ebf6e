import type { CustomerManagedPolicyRef, PermissionsBoundary, PrincipalType } from "./state.ts";

/** Where something was written: a file relative to the access directory, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type IdentitySource = "identity-center" | "external";

/** An `ownership.ignore` entry: an assignment matching every given field is never touched. */
export interface IgnoreRule {
  principalType?: PrincipalType;
  /** Group or user name. */
  principal?: string;
  permissionSet?: string;
  /** Account id. */
  account?: string;
}

export interface Settings {
  region: string | null;
  instanceArn: string | null;
  identitySource: IdentitySource;
  ownership: {
    /** Tag put on every permission set accessops creates; marks it as owned. */
    tag: { key: string; value: string };
    /** Regex source: undeclared live groups matching it are deleted. Null: never delete undeclared groups. */
    groups: string | null;
    /** Regex source: undeclared live users matching it are deleted. Null: never delete undeclared users. */
    users: string | null;
    ignore: IgnoreRule[];
  };
  safety: {
    /** Refuse a plan with more deletions than this unless deletions are allowed. */
    maxDeletes: number;
    /** Refuse a plan deleting more than this percentage of the managed live objects. */
    maxDeletePercent: number;
    protected: {
      /** Principal addresses, for example `group/BreakGlass` or `user/root@example.com`. */
      principals: string[];
      /** Permission set names. */
      permissionSets: string[];
      /** Account ids or names. */
      accounts: string[];
    };
  };
  /** Where the settings block was written; null when every value is a default. */
  source: SourceLocation | null;
}

export interface UserDecl {
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  emails: string[];
  source: SourceLocation;
}

export interface GroupDecl {
  name: string;
  description: string | null;
  /** User names, sorted. Empty for external groups (their members are not managed). */
  members: string[];
  /** Exists in the identity store (e.g. synced by SCIM); referenced, never written. */
  external: boolean;
  source: SourceLocation;
}

export interface PermissionSetDecl {
  name: string;
  /** Exists in AWS (e.g. made by Control Tower); referenced by assignments, never written. */
  external: boolean;
  description: string | null;
  /** Canonical ISO-8601 duration; `PT1H` when not declared. */
  sessionDuration: string;
  relayState: string | null;
  managedPolicies: string[];
  customerManagedPolicies: CustomerManagedPolicyRef[];
  /** Canonical JSON of the inline policy, loaded from a file when the YAML gives a path. */
  inlinePolicy: string | null;
  /** The file the inline policy came from (relative to the access directory), for messages. */
  inlinePolicyFile: string | null;
  permissionsBoundary: PermissionsBoundary | null;
  /** Declared tags only; the ownership tag is added when the desired state is built. */
  tags: Record<string, string>;
  /** Former names: a live permission set under one of these names is replaced by this one. */
  previously: string[];
  source: SourceLocation;
}

export interface TargetSelector {
  /** Account ids (12 digits) or account names, as written. */
  accounts: string[];
  /** OU paths from the root, for example `Root/Workloads/Prod`; nested OUs are included. */
  ous: string[];
  /** Accounts carrying all these tags. Null when not used. */
  tags: Record<string, string> | null;
  /** Every active account (the management account only when also named explicitly). */
  all: boolean;
}

export interface AssignmentRule {
  /**
   * A stable, readable identifier of the rule: `<file>#<index in that file's assignments list>`,
   * for example `assignments/platform.yaml#2`. Used in provenance and messages.
   */
  id: string;
  principal: { type: PrincipalType; name: string };
  permissionSets: string[];
  targets: TargetSelector;
  exclude: { accounts: string[]; ous: string[] };
  /** ISO-8601 instant (normalised to `toISOString()` form) after which the access is removed. */
  expires: string | null;
  /** Free text shown in plans and reports (a ticket, a justification). */
  reason: string | null;
  source: SourceLocation;
  /**
   * Locations of the rule's parts, keyed by JSON pointer inside the rule (for example
   * `/targets/accounts/1`, `/permissionSets/0`, `/principal`), so resolution errors can
   * point at the exact item.
   */
  locations: Record<string, SourceLocation>;
}

/** The typed, normalised result of loading and validating an access directory: the planner's input. */
export interface Config {
  /** Absolute path of the access directory. */
  dir: string;
  /** The YAML files that were merged, relative to `dir`, sorted. */
  files: string[];
  settings: Settings;
  users: UserDecl[];
  groups: GroupDecl[];
  permissionSets: PermissionSetDecl[];
  assignments: AssignmentRule[];
}

export const DEFAULT_OWNERSHIP_TAG = { key: "managed-by", value: "accessops" } as const;
export const DEFAULT_MAX_DELETES = 10;
export const DEFAULT_MAX_DELETE_PERCENT = 25;
export const DEFAULT_SESSION_DURATION = "PT1H";
