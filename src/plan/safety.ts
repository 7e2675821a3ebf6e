import {
  addressOf,
  groupAddress,
  permissionSetAddress,
  principalAddress,
  userAddress,
} from "../model/address.ts";
import { byCodeUnit, sortedUnique } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import type { Live } from "../model/live.ts";
import type { Change, Plan, SafetyRule, SafetyViolation } from "../model/plan.ts";
import type { Address, AssignmentEntity, Entity } from "../model/state.ts";
import { callerLoss } from "./caller.ts";
import { isAdministratorClass } from "./policies.ts";
import type { ResolveResult } from "./resolve.ts";
import { countByKind, listJoin } from "./words.ts";

/**
 * The delete-percentage rail applies only from this many managed live objects: on a small instance
 * one deletion is already a large share, and blocking it would only teach people to pass the override.
 */
export const MIN_MANAGED_OBJECTS_FOR_PERCENT = 10;

/** The rails `--allow-deletes` lets through. The others mean the inputs are wrong, not risky. */
const OVERRIDABLE: ReadonlySet<SafetyRule> = new Set([
  "max-deletes",
  "max-delete-percent",
  "lockout",
  "caller-access",
]);

/** Everything the rails look at; all of it already computed by the planner. */
export interface SafetyInput {
  config: Config;
  live: Live;
  resolved: ResolveResult;
  /** The planned changes (any order). */
  changes: readonly Change[];
  /** Managed live objects inside the read's coverage. */
  managedLiveCount: number;
}

const OVERRIDE_HINT = "Review the deletions, then re-run with --allow-deletes";

/** What an overridden violation says instead of its way out. */
const ACKNOWLEDGED = "allowed by --allow-deletes";

/**
 * A violation as a rail finds it. `message` is the facts and the way out; `checkSafety` replaces
 * it with the acknowledged facts when `--allow-deletes` overrides the rail.
 */
export interface RailFinding extends SafetyViolation {
  /** The message without the way out, one or more sentences. */
  facts: string;
}

function violation(rule: SafetyRule, facts: string, fix: string, addresses: Address[]): RailFinding {
  return {
    rule,
    message: `${facts} ${fix}`,
    facts,
    addresses: [...addresses].sort(byCodeUnit),
    overridable: OVERRIDABLE.has(rule),
  };
}

function deletions(changes: readonly Change[]): Change[] {
  return changes.filter((c) => c.action === "delete");
}

/** More deletions than `settings.safety.maxDeletes`. */
export function maxDeletesRail(input: SafetyInput): RailFinding[] {
  const deletes = deletions(input.changes);
  const limit = input.config.settings.safety.maxDeletes;
  if (deletes.length <= limit) return [];
  return [
    violation(
      "max-deletes",
      `This plan deletes ${deletes.length} objects (${countByKind(deletes)}); settings.safety.maxDeletes allows ${limit}.`,
      `${OVERRIDE_HINT}, or raise maxDeletes.`,
      deletes.map((c) => c.address),
    ),
  ];
}

/** Deletions over `settings.safety.maxDeletePercent` of the managed live objects (from 10 objects). */
export function maxDeletePercentRail(input: SafetyInput): RailFinding[] {
  const deletes = deletions(input.changes);
  const managed = input.managedLiveCount;
  const limit = input.config.settings.safety.maxDeletePercent;
  if (managed < MIN_MANAGED_OBJECTS_FOR_PERCENT || deletes.length * 100 <= limit * managed) return [];
  const percent = Math.round((deletes.length * 100) / managed);
  return [
    violation(
      "max-delete-percent",
      `This plan deletes ${percent}% of the managed live objects (${deletes.length} of ${managed}); settings.safety.maxDeletePercent allows ${limit}%.`,
      `${OVERRIDE_HINT}, or raise maxDeletePercent.`,
      deletes.map((c) => c.address),
    ),
  ];
}

