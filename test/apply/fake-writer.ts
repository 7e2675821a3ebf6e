import type {
  AccessWriter,
  AssignmentRef,
  OperationKind,
  OperationStatus,
  ProvisionTarget,
} from "../../src/apply/ports.ts";
import type { RetryReason } from "../../src/aws/retry.ts";
import { membershipAddress } from "../../src/model/address.ts";
import { AwsError } from "../../src/model/errors.ts";
import type { Live, OrgSnapshot, ProvisioningState } from "../../src/model/live.ts";
import type {
  AssignmentEntity,
  CustomerManagedPolicyRef,
  Entity,
  GroupEntity,
  PermissionSetEntity,
  UserEntity,
} from "../../src/model/state.ts";
import { live as liveOf, standardOrg } from "../plan/builders.ts";

/**
 * A stateful in-memory IAM Identity Center for executor tests: it keeps users, groups,
 * memberships, permission sets (with a version and the version provisioned in each account) and
 * assignments, and behaves as AWS does where the executor depends on it — asynchronous
 * operations `IN_PROGRESS` for a number of polls, one operation at a time per (account,
 * permission set), 15 outstanding assignment operations, 3 concurrent provisionings, edits
 * refused while provisioning, deletion refused while assigned or deprovisioning. Faults are
 * injected by rules. Tests assert on its final state (and the counters it keeps as AWS would
 * observe them), never on how it was called.
 */

interface PsRec {
  entity: PermissionSetEntity;
  version: number;
  /** Account -> version provisioned there. */
  provisioned: Map<string, number>;
  /** Accounts whose deprovisioning is still running: status calls left before it ends. */
  deprovisioning: Map<string, number>;
}

interface Op {
  kind: OperationKind;
  requestId: string;
  status: OperationStatus["status"];
  failureReason: string | null;
  /** Status observations left before it ends. */
  polls: number;
  lanes: string[];
  fail: string | null;
  finish: () => void;
}

/** A fault: the matching calls answer `error` (an AWS code) or, for async operations, end FAILED. */
export interface FakeRule {
  operation: string;
  /** AWS error code thrown by the call; or use `failed`. */
  error?: string;
  /** Async operations: the call succeeds and the operation ends FAILED with this reason. */
  failed?: string;
  /** Only calls whose subject (ARN, account, name) contains this text. */
  match?: string;
  /** Calls served normally before the rule fires. */
  afterCalls?: number;
  /** Calls broken; 0 = forever. 1 by default. */
  times?: number;
}

const RETRY_BY_CODE: Record<string, RetryReason> = {
  ThrottlingException: "throttling",
  ConflictException: "conflict",
  InternalServerException: "transient",
};

const MAX_OUTSTANDING = 15;
const MAX_PROVISIONS = 3;

export class FakeWriter implements AccessWriter {
  readonly instanceArn = "arn:aws:sso:::instance/ssoins-fake0000000000";
  readonly users = new Map<string, UserEntity>();
  readonly groups = new Map<string, GroupEntity>();
  readonly memberships = new Map<string, { groupId: string; userId: string }>();
  readonly permissionSets = new Map<string, PsRec>();
  readonly assignments = new Map<string, AssignmentRef>();
  readonly operations = new Map<string, Op>();
  /** Every accepted write, as AWS's request history would show it: operation and subject. */
  readonly writes: { operation: string; subject: string }[] = [];
  readonly rules: (FakeRule & { seen: number; fired: number })[] = [];
  /** Polls an async operation stays IN_PROGRESS for. */
  pollsToFinish: number;
  /** Refusals of DeletePermissionSet while deprovisioning runs, after the last assignment goes. */
  deprovisionPolls: number;
  peakOutstanding = 0;
  peakProvisions = 0;
  conflicts = 0;
  throttles = 0;
  describeCalls = 0;
  listCalls = 0;
  #next = 1;

  constructor(options: { pollsToFinish?: number; deprovisionPolls?: number } = {}) {
    this.pollsToFinish = options.pollsToFinish ?? 2;
    this.deprovisionPolls = options.deprovisionPolls ?? 0;
  }

  // --- setting up and reading back -------------------------------------------------------------

