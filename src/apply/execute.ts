import type { Clock } from "../aws/clock.ts";
import type { RetryEvent, RetryPolicy } from "../aws/retry.ts";
import type { Live } from "../model/live.ts";
import type { Change, ProvisioningEntity } from "../model/plan.ts";
import type {
  Address,
  AssignmentEntity,
  GroupEntity,
  MembershipEntity,
  PermissionSetEntity,
  PrincipalType,
  UserEntity,
} from "../model/state.ts";
import { applyErrorOf, attempt } from "./attempt.ts";
import type { JournalSink, WriteRecord } from "./journal.ts";
import { forEachLimited, type PollingOptions, type PoolTask, runPool, StatusPoller } from "./operations.ts";
import { createSteps, type PermissionSetStep, updateSteps } from "./permission-set-steps.ts";
import type {
  AccessWriter,
  AssignmentRef,
  OperationKind,
  OperationStatus,
  ProvisionTarget,
} from "./ports.ts";
import type { ProgressTracker } from "./progress.ts";
import { type ApplyEntry, type ApplyError, doneOutcome } from "./report.ts";

/** How much apply does at once. The defaults are AWS's published limits. */
export interface ExecutorLimits {
  /** Outstanding assignment creations and deletions together (AWS: 15, not raisable). */
  assignmentOperations: number;
  /** Concurrent ProvisionPermissionSet requests (AWS: 3). */
  provisions: number;
  /** Permission sets edited side by side (each one's calls run one after another). */
  permissionSetWorkers: number;
  /** Identity-store writes in flight (each operation has its own 20/s quota). */
  identityWorkers: number;
}

export const DEFAULT_EXECUTOR_LIMITS: ExecutorLimits = {
  assignmentOperations: 15,
  provisions: 3,
  permissionSetWorkers: 4,
  identityWorkers: 8,
};

export interface ExecuteOptions {
  /** The changes to make, in apply order (a plan's `changes`). */
  changes: readonly Change[];
  /** Live state as read just before: the ids and ARNs the calls need. */
  live: Live;
  writer: AccessWriter;
  /** Write retry policy (throttling, transient faults, conflicts up to a deadline). */
  retry: RetryPolicy;
  clock: Clock;
  polling: PollingOptions;
  limits: ExecutorLimits;
  journal: JournalSink;
  runId: string;
  progress: ProgressTracker;
  /** Wall-clock time for journal records. */
  now: () => Date;
}

/** Why a principal or permission set cannot be used by the changes that depend on it. */
type Broken = Map<string, string>;

const pairLane = (accountId: string, permissionSet: string): string => `${accountId}|${permissionSet}`;

/**
 * Executes the changes in the phases of DESIGN.md §4 and returns one entry per change, in the
 * changes' order. Never throws for a failed change: every failure is an entry, and the work that
 * does not depend on it goes on. Reads only `address`, `kind`, `action`, `before`, `after` and
 * `fields` of each change (never `reason`), and the live state for ids and ARNs.
 */
export async function executePlan(options: ExecuteOptions): Promise<ApplyEntry[]> {
  const execution = new Execution(options);
  await execution.run();
  return execution.entries();
}

/**
 * The ProvisionPermissionSet requests for one re-provisioning: one per account listed, or a
 * single `ALL_PROVISIONED_ACCOUNTS` when the plan lists every account that holds the permission
 * set (a stale copy everywhere): one request and one latency instead of one per account. The
 * permission set's own new assignments wait for its provisioning, and deletions come after, so
 * the accounts holding it at that moment are the ones read before the apply.
 */
export function provisionTargets(entity: ProvisioningEntity, live: Live): ProvisionTarget[] {
  if (entity.target === "ALL_PROVISIONED_ACCOUNTS") return ["ALL_PROVISIONED_ACCOUNTS"];
  const listed = entity.target.accounts;
  const holding = live.provisioning[entity.permissionSet]?.accounts ?? [];
  const isListed = new Set(listed);
  const everyHolder =
    listed.length > 1 && holding.length === isListed.size && holding.every((id) => isListed.has(id));
  return everyHolder ? ["ALL_PROVISIONED_ACCOUNTS"] : listed.map((accountId) => ({ accountId }));
}

