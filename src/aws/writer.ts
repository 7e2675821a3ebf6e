import {
  type AttributeOperation,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  GetGroupMembershipIdCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-identitystore";
import {
  type AccountAssignmentOperationStatus,
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DeletePermissionSetCommand,
  DeletePermissionsBoundaryFromPermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  DetachCustomerManagedPolicyReferenceFromPermissionSetCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetProvisioningStatusCommand,
  type PermissionSetProvisioningStatus,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import type {
  AccessWriter,
  AssignmentRef,
  OperationKind,
  OperationState,
  OperationStatus,
  ProvisionTarget,
} from "../apply/ports.ts";
import { AwsError } from "../model/errors.ts";
import type { InstanceRef } from "../model/live.ts";
import type { CustomerManagedPolicyRef, PermissionSetEntity, UserEntity } from "../model/state.ts";
import { type CallSite, call, iamAction, readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import { policyPath, required } from "./normalise.ts";
import { PAGE_SIZE } from "./read-identity.ts";
import type { RetryPolicy, RetryReason } from "./retry.ts";

/**
 * The writer: the applier's `AccessWriter` port over the SDK clients. Every call goes through the
 * connection's pacing limiter (the same one the reader uses) and makes exactly one attempt; the
 * executor decides about retries with `retryReason`. Failures are `AwsError`s naming the
 * operation and AWS's code, with the SDK error as cause.
 */

/** The identity store's `ConflictException` reason for a name (or membership) that is taken: final. */
const UNIQUENESS_CONSTRAINT_VIOLATION = "UNIQUENESS_CONSTRAINT_VIOLATION";

/**
 * Operations whose `ConflictException` can only mean "the name is taken": retrying cannot help.
 * Every other sso-admin conflict is "a conflicting operation in process" (AWS recommends retrying).
 */
const FINAL_CONFLICT_OPERATIONS: ReadonlySet<string> = new Set(["CreatePermissionSet"]);

const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied"]);

/** Status values AWS may answer; anything else is a malformed answer. */
const STATES: ReadonlySet<string> = new Set<OperationState>(["IN_PROGRESS", "SUCCEEDED", "FAILED"]);

interface ErrorFields {
  Reason?: unknown;
}

export function createWriter(ctx: AwsContext, instance: InstanceRef): AccessWriter {
  const once: RetryPolicy = { ...ctx.retry, retryOn: [] };
  const single: AwsContext = { ...ctx, retry: once };
  const InstanceArn = instance.instanceArn;
  const IdentityStoreId = instance.identityStoreId;

  const sso = (operation: string, address: string | null): CallSite => ({
    service: "sso-admin",
    operation,
    address,
  });
  const ids = (operation: string, address: string | null): CallSite => ({
    service: "identitystore",
    operation,
    address,
  });

  /** One attempt; an access-denied answer names the apply role policy rather than the read one. */
  async function attempt<T>(site: CallSite, fn: () => Promise<T>): Promise<T> {
    try {
      return await call(ctx, site, fn, once);
    } catch (error) {
      if (error instanceof AwsError && error.awsCode !== null && ACCESS_DENIED.has(error.awsCode)) {
        throw new AwsError(
          {
            operation: error.operation,
            address: error.address,
            awsCode: error.awsCode,
            requestId: error.requestId,
            message: error.message,
            detail: `The credentials in use may not call ${iamAction(site)}. Grant the role that runs accessops apply the actions of docs/iam/apply-role-policy.json, then run again.`,
          },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Runs a delete; AWS's ResourceNotFoundException means it is already gone (false). */
  async function deleting(site: CallSite, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await attempt(site, fn);
      return true;
    } catch (error) {
      if (error instanceof AwsError && error.awsCode === "ResourceNotFoundException") return false;
      throw error;
    }
  }

  /**
   * Runs an attach; a `ConflictException` is checked against the permission set's current list,
   * so an attach whose first attempt did go through (its answer lost) counts as done.
   */
  async function attaching(site: CallSite, fn: () => Promise<unknown>, isAttached: () => Promise<boolean>) {
    try {
      await attempt(site, fn);
    } catch (error) {
      if (error instanceof AwsError && error.awsCode === "ConflictException" && (await isAttached())) return;
      throw error;
    }
  }

  const psIds = (arn: string) => ({ InstanceArn, PermissionSetArn: arn });

  const userPayload = (user: UserEntity) => ({
    DisplayName: user.displayName,
    Name: { GivenName: user.givenName, FamilyName: user.familyName },
    Emails: user.emails.map((value, i) => ({ Value: value, Type: "work", Primary: i === 0 })),
  });

  return {
    retryReason(error: unknown): RetryReason | null {
      const cause = error instanceof AwsError && error.cause !== undefined ? error.cause : error;
      const reason = ctx.retry.classify(cause);
      if (reason !== "conflict") return reason;
      if (error instanceof AwsError && FINAL_CONFLICT_OPERATIONS.has(error.operation)) return null;
      const fields = cause !== null && typeof cause === "object" ? (cause as ErrorFields) : {};
      return fields.Reason === UNIQUENESS_CONSTRAINT_VIOLATION ? null : reason;
    },

    async createUser(user) {
      const out = await attempt(ids("CreateUser", `user/${user.userName}`), () =>
        ctx.identityStore.send(
          new CreateUserCommand({ IdentityStoreId, UserName: user.userName, ...userPayload(user) }),
        ),
      );
      return required(out.UserId, "UserId", "CreateUser");
    },

    async updateUser(userId, user) {
      const payload = userPayload(user);
      const Operations: AttributeOperation[] = [
        { AttributePath: "displayName", AttributeValue: payload.DisplayName },
        { AttributePath: "name.givenName", AttributeValue: user.givenName },
        { AttributePath: "name.familyName", AttributeValue: user.familyName },
        {
          AttributePath: "emails",
          AttributeValue: payload.Emails.map((e) => ({ value: e.Value, type: e.Type, primary: e.Primary })),
        },
      ];
      await attempt(ids("UpdateUser", `user/${user.userName}`), () =>
        ctx.identityStore.send(new UpdateUserCommand({ IdentityStoreId, UserId: userId, Operations })),
      );
    },

    deleteUser: (userId) =>
      deleting(ids("DeleteUser", userId), () =>
        ctx.identityStore.send(new DeleteUserCommand({ IdentityStoreId, UserId: userId })),
      ),

    async createGroup(group) {
      const out = await attempt(ids("CreateGroup", `group/${group.name}`), () =>
        ctx.identityStore.send(
          new CreateGroupCommand({
            IdentityStoreId,
            DisplayName: group.name,
            ...(group.description === null ? {} : { Description: group.description }),
          }),
        ),
      );
      return required(out.GroupId, "GroupId", "CreateGroup");
    },

    async updateGroup(groupId, group) {
      // No value removes the attribute.
      const Operations: AttributeOperation[] = [
        group.description === null
          ? { AttributePath: "description" }
          : { AttributePath: "description", AttributeValue: group.description },
      ];
      await attempt(ids("UpdateGroup", `group/${group.name}`), () =>
        ctx.identityStore.send(new UpdateGroupCommand({ IdentityStoreId, GroupId: groupId, Operations })),
      );
    },

    deleteGroup: (groupId) =>
      deleting(ids("DeleteGroup", groupId), () =>
        ctx.identityStore.send(new DeleteGroupCommand({ IdentityStoreId, GroupId: groupId })),
      ),

    async createMembership(groupId, userId) {
      const input = { IdentityStoreId, GroupId: groupId, MemberId: { UserId: userId } };
      const address = `membership ${groupId}/${userId}`;
      try {
        const out = await attempt(ids("CreateGroupMembership", address), () =>
          ctx.identityStore.send(new CreateGroupMembershipCommand(input)),
        );
        return required(out.MembershipId, "MembershipId", "CreateGroupMembership");
      } catch (error) {
        if (!(error instanceof AwsError && error.awsCode === "ConflictException")) throw error;
        // Already a member (an earlier attempt went through): that membership is the one. Not a
        // member: the conflict was a concurrent modification, and it is the error to retry on.
        const conflict = error;
        const found = await attempt(ids("GetGroupMembershipId", address), () =>
          ctx.identityStore.send(new GetGroupMembershipIdCommand(input)),
        ).catch((lookup: unknown) => {
          throw lookup instanceof AwsError && lookup.awsCode === "ResourceNotFoundException"
            ? conflict
            : lookup;
        });
        return required(found.MembershipId, "MembershipId", "GetGroupMembershipId");
      }
    },

    deleteMembership: (membershipId) =>
      deleting(ids("DeleteGroupMembership", membershipId), () =>
        ctx.identityStore.send(
          new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId: membershipId }),
        ),
      ),

    async createPermissionSet(ps: PermissionSetEntity) {
      const tags = Object.entries(ps.tags).map(([Key, Value]) => ({ Key, Value }));
      const out = await attempt(sso("CreatePermissionSet", `permission-set/${ps.name}`), () =>
        ctx.ssoAdmin.send(
          new CreatePermissionSetCommand({
            InstanceArn,
            Name: ps.name,
            SessionDuration: ps.sessionDuration,
            ...(ps.description === null ? {} : { Description: ps.description }),
            ...(ps.relayState === null ? {} : { RelayState: ps.relayState }),
            ...(tags.length > 0 ? { Tags: tags } : {}),
          }),
        ),
      );
      return required(out.PermissionSet?.PermissionSetArn, "PermissionSetArn", "CreatePermissionSet");
    },

    async updatePermissionSetAttributes(arn, ps) {
      await attempt(sso("UpdatePermissionSet", `permission-set/${ps.name}`), () =>
        ctx.ssoAdmin.send(
          new UpdatePermissionSetCommand({
            ...psIds(arn),
            SessionDuration: ps.sessionDuration,
            ...(ps.description === null ? {} : { Description: ps.description }),
            ...(ps.relayState === null ? {} : { RelayState: ps.relayState }),
          }),
        ),
      );
    },

    attachManagedPolicy: (arn, policyArn) =>
      attaching(
        sso("AttachManagedPolicyToPermissionSet", arn),
        () =>
          ctx.ssoAdmin.send(
            new AttachManagedPolicyToPermissionSetCommand({ ...psIds(arn), ManagedPolicyArn: policyArn }),
          ),
        async () => {
          const site = sso("ListManagedPoliciesInPermissionSet", arn);
          const attached = await readAll(single, site, async (NextToken) => {
            const out = await ctx.ssoAdmin.send(
              new ListManagedPoliciesInPermissionSetCommand({
                ...psIds(arn),
                MaxResults: PAGE_SIZE,
                NextToken,
              }),
            );
            return { items: out.AttachedManagedPolicies, next: out.NextToken };
          });
          return attached.some((p) => p.Arn === policyArn);
        },
      ),

    async detachManagedPolicy(arn, policyArn) {
      await deleting(sso("DetachManagedPolicyFromPermissionSet", arn), () =>
        ctx.ssoAdmin.send(
          new DetachManagedPolicyFromPermissionSetCommand({ ...psIds(arn), ManagedPolicyArn: policyArn }),
        ),
      );
    },

    attachCustomerManagedPolicy: (arn, ref) =>
      attaching(
        sso("AttachCustomerManagedPolicyReferenceToPermissionSet", arn),
        () =>
          ctx.ssoAdmin.send(
            new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
              ...psIds(arn),
              CustomerManagedPolicyReference: policyRef(ref),
            }),
          ),
        async () => {
          const site = sso("ListCustomerManagedPolicyReferencesInPermissionSet", arn);
          const attached = await readAll(single, site, async (NextToken) => {
            const out = await ctx.ssoAdmin.send(
              new ListCustomerManagedPolicyReferencesInPermissionSetCommand({
                ...psIds(arn),
                MaxResults: PAGE_SIZE,
                NextToken,
              }),
            );
            return { items: out.CustomerManagedPolicyReferences, next: out.NextToken };
          });
          return attached.some((r) => r.Name === ref.name && policyPath(r.Path) === ref.path);
        },
      ),

    async detachCustomerManagedPolicy(arn, ref) {
      await deleting(sso("DetachCustomerManagedPolicyReferenceFromPermissionSet", arn), () =>
        ctx.ssoAdmin.send(
          new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({
            ...psIds(arn),
            CustomerManagedPolicyReference: policyRef(ref),
          }),
        ),
      );
    },

    async putInlinePolicy(arn, document) {
      await attempt(sso("PutInlinePolicyToPermissionSet", arn), () =>
        ctx.ssoAdmin.send(
          new PutInlinePolicyToPermissionSetCommand({ ...psIds(arn), InlinePolicy: document }),
        ),
      );
    },

    async deleteInlinePolicy(arn) {
      await deleting(sso("DeleteInlinePolicyFromPermissionSet", arn), () =>
        ctx.ssoAdmin.send(new DeleteInlinePolicyFromPermissionSetCommand(psIds(arn))),
      );
    },

    async putPermissionsBoundary(arn, boundary) {
      const PermissionsBoundary = boundary.customerManagedPolicy
        ? { CustomerManagedPolicyReference: policyRef(boundary.customerManagedPolicy) }
        : { ManagedPolicyArn: boundary.managedPolicyArn };
      await attempt(sso("PutPermissionsBoundaryToPermissionSet", arn), () =>
        ctx.ssoAdmin.send(
          new PutPermissionsBoundaryToPermissionSetCommand({ ...psIds(arn), PermissionsBoundary }),
        ),
      );
    },

    async deletePermissionsBoundary(arn) {
      await deleting(sso("DeletePermissionsBoundaryFromPermissionSet", arn), () =>
        ctx.ssoAdmin.send(new DeletePermissionsBoundaryFromPermissionSetCommand(psIds(arn))),
      );
    },

    async tagPermissionSet(arn, tags) {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      await attempt(sso("TagResource", arn), () =>
        ctx.ssoAdmin.send(new TagResourceCommand({ InstanceArn, ResourceArn: arn, Tags })),
      );
    },

    async untagPermissionSet(arn, keys) {
      await attempt(sso("UntagResource", arn), () =>
        ctx.ssoAdmin.send(new UntagResourceCommand({ InstanceArn, ResourceArn: arn, TagKeys: [...keys] })),
      );
    },

    deletePermissionSet: (arn) =>
      deleting(sso("DeletePermissionSet", arn), () =>
        ctx.ssoAdmin.send(new DeletePermissionSetCommand(psIds(arn))),
      ),

    async provisionPermissionSet(arn, target: ProvisionTarget) {
      const out = await attempt(sso("ProvisionPermissionSet", arn), () =>
        ctx.ssoAdmin.send(
          new ProvisionPermissionSetCommand({
            ...psIds(arn),
            ...(target === "ALL_PROVISIONED_ACCOUNTS"
              ? { TargetType: "ALL_PROVISIONED_ACCOUNTS" as const }
              : { TargetType: "AWS_ACCOUNT" as const, TargetId: target.accountId }),
          }),
        ),
      );
      return statusOf("provision", out.PermissionSetProvisioningStatus, "ProvisionPermissionSet");
    },

    async createAssignment(a: AssignmentRef) {
      const out = await attempt(sso("CreateAccountAssignment", assignmentLabel(a)), () =>
        ctx.ssoAdmin.send(new CreateAccountAssignmentCommand(assignmentInput(InstanceArn, a))),
      );
      return statusOf("assignment-create", out.AccountAssignmentCreationStatus, "CreateAccountAssignment");
    },

    async deleteAssignment(a: AssignmentRef) {
      try {
        const out = await attempt(sso("DeleteAccountAssignment", assignmentLabel(a)), () =>
          ctx.ssoAdmin.send(new DeleteAccountAssignmentCommand(assignmentInput(InstanceArn, a))),
        );
        return statusOf("assignment-delete", out.AccountAssignmentDeletionStatus, "DeleteAccountAssignment");
      } catch (error) {
        if (error instanceof AwsError && error.awsCode === "ResourceNotFoundException") return null;
        throw error;
      }
    },

    async describeOperation(kind: OperationKind, requestId: string) {
      switch (kind) {
        case "assignment-create": {
          const operation = "DescribeAccountAssignmentCreationStatus";
          const out = await attempt(sso(operation, requestId), () =>
            ctx.ssoAdmin.send(
              new DescribeAccountAssignmentCreationStatusCommand({
                InstanceArn,
                AccountAssignmentCreationRequestId: requestId,
              }),
            ),
          );
          return statusOf(kind, out.AccountAssignmentCreationStatus, operation);
        }
        case "assignment-delete": {
          const operation = "DescribeAccountAssignmentDeletionStatus";
          const out = await attempt(sso(operation, requestId), () =>
            ctx.ssoAdmin.send(
              new DescribeAccountAssignmentDeletionStatusCommand({
                InstanceArn,
                AccountAssignmentDeletionRequestId: requestId,
              }),
            ),
          );
          return statusOf(kind, out.AccountAssignmentDeletionStatus, operation);
        }
        case "provision": {
          const operation = "DescribePermissionSetProvisioningStatus";
          const out = await attempt(sso(operation, requestId), () =>
            ctx.ssoAdmin.send(
              new DescribePermissionSetProvisioningStatusCommand({
                InstanceArn,
                ProvisionPermissionSetRequestId: requestId,
              }),
            ),
          );
          return statusOf(kind, out.PermissionSetProvisioningStatus, operation);
        }
      }
    },

    async listInProgress(kind: OperationKind) {
      const Filter = { Status: "IN_PROGRESS" as const };
      let calls = 0;
      const page = async (NextToken: string | undefined) => {
        calls++;
        const base = { InstanceArn, Filter, MaxResults: PAGE_SIZE, NextToken };
        switch (kind) {
          case "assignment-create": {
            const out = await ctx.ssoAdmin.send(new ListAccountAssignmentCreationStatusCommand(base));
            return { items: out.AccountAssignmentsCreationStatus, next: out.NextToken };
          }
          case "assignment-delete": {
            const out = await ctx.ssoAdmin.send(new ListAccountAssignmentDeletionStatusCommand(base));
            return { items: out.AccountAssignmentsDeletionStatus, next: out.NextToken };
          }
          case "provision": {
            const out = await ctx.ssoAdmin.send(new ListPermissionSetProvisioningStatusCommand(base));
            return { items: out.PermissionSetsProvisioningStatus, next: out.NextToken };
          }
        }
      };
      const items = await readAll(single, sso(LIST_OPERATION[kind], "operations in progress"), page);
      const requestIds = items
        .filter((i) => i.Status === "IN_PROGRESS" && typeof i.RequestId === "string")
        .map((i) => i.RequestId as string);
      return { requestIds, calls };
    },
  };
}

const LIST_OPERATION: Record<OperationKind, string> = {
  "assignment-create": "ListAccountAssignmentCreationStatus",
  "assignment-delete": "ListAccountAssignmentDeletionStatus",
  provision: "ListPermissionSetProvisioningStatus",
};

const policyRef = (ref: CustomerManagedPolicyRef) => ({ Name: ref.name, Path: ref.path });

const assignmentInput = (InstanceArn: string, a: AssignmentRef) => ({
  InstanceArn,
  TargetId: a.accountId,
  TargetType: "AWS_ACCOUNT" as const,
  PermissionSetArn: a.permissionSetArn,
  PrincipalType: a.principalType,
  PrincipalId: a.principalId,
});

const assignmentLabel = (a: AssignmentRef): string =>
  `${a.principalType} ${a.principalId} in ${a.accountId} with ${a.permissionSetArn}`;

function statusOf(
  kind: OperationKind,
  status: AccountAssignmentOperationStatus | PermissionSetProvisioningStatus | undefined,
  operation: string,
): OperationStatus {
  const requestId = required(status?.RequestId, "RequestId", operation);
  const state = required(status?.Status, "Status", operation);
  if (!STATES.has(state)) {
    throw new AwsError({
      operation,
      requestId,
      message: `${operation} answered an unknown status ${JSON.stringify(state)}`,
      detail: "AWS sent a status accessops does not know. Upgrade accessops; if it persists, report it.",
    });
  }
  return {
    kind,
    requestId,
    status: state as OperationState,
    failureReason: state === "FAILED" ? (status?.FailureReason ?? "AWS gave no FailureReason") : null,
  };
}
