import type { Group, User } from "@aws-sdk/client-identitystore";
import { type InstanceMetadata, ListInstancesCommand } from "@aws-sdk/client-sso-admin";
import { addressOf, groupAddress, membershipAddress, userAddress } from "../model/address.ts";
import { byCodeUnit } from "../model/canonical.ts";
import { AwsError, ConfigError } from "../model/errors.ts";
import type { InstanceRef, Live, OrphanAssignment, ProvisioningState, ReadCoverage } from "../model/live.ts";
import type { Address, Entity, State } from "../model/state.ts";
import { compileOwnershipRegex } from "../schema/regex-guard.ts";
import { readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import type { ReadStats } from "./limiter.ts";
import { statsSince } from "./limiter.ts";
import { groupEntity, hasExternalIds, permissionSetEntity, required, userEntity } from "./normalise.ts";
import {
  type AssignmentRow,
  type PrincipalTarget,
  readForPair,
  readForPrincipal,
} from "./read-assignments.ts";
import { readCaller } from "./read-caller.ts";
import { type Directory, emptyDirectory, PAGE_SIZE, readMemberships } from "./read-identity.ts";
import { readOrganization } from "./read-org.ts";
import {
  type Catalog,
  type CatalogEntry,
  type PermissionSetDetails,
  readCatalog,
  readDetails,
  readProvisionedAccounts,
} from "./read-permission-sets.ts";
import type { ReadRequest } from "./read-request.ts";

/** The live state and what reading it cost. */
export interface ReadResult {
  live: Live;
  stats: ReadStats;
}

/**
 * Reads the live state with the fewest calls the API allows (docs/aws-reading.md has the
 * strategy and its cost). Independent reads run side by side, each service in its own pacing
 * bucket. Any failure is an `AwsError` naming the operation and the address: a partial read
 * is never returned as if it were complete.
 */
export async function readLive(ctx: AwsContext, request: ReadRequest): Promise<ReadResult> {
  const controller = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, controller.signal]) : controller.signal;
  try {
    return await read({ ...ctx, signal }, request);
  } catch (error) {
    // The reads still under way would only spend quota on a result nobody will use.
    controller.abort(error);
    throw error;
  }
}

