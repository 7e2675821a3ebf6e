import { durationSeconds } from "../model/canonical.ts";
import type { PrincipalType } from "../model/state.ts";
import type { AssignmentTarget } from "./async-ops.ts";
import { type CallContext, epochSeconds, type HandlerTable, obj, req, str, withToken } from "./call.ts";
import { randomHex } from "./random.ts";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from "./seed.ts";
import {
  accessDenied,
  CONFLICTING_OPERATION,
  conflict,
  notFound,
  quotaExceeded,
  ServiceError,
  TOO_MANY_PROCESSING,
  throttling,
  validation,
} from "./service-error.ts";
import { SortedMap } from "./sorted-map.ts";
import {
  type AssignmentOpRec,
  type AssignmentRec,
  assignmentKey,
  type OpHistory,
  type OpStatus,
  type PermissionSetRec,
  type PolicyRef,
  type ProvisionOpRec,
  pairKey,
  policyRefKey,
  principalKey,
  type Store,
} from "./state.ts";

/**
 * sso-admin (`SWBExternalService.*`): the instance, permission sets and their policies, tags,
 * provisioning, and account assignments. Input constraints are checked from the model before
 * a handler runs; handlers enforce the service rules the model does not carry (documented in
 * docs/emulator.md): session duration 1-12 hours, policy quotas, conflicts and the async
 * lifecycle.
 */

const PERMISSION_SET_ID_HEX_DIGITS = 16;
const DEFAULT_SESSION_DURATION = "PT1H";
const RESERVED_TAG_PREFIX = "aws:";

const instanceOut = (store: Store) => ({
  InstanceArn: store.instance.arn,
  IdentityStoreId: store.instance.identityStoreId,
  OwnerAccountId: store.instance.ownerAccountId,
  ...(store.instance.name !== null ? { Name: store.instance.name } : {}),
  CreatedDate: epochSeconds(store.instance.createdMs),
  Status: "ACTIVE",
});

function permissionSetOut(ps: PermissionSetRec): Record<string, unknown> {
  return {
    Name: ps.name,
    PermissionSetArn: ps.arn,
    ...(ps.description !== null ? { Description: ps.description } : {}),
    CreatedDate: epochSeconds(ps.createdMs),
    SessionDuration: ps.sessionDuration ?? DEFAULT_SESSION_DURATION,
    ...(ps.relayState !== null ? { RelayState: ps.relayState } : {}),
  };
}

function assignmentStatusOut(op: AssignmentOpRec): Record<string, unknown> {
  return {
    Status: op.status,
    RequestId: op.requestId,
    ...(op.failureReason !== null ? { FailureReason: op.failureReason } : {}),
    TargetId: op.accountId,
    TargetType: "AWS_ACCOUNT",
    PermissionSetArn: op.permissionSetArn,
    PrincipalType: op.principalType,
    PrincipalId: op.principalId,
    CreatedDate: epochSeconds(op.createdMs),
  };
}

function provisioningStatusOut(op: ProvisionOpRec): Record<string, unknown> {
  return {
    Status: op.status,
    RequestId: op.requestId,
    ...(op.accountId !== null ? { AccountId: op.accountId } : {}),
    PermissionSetArn: op.permissionSetArn,
    ...(op.failureReason !== null ? { FailureReason: op.failureReason } : {}),
    CreatedDate: epochSeconds(op.createdMs),
  };
}

const statusMetadataOut = (op: { status: OpStatus; requestId: string; createdMs: number }) => ({
  Status: op.status,
  RequestId: op.requestId,
  CreatedDate: epochSeconds(op.createdMs),
});

const isDelegatedAdmin = (store: Store): boolean =>
  store.callerAccountId !== store.organization.managementAccountId;

function checkInstance(ctx: CallContext, input: Record<string, unknown>): Store {
  const store = ctx.engine.store;
  const arn = str(input, "InstanceArn");
  if (arn !== undefined && arn !== store.instance.arn) {
    throw notFound(`Could not find Instance with arn ${arn}`);
  }
  return store;
}

function permissionSetOf(ctx: CallContext, input: Record<string, unknown>): PermissionSetRec {
  const store = checkInstance(ctx, input);
  const arn = req(input, "PermissionSetArn");
  const ps = store.permissionSets.get(arn);
  if (!ps) throw notFound(`Could not find PermissionSet with arn ${arn}`);
  return ps;
}

/**
 * A permission set a write may change: a delegated administrator may not touch one provisioned
 * in the management account, and nothing may change while it is being provisioned.
 */
