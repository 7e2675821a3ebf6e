import type { PrincipalType } from "../model/state.ts";
import { type CallContext, INJECTED_FAILURE_REASON } from "./call.ts";
import type { Engine } from "./engine.ts";
import type { AsyncStats } from "./options.ts";
import { lognormal } from "./random.ts";
import {
  type AssignmentOpRec,
  assignmentKey,
  type PermissionSetRec,
  type ProvisionOpRec,
  pairKey,
  policyRefKey,
} from "./state.ts";

/** The assignment an assignment operation creates or deletes. */
export interface AssignmentTarget {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

/** The pair lock owner of a deprovisioning that follows the removal of the last assignment. */
const DEPROVISION = "deprovision";

/** FailureReason AWS gives when it cannot reach a suspended or closed account. */
export const suspendedAccountReason = (accountId: string): string =>
  `AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account '${accountId}' takes longer than usual. Please try again in a few minutes. If this problem continues, contact AWS Support.`;

/** Integral of a count over time, for time-averaged in-flight numbers. */
class InFlight {
  current = 0;
  peak = 0;
  started = 0;
  succeeded = 0;
  failed = 0;
  #integral = 0;
  #since = 0;
  #windowStart = 0;

  reset(now: number): void {
    this.peak = this.current;
    this.started = 0;
    this.succeeded = 0;
    this.failed = 0;
    this.#integral = 0;
    this.#since = now;
    this.#windowStart = now;
  }

  change(delta: number, now: number): void {
    this.#integral += this.current * (now - this.#since);
    this.#since = now;
    this.current += delta;
    this.peak = Math.max(this.peak, this.current);
  }

  mean(now: number): number {
    const window = now - this.#windowStart;
    if (window <= 0) return this.current;
    return (this.#integral + this.current * (now - this.#since)) / window;
  }

  window(now: number): number {
    return now - this.#windowStart;
  }
}

/**
 * AWS's asynchronous work: assignment creation and deletion, provisioning and the
 * deprovisioning that follows the last assignment's removal. Each runs `IN_PROGRESS` for a
 * lognormal latency and then ends `SUCCEEDED` or `FAILED`. It holds the locks that make
 * overlapping work conflict: one per (account, permission set) pair, and a count per
 * permission set; and it serialises role updates per account (one at a time, as IAM Identity
 * Center does), so work on a busy account waits its turn.
 */
export class AsyncOperations {
  readonly #engine: Engine;
  /** `pairKey` -> the request id of the operation working on the pair. */
  readonly #pairLocks = new Map<string, string>();
  /** Permission set ARN -> operations in progress touching it (assignment, provisioning, deprovisioning). */
  readonly #opsByPermissionSet = new Map<string, number>();
  /** Permission set ARN -> provisionings in progress. */
  readonly #provisioningsByPermissionSet = new Map<string, number>();
  /** Account id -> when the account's current queue of role updates ends. */
  readonly #roleBusyUntil = new Map<string, number>();
  readonly #assignments = new InFlight();
  readonly #provisionings = new InFlight();

  constructor(engine: Engine) {
    this.#engine = engine;
    this.resetStats();
  }

  resetStats(): void {
    const now = this.#engine.now();
    this.#assignments.reset(now);
    this.#provisionings.reset(now);
  }