async function read(ctx: AwsContext, request: ReadRequest): Promise<ReadResult> {
  const before = ctx.limiter.stats();
  const instance = await readInstance(ctx, request.instanceArn);
  const full = request.everything || request.refresh === "full";
  const directory = emptyDirectory(ctx, instance.identityStoreId);

  const callerRead = readCaller(ctx);
  const orgRead = readOrganization(ctx, { tags: request.accountTags });
  const principalsRead = readPrincipals(directory, request, full);
  const listed = readCatalog(ctx, instance.instanceArn);
  const wanted = new Set(request.permissionSets);
  const detailsRead = listed.then(async (catalog): Promise<[CatalogEntry, PermissionSetDetails][]> => {
    const detailsOf = async (entry: CatalogEntry): Promise<[CatalogEntry, PermissionSetDetails]> => [
      entry,
      await readDetails(ctx, instance.instanceArn, entry),
    ];
    if (full) {
      const all = await catalog.describeAll((entry) =>
        isDetailed(entry, request, wanted, full) ? detailsOf(entry) : Promise.resolve(null),
      );
      return all.filter((d) => d !== null);
    }
    await catalog.describeUntilFound(request.permissionSets, ctx.limiter.options.maxInFlight);
    return Promise.all(
      catalog
        .entries()
        .filter((e) => isDetailed(e, request, wanted, full))
        .map(detailsOf),
    );
  });
  // Every permission set wanted is described once the details are read.
  const catalogRead = detailsRead.then(() => listed);
  const membershipsRead = principalsRead.then(() =>
    readMemberships(ctx, instance.identityStoreId, directory, membershipGroups(directory, request)),
  );
  const assignmentsRead = principalsRead.then(() =>
    readAssignments(ctx, instance, request, full, directory, catalogRead, detailsRead),
  );
  const [caller, org, catalog, details, memberships, assignments] = await Promise.all([
    callerRead,
    orgRead,
    catalogRead,
    detailsRead,
    membershipsRead,
    assignmentsRead,
  ]);
  const { entities: assignmentEntities, orphans } = await resolveRows(assignments.rows, catalog, directory);

  const state: State = new Map<Address, Entity>();
  const put = (entity: Entity) => state.set(addressOf(entity), entity);
  const groups = directory.groups.all();
  const users = directory.users.all();
  for (const g of groups) put(groupEntity(g));
  for (const u of users) put(userEntity(u));
  for (const m of memberships) put({ kind: "membership", group: m.group, userName: m.userName });
  const detailed = new Map(details.map(([entry, d]) => [entry.name, d]));
  for (const entry of full ? catalog.entries() : details.map(([entry]) => entry)) {
    put(
      permissionSetEntity({
        described: entry.described,
        tags: entry.tags,
        details: detailed.get(entry.name)?.details ?? null,
      }),
    );
  }
  for (const a of assignmentEntities) put(a);

  const provisioning: Record<string, ProvisioningState> = {};
  for (const [name, d] of [...detailed].sort(([a], [b]) => byCodeUnit(a, b)))
    provisioning[name] = d.provisioning;

  const coverage: ReadCoverage = {
    refresh: request.everything ? "full" : request.refresh,
    allPrincipals: directory.groups.complete && directory.users.complete,
    principals: [...assignments.principals].sort(byCodeUnit),
    allPermissionSets: full && catalog.complete,
    permissionSets: [...detailed.keys()].sort(byCodeUnit),
    memberships: [
      ...new Set(membershipGroups(directory, request).map((g) => directory.groups.nameOf(g))),
    ].sort(byCodeUnit),
    assignmentStrategy: assignments.strategy,
  };
  const live: Live = {
    instance,
    state,
    ids: {
      users: sortedRecord(users.map((u) => [directory.users.nameOf(u), directory.users.idOf(u)])),
      groups: sortedRecord(groups.map((g) => [directory.groups.nameOf(g), directory.groups.idOf(g)])),
      memberships: sortedRecord(
        memberships.map((m) => [membershipAddress(m.group, m.userName), m.membershipId]),
      ),
      permissionSets: sortedRecord(catalog.entries().map((e) => [e.name, e.arn])),
    },
    idpGroups: groups
      .filter(hasExternalIds)
      .map((g) => directory.groups.nameOf(g))
      .sort(byCodeUnit),
    provisioning,
    orphans,
    org,
    callerIsManagementAccount: assignments.callerIsManagementAccount,
    coverage,
    caller,
  };
  return { live, stats: statsSince(before, ctx.limiter.stats()) };
}

const sortedRecord = (entries: [string, string][]): Record<string, string> =>
  Object.fromEntries(entries.sort(([a], [b]) => byCodeUnit(a, b)));

/**
 * The instance: `settings.instanceArn` when given (it must be listed), else the account's
 * only one. ListInstances costs one call either way, like DescribeInstance.
 */
async function readInstance(ctx: AwsContext, instanceArn: string | null): Promise<InstanceRef> {
  const site = { service: "sso-admin", operation: "ListInstances", address: "instance" } as const;
  const instances = await readAll<InstanceMetadata>(ctx, site, async (NextToken) => {
    const out = await ctx.ssoAdmin.send(new ListInstancesCommand({ MaxResults: PAGE_SIZE, NextToken }));
    return { items: out.Instances, next: out.NextToken };
  });
  const usable = instances.filter((i) => i.Status === undefined || i.Status === "ACTIVE");
  const arns = usable.map((i) => i.InstanceArn ?? "").sort(byCodeUnit);
  const chosen = instanceArn === null ? usable : usable.filter((i) => i.InstanceArn === instanceArn);
  const [instance] = chosen;
  if (chosen.length === 1 && instance) {
    return {
      instanceArn: required(instance.InstanceArn, "InstanceArn", site.operation),
      identityStoreId: required(instance.IdentityStoreId, "IdentityStoreId", site.operation),
      ownerAccountId: instance.OwnerAccountId ?? "",
    };
  }
  const where = ctx.endpoint ?? "this account and region";
  if (instanceArn !== null) {
    throw new AwsError({
      ...site,
      address: instanceArn,
      message: `the instance ${instanceArn} is not an active IAM Identity Center instance of ${where}`,
      detail: `Correct settings.instanceArn (or --instance-arn); the instances found are: ${arns.join(", ") || "none"}. Check --region too.`,
    });
  }
  if (chosen.length === 0) {
    throw new AwsError({
      ...site,
      message: `no active IAM Identity Center instance in ${where}`,
      detail:
        "Enable IAM Identity Center, or point --region (or settings.region) at the region where it lives.",
    });
  }
  throw new AwsError({
    ...site,
    message: `${chosen.length} IAM Identity Center instances in ${where}`,
    detail: `Say which one to manage with settings.instanceArn (or --instance-arn): ${arns.join(", ")}.`,
  });
}

