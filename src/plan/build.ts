import { permissionSetAddress, principalAddress, userAddress } from "../model/address.ts";
import { byCodeUnit } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import { ConfigError } from "../model/errors.ts";
import type { Live, OrphanAssignment } from "../model/live.ts";
import {
  type Change,
  type ExpiringAccess,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanSummary,
  type SafetyViolation,
} from "../model/plan.ts";
import type { PermissionSetEntity, State } from "../model/state.ts";
import { accessSummary } from "./access.ts";
import { callerWarnings } from "./caller.ts";
import { planEntityChanges } from "./changes.ts";
import { planChecksum } from "./checksum.ts";
import { orderChanges } from "./order.ts";
import { accountLabel, indexOrg, type OrgIndex } from "./org.ts";
import { ownershipOf } from "./ownership.ts";
import { planProvisioning } from "./provisioning.ts";
import { resolveDesired } from "./resolve.ts";
import { checkSafety } from "./safety.ts";
import {
  adminAccessWarnings,
  adminPolicyWarnings,
  coverageWarnings,
  directUserWarnings,
  idpGroupWarnings,
  inactiveAccountAssignmentWarnings,
  inactiveAccountWarnings,
  managementAccountWarnings,
  orphanWarnings,
  policyCountWarnings,
  protectedWarnings,
  renameWarnings,
  sortWarnings,
} from "./warnings.ts";

export interface BuildPlanInput {
  config: Config;
  live: Live;
  /** The current instant (expiry is judged against it); the planner never reads a clock. */
  now: Date;
  /** `--allow-deletes`: lets the overridable safety rails through. Does not change `changes`. */
  allowDeletes: boolean;
}

/**
 * The plan: desired state from the files, diffed against the live state, in apply order, with
 * the access summary, warnings, safety verdict and checksum. Pure. Throws `ConfigError` with every
 * located problem when the files do not resolve against the organisation.
 */
export function buildPlan(input: BuildPlanInput): Plan {
  const { config, live, now, allowDeletes } = input;
  const resolved = resolveDesired(config, live.org, {
    now,
    callerIsManagementAccount: live.callerIsManagementAccount,
  });
  const errors = resolved.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new ConfigError(
      `${errors.length} problem${errors.length === 1 ? "" : "s"} resolving the access files against the organisation`,
      resolved.diagnostics,
    );
  }

  const index = indexOrg(live.org);
  const ownership = ownershipOf(config, live, resolved);
  const entityChanges = planEntityChanges(config, live, resolved, ownership);
  const provisions = planProvisioning(entityChanges.changes, resolved.desired, live, index);
  const ordered = orderChanges([...entityChanges.changes, ...provisions]);
  const safety = checkSafety(
    { config, live, resolved, changes: ordered, managedLiveCount: entityChanges.managedLiveCount },
    allowDeletes,
  );
  const changes = markBlocked(ordered, safety.violations);

  const warnings = sortWarnings([
    ...inactiveAccountWarnings(resolved.excluded, index),
    ...renameWarnings(changes),
    ...adminPolicyWarnings(changes),
    ...adminAccessWarnings(changes, permissionSetAfter(resolved.desired, live), index),
    ...directUserWarnings(changes, index),
    ...protectedWarnings(entityChanges.kept),
    ...orphanWarnings(live, changes, resolved.desired, index),
    ...policyCountWarnings(resolved.desired),
    ...idpGroupWarnings(live, resolved.desired),
    ...coverageWarnings(entityChanges.outsideCoverage),
    ...managementAccountWarnings(entityChanges.leftToManagementAccount, index),
    ...inactiveAccountAssignmentWarnings(entityChanges.leftInInactiveAccounts, live, index),
    ...callerWarnings(config, live, changes),
  ]);

  const orphans = [...live.orphans].sort(
    (a, b) =>
      byCodeUnit(a.accountId, b.accountId) ||
      byCodeUnit(a.permissionSet, b.permissionSet) ||
      byCodeUnit(a.principalType, b.principalType) ||
      byCodeUnit(a.principalId, b.principalId),
  );
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    instance: { arn: live.instance.instanceArn, identityStoreId: live.instance.identityStoreId },
    refresh: live.coverage.refresh,
    changes,
    summary: summarise(changes),
    access: accessSummary(changes, index),
    unmanaged: entityChanges.unmanaged,
    warnings,
    safety,
    expiring: resolved.expiring,
    orphans,
    accountNames: accountNames(changes, orphans, resolved.expiring, index),
    checksum: planChecksum(changes),
  };
}

/**
 * The changes that need a principal or permission set an `unresolved-principal` violation names,
 * marked with `blockedBy`: assignment creates of that principal or permission set, and membership
 * creates of that user. The rail is never overridable, so such a plan is refused anyway; the mark
 * keeps renderers from presenting the changes as access that will be granted.
 */
function markBlocked(changes: readonly Change[], violations: readonly SafetyViolation[]): Change[] {
  const missing = new Set(
    violations.filter((v) => v.rule === "unresolved-principal").flatMap((v) => v.addresses),
  );
  if (missing.size === 0) return [...changes];
  return changes.map((c) => {
    if (c.action !== "create") return c;
    const needs =
      c.after?.kind === "assignment"
        ? [
            principalAddress(c.after.principalType, c.after.principalName),
            permissionSetAddress(c.after.permissionSet),
          ]
        : c.after?.kind === "membership"
          ? [userAddress(c.after.userName)]
          : [];
    const blockedBy = needs.find((address) => missing.has(address));
    return blockedBy === undefined ? c : { ...c, blockedBy };
  });
}

/** Names of the accounts the changes, orphans and expiring assignments mention, with sorted keys. */
function accountNames(
  changes: readonly Change[],
  orphans: readonly OrphanAssignment[],
  expiring: readonly ExpiringAccess[],
  index: OrgIndex,
): Record<string, string> {
  const ids = new Set<string>(orphans.map((o) => o.accountId));
  for (const x of expiring) if (x.assignment) ids.add(x.assignment.accountId);
  for (const c of changes) {
    if (c.after?.kind === "assignment") ids.add(c.after.accountId);
    if (c.before?.kind === "assignment") ids.add(c.before.accountId);
    if (c.after?.kind === "provisioning" && c.after.target !== "ALL_PROVISIONED_ACCOUNTS") {
      for (const id of c.after.target.accounts) ids.add(id);
    }
  }
  const out: Record<string, string> = {};
  for (const id of [...ids].sort(byCodeUnit)) out[id] = accountLabel(index, id);
  return out;
}

export function summarise(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    provision: 0,
    total: changes.length,
  };
  let blocked = 0;
  for (const c of changes) {
    summary[c.action]++;
    if (c.blockedBy !== undefined) blocked++;
  }
  return blocked > 0 ? { ...summary, blocked } : summary;
}

/** The permission set of a name as it is after the plan: desired when the files manage it, else live. */
function permissionSetAfter(desired: State, live: Live): (name: string) => PermissionSetEntity | null {
  return (name) => {
    const address = permissionSetAddress(name);
    const found = desired.get(address) ?? live.state.get(address);
    return found?.kind === "permissionSet" ? found : null;
  };
}