/**
 * A principal or permission set the files reference but do not manage is missing live. Never read
 * as "remove all its access": the plan stops until the reference resolves.
 */
export function unresolvedPrincipalRail(input: SafetyInput): RailFinding[] {
  const { live, resolved } = input;
  const out: RailFinding[] = [];
  const nearGroup = caseInsensitive(Object.keys(live.ids.groups));
  const nearUser = caseInsensitive(Object.keys(live.ids.users));
  const nearSet = caseInsensitive(Object.keys(live.ids.permissionSets));
  const principals = [
    ...resolved.references.groups.map((name) => ({
      name,
      address: groupAddress(name),
      known: live.ids.groups[name] !== undefined,
      what: `group "${name}" is declared external but is not in the identity store${nearGroup(name, "group")}`,
    })),
    ...resolved.references.users.map((name) => ({
      name,
      address: userAddress(name),
      known: live.ids.users[name] !== undefined,
      what: `user "${name}" is referenced but is not in the identity store${nearUser(name, "user")} (declare it under users if accessops should create it)`,
    })),
  ];
  for (const p of principals) {
    if (p.known || live.state.has(p.address)) continue;
    out.push(
      violation(
        "unresolved-principal",
        `${p.what}.`,
        "Check that your IdP (SCIM) still syncs it and that the name matches exactly (case matters); plan again once it resolves.",
        [p.address],
      ),
    );
  }
  for (const name of resolved.references.permissionSets) {
    const address = permissionSetAddress(name);
    if (live.state.has(address) || live.ids.permissionSets[name] !== undefined) continue;
    out.push(
      violation(
        "unresolved-principal",
        `permission set "${name}" is declared external but does not exist in the instance${nearSet(name, "permission set")}.`,
        "Check the name (case matters) and whether whoever made it (for example Control Tower) removed it; plan again once it resolves.",
        [address],
      ),
    );
  }
  return out;
}

/**
 * A lookup that names a live object whose name differs from a missing one only in case
 * (`; group "Okta-Engineering" exists`), or says nothing. Names are case-sensitive in AWS, so a
 * near miss is the likeliest cause of an unresolved reference.
 */
function caseInsensitive(liveNames: readonly string[]): (name: string, noun: string) => string {
  const byLower = new Map<string, string>();
  for (const n of [...liveNames].sort(byCodeUnit))
    if (!byLower.has(n.toLowerCase())) byLower.set(n.toLowerCase(), n);
  return (name, noun) => {
    const near = byLower.get(name.toLowerCase());
    return near === undefined || near === name ? "" : `; ${noun} "${near}" exists, differing only in case`;
  };
}

/**
 * A declared group holds none of its expected assignments under its current id, while assignments
 * of a deleted principal remain on the same account and permission-set pairs: the group was
 * deleted and re-created (the idp-scim-sync outage pattern), and its old grants are orphaned.
 */
export function recreatedGroupRail(input: SafetyInput): RailFinding[] {
  const { live, resolved, config } = input;
  const orphanPairs = new Map<string, Set<string>>();
  for (const o of live.orphans) {
    if (o.principalType !== "GROUP") continue;
    const pair = `${o.accountId}/${o.permissionSet}`;
    const ids = orphanPairs.get(pair) ?? new Set<string>();
    ids.add(o.principalId);
    orphanPairs.set(pair, ids);
  }
  if (orphanPairs.size === 0) return [];
  const expected = pairsByPrincipal(assignmentsOf(resolved.desired.values()));
  const held = pairsByPrincipal(assignmentsOf(live.state.values()));
  const out: RailFinding[] = [];
  for (const group of config.groups) {
    const address = groupAddress(group.name);
    const pairs = expected.get(address);
    if (!pairs || !live.state.has(address)) continue;
    const holding = held.get(address) ?? new Set<string>();
    if ([...pairs].some((p) => holding.has(p))) continue;
    const orphaned = [...pairs].filter((p) => orphanPairs.has(p));
    if (orphaned.length === 0) continue;
    const oldIds = sortedUnique(orphaned.flatMap((p) => [...(orphanPairs.get(p) ?? [])]));
    out.push(
      violation(
        "recreated-group",
        `group "${group.name}" looks re-created with a new id: it holds none of its ${pairs.size} expected assignments, while ${orphaned.length} of them remain on a deleted group (id ${oldIds.join(", ")}).`,
        "Check your IdP sync (SCIM) for a deletion; once the group is stable, remove the orphaned assignments of the old id (aws sso-admin delete-account-assignment) and plan again.",
        [address],
      ),
    );
  }
  return out;
}