/** Full: list every group and user. Targeted: find the named ones (see `findByNames`). */
async function readPrincipals(directory: Directory, request: ReadRequest, full: boolean): Promise<void> {
  if (full) {
    await Promise.all([directory.groups.listAll(), directory.users.listAll()]);
    return;
  }
  await Promise.all([
    request.groups.length > 0 ? directory.groups.findByNames(request.groups) : undefined,
    request.users.length > 0 ? directory.users.findByNames(request.users) : undefined,
  ]);
}

/** Groups whose memberships are read: the managed ones, or every group with `everything`. */
function membershipGroups(directory: Directory, request: ReadRequest): Group[] {
  if (request.everything) return directory.groups.all();
  return request.managedGroups.flatMap((name) => {
    const g = directory.groups.byName(name);
    return g ? [g] : [];
  });
}

const isOwned = (entry: CatalogEntry, tag: ReadRequest["ownershipTag"]): boolean =>
  (entry.tags ?? []).some((t) => t.Key === tag.key && (t.Value ?? "") === tag.value);

/**
 * Whether a permission set's details and provisioning are read: every one with `everything`;
 * otherwise those the configuration touches (declared, `previously`) and, in a full read,
 * those carrying the ownership tag (owned, maybe no longer declared).
 */
function isDetailed(
  entry: CatalogEntry,
  request: ReadRequest,
  wanted: ReadonlySet<string>,
  full: boolean,
): boolean {
  return request.everything || wanted.has(entry.name) || (full && isOwned(entry, request.ownershipTag));
}

/** The ownership regex, compiled the one way the loader and the planner compile it. */
function compileOwnership(key: "groups" | "users", source: string | null): RegExp | null {
  if (source === null) return null;
  try {
    return compileOwnershipRegex(source);
  } catch (error) {
    throw new ConfigError(
      `settings.ownership.${key} is not a valid regular expression`,
      [],
      `Fix settings.ownership.${key} (${(error as Error).message}).`,
    );
  }
}

/** The principal ids and addresses of the directory entries. */
function targetsOf(
  directory: Directory,
  groups: readonly Group[],
  users: readonly User[],
): PrincipalTarget[] {
  return [
    ...groups.map(
      (g): PrincipalTarget => ({
        type: "GROUP",
        id: directory.groups.idOf(g),
        address: groupAddress(directory.groups.nameOf(g)),
      }),
    ),
    ...users.map(
      (u): PrincipalTarget => ({
        type: "USER",
        id: directory.users.idOf(u),
        address: userAddress(directory.users.nameOf(u)),
      }),
    ),
  ];
}

interface AssignmentsRead {
  rows: AssignmentRow[];
  strategy: ReadCoverage["assignmentStrategy"];
  /** Addresses of the principals read per principal (complete). */
  principals: Address[];
  callerIsManagementAccount: boolean;
}

/**
 * A principal id that cannot exist (the model's pattern, all zeros). Used only to ask whether
 * ListAccountAssignmentsForPrincipal is allowed when the store holds no principal at all.
 */
const PROBE_PRINCIPAL_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Reads assignments (see docs/aws-reading.md):
 * - targeted: per principal for the principals the configuration names;
 * - full: per principal for every principal, or per provisioned (account, permission set)
 *   pair of the detailed permission sets plus per principal for the managed groups and the
 *   deletion candidates of `ownership.groups`/`users`, whichever costs fewer calls;
 * - a delegated administrator (ListAccountAssignmentsForPrincipal denied): per pair, over the
 *   detailed permission sets (targeted) or every permission set (full).
 */
