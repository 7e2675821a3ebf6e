import type { AccountState } from "../model/live.ts";
import type { PrincipalType } from "../model/state.ts";
import { SortedMap } from "./sorted-map.ts";

/**
 * The emulator's in-memory store. Every list the API serves has an index here so that each
 * call costs O(result): assignments by (account, permission set) and by principal,
 * provisioning by permission set and by account, memberships by group and by member.
 * Times are epoch milliseconds; handlers convert them to epoch seconds on the wire.
 */

export type IdentitySourceMode = "identity-center" | "external" | "active-directory";

/** A customer-managed IAM policy as IAM names it: path (`/` or `/a/b/`) and name. */
export interface PolicyRef {
  name: string;
  path: string;
}

export const policyRefKey = (ref: PolicyRef): string => `${ref.path}${ref.name}`;

export interface InstanceRec {
  arn: string;
  /** The `ssoins-...` part of the ARN. */
  id: string;
  identityStoreId: string;
  ownerAccountId: string;
  name: string | null;
  createdMs: number;
}

export interface OrganizationRec {
  id: string;
  rootId: string;
  rootName: string;
  managementAccountId: string;
  rootTags: Map<string, string>;
}

export interface OuRec {
  id: string;
  name: string;
  parentId: string;
  tags: Map<string, string>;
}

export interface AccountRec {
  id: string;
  name: string;
  email: string;
  state: AccountState;
  parentId: string;
  tags: Map<string, string>;
  joinedMethod: "INVITED" | "CREATED";
  joinedMs: number;
  /**
   * Keys (`path + name`) of the customer-managed IAM policies that exist in the account, or
   * null when the seed did not say (then every reference is taken to exist).
   */
  iamPolicies: Set<string> | null;
}

export interface ProvisionedCopy {
  accountId: string;
  /** The permission-set version this account holds; stale when below the set's `version`. */
  version: number;
  /** True while the copy is being removed after the last assignment went away. */
  deprovisioning: boolean;
}

export type BoundaryRec = { kind: "managed"; arn: string } | { kind: "customer"; ref: PolicyRef };

export interface PermissionSetRec {
  arn: string;
  /** The `ps-...` part of the ARN. */
  id: string;
  name: string;
  description: string | null;
  sessionDuration: string | null;
  relayState: string | null;
  createdMs: number;
  /** AWS-managed policy ARN -> policy name, in attachment order. */
  managedPolicies: Map<string, string>;
  /** `policyRefKey` -> reference, in attachment order. */
  customerPolicies: Map<string, PolicyRef>;
  inlinePolicy: string | null;
  boundary: BoundaryRec | null;
  tags: Map<string, string>;
  /** Bumped by every change that needs re-provisioning (not by tag changes). */
  version: number;
  /** Provisioned copies by account id. */
  provisioned: SortedMap<ProvisionedCopy>;
}

export interface AssignmentRec {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
  /** List calls show the assignment only from this time on (read-after-write lag). */
  visibleFromMs: number;
}

export interface ExternalIdRec {
  issuer: string;
  id: string;
}

export interface GroupRec {
  id: string;
  displayName: string | null;
  description: string | null;
  externalIds: ExternalIdRec[];
  createdMs: number;
  updatedMs: number;
}

export interface UserRec {
  id: string;
  /**
   * The user's attributes as the identitystore API names them (`UserName`, `Name`, `Emails`,
   * ...), without `IdentityStoreId`, `UserId`, `ExternalIds` and timestamps.
   */
  attributes: Record<string, unknown>;
  externalIds: ExternalIdRec[];
  createdMs: number;
  updatedMs: number;
}

export interface MembershipRec {
  id: string;
  groupId: string;
  userId: string;
  createdMs: number;
  updatedMs: number;
}

export type OpStatus = "IN_PROGRESS" | "FAILED" | "SUCCEEDED";

export interface AssignmentOpRec {
  kind: "create" | "delete";
  requestId: string;
  status: OpStatus;
  failureReason: string | null;
  createdMs: number;
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

export interface ProvisionOpRec {
  kind: "provision";
  requestId: string;
  status: OpStatus;
  failureReason: string | null;
  createdMs: number;
  /** Set for `AWS_ACCOUNT` targets. */
  accountId: string | null;
  permissionSetArn: string;
}

export type AsyncOpRec = AssignmentOpRec | ProvisionOpRec;

/** A request history of one kind, readable by status (`List...Status` with `Filter.Status`). */
export class OpHistory<T extends AsyncOpRec> {
  readonly byId = new Map<string, T>();
  readonly all = new SortedMap<T>();
  readonly byStatus: Record<OpStatus, SortedMap<T>> = {
    IN_PROGRESS: new SortedMap(),
    FAILED: new SortedMap(),
    SUCCEEDED: new SortedMap(),
  };

  static key(op: AsyncOpRec): string {
    return `${String(op.createdMs).padStart(15, "0")}|${op.requestId}`;
  }

  add(op: T): void {
    const key = OpHistory.key(op);
    this.byId.set(op.requestId, op);
    this.all.set(key, op);
    this.byStatus[op.status].set(key, op);
  }

