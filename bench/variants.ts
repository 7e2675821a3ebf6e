import type { Seed } from "../src/emulator/index.ts";
import { accessFiles, seedOf } from "./emit.ts";
import type { ApplyWork } from "./formulas.ts";
import { Draw, type GeneratedOrg, HOT_PERMISSION_SET, PLATFORM_GROUPS } from "./generate.ts";
import { assignmentKey, type BenchAssignment, type BenchRule, resolveRules } from "./org.ts";

/**
 * The benchmark's variants of one generated organisation (ecosystem-performance §2.8):
 * - `no-op`: live equals the files;
 * - `bootstrap`: an empty instance (only the organisation exists);
 * - `typical-pr`: the files gain 50 assignments, lose 20, and edit 2 inline policies;
 * - `drift`: 1 % of the assignments changed out of band (half removed, half added) and one
 *   permission set edited but not provisioned (its accounts hold a stale copy).
 */

export type Variant = "no-op" | "bootstrap" | "typical-pr" | "drift";
export const VARIANTS: readonly Variant[] = ["no-op", "bootstrap", "typical-pr", "drift"];

/** The changes a correct plan of the variant holds, by action. */
export interface ExpectedPlan {
  create: number;
  update: number;
  delete: number;
  provision: number;
}

export interface VariantData {
  name: Variant;
  description: string;
  /** The access directory: path relative to it -> text. */
  files: Map<string, string>;
  seed: Seed;
  expected: ExpectedPlan;
  /** Assignments the files resolve to. */
  desiredAssignments: number;
  /** The writes an apply makes, for §2.7's bound. */
  work: ApplyWork;
  /** What the files declare, resolved: the baseline's configuration. */
  declared: { assignments: BenchAssignment[]; policies: ReadonlyMap<string, Record<string, unknown>> };
  /** Whether a rule targets account tags (so reading the organisation reads every account's tags). */
  targetsTags: boolean;
  /** What the baseline's state file holds (the last applied configuration); null for an empty instance. */
  applied: { assignments: BenchAssignment[] } | null;
}

/** A typical pull request (§2.8). */
export const TYPICAL_PR = { adds: 50, removes: 20, policyEdits: 2 } as const;
/** The share of assignments the drift variant changes out of band (§2.8: 1 %). */
export const DRIFT_SHARE = 0.01;
/** Accounts a new rule of the typical pull request names. */
const ACCOUNTS_PER_NEW_RULE = 5;
const MAX_TRIES = 10_000;

const isPlatform = (group: string) => PLATFORM_GROUPS.some((p) => p.name === group);
const unitOfRule = (rule: BenchRule) => rule.file.match(/^assignments\/(bu\d+)\.yaml$/)?.[1] ?? null;