async function readAssignments(
  ctx: AwsContext,
  instance: InstanceRef,
  request: ReadRequest,
  full: boolean,
  directory: Directory,
  catalogRead: Promise<Catalog>,
  detailsRead: Promise<[CatalogEntry, PermissionSetDetails][]>,
): Promise<AssignmentsRead> {
  const arn = instance.instanceArn;
  const allTargets = targetsOf(directory, directory.groups.all(), directory.users.all());
  const byAddress = new Map(allTargets.map((t) => [t.address, t]));
  const named = (addresses: readonly Address[]): PrincipalTarget[] =>
    addresses.flatMap((a) => byAddress.get(a) ?? []);

  // The principals read one by one in any case: those the configuration names (targeted), or
  // in a full read those whose every assignment is managed whatever the permission set.
  let always: PrincipalTarget[];
  if (!full) {
    always = named(
      request.principals.map((p) => (p.type === "GROUP" ? groupAddress(p.name) : userAddress(p.name))),
    );
  } else if (request.everything) {
    always = [];
  } else {
    const groupPattern = compileOwnership("groups", request.ownershipGroups);
    const userPattern = compileOwnership("users", request.ownershipUsers);
    const declared = new Set(request.groups);
    const declaredUsers = new Set(request.users);
    const candidates = [
      ...request.managedGroups.map(groupAddress),
      ...(groupPattern
        ? directory.groups
            .all()
            .map((g) => directory.groups.nameOf(g))
            .filter((n) => !declared.has(n) && groupPattern.test(n))
            .map(groupAddress)
        : []),
      ...(userPattern
        ? directory.users
            .all()
            .map((u) => directory.users.nameOf(u))
            .filter((n) => !declaredUsers.has(n) && userPattern.test(n))
            .map(userAddress)
        : []),
    ];
    always = named([...new Set(candidates)]);
  }

  const probeTarget = always[0] ?? allTargets[0] ?? null;
  const probe = await probePerPrincipal(ctx, arn, probeTarget);
  if (probe === "denied") {
    const details = await detailsRead;
    const scanned = full ? (await catalogRead).entries() : details.map(([entry]) => entry);
    const known = new Map(details.map(([entry, d]) => [entry.name, d.provisioning.accounts]));
    const rows = await readPairs(ctx, arn, scanned, known);
    return { rows, strategy: "per-pair", principals: [], callerIsManagementAccount: false };
  }

  // One read per principal, whoever asks; the probe's rows are kept.
  const reads = new Map<PrincipalTarget, Promise<AssignmentRow[]>>();
  if (probeTarget !== null && probe !== "allowed") reads.set(probeTarget, Promise.resolve(probe));
  const readPrincipals = async (targets: readonly PrincipalTarget[]): Promise<AssignmentRow[]> => {
    const lists = await Promise.all(
      targets.map((t) => {
        let rows = reads.get(t);
        if (!rows) {
          rows = readForPrincipal(ctx, arn, t);
          reads.set(t, rows);
        }
        return rows;
      }),
    );
    return lists.flat();
  };

  if (!full) {
    const rows = await readPrincipals(always);
    return {
      rows,
      strategy: "per-principal",
      principals: always.map((t) => t.address),
      callerIsManagementAccount: true,
    };
  }

  // Full read, management account: choose the cheaper way to cover every managed assignment,
  // counting one call per principal against one per provisioned pair (pages aside). The
  // principals read either way go meanwhile, so sso-admin's quota is never idle.
  const [details, byPrincipal] = await Promise.all([detailsRead, readPrincipals(always)]);
  const scanned = details.map(([entry]) => entry);
  const perPairCost = details.reduce((n, [, d]) => n + d.provisioning.accounts.length, 0);
  const perPrincipalCost = allTargets.filter((t) => !reads.has(t)).length;
  if (perPrincipalCost <= perPairCost) {
    const rows = await readPrincipals(allTargets);
    return {
      rows,
      strategy: "per-principal",
      principals: allTargets.map((t) => t.address),
      callerIsManagementAccount: true,
    };
  }
  const known = new Map(details.map(([entry, d]) => [entry.name, d.provisioning.accounts]));
  const byPair = await readPairs(ctx, arn, scanned, known);
  return {
    rows: [...byPrincipal, ...byPair],
    strategy: "per-pair",
    principals: always.map((t) => t.address),
    callerIsManagementAccount: true,
  };
}

