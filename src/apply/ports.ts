import type { RetryReason } from "../aws/retry.ts";
import type {
  CustomerManagedPolicyRef,
  GroupEntity,
  PermissionSetEntity,
  PermissionsBoundary,
  PrincipalType,
  UserEntity,
} from "../model/state.ts";

/**
 * The writer port: every write apply makes, one method per AWS call, owned by the applier and
 * implemented by `src/aws/writer.ts` (the only importer of the SDK) and by an in-memory fake in
 * the tests.
 *
 * Contract for implementations:
 * - one method call is one attempt: retrying is the executor's job (it asks `retryReason`);
 * - a failure rejects with an `AwsError` (`src/model/errors.ts`) naming the operation, AWS's error
 *   code (`awsCode`) and the request id, with the original error as `cause`;
 * - deleting something that is already gone is not a failure: the delete methods answer `false`;
 * - the identity store and permission-set methods are synchronous in AWS; assignments and
 *   provisioning answer an `OperationStatus` that is usually `IN_PROGRESS`.
 */
export interface AccessWriter {
  /** Why a failure of one of this writer's calls is worth another attempt; null when it is final. */
  retryReason(error: unknown): RetryReason | null;

  /** Creates the user (CreateUser); answers its UserId. */
  createUser(user: UserEntity): Promise<string>;
  /** Sets display name, names and e-mails to the entity's values (UpdateUser). */
  updateUser(userId: string, user: UserEntity): Promise<void>;
  deleteUser(userId: string): Promise<boolean>;
  /** Creates the group (CreateGroup); answers its GroupId. */
  createGroup(group: GroupEntity): Promise<string>;
  /** Sets the description to the entity's value, removing it when null (UpdateGroup). */
  updateGroup(groupId: string, group: GroupEntity): Promise<void>;
  deleteGroup(groupId: string): Promise<boolean>;
  /** Adds the user to the group (CreateGroupMembership); a membership that already exists is fine. */
  createMembership(groupId: string, userId: string): Promise<string>;
  deleteMembership(membershipId: string): Promise<boolean>;

  /**
   * Creates the permission set with its description, session duration, relay state and tags
   * (CreatePermissionSet); answers its ARN. Policies and the boundary are attached separately.
   */
  createPermissionSet(permissionSet: PermissionSetEntity): Promise<string>;
  /**
   * Sets description, session duration and relay state together (UpdatePermissionSet): AWS clears
   * the ones it is not sent, so all three always go.
   */
  updatePermissionSetAttributes(arn: string, permissionSet: PermissionSetEntity): Promise<void>;
  attachManagedPolicy(arn: string, policyArn: string): Promise<void>;
  detachManagedPolicy(arn: string, policyArn: string): Promise<void>;
  attachCustomerManagedPolicy(arn: string, ref: CustomerManagedPolicyRef): Promise<void>;
  detachCustomerManagedPolicy(arn: string, ref: CustomerManagedPolicyRef): Promise<void>;
  /** Replaces the inline policy with `document` (canonical JSON text). */
  putInlinePolicy(arn: string, document: string): Promise<void>;
  deleteInlinePolicy(arn: string): Promise<void>;
  putPermissionsBoundary(arn: string, boundary: PermissionsBoundary): Promise<void>;
  deletePermissionsBoundary(arn: string): Promise<void>;
  /** Adds or overwrites these tags (TagResource). */
  tagPermissionSet(arn: string, tags: Record<string, string>): Promise<void>;
  /** Removes these tag keys (UntagResource). */
  untagPermissionSet(arn: string, keys: readonly string[]): Promise<void>;
  /** Deletes the permission set; AWS refuses (ConflictException) while it is assigned or provisioned. */
  deletePermissionSet(arn: string): Promise<boolean>;

  /** ProvisionPermissionSet into one account, or into every account that holds it. */
  provisionPermissionSet(arn: string, target: ProvisionTarget): Promise<OperationStatus>;
  createAssignment(assignment: AssignmentRef): Promise<OperationStatus>;
  /** Null when there was no such assignment (AWS's ResourceNotFoundException): nothing to delete. */
  deleteAssignment(assignment: AssignmentRef): Promise<OperationStatus | null>;
  /** The current status of one request (Describe…Status). */
  describeOperation(kind: OperationKind, requestId: string): Promise<OperationStatus>;
  /**
   * Request ids of the instance's operations of this kind that are still `IN_PROGRESS`, whoever
   * started them (List…Status with `Filter.Status=IN_PROGRESS`, every page), and the number of
   * calls that cost.
   */
  listInProgress(kind: OperationKind): Promise<{ requestIds: string[]; calls: number }>;
}

/** The three kinds of asynchronous operation, each with its own status calls. */
export type OperationKind = "assignment-create" | "assignment-delete" | "provision";

export type OperationState = "IN_PROGRESS" | "SUCCEEDED" | "FAILED";

/** What AWS says about one asynchronous request. */
export interface OperationStatus {
  kind: OperationKind;
  requestId: string;
  status: OperationState;
  /** AWS's FailureReason; null unless `FAILED`. */
  failureReason: string | null;
}

/** An assignment by ids, as the assignment calls take it (all six members with the instance). */
export interface AssignmentRef {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

/** `ALL_PROVISIONED_ACCOUNTS`, or one account (`AWS_ACCOUNT`). */
export type ProvisionTarget = "ALL_PROVISIONED_ACCOUNTS" | { accountId: string };