export function buildVariants(gen: GeneratedOrg): Record<Variant, VariantData> {
  const baseFiles = accessFiles(gen, { rules: gen.rules });
  const desired = [...gen.desired.values()];
  const provisionedAccounts = accountsPerPermissionSet(desired);
  const full = (assignments: Iterable<BenchAssignment>, extra: Partial<Parameters<typeof seedOf>[1]> = {}) =>
    seedOf(gen, { identity: true, permissionSets: true, assignments, ...extra });
  const none: ExpectedPlan = { create: 0, update: 0, delete: 0, provision: 0 };
  const noWork: ApplyWork = {
    identityWrites: {},
    permissionSetWrites: 0,
    provisionings: [],
    assignmentCreates: 0,
    assignmentDeletes: 0,
  };
  const targetsTags = gen.rules.some((r) => r.targets.tags !== undefined);
  const declaredBase = { assignments: desired, policies: new Map<string, Record<string, unknown>>() };

  const memberships = gen.groups.reduce((n, g) => n + g.members.length, 0);
  const identityCount = gen.users.length + gen.groups.length + memberships;
  const pr = typicalPullRequest(gen);
  const prProvisionings = pr.edited.map((name) => ({
    permissionSet: name,
    accounts: provisionedAccounts.get(name) ?? 0,
  }));
  const drift = driftedLive(gen);
  const driftProvisionings = [...drift.stale].map(([name, accounts]) => ({
    permissionSet: name,
    accounts: accounts.length,
  }));
  const permissionSetWrites = gen.permissionSets.reduce(
    (n, ps) =>
      n +
      1 +
      ps.managedPolicies.length +
      ps.customerManagedPolicies.length +
      (ps.inlinePolicy ? 1 : 0) +
      (ps.permissionsBoundary ? 1 : 0),
    0,
  );

  return {
    "no-op": {
      name: "no-op",
      description: "live state equals the files",
      files: baseFiles,
      seed: full(desired),
      expected: none,
      desiredAssignments: gen.desired.size,
      work: noWork,
      declared: declaredBase,
      targetsTags,
      applied: { assignments: desired },
    },
    bootstrap: {
      name: "bootstrap",
      description: "an empty instance: every user, group, permission set and assignment is created",
      files: baseFiles,
      seed: seedOf(gen, { identity: false, permissionSets: false, assignments: [] }),
      expected: { ...none, create: identityCount + gen.permissionSets.length + gen.desired.size },
      desiredAssignments: gen.desired.size,
      work: {
        identityWrites: {
          "identitystore:CreateUser": gen.users.length,
          "identitystore:CreateGroup": gen.groups.length,
          "identitystore:CreateGroupMembership": memberships,
        },
        permissionSetWrites,
        provisionings: [],
        assignmentCreates: gen.desired.size,
        assignmentDeletes: 0,
      },
      declared: declaredBase,
      targetsTags,
      applied: null,
    },
    "typical-pr": {
      name: "typical-pr",
      description: `a pull request: +${TYPICAL_PR.adds} and -${TYPICAL_PR.removes} assignments, ${TYPICAL_PR.policyEdits} inline policy edits`,
      files: accessFiles(gen, { rules: pr.rules, policies: pr.policies }),
      seed: full(desired),
      expected: {
        create: TYPICAL_PR.adds,
        update: TYPICAL_PR.policyEdits,
        delete: TYPICAL_PR.removes,
        provision: TYPICAL_PR.policyEdits,
      },
      desiredAssignments: gen.desired.size + TYPICAL_PR.adds - TYPICAL_PR.removes,
      work: {
        ...noWork,
        permissionSetWrites: TYPICAL_PR.policyEdits,
        provisionings: prProvisionings,
        assignmentCreates: TYPICAL_PR.adds,
        assignmentDeletes: TYPICAL_PR.removes,
      },
      declared: { assignments: [...resolveRules(gen.index, pr.rules).values()], policies: pr.policies },
      targetsTags: pr.rules.some((r) => r.targets.tags !== undefined),
      applied: { assignments: desired },
    },
    drift: {
      name: "drift",
      description: `${drift.removed + drift.added} assignments changed out of band, 1 permission set edited but not provisioned`,
      files: baseFiles,
      seed: full(drift.live, { stale: drift.stale }),
      expected: { ...none, create: drift.removed, delete: drift.added, provision: 1 },
      desiredAssignments: gen.desired.size,
      work: {
        ...noWork,
        provisionings: driftProvisionings,
        assignmentCreates: drift.removed,
        assignmentDeletes: drift.added,
      },
      declared: declaredBase,
      targetsTags,
      applied: { assignments: desired },
    },
  };
}

function accountsPerPermissionSet(assignments: Iterable<BenchAssignment>): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const a of assignments) {
    const set = sets.get(a.permissionSet) ?? new Set<string>();
    set.add(a.accountId);
    sets.set(a.permissionSet, set);
  }
  return new Map([...sets].map(([name, accounts]) => [name, accounts.size]));
}

/** Unit permission sets with an inline policy that are provisioned somewhere, sorted by name. */
function editablePermissionSets(gen: GeneratedOrg): string[] {
  const provisioned = accountsPerPermissionSet(gen.desired.values());
  return gen.permissionSets
    .filter(
      (ps) => ps.inlinePolicy !== null && /^BU\d+-/.test(ps.name) && (provisioned.get(ps.name) ?? 0) > 0,
    )
    .map((ps) => ps.name)
    .sort();
}

/**
 * The typical pull request: new account-list rules granting exactly `adds` new assignments,
 * accounts taken out of account-list rules removing exactly `removes` (each granted by that rule
 * alone), and a statement added to `policyEdits` inline policies.
 */
