import type { Address, PrincipalType, State } from "./state.ts";

/** Organizations' account `State`. Only ACTIVE accounts are ever assignment targets. */
export type AccountState = "PENDING_ACTIVATION" | "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";

export interface OrgAccount {
  /** 12-digit account id. */
  id: string;
  name: string;
  email: string;
  state: AccountState;
  /** Account tags, sorted keys. */
  tags: Record<string, string>;
  /** Path of the parent OU from the root, for example `Root/Workloads/Prod` (`Root` for the root). */
  ouPath: string;
}

export interface OrgUnit {
  id: string;
  name: string;
  /** Path from the root including this OU's own name, for example `Root/Workloads/Prod`. */
  path: string;
  /** Id of the parent root or OU. */
  parentId: string;
}

/** The organisation as accessops sees it: the input of target resolution. */
export interface OrgSnapshot {
  rootId: string;
  managementAccountId: string;
  /** Sorted by id. */
  accounts: OrgAccount[];
  /** Sorted by path. */
  ous: OrgUnit[];
}

export interface InstanceRef {
  instanceArn: string;
  identityStoreId: string;
  /** The account that owns the instance (the management account for an organisation instance). */
  ownerAccountId: string;
}

/** An assignment whose principal id no longer exists in the identity store. */
export interface OrphanAssignment {
  accountId: string;
  permissionSet: string;
  principalType: PrincipalType;
  principalId: string;
}

/** Provisioning of one permission set, as `ListAccountsForProvisionedPermissionSet` reports it. */
export interface ProvisioningState {
  /** Accounts where the permission set is provisioned, sorted. */
  accounts: string[];
  /** Accounts holding a stale copy (`LATEST_PERMISSION_SET_NOT_PROVISIONED`), sorted. */
  stale: string[];
}

/**
 * Who runs accessops, as STS `GetCallerIdentity` answers. The planner's caller rail uses it to
 * refuse a plan that removes the caller's own access. Never use it to decide what is managed or
 * to resolve targets: it describes the credentials, not the configuration.
 */
export interface CallerIdentity {
  /** The caller's ARN, for messages. */
  arn: string;
  /** The account the credentials belong to. */
  accountId: string;
  /**
   * `identity-center-user`: an IAM Identity Center user signed in through a permission set (the
   * role `AWSReservedSSO_<PermissionSet>_<hash>`, the session named after the user);
   * `other`: a CI role, an IAM user or root, whose access accessops cannot trace to assignments.
   */
  kind: "identity-center-user" | "other";
  /** For `identity-center-user`: the permission set the session came through; null otherwise. */
  permissionSet: string | null;
  /** For `identity-center-user`: the user name (the role session name); null otherwise. */
  userName: string | null;
}

export type RefreshMode = "full" | "targeted";

/**
 * What the live read covered. The planner may only plan deletions of things the read
 * covered: a targeted read never implies that anything outside its scope is gone.
 */
export interface ReadCoverage {
  refresh: RefreshMode;
  /** True when every group and user of the identity store was listed. */
  allPrincipals: boolean;
  /** Principal addresses whose assignments were read completely. */
  principals: Address[];
  /** True when every permission set of the instance was listed and described. */
  allPermissionSets: boolean;
  /** Permission set names whose details and provisioning were read completely. */
  permissionSets: string[];
  /** Group names whose memberships were read completely. */
  memberships: string[];
  /**
   * How assignments were read: per principal with ListAccountAssignmentsForPrincipal, or per
   * provisioned (account, permission set) pair when that call is denied (delegated administrator).
   */
  assignmentStrategy: "per-principal" | "per-pair";
}

/**
 * The live side: the same normalised `State` as the desired side, plus the ids the applier
 * needs and the facts the planner's safety rails use. Never read `ids` in the diff: the diff
 * compares names only.
 */
export interface Live {
  instance: InstanceRef;
  state: State;
  ids: {
    /** userName -> identity-store UserId */
    users: Record<string, string>;
    /** group display name -> identity-store GroupId */
    groups: Record<string, string>;
    /** membership address -> MembershipId */
    memberships: Record<Address, string>;
    /** permission set name -> PermissionSetArn */
    permissionSets: Record<string, string>;
  };
  /** Group names that carry `ExternalIds` (provisioned by an external IdP through SCIM). */
  idpGroups: string[];
  /** Provisioning per permission set name. */
  provisioning: Record<string, ProvisioningState>;
  orphans: OrphanAssignment[];
  org: OrgSnapshot;
  /**
   * False when the caller is a delegated administrator: it cannot assign in the management
   * account, and cannot call ListAccountAssignmentsForPrincipal.
   */
  callerIsManagementAccount: boolean;
  coverage: ReadCoverage;
  /**
   * Who runs accessops (STS GetCallerIdentity). Absent when it was not read (states built by
   * hand, older snapshots): the caller rail then treats the caller as unknown.
   */
  caller?: CallerIdentity;
}