  /** Loads a live state (ids and ARNs taken from `live.ids`; provisioning from `live.provisioning`). */
  load(live: Live): this {
    for (const entity of live.state.values()) {
      if (entity.kind === "user") this.users.set(live.ids.users[entity.userName] ?? this.#id("u"), entity);
      if (entity.kind === "group") this.groups.set(live.ids.groups[entity.name] ?? this.#id("g"), entity);
      if (entity.kind === "permissionSet") {
        const arn = live.ids.permissionSets[entity.name] ?? this.#arn();
        const held = live.provisioning[entity.name] ?? { accounts: [], stale: [] };
        this.permissionSets.set(arn, {
          entity: structuredClone(entity),
          version: 2,
          provisioned: new Map(held.accounts.map((a) => [a, held.stale.includes(a) ? 1 : 2])),
          deprovisioning: new Map(),
        });
      }
    }
    for (const entity of live.state.values()) {
      if (entity.kind === "membership") {
        const groupId = this.#groupId(entity.group);
        const userId = this.#userId(entity.userName);
        if (groupId && userId) this.memberships.set(this.#id("m"), { groupId, userId });
      }
      if (entity.kind === "assignment") {
        const ref = this.#refOf(entity);
        if (ref) this.assignments.set(key(ref), ref);
      }
    }
    return this;
  }

  /** The state as the live reader would report it. */
  toLive(org: OrgSnapshot = standardOrg()): Live {
    const entities: Entity[] = [...this.users.values(), ...this.groups.values()];
    const ids: Live["ids"] = { users: {}, groups: {}, memberships: {}, permissionSets: {} };
    for (const [id, u] of this.users) ids.users[u.userName] = id;
    for (const [id, g] of this.groups) ids.groups[g.name] = id;
    for (const [id, m] of this.memberships) {
      const group = this.groups.get(m.groupId)?.name;
      const user = this.users.get(m.userId)?.userName;
      if (group === undefined || user === undefined) continue;
      entities.push({ kind: "membership", group, userName: user });
      ids.memberships[membershipAddress(group, user)] = id;
    }
    const provisioning: Record<string, ProvisioningState> = {};
    for (const [arn, ps] of this.permissionSets) {
      entities.push(structuredClone(ps.entity));
      ids.permissionSets[ps.entity.name] = arn;
      const accounts = [...new Set([...ps.provisioned.keys(), ...ps.deprovisioning.keys()])].sort();
      provisioning[ps.entity.name] = {
        accounts,
        stale: accounts.filter((a) => (ps.provisioned.get(a) ?? ps.version) < ps.version).sort(),
      };
    }
    for (const ref of this.assignments.values()) entities.push(this.#entityOf(ref));
    const built = liveOf(entities, { provisioning, org });
    return { ...built, ids };
  }

  /** Operations currently IN_PROGRESS, by kind. */
  inProgress(kind?: OperationKind): Op[] {
    return [...this.operations.values()].filter(
      (o) => o.status === "IN_PROGRESS" && (!kind || o.kind === kind),
    );
  }

  /** Starts an operation as another client would (for recovery tests). */
  startForeign(kind: "assignment-create", ref: AssignmentRef): string {
    this.assignments.delete(key(ref));
    const op = this.#start(kind, [laneOf(ref.accountId, ref.permissionSetArn)], () => {
      this.assignments.set(key(ref), ref);
      this.#markProvisioned(ref.permissionSetArn, ref.accountId);
    });
    return op.requestId;
  }

  // --- the port --------------------------------------------------------------------------------

  retryReason(error: unknown): RetryReason | null {
    return error instanceof AwsError && error.awsCode !== null
      ? (RETRY_BY_CODE[error.awsCode] ?? null)
      : null;
  }

  async createUser(user: UserEntity): Promise<string> {
    this.#fault("CreateUser", user.userName);
    if ([...this.users.values()].some((u) => u.userName === user.userName))
      throw this.#error("ConflictException");
    const id = this.#id("u");
    this.users.set(id, structuredClone(user));
    this.#wrote("CreateUser", user.userName);
    return id;
  }

  async updateUser(userId: string, user: UserEntity): Promise<void> {
    this.#fault("UpdateUser", user.userName);
    if (!this.users.has(userId)) throw this.#error("ResourceNotFoundException");
    this.users.set(userId, structuredClone(user));
    this.#wrote("UpdateUser", user.userName);
  }

  async deleteUser(userId: string): Promise<boolean> {
    this.#fault("DeleteUser", userId);
    if (!this.users.delete(userId)) return false;
    for (const [id, m] of this.memberships) if (m.userId === userId) this.memberships.delete(id);
    this.#wrote("DeleteUser", userId);
    return true;
  }

  async createGroup(group: GroupEntity): Promise<string> {
    this.#fault("CreateGroup", group.name);
    const id = this.#id("g");
    this.groups.set(id, structuredClone(group));
    this.#wrote("CreateGroup", group.name);
    return id;
  }

  async updateGroup(groupId: string, group: GroupEntity): Promise<void> {
    this.#fault("UpdateGroup", group.name);
    this.groups.set(groupId, structuredClone(group));
    this.#wrote("UpdateGroup", group.name);
  }

  async deleteGroup(groupId: string): Promise<boolean> {
    this.#fault("DeleteGroup", groupId);
    if (!this.groups.delete(groupId)) return false;
    for (const [id, m] of this.memberships) if (m.groupId === groupId) this.memberships.delete(id);
    this.#wrote("DeleteGroup", groupId);
    return true;
  }

  async createMembership(groupId: string, userId: string): Promise<string> {
    this.#fault("CreateGroupMembership", `${groupId}/${userId}`);
    if (!this.groups.has(groupId) || !this.users.has(userId)) throw this.#error("ResourceNotFoundException");
    const id = this.#id("m");
    this.memberships.set(id, { groupId, userId });
    this.#wrote("CreateGroupMembership", `${groupId}/${userId}`);
    return id;
  }

  async deleteMembership(membershipId: string): Promise<boolean> {
    this.#fault("DeleteGroupMembership", membershipId);
    if (!this.memberships.delete(membershipId)) return false;
    this.#wrote("DeleteGroupMembership", membershipId);
    return true;
  }

  async createPermissionSet(ps: PermissionSetEntity): Promise<string> {
    this.#fault("CreatePermissionSet", ps.name);
    if ([...this.permissionSets.values()].some((p) => p.entity.name === ps.name)) {
      throw this.#error("ConflictException");
    }
    const arn = this.#arn();
    this.permissionSets.set(arn, {
      entity: {
        ...structuredClone(ps),
        managedPolicies: [],
        customerManagedPolicies: [],
        inlinePolicy: null,
        permissionsBoundary: null,
      },
      version: 1,
      provisioned: new Map(),
      deprovisioning: new Map(),
    });
    this.#wrote("CreatePermissionSet", ps.name);
    return arn;
  }

  async updatePermissionSetAttributes(arn: string, ps: PermissionSetEntity): Promise<void> {
    const rec = this.#editable("UpdatePermissionSet", arn);
    rec.entity.description = ps.description;
    rec.entity.sessionDuration = ps.sessionDuration;
    rec.entity.relayState = ps.relayState;
    this.#changed(rec, "UpdatePermissionSet", arn);
  }

  async attachManagedPolicy(arn: string, policyArn: string): Promise<void> {
    const rec = this.#editable("AttachManagedPolicyToPermissionSet", arn);
    if (rec.entity.managedPolicies.includes(policyArn)) throw this.#error("ConflictException");
    rec.entity.managedPolicies = [...rec.entity.managedPolicies, policyArn].sort();
    this.#changed(rec, "AttachManagedPolicyToPermissionSet", `${arn} ${policyArn}`);
  }

  async detachManagedPolicy(arn: string, policyArn: string): Promise<void> {
    const rec = this.#editable("DetachManagedPolicyFromPermissionSet", arn);
    rec.entity.managedPolicies = rec.entity.managedPolicies.filter((p) => p !== policyArn);
    this.#changed(rec, "DetachManagedPolicyFromPermissionSet", `${arn} ${policyArn}`);
  }

  async attachCustomerManagedPolicy(arn: string, ref: CustomerManagedPolicyRef): Promise<void> {
    const rec = this.#editable("AttachCustomerManagedPolicyReferenceToPermissionSet", arn);
    rec.entity.customerManagedPolicies = [...rec.entity.customerManagedPolicies, ref].sort(
      (a, b) => a.path.localeCompare(b.path) || a.name.localeCompare(b.name),
    );
    this.#changed(
      rec,
      "AttachCustomerManagedPolicyReferenceToPermissionSet",
      `${arn} ${ref.path}${ref.name}`,
    );
  }

  async detachCustomerManagedPolicy(arn: string, ref: CustomerManagedPolicyRef): Promise<void> {
    const rec = this.#editable("DetachCustomerManagedPolicyReferenceFromPermissionSet", arn);
    rec.entity.customerManagedPolicies = rec.entity.customerManagedPolicies.filter(
      (r) => !(r.name === ref.name && r.path === ref.path),
    );
    this.#changed(
      rec,
      "DetachCustomerManagedPolicyReferenceFromPermissionSet",
      `${arn} ${ref.path}${ref.name}`,
    );
  }