  stats(): AsyncStats {
    const now = this.#engine.now();
    const view = (f: InFlight) => ({
      inFlight: f.current,
      peakInFlight: f.peak,
      meanInFlight: f.mean(now),
      started: f.started,
      succeeded: f.succeeded,
      failed: f.failed,
    });
    return {
      windowMs: this.#assignments.window(now),
      assignmentOperations: view(this.#assignments),
      provisionings: view(this.#provisionings),
    };
  }

  get assignmentOperationsInFlight(): number {
    return this.#assignments.current;
  }

  get provisioningsInFlight(): number {
    return this.#provisionings.current;
  }

  isPairBusy(accountId: string, permissionSetArn: string): boolean {
    return this.#pairLocks.has(pairKey(accountId, permissionSetArn));
  }

  /** Whether any operation (assignment, provisioning, deprovisioning) is working on the permission set. */
  isPermissionSetBusy(permissionSetArn: string): boolean {
    return (this.#opsByPermissionSet.get(permissionSetArn) ?? 0) > 0;
  }

  isProvisioning(permissionSetArn: string): boolean {
    return (this.#provisioningsByPermissionSet.get(permissionSetArn) ?? 0) > 0;
  }

  /** Starts creating or deleting an assignment; the caller has checked locks and quotas. */
  startAssignment(kind: "create" | "delete", target: AssignmentTarget, ctx: CallContext): AssignmentOpRec {
    const engine = this.#engine;
    const store = engine.store;
    const ps = store.permissionSets.get(target.permissionSetArn) as PermissionSetRec;
    const op: AssignmentOpRec = {
      kind,
      requestId: engine.newUuid(),
      status: "IN_PROGRESS",
      failureReason: null,
      createdMs: ctx.now,
      ...target,
    };
    (kind === "create" ? store.creations : store.deletions).add(op);
    const forced = ctx.forcedFailure ?? (engine.faults.asyncFailure() ? INJECTED_FAILURE_REASON : null);
    const version = ps.version;
    const needsRole = kind === "create" && !ps.provisioned.has(target.accountId);
    const end = needsRole ? this.#roleUpdate(target.accountId, ctx.now) : ctx.now + this.#latency();
    const pair = pairKey(target.accountId, target.permissionSetArn);
    this.#lock(pair, target.permissionSetArn, op.requestId);
    this.#assignments.started += 1;
    this.#assignments.change(1, ctx.now);
    engine.clock.at(end, () => {
      const now = engine.now();
      this.#unlock(pair, target.permissionSetArn);
      this.#assignments.change(-1, now);
      const reason = forced ?? (kind === "create" ? this.#createProblem(ps, target) : null);
      if (reason !== null) {
        this.#assignments.failed += 1;
        (kind === "create" ? store.creations : store.deletions).setStatus(op, "FAILED", reason);
        return;
      }
      if (kind === "create") this.#finishCreate(ps, target, version, now);
      else this.#finishDelete(ps, target, now);
      this.#assignments.succeeded += 1;
      (kind === "create" ? store.creations : store.deletions).setStatus(op, "SUCCEEDED", null);
    });
    return op;
  }

  /** Starts provisioning `ps` into `accountIds` (every one already checked unlocked by the caller). */
  startProvisioning(
    ps: PermissionSetRec,
    accountIds: string[],
    targetAccount: string | null,
    ctx: CallContext,
  ): ProvisionOpRec {
    const engine = this.#engine;
    const store = engine.store;
    const op: ProvisionOpRec = {
      kind: "provision",
      requestId: engine.newUuid(),
      status: "IN_PROGRESS",
      failureReason: null,
      createdMs: ctx.now,
      accountId: targetAccount,
      permissionSetArn: ps.arn,
    };
    store.provisionings.add(op);
    const forced = ctx.forcedFailure ?? (engine.faults.asyncFailure() ? INJECTED_FAILURE_REASON : null);
    const version = ps.version;
    let end = accountIds.length === 0 ? ctx.now + this.#latency() : ctx.now;
    for (const accountId of accountIds) {
      end = Math.max(end, this.#roleUpdate(accountId, ctx.now));
      this.#lock(pairKey(accountId, ps.arn), ps.arn, op.requestId);
    }
    bump(this.#provisioningsByPermissionSet, ps.arn, 1);
    this.#provisionings.started += 1;
    this.#provisionings.change(1, ctx.now);
    engine.clock.at(end, () => {
      const now = engine.now();
      for (const accountId of accountIds) this.#unlock(pairKey(accountId, ps.arn), ps.arn);
      bump(this.#provisioningsByPermissionSet, ps.arn, -1);
      this.#provisionings.change(-1, now);
      let reason = forced;
      if (reason === null) {
        for (const accountId of accountIds) {
          const problem = this.roleProblem(ps, accountId);
          if (problem === null) store.setProvisioned(ps, accountId, version);
          else reason ??= problem;
        }
      }
      if (reason !== null) this.#provisionings.failed += 1;
      else this.#provisionings.succeeded += 1;
      store.provisionings.setStatus(op, reason === null ? "SUCCEEDED" : "FAILED", reason);
    });
    return op;
  }

  /**
   * Why the permission set's role cannot be created or updated in the account, as the
   * FailureReason AWS would give, or null when it can.
   */
  roleProblem(ps: PermissionSetRec, accountId: string): string | null {
    const store = this.#engine.store;
    const limits = this.#engine.config.limits;
    const account = store.accounts.get(accountId);
    if (!account)
      return `Received a 404 status error: Account ${accountId} is not a member of the organization.`;
    if (account.state !== "ACTIVE") return suspendedAccountReason(accountId);
    if (
      store.callerAccountId !== store.organization.managementAccountId &&
      accountId === store.organization.managementAccountId
    ) {
      return `Received a 403 status error: A delegated administrator cannot provision permission sets in the management account ${accountId}.`;
    }
    if (!ps.provisioned.has(accountId)) {
      const held = store.provisionedByAccount.get(accountId)?.size ?? 0;
      if (held >= limits.provisionedPermissionSetsPerAccount) {
        return `Received a 409 status error: Cannot exceed quota for provisioned permission sets per account: ${limits.provisionedPermissionSetsPerAccount}`;
      }
    }
    const policies = ps.managedPolicies.size + ps.customerPolicies.size;
    if (policies > limits.policiesPerRole) {
      return `Received a 409 status error: Cannot exceed quota for PoliciesPerRole: ${limits.policiesPerRole}`;
    }
    if (account.iamPolicies) {
      const refs = [...ps.customerPolicies.values()];
      if (ps.boundary?.kind === "customer") refs.push(ps.boundary.ref);
      const missing = refs.find((ref) => !account.iamPolicies?.has(policyRefKey(ref)));
      if (missing) {
        return `Received a 404 status error: Policy arn:aws:iam::${accountId}:policy${missing.path}${missing.name} does not exist or is not attachable.`;
      }
    }
    return null;
  }

  #createProblem(ps: PermissionSetRec, target: AssignmentTarget): string | null {
    const store = this.#engine.store;
    const account = store.accounts.get(target.accountId);
    if (account && account.state !== "ACTIVE") return suspendedAccountReason(target.accountId);
    const principalExists =
      target.principalType === "GROUP"
        ? store.groups.has(target.principalId)
        : store.users.has(target.principalId);
    if (!principalExists) {
      return `Received a 404 status error: ${target.principalType === "GROUP" ? "Group" : "User"} ${target.principalId} does not exist in identity store ${store.instance.identityStoreId}.`;
    }
    return ps.provisioned.has(target.accountId) ? null : this.roleProblem(ps, target.accountId);
  }

  #finishCreate(ps: PermissionSetRec, target: AssignmentTarget, version: number, now: number): void {
    const store = this.#engine.store;
    if (!store.assignments.has(assignmentKey(target))) {
      const lag = this.#engine.scaled(this.#engine.faults.lagMs);
      store.addAssignment({ ...target, visibleFromMs: now + lag });
    }
    if (!ps.provisioned.has(target.accountId)) store.setProvisioned(ps, target.accountId, version);
  }

  #finishDelete(ps: PermissionSetRec, target: AssignmentTarget, now: number): void {
    const store = this.#engine.store;
    const existing = store.assignments.get(assignmentKey(target));
    if (existing) store.removeAssignment(existing);
    const copy = ps.provisioned.get(target.accountId);
    if (store.assignmentCountForPair(target.accountId, ps.arn) > 0 || !copy) return;
    copy.deprovisioning = true;
    const pair = pairKey(target.accountId, ps.arn);
    this.#lock(pair, ps.arn, DEPROVISION);
    this.#engine.clock.at(this.#roleUpdate(target.accountId, now), () => {
      this.#unlock(pair, ps.arn);
      store.removeProvisioned(ps, target.accountId);
    });
  }

  /** Queues a role update in the account; returns when it ends. */
  #roleUpdate(accountId: string, now: number): number {
    const start = Math.max(now, this.#roleBusyUntil.get(accountId) ?? now);
    const end = start + this.#latency();
    this.#roleBusyUntil.set(accountId, end);
    return end;
  }

  /** One latency draw, ms of real time: lognormal around the median, spiked by faults, scaled. */
  #latency(): number {
    const { latencyMs, latencySigma } = this.#engine.config;
    const base = lognormal(this.#engine.latencyRng, latencyMs, latencySigma);
    return this.#engine.scaled(base * this.#engine.faults.latencyFactor());
  }

  #lock(pair: string, permissionSetArn: string, owner: string): void {
    this.#pairLocks.set(pair, owner);
    bump(this.#opsByPermissionSet, permissionSetArn, 1);
  }

  #unlock(pair: string, permissionSetArn: string): void {
    this.#pairLocks.delete(pair);
    bump(this.#opsByPermissionSet, permissionSetArn, -1);
  }
}

function bump(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