/**
 * After the plan, nobody would hold an administrator-class permission set in the management
 * account, while somebody does now.
 */
export function lockoutRail(input: SafetyInput): RailFinding[] {
  const { live, changes } = input;
  const management = live.org.managementAccountId;
  const adminNow = new Set<string>();
  const adminAfter = new Set<string>();
  const deletedSets = new Set<string>();
  for (const e of live.state.values()) {
    if (e.kind === "permissionSet" && isAdministratorClass(e)) {
      adminNow.add(e.name);
      adminAfter.add(e.name);
    }
  }
  const removed = new Set<Address>();
  const added: AssignmentEntity[] = [];
  for (const c of changes) {
    if (c.after?.kind === "permissionSet") {
      if (isAdministratorClass(c.after)) adminAfter.add(c.after.name);
      else adminAfter.delete(c.after.name);
    }
    if (c.action === "delete" && c.before?.kind === "permissionSet") deletedSets.add(c.before.name);
    if (c.action === "delete" && c.before?.kind === "assignment") removed.add(c.address);
    if (c.action === "create" && c.after?.kind === "assignment") added.push(c.after);
  }
  for (const name of deletedSets) adminAfter.delete(name);

  const holdersNow: Address[] = [];
  let holdersAfter = 0;
  for (const e of live.state.values()) {
    if (e.kind !== "assignment" || e.accountId !== management) continue;
    const address = addressOf(e);
    if (adminNow.has(e.permissionSet)) holdersNow.push(address);
    if (!removed.has(address) && adminAfter.has(e.permissionSet)) holdersAfter++;
  }
  holdersAfter += added.filter((a) => a.accountId === management && adminAfter.has(a.permissionSet)).length;
  if (holdersNow.length === 0 || holdersAfter > 0) return [];
  const who = holdersNow
    .map((a) => live.state.get(a))
    .filter((e): e is AssignmentEntity => e?.kind === "assignment")
    .map((e) => `${principalAddress(e.principalType, e.principalName)} via ${e.permissionSet}`)
    .sort(byCodeUnit);
  return [
    violation(
      "lockout",
      `After this plan nobody holds an administrator permission set in the management account ${management} (today: ${who.join(", ")}).`,
      "Keep at least one such assignment, or re-run with --allow-deletes if this is intended.",
      holdersNow,
    ),
  ];
}

/**
 * The caller, an IAM Identity Center user, would lose the permission set they are signed in with
 * in their account: the plan removes every assignment, membership or object through which they
 * hold it (see `callerLoss`).
 */
export function callerAccessRail(input: SafetyInput): RailFinding[] {
  const loss = callerLoss(input.live, input.changes);
  if (loss === null) return [];
  const { caller } = loss;
  return [
    violation(
      "caller-access",
      `This plan removes your own access: ${caller.userName} is signed in with permission set ${caller.permissionSet} in account ${caller.accountId} through ${listJoin(loss.through)}, and after it no assignment gives ${caller.userName} that permission set there.`,
      "Keep one such assignment, or re-run with --allow-deletes if this is intended (and keep another way in to undo it).",
      loss.addresses,
    ),
  ];
}