function editablePermissionSet(ctx: CallContext, input: Record<string, unknown>): PermissionSetRec {
  const ps = permissionSetOf(ctx, input);
  const store = ctx.engine.store;
  if (isDelegatedAdmin(store) && ps.provisioned.has(store.organization.managementAccountId)) {
    throw accessDenied(
      `A delegated administrator cannot modify permission set ${ps.arn}: it is provisioned in the management account.`,
    );
  }
  if (ctx.engine.operations.isProvisioning(ps.arn)) throw conflict();
  return ps;
}

/** A change that needs re-provisioning: every account holding the permission set now has a stale copy. */
function changed(ps: PermissionSetRec): void {
  ps.version += 1;
}

function checkSessionDuration(value: string | undefined): void {
  if (value === undefined) return;
  const seconds = durationSeconds(value);
  if (seconds === null || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    throw validation(`The session duration ${value} is not valid: it must be between PT1H and PT12H.`);
  }
}

function tagsIn(input: Record<string, unknown>): { Key: string; Value: string }[] {
  const tags = input.Tags;
  return Array.isArray(tags) ? (tags as { Key: string; Value: string }[]) : [];
}

function applyTags(ctx: CallContext, ps: PermissionSetRec, tags: { Key: string; Value: string }[]): void {
  const reserved = tags.find((t) => t.Key.toLowerCase().startsWith(RESERVED_TAG_PREFIX));
  if (reserved)
    throw validation(`Tag keys starting with "${RESERVED_TAG_PREFIX}" are reserved: ${reserved.Key}`);
  const next = new Map(ps.tags);
  for (const t of tags) next.set(t.Key, t.Value);
  const max = ctx.engine.config.limits.tagsPerPermissionSet;
  if (next.size > max) throw quotaExceeded(`A permission set can have at most ${max} tags.`);
  ps.tags = next;
}

function policyRefIn(input: Record<string, unknown>, key: string): PolicyRef {
  const ref = obj(input, key) ?? {};
  return { name: req(ref, "Name"), path: str(ref, "Path") ?? "/" };
}

function checkPolicyQuota(ctx: CallContext, ps: PermissionSetRec): void {
  const max = ctx.engine.config.limits.policiesPerPermissionSet;
  if (ps.managedPolicies.size + ps.customerPolicies.size >= max) {
    throw quotaExceeded(
      `Permission set ${ps.id} already has ${max} managed and customer managed policies, the maximum.`,
    );
  }
}

/** The write-log form of a request: identifying members only (the inline policy body is left out). */
function writeParams(input: Record<string, unknown>): Record<string, unknown> {
  const { InlinePolicy: _policy, ...rest } = input;
  return rest;
}

/** One page of a small collection built for the call (policies and tags of one permission set). */
function pageOfMap<V, T>(
  ctx: CallContext,
  input: Record<string, unknown>,
  entries: [string, V][],
  fingerprint: unknown,
  out: (entry: [string, V]) => T,
): { items: T[]; nextToken: string | undefined } {
  const map = new SortedMap<[string, V]>();
  for (const entry of entries) map.set(entry[0], entry);
  const page = ctx.engine.page(ctx, input, map, fingerprint);
  return { items: page.items.map(out), nextToken: page.nextToken };
}

function assignmentTargetOf(ctx: CallContext, input: Record<string, unknown>): AssignmentTarget {
  const ps = permissionSetOf(ctx, input);
  return {
    accountId: req(input, "TargetId"),
    permissionSetArn: ps.arn,
    principalType: req(input, "PrincipalType") as PrincipalType,
    principalId: req(input, "PrincipalId"),
  };
}

/** The checks every assignment write shares: delegated administrators, conflicts, the outstanding pool. */
function checkAssignmentWrite(ctx: CallContext, target: AssignmentTarget, verb: string): void {
  const store = ctx.engine.store;
  if (isDelegatedAdmin(store) && target.accountId === store.organization.managementAccountId) {
    throw accessDenied(
      `A delegated administrator cannot ${verb} account assignments in the management account ${target.accountId}.`,
    );
  }
  if (ctx.engine.operations.isPairBusy(target.accountId, target.permissionSetArn)) throw conflict();
  if (
    ctx.engine.operations.assignmentOperationsInFlight >=
    ctx.engine.config.limits.outstandingAssignmentOperations
  ) {
    throw throttling(TOO_MANY_PROCESSING);
  }
}