class Execution {
  readonly #o: ExecuteOptions;
  readonly #results = new Map<Address, ApplyEntry>();
  readonly #userIds: Map<string, string>;
  readonly #groupIds: Map<string, string>;
  readonly #arns: Map<string, string>;
  /** Users and groups whose create failed: their memberships and assignments are skipped. */
  readonly #brokenPrincipals: Broken = new Map();
  /** Permission sets whose create or edit failed: their provisioning and new assignments are skipped. */
  readonly #brokenPermissionSets: Broken = new Map();
  /** Permission sets whose assignments could not all be deleted: they cannot be deleted either. */
  readonly #undeletable: Broken = new Map();
  /** Principals some of whose assignments could not be deleted: they are kept. */
  readonly #keptPrincipals: Broken = new Map();
  /** Old name -> new name of the permission sets being replaced (renamed). */
  readonly #replacedBy = new Map<string, string>();
  readonly #provisioned = new Map<string, Promise<void>>();
  readonly #pollers: Record<OperationKind, StatusPoller>;
  readonly #onRetry: (event: RetryEvent) => void;

  constructor(options: ExecuteOptions) {
    this.#o = options;
    this.#userIds = new Map(Object.entries(options.live.ids.users));
    this.#groupIds = new Map(Object.entries(options.live.ids.groups));
    this.#arns = new Map(Object.entries(options.live.ids.permissionSets));
    this.#onRetry = (event) => {
      if (event.reason === "throttling") options.progress.throttled();
    };
    const poller = (kind: OperationKind) =>
      new StatusPoller(kind, options.writer, {
        retry: options.retry,
        clock: options.clock,
        polling: options.polling,
        onRetry: this.#onRetry,
      });
    this.#pollers = {
      "assignment-create": poller("assignment-create"),
      "assignment-delete": poller("assignment-delete"),
      provision: poller("provision"),
    };
    for (const c of options.changes) {
      if (c.action === "replace" && c.before?.kind === "permissionSet" && c.after?.kind === "permissionSet") {
        this.#replacedBy.set(c.before.name, c.after.name);
      }
    }
  }

  entries(): ApplyEntry[] {
    return this.#o.changes.map(
      (c) =>
        this.#results.get(c.address) ?? {
          address: c.address,
          kind: c.kind,
          action: c.action,
          outcome: "failed",
          requestId: null,
          error: {
            operation: "apply",
            code: null,
            message: `accessops did not execute this ${c.action}: it has no apply step for it (a bug; please report it)`,
            failureReason: null,
            requestId: null,
          },
          note: null,
        },
    );
  }

  async run(): Promise<void> {
    const pick = (kind: Change["kind"], ...actions: Change["action"][]) =>
      this.#o.changes.filter((c) => c.kind === kind && actions.includes(c.action));
    const { limits } = this.#o;

    // Principals and permission sets exist before anything refers to them.
    await Promise.all([
      forEachLimited(pick("user", "create", "update"), limits.identityWorkers, (c) => this.#upsertUser(c)),
      forEachLimited(pick("group", "create", "update"), limits.identityWorkers, (c) => this.#upsertGroup(c)),
    ]);
    await forEachLimited(pick("membership", "create"), limits.identityWorkers, (c) =>
      this.#createMembership(c),
    );
    await forEachLimited(
      pick("permissionSet", "create", "replace", "update"),
      limits.permissionSetWorkers,
      (c) => this.#upsertPermissionSet(c),
    );

    // Each changed permission set is provisioned once, after all its edits; its new assignments
    // wait for that (AWS allows one operation at a time on an account and permission set).
    const provisions = this.#provision(pick("provisioning", "provision"));
    const creates = runPool(
      pick("assignment", "create").map((c) => this.#assignmentTask(c, "assignment-create")),
      limits.assignmentOperations,
    );
    await Promise.all([provisions, creates]);

    // Creates before deletes: a replaced grant is in place before the old one goes.
    await runPool(
      pick("assignment", "delete").map((c) => this.#assignmentTask(c, "assignment-delete")),
      limits.assignmentOperations,
    );
    await forEachLimited(pick("permissionSet", "delete"), limits.permissionSetWorkers, (c) =>
      this.#deletePermissionSet(c),
    );
    await forEachLimited(pick("membership", "delete"), limits.identityWorkers, (c) =>
      this.#deleteMembership(c),
    );
    await forEachLimited(pick("group", "delete"), limits.identityWorkers, (c) => this.#deleteGroup(c));
    await forEachLimited(pick("user", "delete"), limits.identityWorkers, (c) => this.#deleteUser(c));
  }

  // --- bookkeeping ---------------------------------------------------------------------------

  #record(change: Change, entry: Partial<ApplyEntry> & Pick<ApplyEntry, "outcome">): void {
    this.#results.set(change.address, {
      address: change.address,
      kind: change.kind,
      action: change.action,
      requestId: null,
      error: null,
      note: null,
      ...entry,
    });
    this.#o.progress.finished(entry.outcome === "failed");
  }

  #done(change: Change, extra: { requestId?: string | null; note?: string | null } = {}): void {
    this.#record(change, { outcome: doneOutcome(change), ...extra });
  }

  #skip(change: Change, note: string): void {
    this.#record(change, { outcome: "skipped", note });
  }

  #fail(change: Change, error: ApplyError, requestId: string | null = null): void {
    this.#record(change, { outcome: "failed", error, requestId: requestId ?? error.requestId });
  }

  /** Runs one change's work; anything it throws becomes the change's failure, never the run's. */
  async #guard(change: Change, operation: string, work: () => Promise<void>): Promise<void> {
    this.#o.progress.begin();
    try {
      await work();
    } catch (error) {
      this.#fail(change, applyErrorOf(error, operation));
    } finally {
      this.#o.progress.end();
    }
  }

  #journal(
    change: Change,
    operation: string,
    fields: Pick<WriteRecord, "status"> & Partial<Pick<WriteRecord, "kind" | "requestId" | "error" | "note">>,
  ): void {
    this.#o.journal.append({
      type: "write",
      time: this.#o.now().toISOString(),
      runId: this.#o.runId,
      address: change.address,
      operation,
      requestId: null,
      ...fields,
    });
  }

  /** One call, retried as the policy says; a final refusal is journaled and rethrown. */
  async #call<T>(change: Change, operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await attempt(this.#o.writer, this.#o.retry, fn, this.#onRetry);
    } catch (error) {
      const e = applyErrorOf(error, operation);
      this.#journal(change, operation, { status: "FAILED", error: `${e.code ?? "Error"}: ${e.message}` });
      throw error;
    }
  }

  /** One synchronous write, journaled with its outcome. */
  async #write<T>(change: Change, operation: string, fn: () => Promise<T>): Promise<T> {
    const out = await this.#call(change, operation, fn);
    this.#journal(change, operation, { status: "SUCCEEDED" });
    return out;
  }

  /**
   * One asynchronous write: submitted, journaled `IN_PROGRESS` with its request id, awaited,
   * journaled again with its final status. Null when a delete found nothing to delete.
   */
  async #asyncWrite(
    change: Change,
    operation: string,
    kind: OperationKind,
    submit: () => Promise<OperationStatus | null>,
  ): Promise<OperationStatus | null> {
    const started = await this.#call(change, operation, submit);
    if (started === null) {
      this.#journal(change, operation, { kind, status: "SUCCEEDED", note: "already gone" });
      return null;
    }
    this.#journal(change, operation, { kind, requestId: started.requestId, status: "IN_PROGRESS" });
    const final = await this.#pollers[kind].wait(started);
    this.#journal(change, operation, {
      kind,
      requestId: final.requestId,
      status: final.status,
      ...(final.failureReason === null ? {} : { error: final.failureReason }),
    });
    return final;
  }

  #failedStatus(change: Change, operation: string, status: OperationStatus): void {
    this.#fail(
      change,
      {
        operation,
        code: null,
        message: `${operation} ended FAILED`,
        failureReason: status.failureReason,
        requestId: status.requestId,
      },
      status.requestId,
    );
  }

  #missingId(what: string): ApplyError {
    return {
      operation: "apply",
      code: null,
      message: `the live read found no id for ${what}; plan again and apply the new plan`,
      failureReason: null,
      requestId: null,
    };
  }

  // --- identity store --------------------------------------------------------------------------

  #upsertUser(change: Change): Promise<void> {
    const user = change.after as UserEntity;
    const w = this.#o.writer;
    return this.#upsertPrincipal(change, "USER", user.userName, {
      create: ["CreateUser", () => w.createUser(user)],
      update: ["UpdateUser", (id) => w.updateUser(id, user)],
    });
  }

  #upsertGroup(change: Change): Promise<void> {
    const group = change.after as GroupEntity;
    const w = this.#o.writer;
    return this.#upsertPrincipal(change, "GROUP", group.name, {
      create: ["CreateGroup", () => w.createGroup(group)],
      update: ["UpdateGroup", (id) => w.updateGroup(id, group)],
    });
  }

  /** Creates (remembering the new id, or that it failed) or updates a user or group. */
  async #upsertPrincipal(
    change: Change,
    type: PrincipalType,
    name: string,
    calls: {
      create: [operation: string, call: () => Promise<string>];
      update: [operation: string, call: (id: string) => Promise<void>];
    },
  ): Promise<void> {
    const ids = type === "GROUP" ? this.#groupIds : this.#userIds;
    const [operation, create] = calls.create;
    if (change.action === "create") {
      return this.#guard(change, operation, async () => {
        try {
          ids.set(name, await this.#write(change, operation, create));
        } catch (error) {
          const what = `${type === "GROUP" ? "group" : "user"} ${name}`;
          this.#brokenPrincipals.set(this.#principalKey(type, name), `${what} could not be created`);
          throw error;
        }
        this.#done(change);
      });
    }
    const [updateOperation, update] = calls.update;
    await this.#guard(change, updateOperation, async () => {
      const id = ids.get(name);
      if (id === undefined) return this.#fail(change, this.#missingId(`${type.toLowerCase()} ${name}`));
      await this.#write(change, updateOperation, () => update(id));
      this.#done(change);
    });
  }

  async #createMembership(change: Change): Promise<void> {
    const m = change.after as MembershipEntity;
    const broken =
      this.#brokenPrincipals.get(this.#principalKey("GROUP", m.group)) ??
      this.#brokenPrincipals.get(this.#principalKey("USER", m.userName));
    if (broken !== undefined) return this.#skip(change, broken);
    await this.#guard(change, "CreateGroupMembership", async () => {
      const groupId = this.#groupIds.get(m.group);
      const userId = this.#userIds.get(m.userName);
      if (groupId === undefined) return this.#fail(change, this.#missingId(`group ${m.group}`));
      if (userId === undefined) return this.#fail(change, this.#missingId(`user ${m.userName}`));
      await this.#write(change, "CreateGroupMembership", () =>
        this.#o.writer.createMembership(groupId, userId),
      );
      this.#done(change);
    });
  }

  // --- permission sets -------------------------------------------------------------------------

  async #upsertPermissionSet(change: Change): Promise<void> {
    const ps = change.after as PermissionSetEntity;
    const operation = change.action === "update" ? "UpdatePermissionSet" : "CreatePermissionSet";
    await this.#guard(change, operation, async () => {
      try {
        let arn: string;
        let steps: PermissionSetStep[];
        if (change.action === "update") {
          const known = this.#arns.get(ps.name);
          if (known === undefined) {
            this.#brokenPermissionSets.set(ps.name, `permission set ${ps.name} is not in the live read`);
            return this.#fail(change, this.#missingId(`permission set ${ps.name}`));
          }
          arn = known;
          steps = updateSteps(ps, change.fields ?? {});
        } else {
          arn = await this.#write(change, "CreatePermissionSet", () =>
            this.#o.writer.createPermissionSet(ps),
          );
          this.#arns.set(ps.name, arn);
          steps = createSteps(ps);
        }
        for (const step of steps)
          await this.#write(change, step.operation, () => step.run(this.#o.writer, arn));
      } catch (error) {
        this.#brokenPermissionSets.set(
          ps.name,
          `permission set ${ps.name} could not be ${change.action === "update" ? "updated" : "created"} completely`,
        );
        throw error;
      }
      this.#done(change);
    });
  }

  /** Starts every re-provisioning (at most `limits.provisions` requests at a time). */
  #provision(changes: readonly Change[]): Promise<void> {
    const tasks: PoolTask[] = [];
    for (const change of changes) {
      const entity = change.after as ProvisioningEntity;
      const name = entity.permissionSet;
      const broken = this.#brokenPermissionSets.get(name);
      const arn = this.#arns.get(name);
      if (broken !== undefined) {
        this.#skip(change, `${broken}; its accounts keep the previous version`);
        continue;
      }
      if (arn === undefined) {
        this.#fail(change, this.#missingId(`permission set ${name}`));
        continue;
      }
      const targets = provisionTargets(entity, this.#o.live);
      if (targets.length === 0) {
        this.#record(change, { outcome: "unchanged", note: "no account to provision" });
        continue;
      }
      const results: { status: OperationStatus | null; error: unknown }[] = [];
      let finish: () => void = () => undefined;
      this.#provisioned.set(name, new Promise<void>((resolve) => (finish = resolve)));
      let left = targets.length;
      this.#o.progress.begin();
      const settle = () => {
        if (--left > 0) return;
        this.#o.progress.end();
        const failed = results.find((r) => r.error !== null || r.status?.status === "FAILED");
        const last = results.at(-1)?.status?.requestId ?? null;
        if (failed === undefined) this.#done(change, { requestId: last });
        else if (failed.error !== null)
          this.#fail(change, applyErrorOf(failed.error, "ProvisionPermissionSet"));
        else if (failed.status) this.#failedStatus(change, "ProvisionPermissionSet", failed.status);
        finish();
      };
      for (const target of targets) {
        tasks.push({
          lane: pairLane(target === "ALL_PROVISIONED_ACCOUNTS" ? "*" : target.accountId, name),
          run: async () => {
            try {
              const status = await this.#asyncWrite(change, "ProvisionPermissionSet", "provision", () =>
                this.#o.writer.provisionPermissionSet(arn, target),
              );
              results.push({ status, error: null });
            } catch (error) {
              results.push({ status: null, error });
            }
            settle();
          },
        });
      }
    }
    return runPool(tasks, this.#o.limits.provisions);
  }

  async #deletePermissionSet(change: Change): Promise<void> {
    const ps = change.before as PermissionSetEntity;
    const replacement = this.#replacedBy.get(ps.name);
    const replacementBroken =
      replacement === undefined ? undefined : this.#brokenPermissionSets.get(replacement);
    if (replacementBroken !== undefined) {
      return this.#skip(change, `its replacement failed (${replacementBroken}), so ${ps.name} stays`);
    }
    const undeletable = this.#undeletable.get(ps.name);
    if (undeletable !== undefined) return this.#skip(change, undeletable);
    const remaining = this.#remainingAssignments(ps.name);
    if (remaining > 0) {
      return this.#fail(change, {
        operation: "DeletePermissionSet",
        code: null,
        message: `AWS refuses to delete ${ps.name} while it has assignments, and ${remaining} that this plan does not remove remain (unmanaged, ignored or orphaned); remove them, then apply again`,
        failureReason: null,
        requestId: null,
      });
    }
    await this.#guard(change, "DeletePermissionSet", async () => {
      const arn = this.#arns.get(ps.name);
      if (arn === undefined) return this.#done(change, { note: "already gone" });
      // AWS answers ConflictException until deprovisioning from every account has finished:
      // the write policy retries it, with backoff, up to its deadline.
      const deleted = await this.#write(change, "DeletePermissionSet", () =>
        this.#o.writer.deletePermissionSet(arn),
      );
      this.#done(change, { note: deleted ? null : "already gone" });
    });
  }

  /** Live assignments of a permission set that no change of this plan deletes. */
  #remainingAssignments(permissionSet: string): number {
    const deleting = new Set(
      this.#o.changes.filter((c) => c.kind === "assignment" && c.action === "delete").map((c) => c.address),
    );
    let n = this.#o.live.orphans.filter((o) => o.permissionSet === permissionSet).length;
    for (const [address, entity] of this.#o.live.state) {
      if (entity.kind === "assignment" && entity.permissionSet === permissionSet && !deleting.has(address))
        n++;
    }
    return n;
  }

  // --- assignments -----------------------------------------------------------------------------

  #assignmentTask(change: Change, kind: "assignment-create" | "assignment-delete"): PoolTask {
    const a = (kind === "assignment-create" ? change.after : change.before) as AssignmentEntity;
    const gate = kind === "assignment-create" ? this.#provisioned.get(a.permissionSet) : undefined;
    return {
      lane: pairLane(a.accountId, a.permissionSet),
      spread: a.accountId,
      ...(gate ? { gate } : {}),
      run: () =>
        kind === "assignment-create" ? this.#createAssignment(change, a) : this.#deleteAssignment(change, a),
    };
  }

  #principalKey = (type: PrincipalType, name: string): string => `${type}/${name}`;

  #assignmentRef(change: Change, a: AssignmentEntity): AssignmentRef | null {
    const arn = this.#arns.get(a.permissionSet);
    const principalId = (a.principalType === "GROUP" ? this.#groupIds : this.#userIds).get(a.principalName);
    if (arn === undefined) {
      this.#fail(change, this.#missingId(`permission set ${a.permissionSet}`));
      return null;
    }
    if (principalId === undefined) {
      this.#fail(change, this.#missingId(`${a.principalType.toLowerCase()} ${a.principalName}`));
      return null;
    }
    return { accountId: a.accountId, permissionSetArn: arn, principalType: a.principalType, principalId };
  }

  async #createAssignment(change: Change, a: AssignmentEntity): Promise<void> {
    const broken =
      this.#brokenPermissionSets.get(a.permissionSet) ??
      this.#brokenPrincipals.get(this.#principalKey(a.principalType, a.principalName));
    if (broken !== undefined) return this.#skip(change, broken);
    const ref = this.#assignmentRef(change, a);
    if (ref === null) return;
    await this.#guard(change, "CreateAccountAssignment", async () => {
      const status = await this.#asyncWrite(change, "CreateAccountAssignment", "assignment-create", () =>
        this.#o.writer.createAssignment(ref),
      );
      if (status?.status === "FAILED") return this.#failedStatus(change, "CreateAccountAssignment", status);
      this.#done(change, { requestId: status?.requestId ?? null });
    });
  }

  async #deleteAssignment(change: Change, a: AssignmentEntity): Promise<void> {
    const keep = (why: string) => {
      this.#undeletable.set(
        a.permissionSet,
        `an assignment of ${a.permissionSet} was not deleted (${change.address})`,
      );
      this.#keptPrincipals.set(
        this.#principalKey(a.principalType, a.principalName),
        `an assignment of ${a.principalName} was not deleted (${change.address})`,
      );
      return why;
    };
    const replacement = this.#replacedBy.get(a.permissionSet);
    const replacementBroken =
      replacement === undefined ? undefined : this.#brokenPermissionSets.get(replacement);
    if (replacementBroken !== undefined) {
      return this.#skip(change, keep(`${replacementBroken}, so the access it replaces stays`));
    }
    const ref = this.#assignmentRef(change, a);
    if (ref === null) {
      keep("no id");
      return;
    }
    await this.#guard(change, "DeleteAccountAssignment", async () => {
      try {
        const status = await this.#asyncWrite(change, "DeleteAccountAssignment", "assignment-delete", () =>
          this.#o.writer.deleteAssignment(ref),
        );
        if (status?.status === "FAILED") {
          keep("failed");
          return this.#failedStatus(change, "DeleteAccountAssignment", status);
        }
        this.#done(change, {
          requestId: status?.requestId ?? null,
          note: status === null ? "already gone" : null,
        });
      } catch (error) {
        keep("failed");
        throw error;
      }
    });
  }

  // --- identity-store deletes ------------------------------------------------------------------

  async #deleteMembership(change: Change): Promise<void> {
    const m = change.before as MembershipEntity;
    await this.#guard(change, "DeleteGroupMembership", async () => {
      const id = this.#o.live.ids.memberships[change.address];
      if (id === undefined) return this.#fail(change, this.#missingId(`membership ${m.group}/${m.userName}`));
      const deleted = await this.#write(change, "DeleteGroupMembership", () =>
        this.#o.writer.deleteMembership(id),
      );
      this.#done(change, { note: deleted ? null : "already gone" });
    });
  }

  async #deletePrincipal(
    change: Change,
    type: PrincipalType,
    name: string,
    operation: string,
    remove: (id: string) => Promise<boolean>,
  ): Promise<void> {
    const kept = this.#keptPrincipals.get(this.#principalKey(type, name));
    if (kept !== undefined) return this.#skip(change, `${kept}, so ${name} stays`);
    await this.#guard(change, operation, async () => {
      const id = (type === "GROUP" ? this.#groupIds : this.#userIds).get(name);
      if (id === undefined) return this.#done(change, { note: "already gone" });
      const deleted = await this.#write(change, operation, () => remove(id));
      this.#done(change, { note: deleted ? null : "already gone" });
    });
  }

  #deleteGroup(change: Change): Promise<void> {
    const g = change.before as GroupEntity;
    return this.#deletePrincipal(change, "GROUP", g.name, "DeleteGroup", (id) =>
      this.#o.writer.deleteGroup(id),
    );
  }

  #deleteUser(change: Change): Promise<void> {
    const u = change.before as UserEntity;
    return this.#deletePrincipal(change, "USER", u.userName, "DeleteUser", (id) =>
      this.#o.writer.deleteUser(id),
    );
  }
}