function assignmentsOf(entities: Iterable<Entity>): AssignmentEntity[] {
  const out: AssignmentEntity[] = [];
  for (const e of entities) if (e.kind === "assignment") out.push(e);
  return out;
}

function pairsByPrincipal(assignments: readonly AssignmentEntity[]): Map<Address, Set<string>> {
  const out = new Map<Address, Set<string>>();
  for (const a of assignments) {
    const address = principalAddress(a.principalType, a.principalName);
    const pairs = out.get(address) ?? new Set<string>();
    pairs.add(`${a.accountId}/${a.permissionSet}`);
    out.set(address, pairs);
  }
  return out;
}

/** The verbs of the permission-set changes a delegated administrator cannot make, in apply order. */
const MANAGEMENT_DENIED_VERBS: Partial<Record<Change["action"], string>> = {
  update: "updates",
  provision: "re-provisions",
  delete: "deletes",
};

/**
 * A delegated administrator plans to update, re-provision or delete a permission set that is
 * provisioned in the management account: AWS denies a delegated administrator any change to such
 * a permission set, so apply would fail part way. Not overridable: the way out is another caller
 * or another declaration, not a risk to accept.
 */
export function managementPermissionSetRail(input: SafetyInput): RailFinding[] {
  const { live, changes, config } = input;
  if (live.callerIsManagementAccount) return [];
  const management = live.org.managementAccountId;
  const touched = new Map<string, Change[]>();
  for (const c of changes) {
    const name = permissionSetChanged(c);
    if (name === null || !live.provisioning[name]?.accounts.includes(management)) continue;
    touched.set(name, [...(touched.get(name) ?? []), c]);
  }
  const label = live.org.accounts.find((a) => a.id === management)?.name ?? management;
  return [...touched].map(([name, planned]) => {
    const verbs = [...new Set(planned.map((c) => MANAGEMENT_DENIED_VERBS[c.action] ?? c.action))];
    const source = config.permissionSets.find((p) => p.name === name)?.source;
    const declared = source ? ` (declared at ${source.file}:${source.line})` : "";
    return violation(
      "management-account-permission-set",
      `This plan ${listJoin(verbs)} permission set ${name}${declared}, which is provisioned in the management account ${label} (${management}): AWS denies a delegated administrator any change to such a permission set.`,
      `Plan and apply with credentials of the management account, or stop managing ${name} with accessops (declare it with external: true).`,
      planned.map((c) => c.address),
    );
  });
}

/** The permission set an update, delete or provision changes; null for every other change. */
function permissionSetChanged(c: Change): string | null {
  if (c.after?.kind === "provisioning") return c.after.permissionSet;
  if ((c.action === "update" || c.action === "delete") && c.before?.kind === "permissionSet")
    return c.before.name;
  return null;
}

/** Every rail, in a fixed order; each is a named function with its own tests. */
const RAILS: readonly ((input: SafetyInput) => RailFinding[])[] = [
  maxDeletesRail,
  maxDeletePercentRail,
  unresolvedPrincipalRail,
  recreatedGroupRail,
  lockoutRail,
  callerAccessRail,
  managementPermissionSetRail,
];

/**
 * Runs every rail. The plan is safe when each violation is overridable and deletes are allowed;
 * an overridden violation then reads as acknowledged ("allowed by --allow-deletes: ...") rather
 * than asking for the flag it already has.
 */
export function checkSafety(input: SafetyInput, allowDeletes: boolean): Plan["safety"] {
  const violations = RAILS.flatMap((rail) => rail(input)).map(
    ({ facts, ...v }): SafetyViolation =>
      allowDeletes && v.overridable ? { ...v, message: `${ACKNOWLEDGED}: ${lowerFirst(facts)}` } : v,
  );
  const ok = violations.every((v) => allowDeletes && v.overridable);
  return { ok, deletesAllowed: allowDeletes, violations };
}

/** `This plan …` as `this plan …`, to follow a colon. */
function lowerFirst(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}