function statusList<T extends AssignmentOpRec | ProvisionOpRec>(
  ctx: CallContext,
  input: Record<string, unknown>,
  history: OpHistory<T>,
  resultKey: string,
): Record<string, unknown> {
  checkInstance(ctx, input);
  const status = str(obj(input, "Filter") ?? {}, "Status") as OpStatus | undefined;
  const map = status ? history.byStatus[status] : history.all;
  const page = ctx.engine.page(ctx, input, map, status ?? null);
  return withToken({ [resultKey]: page.items.map(statusMetadataOut) }, page.nextToken);
}

const isVisible = (ctx: CallContext) => (a: AssignmentRec) => a.visibleFromMs <= ctx.now;

const assignmentOut = (a: AssignmentRec) => ({
  AccountId: a.accountId,
  PermissionSetArn: a.permissionSetArn,
  PrincipalType: a.principalType,
  PrincipalId: a.principalId,
});

const provisioningFilter = (ps: PermissionSetRec, accountId: string, status: string | undefined): boolean => {
  if (status === undefined) return true;
  const copy = ps.provisioned.get(accountId);
  const stale = copy !== undefined && copy.version < ps.version;
  return status === "LATEST_PERMISSION_SET_NOT_PROVISIONED" ? stale : !stale;
};

export const ssoAdminHandlers: HandlerTable = {
  ListInstances(input, ctx) {
    const store = ctx.engine.store;
    const map = new SortedMap<Store>().set(store.instance.arn, store);
    const page = ctx.engine.page(ctx, input, map, null);
    return withToken({ Instances: page.items.map(instanceOut) }, page.nextToken);
  },

  DescribeInstance(input, ctx) {
    const store = checkInstance(ctx, input);
    return { ...instanceOut(store), PermissionSetsEnabled: true };
  },

  CreatePermissionSet(input, ctx) {
    const store = checkInstance(ctx, input);
    const name = req(input, "Name");
    if (store.permissionSetsByName.has(name))
      throw conflict(`PermissionSet with name ${name} already exists.`);
    const max = ctx.engine.config.limits.permissionSetsPerInstance;
    if (store.permissionSets.size >= max) {
      throw quotaExceeded(`The instance already has ${max} permission sets, the maximum.`);
    }
    checkSessionDuration(str(input, "SessionDuration"));
    const id = `ps-${randomHex(ctx.engine.idRng, PERMISSION_SET_ID_HEX_DIGITS)}`;
    const ps: PermissionSetRec = {
      arn: `arn:aws:sso:::permissionSet/${store.instance.id}/${id}`,
      id,
      name,
      description: str(input, "Description") ?? null,
      sessionDuration: str(input, "SessionDuration") ?? null,
      relayState: str(input, "RelayState") ?? null,
      createdMs: ctx.now,
      managedPolicies: new Map(),
      customerPolicies: new Map(),
      inlinePolicy: null,
      boundary: null,
      tags: new Map(),
      version: 1,
      provisioned: new SortedMap(),
    };
    applyTags(ctx, ps, tagsIn(input));
    store.addPermissionSet(ps);
    ctx.recordWrite({ ...writeParams(input), PermissionSetArn: ps.arn });
    return { PermissionSet: permissionSetOut(ps) };
  },

  DescribePermissionSet(input, ctx) {
    return { PermissionSet: permissionSetOut(permissionSetOf(ctx, input)) };
  },

  UpdatePermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    checkSessionDuration(str(input, "SessionDuration"));
    // AWS replaces all three attributes: a member not sent is cleared (RelayState, Description)
    // or reset to its default (SessionDuration), so callers must send every value they keep.
    ps.description = str(input, "Description") ?? null;
    ps.sessionDuration = str(input, "SessionDuration") ?? null;
    ps.relayState = str(input, "RelayState") ?? null;
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  DeletePermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const store = ctx.engine.store;
    if (isDelegatedAdmin(store) && ps.provisioned.has(store.organization.managementAccountId)) {
      throw accessDenied(
        `A delegated administrator cannot delete permission set ${ps.arn}: it is provisioned in the management account.`,
      );
    }
    if ((store.assignmentCountByPermissionSet.get(ps.arn) ?? 0) > 0) {
      throw conflict("Could not delete because PermissionSet has existing account assignments.");
    }
    if ([...ps.provisioned.values()].some((c) => c.deprovisioning)) {
      throw conflict("Could not delete because PermissionSet has ApplicationProfile associated with it.");
    }
    if (ctx.engine.operations.isPermissionSetBusy(ps.arn)) throw conflict(CONFLICTING_OPERATION);
    for (const accountId of [...ps.provisioned.sortedKeys()]) store.removeProvisioned(ps, accountId);
    store.removePermissionSet(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  ListPermissionSets(input, ctx) {
    const store = checkInstance(ctx, input);
    const page = ctx.engine.page(ctx, input, store.permissionSets, null);
    return withToken({ PermissionSets: page.items.map((ps) => ps.arn) }, page.nextToken);
  },

  TagResource(input, ctx) {
    const ps = taggable(ctx, input);
    applyTags(ctx, ps, tagsIn(input));
    ctx.recordWrite(writeParams(input));
    return {};
  },

  UntagResource(input, ctx) {
    const ps = taggable(ctx, input);
    const keys = Array.isArray(input.TagKeys) ? (input.TagKeys as string[]) : [];
    for (const key of keys) ps.tags.delete(key);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  ListTagsForResource(input, ctx) {
    const ps = taggable(ctx, input);
    const page = pageOfMap(ctx, input, [...ps.tags.entries()], ps.arn, (entry) => entry);
    return withToken({ Tags: page.items.map(([Key, Value]) => ({ Key, Value })) }, page.nextToken);
  },

  AttachManagedPolicyToPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const arn = req(input, "ManagedPolicyArn");
    if (ps.managedPolicies.has(arn)) {
      throw conflict(
        `Permission set with id ${ps.id} already has a typed link attachment to a managed policy with ${arn}`,
      );
    }
    checkPolicyQuota(ctx, ps);
    ps.managedPolicies.set(arn, arn.slice(arn.lastIndexOf("/") + 1));
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  DetachManagedPolicyFromPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const arn = req(input, "ManagedPolicyArn");
    if (!ps.managedPolicies.delete(arn)) {
      throw notFound(`Managed policy ${arn} is not attached to permission set ${ps.id}.`);
    }
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  ListManagedPoliciesInPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const page = pageOfMap(ctx, input, [...ps.managedPolicies.entries()], ps.arn, ([Arn, Name]) => ({
      Name,
      Arn,
    }));
    return withToken({ AttachedManagedPolicies: page.items }, page.nextToken);
  },

  AttachCustomerManagedPolicyReferenceToPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const ref = policyRefIn(input, "CustomerManagedPolicyReference");
    if (ps.customerPolicies.has(policyRefKey(ref))) {
      throw conflict(
        `Permission set with id ${ps.id} already has a reference to customer managed policy ${ref.path}${ref.name}`,
      );
    }
    checkPolicyQuota(ctx, ps);
    ps.customerPolicies.set(policyRefKey(ref), ref);
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  DetachCustomerManagedPolicyReferenceFromPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const ref = policyRefIn(input, "CustomerManagedPolicyReference");
    if (!ps.customerPolicies.delete(policyRefKey(ref))) {
      throw notFound(
        `Customer managed policy ${ref.path}${ref.name} is not attached to permission set ${ps.id}.`,
      );
    }
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  ListCustomerManagedPolicyReferencesInPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const page = pageOfMap(ctx, input, [...ps.customerPolicies.entries()], ps.arn, ([, r]) => ({
      Name: r.name,
      Path: r.path,
    }));
    return withToken({ CustomerManagedPolicyReferences: page.items }, page.nextToken);
  },

  PutInlinePolicyToPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const policy = req(input, "InlinePolicy");
    try {
      JSON.parse(policy);
    } catch (error) {
      throw validation(`The inline policy is not a valid JSON policy document: ${(error as Error).message}`);
    }
    const max = ctx.engine.config.limits.inlinePolicyNonWhitespaceChars;
    if (policy.replace(/\s/g, "").length > max) {
      throw quotaExceeded(`The inline policy exceeds the maximum of ${max} non-whitespace characters.`);
    }
    ps.inlinePolicy = policy;
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  GetInlinePolicyForPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    return ps.inlinePolicy === null ? {} : { InlinePolicy: ps.inlinePolicy };
  },

  DeleteInlinePolicyFromPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    if (ps.inlinePolicy !== null) {
      ps.inlinePolicy = null;
      changed(ps);
    }
    ctx.recordWrite(writeParams(input));
    return {};
  },

  PutPermissionsBoundaryToPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    const boundary = obj(input, "PermissionsBoundary") ?? {};
    const managed = str(boundary, "ManagedPolicyArn");
    const customer = obj(boundary, "CustomerManagedPolicyReference");
    if ((managed === undefined) === (customer === undefined)) {
      throw validation(
        "The permissions boundary must have exactly one of CustomerManagedPolicyReference and ManagedPolicyArn.",
      );
    }
    ps.boundary =
      managed !== undefined
        ? { kind: "managed", arn: managed }
        : { kind: "customer", ref: policyRefIn(boundary, "CustomerManagedPolicyReference") };
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  GetPermissionsBoundaryForPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    if (!ps.boundary) throw notFound(`Permission set ${ps.id} has no permissions boundary.`);
    return {
      PermissionsBoundary:
        ps.boundary.kind === "managed"
          ? { ManagedPolicyArn: ps.boundary.arn }
          : { CustomerManagedPolicyReference: { Name: ps.boundary.ref.name, Path: ps.boundary.ref.path } },
    };
  },

  DeletePermissionsBoundaryFromPermissionSet(input, ctx) {
    const ps = editablePermissionSet(ctx, input);
    if (!ps.boundary) throw notFound(`Permission set ${ps.id} has no permissions boundary.`);
    ps.boundary = null;
    changed(ps);
    ctx.recordWrite(writeParams(input));
    return {};
  },

  ProvisionPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const store = ctx.engine.store;
    const targetType = req(input, "TargetType");
    const targetId = str(input, "TargetId");
    let accounts: string[];
    if (targetType === "AWS_ACCOUNT") {
      if (targetId === undefined) throw validation("TargetId is required when TargetType is AWS_ACCOUNT.");
      if (isDelegatedAdmin(store) && targetId === store.organization.managementAccountId) {
        throw accessDenied(
          `A delegated administrator cannot provision permission sets in the management account ${targetId}.`,
        );
      }
      accounts = [targetId];
    } else {
      accounts = ps.provisioned
        .sortedValues()
        .filter((c) => !c.deprovisioning)
        .map((c) => c.accountId);
    }
    if (accounts.some((a) => ctx.engine.operations.isPairBusy(a, ps.arn))) throw conflict();
    if (ctx.engine.operations.provisioningsInFlight >= ctx.engine.config.limits.concurrentProvisionings) {
      throw throttling(TOO_MANY_PROCESSING);
    }
    const op = ctx.engine.operations.startProvisioning(
      ps,
      accounts,
      targetType === "AWS_ACCOUNT" ? (targetId ?? null) : null,
      ctx,
    );
    ctx.recordWrite(writeParams(input), op.requestId);
    return { PermissionSetProvisioningStatus: provisioningStatusOut(op) };
  },

  DescribePermissionSetProvisioningStatus(input, ctx) {
    const store = checkInstance(ctx, input);
    const id = req(input, "ProvisionPermissionSetRequestId");
    const op = store.provisionings.byId.get(id);
    if (!op) throw notFound(`Could not find ProvisionPermissionSet request ${id}`);
    return { PermissionSetProvisioningStatus: provisioningStatusOut(op) };
  },

  ListPermissionSetProvisioningStatus(input, ctx) {
    return statusList(ctx, input, ctx.engine.store.provisionings, "PermissionSetsProvisioningStatus");
  },

  ListPermissionSetsProvisionedToAccount(input, ctx) {
    const store = checkInstance(ctx, input);
    const accountId = req(input, "AccountId");
    const status = str(input, "ProvisioningStatus");
    const page = ctx.engine.page(
      ctx,
      input,
      store.provisionedByAccount.get(accountId),
      [accountId, status ?? null],
      (ps) => provisioningFilter(ps, accountId, status),
    );
    // AWS leaves PermissionSets out when the account holds none.
    const body = page.items.length > 0 ? { PermissionSets: page.items.map((ps) => ps.arn) } : {};
    return withToken(body, page.nextToken);
  },

  ListAccountsForProvisionedPermissionSet(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const status = str(input, "ProvisioningStatus");
    const page = ctx.engine.page(ctx, input, ps.provisioned, [ps.arn, status ?? null], (c) =>
      provisioningFilter(ps, c.accountId, status),
    );
    return withToken({ AccountIds: page.items.map((c) => c.accountId) }, page.nextToken);
  },

  CreateAccountAssignment(input, ctx) {
    const target = assignmentTargetOf(ctx, input);
    checkAssignmentWrite(ctx, target, "create");
    const store = ctx.engine.store;
    const ps = store.permissionSets.get(target.permissionSetArn) as PermissionSetRec;
    const limits = ctx.engine.config.limits;
    if (
      target.principalType === "GROUP" &&
      !store.assignments.has(assignmentKey(target)) &&
      countGroups(store, target) >= limits.groupsPerPermissionSetPerAccount
    ) {
      throw quotaExceeded(
        `Permission set ${ps.id} is already assigned to ${limits.groupsPerPermissionSetPerAccount} groups in account ${target.accountId}, the maximum.`,
      );
    }
    const op = ctx.engine.operations.startAssignment("create", target, ctx);
    ctx.recordWrite(writeParams(input), op.requestId);
    return { AccountAssignmentCreationStatus: assignmentStatusOut(op) };
  },

  DeleteAccountAssignment(input, ctx) {
    const target = assignmentTargetOf(ctx, input);
    checkAssignmentWrite(ctx, target, "delete");
    if (!ctx.engine.store.assignments.has(assignmentKey(target))) {
      throw notFound(
        `Could not find account assignment for ${target.principalType} ${target.principalId} in account ${target.accountId} with permission set ${target.permissionSetArn}`,
      );
    }
    const op = ctx.engine.operations.startAssignment("delete", target, ctx);
    ctx.recordWrite(writeParams(input), op.requestId);
    return { AccountAssignmentDeletionStatus: assignmentStatusOut(op) };
  },

  DescribeAccountAssignmentCreationStatus(input, ctx) {
    const store = checkInstance(ctx, input);
    const id = req(input, "AccountAssignmentCreationRequestId");
    const op = store.creations.byId.get(id);
    if (!op) throw notFound(`Could not find CreateAccountAssignment request ${id}`);
    return { AccountAssignmentCreationStatus: assignmentStatusOut(op) };
  },

  DescribeAccountAssignmentDeletionStatus(input, ctx) {
    const store = checkInstance(ctx, input);
    const id = req(input, "AccountAssignmentDeletionRequestId");
    const op = store.deletions.byId.get(id);
    if (!op) throw notFound(`Could not find DeleteAccountAssignment request ${id}`);
    return { AccountAssignmentDeletionStatus: assignmentStatusOut(op) };
  },

  ListAccountAssignmentCreationStatus(input, ctx) {
    return statusList(ctx, input, ctx.engine.store.creations, "AccountAssignmentsCreationStatus");
  },

  ListAccountAssignmentDeletionStatus(input, ctx) {
    return statusList(ctx, input, ctx.engine.store.deletions, "AccountAssignmentsDeletionStatus");
  },

  ListAccountAssignments(input, ctx) {
    const ps = permissionSetOf(ctx, input);
    const accountId = req(input, "AccountId");
    const store = ctx.engine.store;
    const page = ctx.engine.page(
      ctx,
      input,
      store.assignmentsByPair.get(pairKey(accountId, ps.arn)),
      [accountId, ps.arn],
      isVisible(ctx),
    );
    return withToken({ AccountAssignments: page.items.map(assignmentOut) }, page.nextToken);
  },

  ListAccountAssignmentsForPrincipal(input, ctx) {
    const store = checkInstance(ctx, input);
    if (isDelegatedAdmin(store)) {
      throw accessDenied(
        "ListAccountAssignmentsForPrincipal must be called from the management account of the organization.",
      );
    }
    const type = req(input, "PrincipalType") as PrincipalType;
    const id = req(input, "PrincipalId");
    const account = str(obj(input, "Filter") ?? {}, "AccountId");
    const visible = isVisible(ctx);
    const page = ctx.engine.page(
      ctx,
      input,
      store.assignmentsByPrincipal.get(principalKey(type, id)),
      [type, id, account ?? null],
      (a) => visible(a) && (account === undefined || a.accountId === account),
    );
    return withToken({ AccountAssignments: page.items.map(assignmentOut) }, page.nextToken);
  },
};

function countGroups(store: Store, target: AssignmentTarget): number {
  let n = 0;
  for (const a of store.assignmentsByPair.get(pairKey(target.accountId, target.permissionSetArn))?.values() ??
    []) {
    if (a.principalType === "GROUP") n += 1;
  }
  return n;
}

/** The permission set a tag operation names (tags are supported on permission sets). */
function taggable(ctx: CallContext, input: Record<string, unknown>): PermissionSetRec {
  const store = checkInstance(ctx, input);
  const arn = req(input, "ResourceArn");
  const ps = store.permissionSets.get(arn);
  if (!ps) throw new ServiceError("ResourceNotFoundException", `Could not find resource with arn ${arn}`);
  return ps;
}