function typicalPullRequest(gen: GeneratedOrg): {
  rules: BenchRule[];
  policies: Map<string, Record<string, unknown>>;
  edited: string[];
} {
  const draw = new Draw(gen.randomSeed, "typical-pr");
  const rules = gen.rules.map((r) => ({ ...r, targets: { ...r.targets } }));

  let removed = 0;
  for (const rule of draw.sample(rules, rules.length)) {
    if (removed === TYPICAL_PR.removes) break;
    const accounts = rule.targets.accounts;
    const principal = rule.principal;
    if (!("group" in principal) || isPlatform(principal.group) || unitOfRule(rule) === null) continue;
    if (rule.targets.ous || rule.targets.tags || rule.targets.all || rule.permissionSets.length !== 1)
      continue;
    if (!accounts || accounts.length < 2) continue;
    const last = accounts[accounts.length - 1] as string;
    const key = assignmentKey(gen.index.account(last).id, rule.permissionSets[0] as string, principal);
    if (gen.desired.get(key)?.rules !== 1) continue;
    rule.targets.accounts = accounts.slice(0, -1);
    removed++;
  }
  if (removed !== TYPICAL_PR.removes)
    throw new Error("generator: too few account-list rules for the typical PR");

  const added: BenchRule[] = [];
  const taken = new Set<string>();
  const groupRules = rules.filter(
    (r) => "group" in r.principal && !isPlatform((r.principal as { group: string }).group),
  );
  for (let tries = 0; added.length * ACCOUNTS_PER_NEW_RULE < TYPICAL_PR.adds; tries++) {
    if (tries > MAX_TRIES) throw new Error("generator: could not place the typical PR's new assignments");
    const model = draw.pick(groupRules);
    const unit = unitOfRule(model);
    if (unit === null) continue;
    const principal = model.principal;
    const permissionSet = draw.pick(
      gen.permissionSets.filter((ps) => ps.name.startsWith(`${unit.toUpperCase()}-`)),
    ).name;
    const free = gen.index
      .ou(`Root/Workloads/${unit.toUpperCase()}`)
      .filter((a) => a.state === "ACTIVE")
      .filter((a) => {
        const key = assignmentKey(a.id, permissionSet, principal);
        return !gen.desired.has(key) && !taken.has(key);
      });
    if (free.length < ACCOUNTS_PER_NEW_RULE) continue;
    const accounts = draw.sample(free, ACCOUNTS_PER_NEW_RULE);
    for (const a of accounts) taken.add(assignmentKey(a.id, permissionSet, principal));
    added.push({
      file: model.file,
      principal,
      permissionSets: [permissionSet],
      targets: { accounts: accounts.map((a) => a.name).sort() },
      reason: `PR-${1000 + added.length}: new service accounts`,
    });
  }

  const edited = draw.sample(editablePermissionSets(gen), TYPICAL_PR.policyEdits).sort();
  const policies = new Map<string, Record<string, unknown>>();
  for (const name of edited) {
    const ps = gen.permissionSets.find((p) => p.name === name);
    const policy = ps?.inlinePolicy as { Statement: unknown[] };
    policies.set(name, {
      ...policy,
      Statement: [
        ...policy.Statement,
        {
          Sid: "NoPublicBuckets",
          Effect: "Deny",
          Action: ["s3:PutBucketPolicy", "s3:PutBucketAcl"],
          Resource: "*",
        },
      ],
    });
  }
  return { rules: [...rules, ...added], policies, edited };
}

/**
 * The drifted live state: `DRIFT_SHARE` of the assignments changed out of band, half removed and
 * half added (managed groups given unit permission sets in accounts of their unit), and one
 * permission set holding a stale copy in every account it is provisioned to.
 */
function driftedLive(gen: GeneratedOrg): {
  live: BenchAssignment[];
  removed: number;
  added: number;
  stale: Map<string, string[]>;
} {
  const draw = new Draw(gen.randomSeed, "drift");
  const changes = Math.round(gen.desired.size * DRIFT_SHARE);
  const removals = Math.floor(changes / 2);
  const additions = changes - removals;
  const eligible = [...gen.desired.entries()].filter(
    ([, a]) =>
      "group" in a.principal && !isPlatform(a.principal.group) && a.permissionSet !== HOT_PERMISSION_SET,
  );
  const removedKeys = new Set(draw.sample(eligible, removals).map(([key]) => key));
  const live = new Map([...gen.desired].filter(([key]) => !removedKeys.has(key)));

  const groups = gen.groups.filter((g) => !isPlatform(g.name) && /^bu\d+-/.test(g.name));
  let added = 0;
  for (let tries = 0; added < additions; tries++) {
    if (tries > MAX_TRIES) throw new Error("generator: could not place the drift's additions");
    const group = draw.pick(groups);
    const unit = group.name.slice(0, group.name.indexOf("-"));
    const permissionSet = draw.pick(
      gen.permissionSets.filter((ps) => ps.name.startsWith(`${unit.toUpperCase()}-`)),
    ).name;
    const account = draw.pick(gen.index.ou(`Root/Workloads/${unit.toUpperCase()}`));
    const principal = { group: group.name };
    const key = assignmentKey(account.id, permissionSet, principal);
    if (account.state !== "ACTIVE" || gen.desired.has(key) || live.has(key)) continue;
    live.set(key, { accountId: account.id, permissionSet, principal, rules: 0 });
    added++;
  }

  const liveSets = new Set([...live.values()].map((a) => a.permissionSet));
  const staleName = draw.pick(editablePermissionSets(gen).filter((name) => liveSets.has(name)));
  const staleAccounts = [
    ...new Set([...live.values()].filter((a) => a.permissionSet === staleName).map((a) => a.accountId)),
  ].sort();
  return {
    live: [...live.values()],
    removed: removals,
    added,
    stale: new Map([[staleName, staleAccounts]]),
  };
}