  async putInlinePolicy(arn: string, document: string): Promise<void> {
    const rec = this.#editable("PutInlinePolicyToPermissionSet", arn);
    rec.entity.inlinePolicy = document;
    this.#changed(rec, "PutInlinePolicyToPermissionSet", arn);
  }

  async deleteInlinePolicy(arn: string): Promise<void> {
    const rec = this.#editable("DeleteInlinePolicyFromPermissionSet", arn);
    rec.entity.inlinePolicy = null;
    this.#changed(rec, "DeleteInlinePolicyFromPermissionSet", arn);
  }

  async putPermissionsBoundary(
    arn: string,
    boundary: PermissionSetEntity["permissionsBoundary"],
  ): Promise<void> {
    const rec = this.#editable("PutPermissionsBoundaryToPermissionSet", arn);
    rec.entity.permissionsBoundary = structuredClone(boundary);
    this.#changed(rec, "PutPermissionsBoundaryToPermissionSet", arn);
  }

  async deletePermissionsBoundary(arn: string): Promise<void> {
    const rec = this.#editable("DeletePermissionsBoundaryFromPermissionSet", arn);
    rec.entity.permissionsBoundary = null;
    this.#changed(rec, "DeletePermissionsBoundaryFromPermissionSet", arn);
  }

  async tagPermissionSet(arn: string, tags: Record<string, string>): Promise<void> {
    this.#fault("TagResource", arn);
    const rec = this.#ps(arn);
    rec.entity.tags = sortedRecord({ ...rec.entity.tags, ...tags });
    this.#wrote("TagResource", `${arn} ${JSON.stringify(tags)}`);
  }

