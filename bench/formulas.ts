import type { Seed } from "../src/emulator/index.ts";

/**
 * The cost model of ecosystem-performance §2.6 (reading) and §2.7 (applying), computed for a
 * concrete organisation. Pure: counts come from an emulator seed, times are in seconds of AWS
 * time (divide by the time scale for a scaled run).
 */

/** AWS's published quotas (and the emulator's defaults). */
export const QUOTAS = {
  /** Calls per second shared by every sso-admin operation. */
  ssoAdminPerSecond: 20,
  /** Calls per second of each identitystore operation. */
  identityStorePerSecondPerOperation: 20,
  /** Organizations publishes none; the emulator's (and the reader's) assumption. */
  organizationsPerSecond: 10,
  /** Outstanding assignment creations and deletions (C). */
  outstandingAssignmentOperations: 15,
  concurrentProvisionings: 3,
} as const;

/** sso-admin list pages hold at most 100 items; organizations pages 20. */
export const PAGE = 100;
export const ORGANIZATIONS_PAGE = 20;
/**
 * The status-poll interval τ of §2.7's worked numbers (batched polling): a completion is seen
 * τ/2 after it happens on average, and polling costs 1/τ calls per second.
 */
export const POLL_INTERVAL_S = 1;

export const pages = (n: number, size = PAGE): number => Math.ceil(Math.max(n, 1) / size);
const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};
function countBy<T>(items: Iterable<T>, key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** The read-cost quantities of §2.6 for one live state. */
export interface ReadModel {
  /** B₀ = ListInstances + ListPermissionSets pages. */
  b0: number;
  /** Σ_ps k_ps: Describe, managed and customer-managed pages, inline, boundary, tags, stale listing. */
  permissionSetReads: number;
  /** Strategy A: per provisioned (account, permission set) pair. */
  sA: number;
  /** Strategy B: per principal (every group and user). */
  sB: number;
  /** The information-theoretic floor: no call returns more than 100 assignments. */
  sMin: number;
  /** The Terraform-like refresh the baseline performs (see `bench/baseline.ts`). */
  terraform: { ssoAdmin: number; identityStore: number; organizations: number };
  /** identitystore calls per operation bucket (listing principals and the managed groups' members). */
  identityStore: Record<string, number>;
  /** Organizations calls: the account listing (pages of 20), and each account's tags when rules target tags. */
  organizations: number;
  /**
   * The read's lower bound, seconds at AWS speed: the slowest bucket at its quota, with
   * Strategy B on sso-admin (S_B / R, §2.6 "wall time for the read is max over buckets").
   */
  boundSeconds: number;
}

/**
 * §2.6 for the state a seed describes. `membershipsManaged`: the groups' members are managed
 * (identity source `identity-center`), so each group's membership list is read too.
 * `accountTags`: rules target account tags, which Organizations gives one account per call
 * (`ListTagsForResource`; `ListAccounts` carries none), so every account costs a call.
 */
export function readModel(
  seed: Seed,
  options: { membershipsManaged: boolean; accountTags: boolean },
): ReadModel {
  const sets = seed.permissionSets ?? [];
  const accounts = seed.accounts ?? [];
  const idOf = new Map(accounts.flatMap((a) => [[a.id, a.id] as const, [a.name, a.id] as const]));
  const assignments = (seed.assignments ?? []).map((a) => ({
    account: idOf.get(a.account) ?? a.account,
    permissionSet: a.permissionSet,
    principal: a.group !== undefined ? `GROUP/${a.group}` : `USER/${a.user ?? a.principalId}`,
  }));
  const groups = seed.groups ?? [];
  const users = seed.users ?? [];
  const perPrincipal = countBy(assignments, (a) => a.principal);
  const perPair = countBy(assignments, (a) => `${a.account}/${a.permissionSet}`);
  const provisioned = new Map<string, Set<string>>();
  for (const a of assignments) {
    const set = provisioned.get(a.permissionSet) ?? new Set<string>();
    set.add(a.account);
    provisioned.set(a.permissionSet, set);
  }
  for (const ps of sets) {
    const set = provisioned.get(ps.name) ?? new Set<string>();
    for (const ref of ps.provisionedTo ?? []) set.add(idOf.get(ref) ?? ref);
    provisioned.set(ps.name, set);
  }

  const b0 = 1 + pages(sets.length);
  const permissionSetReads = sum(
    sets.map(
      (ps) =>
        1 +
        pages(ps.managedPolicies?.length ?? 0) +
        pages(ps.customerManagedPolicies?.length ?? 0) +
        1 +
        1 +
        1 +
        1,
    ),
  );
  const perPrincipalCalls = sum(
    [...groups.map((g) => `GROUP/${g.name}`), ...users.map((u) => `USER/${u.userName}`)].map((p) =>
      pages(perPrincipal.get(p) ?? 0),
    ),
  );
  const perPairCalls = sum(
    sets.flatMap((ps) =>
      [...(provisioned.get(ps.name) ?? [])].map((account) =>
        pages(perPair.get(`${account}/${ps.name}`) ?? 0),
      ),
    ),
  );
  const provisionedListing = sum(sets.map((ps) => pages(provisioned.get(ps.name)?.size ?? 0)));
  const members = countBy(seed.memberships ?? [], (m) => m.group);
  const identityStore: Record<string, number> = {
    ListGroups: pages(groups.length),
    ListUsers: pages(users.length),
    ...(options.membershipsManaged
      ? { ListGroupMemberships: sum(groups.map((g) => pages(members.get(g.name) ?? 0))) }
      : {}),
  };
  const organizations =
    pages(accounts.length, ORGANIZATIONS_PAGE) + (options.accountTags ? accounts.length : 0);
  const sB = b0 + permissionSetReads + perPrincipalCalls;
  const bucketSeconds = [
    sB / QUOTAS.ssoAdminPerSecond,
    ...Object.values(identityStore).map((n) => n / QUOTAS.identityStorePerSecondPerOperation),
    organizations / QUOTAS.organizationsPerSecond,
  ];

  return {
    b0,
    permissionSetReads,
    sA: b0 + permissionSetReads + provisionedListing + perPairCalls,
    sB,
    sMin: b0 + permissionSetReads + Math.ceil(assignments.length / PAGE),
    terraform: terraformRefresh(seed, perPair),
    identityStore,
    organizations,
    boundSeconds: Math.max(...bucketSeconds),
  };
}

/**
 * What a Terraform-style refresh of everything the state holds costs (§2.2): per assignment
 * resource every page of its pair; per permission set Describe + tags; one List per managed and
 * customer-managed attachment resource; Get of the inline policy and the boundary; a Describe per
 * group, user and membership resource; ListInstances; and the organization data source.
 */
function terraformRefresh(seed: Seed, perPair: ReadonlyMap<string, number>): ReadModel["terraform"] {
  const idOf = new Map(
    (seed.accounts ?? []).flatMap((a) => [[a.id, a.id] as const, [a.name, a.id] as const]),
  );
  const assignmentReads = sum(
    (seed.assignments ?? []).map((a) =>
      pages(perPair.get(`${idOf.get(a.account) ?? a.account}/${a.permissionSet}`) ?? 0),
    ),
  );
  const permissionSetReads = sum(
    (seed.permissionSets ?? []).map(
      (ps) =>
        2 +
        (ps.managedPolicies?.length ?? 0) +
        (ps.customerManagedPolicies?.length ?? 0) +
        (ps.inlinePolicy === undefined ? 0 : 1) +
        (ps.permissionsBoundary === undefined ? 0 : 1),
    ),
  );
  return {
    ssoAdmin: 1 + assignmentReads + permissionSetReads,
    identityStore: (seed.groups?.length ?? 0) + (seed.users?.length ?? 0) + (seed.memberships?.length ?? 0),
    organizations: 2 + pages(seed.accounts?.length ?? 0, ORGANIZATIONS_PAGE),
  };
}

/** The async latency distribution the emulator draws from: lognormal around a median. */
export interface Latency {
  medianSeconds: number;
  sigma: number;
}

/** Mean of a lognormal: median · e^(σ²/2). */
export const lognormalMean = (l: Latency): number => l.medianSeconds * Math.exp((l.sigma * l.sigma) / 2);

/** Standard normal density and distribution (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
const phi = (z: number) => Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
function bigPhi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
/** Integration range and step over z for the expected maximum (±8σ holds all the mass). */
const Z_RANGE = 8;
const Z_STEP = 0.002;

/**
 * The expected longest of `n` independent lognormal latencies: how long a provisioning into `n`
 * accounts takes when the accounts' role updates run side by side. ∫ e^(σz) · n φ(z) Φ(z)^(n−1) dz.
 */
export function expectedMaxLatency(n: number, l: Latency): number {
  if (n <= 0) return 0;
  if (n === 1) return lognormalMean(l);
  let total = 0;
  for (let z = -Z_RANGE; z <= Z_RANGE; z += Z_STEP) {
    total += Math.exp(l.sigma * z) * n * phi(z) * bigPhi(z) ** (n - 1) * Z_STEP;
  }
  return l.medianSeconds * total;
}

/** The writes of one apply, by kind. */
export interface ApplyWork {
  /** identitystore writes per operation (CreateGroup, CreateUser, CreateGroupMembership, ...). */
  identityWrites: Record<string, number>;
  /** Synchronous sso-admin writes: permission-set creates, updates, attachments, policies, tags. */
  permissionSetWrites: number;
  /** Permission sets re-provisioned, each with the number of accounts it is provisioned to. */
  provisionings: readonly { accounts: number }[];
  /** Assignment creations, then (DESIGN.md §4: creates before deletes) deletions; W is their sum. */
  assignmentCreates: number;
  assignmentDeletes: number;
}

export interface ApplyBound {
  /** Identity-store and permission-set writes, which run on separate buckets side by side. */
  setupSeconds: number;
  /** Re-provisioning, at most 3 at a time: max(Σ L_prov / 3, longest L_prov) + τ/2. */
  provisioningSeconds: number;
  /** §2.7, max(W·L_eff/C, W/(R − r_poll)) + L_eff, for the creates and then for the deletes. */
  assignmentSeconds: number;
  /**
   * Setup, then re-provisioning and assignment writes side by side (only the assignments of a
   * permission set being provisioned must wait for it, so the two may overlap): a lower bound
   * for any apply that follows DESIGN.md §4's order.
   */
  writeSeconds: number;
  /** L_eff = mean latency + τ/2. */
  effectiveLatencySeconds: number;
}

/** §2.7 for `w` asynchronous writes: max(W·L_eff/C, W/(R − r_poll)) + L_eff; 0 for none. */
export function asyncWriteSeconds(w: number, lEff: number): number {
  if (w === 0) return 0;
  const pollRate = 1 / POLL_INTERVAL_S;
  return (
    Math.max((w * lEff) / QUOTAS.outstandingAssignmentOperations, w / (QUOTAS.ssoAdminPerSecond - pollRate)) +
    lEff
  );
}

/** §2.7's apply-time lower bound, seconds at AWS speed. */
export function applyBound(work: ApplyWork, latency: Latency): ApplyBound {
  const lEff = lognormalMean(latency) + POLL_INTERVAL_S / 2;
  const identity = Math.max(
    0,
    ...Object.values(work.identityWrites).map((n) => n / QUOTAS.identityStorePerSecondPerOperation),
  );
  const setupSeconds = Math.max(identity, work.permissionSetWrites / QUOTAS.ssoAdminPerSecond);
  const provisioningLatencies = work.provisionings.map((p) => expectedMaxLatency(p.accounts, latency));
  const provisioningSeconds =
    provisioningLatencies.length === 0
      ? 0
      : Math.max(sum(provisioningLatencies) / QUOTAS.concurrentProvisionings, ...provisioningLatencies) +
        POLL_INTERVAL_S / 2;
  const assignmentSeconds =
    asyncWriteSeconds(work.assignmentCreates, lEff) + asyncWriteSeconds(work.assignmentDeletes, lEff);
  return {
    setupSeconds,
    provisioningSeconds,
    assignmentSeconds,
    writeSeconds: setupSeconds + Math.max(provisioningSeconds, assignmentSeconds),
    effectiveLatencySeconds: lEff,
  };
}