  setStatus(op: T, status: OpStatus, failureReason: string | null): void {
    const key = OpHistory.key(op);
    this.byStatus[op.status].delete(key);
    op.status = status;
    op.failureReason = failureReason;
    this.byStatus[status].set(key, op);
  }
}

export const pairKey = (accountId: string, permissionSetArn: string): string =>
  `${accountId}|${permissionSetArn}`;
export const principalKey = (type: PrincipalType, id: string): string => `${type}|${id}`;
export const assignmentKey = (a: Omit<AssignmentRec, "visibleFromMs">): string =>
  `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;

export class Store {
  identitySource: IdentitySourceMode = "identity-center";
  callerAccountId = "";
  /** Who the credentials belong to, as STS GetCallerIdentity answers (an ARN in `callerAccountId`). */
  callerArn = "";
  instance!: InstanceRec;
  organization!: OrganizationRec;

  readonly ous = new SortedMap<OuRec>();
  readonly accounts = new SortedMap<AccountRec>();
  /** Children of each root/OU id: OU ids and account ids. */
  readonly childOus = new Map<string, SortedMap<OuRec>>();
  readonly childAccounts = new Map<string, SortedMap<AccountRec>>();

  readonly permissionSets = new SortedMap<PermissionSetRec>();
  readonly permissionSetsByName = new Map<string, PermissionSetRec>();
  /** Account id -> permission sets provisioned there (keyed by ARN). */
  readonly provisionedByAccount = new Map<string, SortedMap<PermissionSetRec>>();

  readonly assignments = new Map<string, AssignmentRec>();
  /** `pairKey` -> assignments keyed by `principalKey`. */
  readonly assignmentsByPair = new Map<string, SortedMap<AssignmentRec>>();
  /** `principalKey` -> assignments keyed by `pairKey`. */
  readonly assignmentsByPrincipal = new Map<string, SortedMap<AssignmentRec>>();
  /** Permission set ARN -> number of assignments. */
  readonly assignmentCountByPermissionSet = new Map<string, number>();

  readonly groups = new SortedMap<GroupRec>();
  readonly groupsByName = new Map<string, GroupRec>();
  readonly users = new SortedMap<UserRec>();
  readonly usersByName = new Map<string, UserRec>();
  /** E-mail value -> user ids holding it. */
  readonly usersByEmail = new Map<string, Set<string>>();
  /** `issuer\0id` -> group or user id. */
  readonly externalIds = new Map<string, string>();
  readonly memberships = new Map<string, MembershipRec>();
  /** Group id -> memberships keyed by membership id. */
  readonly membershipsByGroup = new Map<string, SortedMap<MembershipRec>>();
  /** User id -> memberships keyed by membership id. */
  readonly membershipsByUser = new Map<string, SortedMap<MembershipRec>>();
  /** `groupId|userId` -> membership. */
  readonly membershipsByPair = new Map<string, MembershipRec>();

  readonly creations = new OpHistory<AssignmentOpRec>();
  readonly deletions = new OpHistory<AssignmentOpRec>();
  readonly provisionings = new OpHistory<ProvisionOpRec>();

  // Organizations

  addOu(ou: OuRec): void {
    this.ous.set(ou.id, ou);
    bucket(this.childOus, ou.parentId).set(ou.id, ou);
  }

  addAccount(account: AccountRec): void {
    this.accounts.set(account.id, account);
    bucket(this.childAccounts, account.parentId).set(account.id, account);
  }

  // Permission sets

  addPermissionSet(ps: PermissionSetRec): void {
    this.permissionSets.set(ps.arn, ps);
    this.permissionSetsByName.set(ps.name, ps);
  }

  removePermissionSet(ps: PermissionSetRec): void {
    this.permissionSets.delete(ps.arn);
    this.permissionSetsByName.delete(ps.name);
  }

  setProvisioned(ps: PermissionSetRec, accountId: string, version: number): void {
    ps.provisioned.set(accountId, { accountId, version, deprovisioning: false });
    bucket(this.provisionedByAccount, accountId).set(ps.arn, ps);
  }

  removeProvisioned(ps: PermissionSetRec, accountId: string): void {
    ps.provisioned.delete(accountId);
    const b = this.provisionedByAccount.get(accountId);
    b?.delete(ps.arn);
    if (b && b.size === 0) this.provisionedByAccount.delete(accountId);
  }

  // Assignments

  addAssignment(a: AssignmentRec): void {
    const key = assignmentKey(a);
    if (this.assignments.has(key)) return;
    this.assignments.set(key, a);
    this.assignmentCountByPermissionSet.set(
      a.permissionSetArn,
      (this.assignmentCountByPermissionSet.get(a.permissionSetArn) ?? 0) + 1,
    );
    bucket(this.assignmentsByPair, pairKey(a.accountId, a.permissionSetArn)).set(
      principalKey(a.principalType, a.principalId),
      a,
    );
    bucket(this.assignmentsByPrincipal, principalKey(a.principalType, a.principalId)).set(
      pairKey(a.accountId, a.permissionSetArn),
      a,
    );
  }

  removeAssignment(a: AssignmentRec): void {
    if (!this.assignments.delete(assignmentKey(a))) return;
    const left = (this.assignmentCountByPermissionSet.get(a.permissionSetArn) ?? 1) - 1;
    if (left > 0) this.assignmentCountByPermissionSet.set(a.permissionSetArn, left);
    else this.assignmentCountByPermissionSet.delete(a.permissionSetArn);
    unbucket(
      this.assignmentsByPair,
      pairKey(a.accountId, a.permissionSetArn),
      principalKey(a.principalType, a.principalId),
    );
    unbucket(
      this.assignmentsByPrincipal,
      principalKey(a.principalType, a.principalId),
      pairKey(a.accountId, a.permissionSetArn),
    );
  }

  assignmentCountForPair(accountId: string, permissionSetArn: string): number {
    return this.assignmentsByPair.get(pairKey(accountId, permissionSetArn))?.size ?? 0;
  }

  // Identity store

  addGroup(g: GroupRec): void {
    this.groups.set(g.id, g);
    if (g.displayName !== null) this.groupsByName.set(g.displayName, g);
    for (const e of g.externalIds) this.externalIds.set(externalKey(e), g.id);
  }

  removeGroup(g: GroupRec): void {
    this.groups.delete(g.id);
    if (g.displayName !== null && this.groupsByName.get(g.displayName) === g) {
      this.groupsByName.delete(g.displayName);
    }
    for (const e of g.externalIds) this.externalIds.delete(externalKey(e));
    for (const m of [...(this.membershipsByGroup.get(g.id)?.values() ?? [])]) this.removeMembership(m);
  }

  renameGroup(g: GroupRec, displayName: string | null): void {
    if (g.displayName !== null && this.groupsByName.get(g.displayName) === g) {
      this.groupsByName.delete(g.displayName);
    }
    g.displayName = displayName;
    if (displayName !== null) this.groupsByName.set(displayName, g);
  }

  addUser(u: UserRec): void {
    this.users.set(u.id, u);
    this.indexUser(u);
    for (const e of u.externalIds) this.externalIds.set(externalKey(e), u.id);
  }

  removeUser(u: UserRec): void {
    this.users.delete(u.id);
    this.unindexUser(u);
    for (const e of u.externalIds) this.externalIds.delete(externalKey(e));
    for (const m of [...(this.membershipsByUser.get(u.id)?.values() ?? [])]) this.removeMembership(m);
  }

  /** Replaces a user's attributes, keeping the name and e-mail indexes right. */
  setUserAttributes(u: UserRec, attributes: Record<string, unknown>): void {
    this.unindexUser(u);
    u.attributes = attributes;
    this.indexUser(u);
  }

  addMembership(m: MembershipRec): void {
    this.memberships.set(m.id, m);
    bucket(this.membershipsByGroup, m.groupId).set(m.id, m);
    bucket(this.membershipsByUser, m.userId).set(m.id, m);
    this.membershipsByPair.set(`${m.groupId}|${m.userId}`, m);
  }

  removeMembership(m: MembershipRec): void {
    this.memberships.delete(m.id);
    unbucket(this.membershipsByGroup, m.groupId, m.id);
    unbucket(this.membershipsByUser, m.userId, m.id);
    this.membershipsByPair.delete(`${m.groupId}|${m.userId}`);
  }

  private indexUser(u: UserRec): void {
    const name = userName(u);
    if (name !== null) this.usersByName.set(name, u);
    for (const email of userEmails(u)) {
      let ids = this.usersByEmail.get(email);
      if (!ids) {
        ids = new Set();
        this.usersByEmail.set(email, ids);
      }
      ids.add(u.id);
    }
  }

  private unindexUser(u: UserRec): void {
    const name = userName(u);
    if (name !== null && this.usersByName.get(name) === u) this.usersByName.delete(name);
    for (const email of userEmails(u)) {
      const ids = this.usersByEmail.get(email);
      ids?.delete(u.id);
      if (ids && ids.size === 0) this.usersByEmail.delete(email);
    }
  }
}

export const externalKey = (e: ExternalIdRec): string => `${e.issuer}\u0000${e.id}`;

export function userName(u: UserRec): string | null {
  const v = u.attributes.UserName;
  return typeof v === "string" ? v : null;
}

export function userEmails(u: UserRec): string[] {
  const emails = u.attributes.Emails;
  if (!Array.isArray(emails)) return [];
  return emails
    .map((e) => (e !== null && typeof e === "object" ? (e as { Value?: unknown }).Value : undefined))
    .filter((v): v is string => typeof v === "string");
}

function bucket<V>(index: Map<string, SortedMap<V>>, key: string): SortedMap<V> {
  let b = index.get(key);
  if (!b) {
    b = new SortedMap<V>();
    index.set(key, b);
  }
  return b;
}

function unbucket<V>(index: Map<string, SortedMap<V>>, key: string, inner: string): void {
  const b = index.get(key);
  if (!b) return;
  b.delete(inner);
  if (b.size === 0) index.delete(key);
}