  async untagPermissionSet(arn: string, keys: readonly string[]): Promise<void> {
    this.#fault("UntagResource", arn);
    const rec = this.#ps(arn);
    rec.entity.tags = sortedRecord(
      Object.fromEntries(Object.entries(rec.entity.tags).filter(([k]) => !keys.includes(k))),
    );
    this.#wrote("UntagResource", `${arn} ${keys.join(",")}`);
  }

  async deletePermissionSet(arn: string): Promise<boolean> {
    this.#fault("DeletePermissionSet", arn);
    const rec = this.permissionSets.get(arn);
    if (!rec) return false;
    for (const [account, left] of rec.deprovisioning) {
      if (left <= 0) rec.deprovisioning.delete(account);
      else rec.deprovisioning.set(account, left - 1);
    }
    const assigned = [...this.assignments.values()].some((a) => a.permissionSetArn === arn);
    const busy = [...this.operations.values()].some(
      (o) => o.status === "IN_PROGRESS" && o.lanes.some((l) => l.endsWith(arn)),
    );
    if (assigned || busy || rec.deprovisioning.size > 0) throw this.#error("ConflictException");
    this.permissionSets.delete(arn);
    this.#wrote("DeletePermissionSet", arn);
    return true;
  }

  async provisionPermissionSet(arn: string, target: ProvisionTarget): Promise<OperationStatus> {
    this.#fault("ProvisionPermissionSet", arn);
    const rec = this.#ps(arn);
    const accounts = target === "ALL_PROVISIONED_ACCOUNTS" ? [...rec.provisioned.keys()] : [target.accountId];
    const lanes = accounts.map((a) => laneOf(a, arn));
    this.#checkLanes(lanes);
    if (this.inProgress("provision").length >= MAX_PROVISIONS) {
      this.throttles++;
      throw this.#error("ThrottlingException");
    }
    const version = rec.version;
    const op = this.#start("provision", lanes, () => {
      for (const a of accounts) rec.provisioned.set(a, version);
    });
    this.peakProvisions = Math.max(this.peakProvisions, this.inProgress("provision").length);
    this.#wrote(
      "ProvisionPermissionSet",
      `${arn} ${target === "ALL_PROVISIONED_ACCOUNTS" ? "ALL" : target.accountId}`,
    );
    return this.#statusOf(op);
  }

  async createAssignment(ref: AssignmentRef): Promise<OperationStatus> {
    this.#fault("CreateAccountAssignment", `${ref.accountId} ${ref.permissionSetArn} ${ref.principalId}`);
    this.#startAssignmentCheck(ref);
    const principalExists = (ref.principalType === "GROUP" ? this.groups : this.users).has(ref.principalId);
    const op = this.#start("assignment-create", [laneOf(ref.accountId, ref.permissionSetArn)], () => {
      this.assignments.set(key(ref), ref);
      this.#markProvisioned(ref.permissionSetArn, ref.accountId);
    });
    if (!principalExists)
      op.fail = `Received a 404 status error: principal ${ref.principalId} does not exist.`;
    this.#injectFailure(
      "CreateAccountAssignment",
      `${ref.accountId} ${ref.permissionSetArn} ${ref.principalId}`,
      op,
    );
    this.peakOutstanding = Math.max(this.peakOutstanding, this.#outstanding());
    this.#wrote("CreateAccountAssignment", key(ref));
    return this.#statusOf(op);
  }

  async deleteAssignment(ref: AssignmentRef): Promise<OperationStatus | null> {
    this.#fault("DeleteAccountAssignment", `${ref.accountId} ${ref.permissionSetArn} ${ref.principalId}`);
    if (!this.assignments.has(key(ref))) return null;
    this.#startAssignmentCheck(ref);
    const op = this.#start("assignment-delete", [laneOf(ref.accountId, ref.permissionSetArn)], () => {
      this.assignments.delete(key(ref));
      const rec = this.permissionSets.get(ref.permissionSetArn);
      const left = [...this.assignments.values()].some(
        (a) => a.accountId === ref.accountId && a.permissionSetArn === ref.permissionSetArn,
      );
      if (rec && !left && rec.provisioned.delete(ref.accountId)) {
        rec.deprovisioning.set(ref.accountId, this.deprovisionPolls);
      }
    });
    this.#injectFailure(
      "DeleteAccountAssignment",
      `${ref.accountId} ${ref.permissionSetArn} ${ref.principalId}`,
      op,
    );
    this.peakOutstanding = Math.max(this.peakOutstanding, this.#outstanding());
    this.#wrote("DeleteAccountAssignment", key(ref));
    return this.#statusOf(op);
  }

  async describeOperation(kind: OperationKind, requestId: string): Promise<OperationStatus> {
    this.#fault(`Describe:${kind}`, requestId);
    this.describeCalls++;
    const op = this.operations.get(requestId);
    if (!op || op.kind !== kind) throw this.#error("ResourceNotFoundException");
    this.#tick(op);
    return this.#statusOf(op);
  }

  async listInProgress(kind: OperationKind): Promise<{ requestIds: string[]; calls: number }> {
    this.#fault(`List:${kind}`, kind);
    this.listCalls++;
    for (const op of this.inProgress(kind)) this.#tick(op);
    return { requestIds: this.inProgress(kind).map((o) => o.requestId), calls: 1 };
  }

  // --- internals -------------------------------------------------------------------------------

  #id(prefix: string): string {
    return `${prefix}-${String(this.#next++).padStart(8, "0")}`;
  }

  #arn(): string {
    return `${this.instanceArn.replace(":instance/", ":permissionSet/")}/ps-${String(this.#next++).padStart(16, "0")}`;
  }

  #error(code: string, message = `${code} (fake)`): AwsError {
    if (code === "ConflictException") this.conflicts++;
    if (code === "ThrottlingException") this.throttles++;
    return new AwsError(
      {
        operation: "fake",
        awsCode: code,
        requestId: this.#id("req"),
        message,
        detail: "injected by the fake",
      },
      { cause: Object.assign(new Error(message), { name: code }) },
    );
  }

  #rule(
    operation: string,
    subject: string,
    want: "error" | "failed",
  ): (FakeRule & { seen: number; fired: number }) | null {
    for (const r of this.rules) {
      if (r.operation !== operation || (r.match !== undefined && !subject.includes(r.match))) continue;
      if ((want === "error" ? r.error : r.failed) === undefined) continue;
      r.seen++;
      if (r.seen <= (r.afterCalls ?? 0)) continue;
      const times = r.times ?? 1;
      if (times !== 0 && r.fired >= times) continue;
      r.fired++;
      return r;
    }
    return null;
  }

  #fault(operation: string, subject: string): void {
    const r = this.#rule(operation, subject, "error");
    if (r?.error) throw this.#error(r.error);
  }

  #injectFailure(operation: string, subject: string, op: Op): void {
    const r = this.#rule(operation, subject, "failed");
    if (r?.failed) op.fail = r.failed;
  }

  addRule(rule: FakeRule): this {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
    return this;
  }

  #wrote(operation: string, subject: string): void {
    this.writes.push({ operation, subject });
  }

  #ps(arn: string): PsRec {
    const rec = this.permissionSets.get(arn);
    if (!rec) throw this.#error("ResourceNotFoundException");
    return rec;
  }

  /** A permission set that may be edited now: not while it is being provisioned (AWS conflicts). */
  #editable(operation: string, arn: string): PsRec {
    this.#fault(operation, arn);
    const rec = this.#ps(arn);
    const provisioning = this.inProgress("provision").some((o) => o.lanes.some((l) => l.endsWith(arn)));
    if (provisioning) throw this.#error("ConflictException");
    return rec;
  }

  #changed(rec: PsRec, operation: string, subject: string): void {
    rec.version++;
    this.#wrote(operation, subject);
  }

  #outstanding(): number {
    return this.inProgress("assignment-create").length + this.inProgress("assignment-delete").length;
  }

  #checkLanes(lanes: readonly string[]): void {
    const busy = new Set(this.inProgress().flatMap((o) => o.lanes));
    if (lanes.some((l) => busy.has(l))) throw this.#error("ConflictException");
  }

  #startAssignmentCheck(ref: AssignmentRef): void {
    this.#ps(ref.permissionSetArn);
    this.#checkLanes([laneOf(ref.accountId, ref.permissionSetArn)]);
    if (this.#outstanding() >= MAX_OUTSTANDING) throw this.#error("ThrottlingException");
  }

  #markProvisioned(arn: string, account: string): void {
    const rec = this.permissionSets.get(arn);
    if (rec && !rec.provisioned.has(account)) rec.provisioned.set(account, rec.version);
  }

  #start(kind: OperationKind, lanes: string[], finish: () => void): Op {
    const op: Op = {
      kind,
      requestId: `req-${String(this.#next++).padStart(8, "0")}`,
      status: "IN_PROGRESS",
      failureReason: null,
      polls: this.pollsToFinish,
      lanes,
      fail: null,
      finish,
    };
    this.operations.set(op.requestId, op);
    if (op.polls <= 0) this.#end(op);
    return op;
  }

  #tick(op: Op): void {
    if (op.status !== "IN_PROGRESS") return;
    op.polls--;
    if (op.polls <= 0) this.#end(op);
  }

  #end(op: Op): void {
    if (op.fail !== null) {
      op.status = "FAILED";
      op.failureReason = op.fail;
      return;
    }
    op.finish();
    op.status = "SUCCEEDED";
  }

  #statusOf(op: Op): OperationStatus {
    return { kind: op.kind, requestId: op.requestId, status: op.status, failureReason: op.failureReason };
  }

  #groupId(name: string): string | undefined {
    for (const [id, g] of this.groups) if (g.name === name) return id;
    return undefined;
  }

  #userId(name: string): string | undefined {
    for (const [id, u] of this.users) if (u.userName === name) return id;
    return undefined;
  }

  #arnOf(name: string): string | undefined {
    for (const [arn, ps] of this.permissionSets) if (ps.entity.name === name) return arn;
    return undefined;
  }

  #refOf(a: AssignmentEntity): AssignmentRef | null {
    const permissionSetArn = this.#arnOf(a.permissionSet);
    const principalId =
      a.principalType === "GROUP" ? this.#groupId(a.principalName) : this.#userId(a.principalName);
    if (!permissionSetArn || !principalId) return null;
    return { accountId: a.accountId, permissionSetArn, principalType: a.principalType, principalId };
  }

  #entityOf(ref: AssignmentRef): AssignmentEntity {
    const permissionSet = this.permissionSets.get(ref.permissionSetArn)?.entity.name ?? ref.permissionSetArn;
    const principalName =
      ref.principalType === "GROUP"
        ? (this.groups.get(ref.principalId)?.name ?? ref.principalId)
        : (this.users.get(ref.principalId)?.userName ?? ref.principalId);
    return {
      kind: "assignment",
      accountId: ref.accountId,
      permissionSet,
      principalType: ref.principalType,
      principalName,
    };
  }
}

const key = (a: AssignmentRef): string =>
  `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;
const laneOf = (account: string, arn: string): string => `${account}|${arn}`;

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