/**
 * Whether ListAccountAssignmentsForPrincipal is allowed (the management account) or denied
 * (a delegated administrator), asked with a principal whose assignments are needed anyway
 * (then its rows are kept), else with an id that cannot exist: any answer but
 * AccessDeniedException means allowed.
 */
async function probePerPrincipal(
  ctx: AwsContext,
  instanceArn: string,
  target: PrincipalTarget | null,
): Promise<AssignmentRow[] | "allowed" | "denied"> {
  const probe = target ?? { type: "GROUP", id: PROBE_PRINCIPAL_ID, address: "permission probe" };
  try {
    const rows = await readForPrincipal(ctx, instanceArn, probe);
    return target ? rows : "allowed";
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    if (error.awsCode === "AccessDeniedException") return "denied";
    if (
      target === null &&
      (error.awsCode === "ResourceNotFoundException" || error.awsCode === "ValidationException")
    ) {
      return "allowed";
    }
    throw error;
  }
}

/** Reads every provisioned pair of the given permission sets (accounts from `known` or read now). */
async function readPairs(
  ctx: AwsContext,
  instanceArn: string,
  entries: readonly CatalogEntry[],
  known: ReadonlyMap<string, string[]>,
): Promise<AssignmentRow[]> {
  const lists = await Promise.all(
    entries.map(async (entry) => {
      const accounts = known.get(entry.name) ?? (await readProvisionedAccounts(ctx, instanceArn, entry));
      const rows = await Promise.all(
        accounts.map((accountId) => readForPair(ctx, instanceArn, accountId, entry)),
      );
      return rows.flat();
    }),
  );
  return lists.flat();
}

/**
 * Names the rows: the permission set by its ARN (described on demand in a targeted read),
 * the principal by its id. A principal id the identity store does not know is an orphan.
 */
async function resolveRows(
  rows: readonly AssignmentRow[],
  catalog: Catalog,
  directory: Directory,
): Promise<{ entities: Entity[]; orphans: OrphanAssignment[] }> {
  const unique = new Map(
    rows.map((r) => [`${r.accountId}/${r.permissionSetArn}/${r.principalType}/${r.principalId}`, r]),
  );
  const idsOf = (type: AssignmentRow["principalType"]) =>
    [...unique.values()].filter((r) => r.principalType === type).map((r) => r.principalId);
  await Promise.all([directory.groups.resolveIds(idsOf("GROUP")), directory.users.resolveIds(idsOf("USER"))]);
  const resolved = await Promise.all(
    [...unique.values()].map(async (r) => {
      const entry = await catalog.describe(r.permissionSetArn);
      const index = r.principalType === "GROUP" ? directory.groups : directory.users;
      const name = await index.nameOfId(r.principalId);
      if (name === null) {
        const orphan: OrphanAssignment = {
          accountId: r.accountId,
          permissionSet: entry.name,
          principalType: r.principalType,
          principalId: r.principalId,
        };
        return { orphan };
      }
      const entity: Entity = {
        kind: "assignment",
        accountId: r.accountId,
        permissionSet: entry.name,
        principalType: r.principalType,
        principalName: name,
      };
      return { entity };
    }),
  );
  const orphans = resolved
    .flatMap((r) => (r.orphan ? [r.orphan] : []))
    .sort(
      (a, b) =>
        byCodeUnit(a.accountId, b.accountId) ||
        byCodeUnit(a.permissionSet, b.permissionSet) ||
        byCodeUnit(a.principalType, b.principalType) ||
        byCodeUnit(a.principalId, b.principalId),
    );
  return { entities: resolved.flatMap((r) => (r.entity ? [r.entity] : [])), orphans };
}
