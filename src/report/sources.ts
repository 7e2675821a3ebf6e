import type { AwsContext } from "../aws/clients.ts";
import { emptyDirectory, readMemberships } from "../aws/read-identity.ts";
import { readOrganization } from "../aws/read-org.ts";
import { byCodeUnit } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import { ConfigError } from "../model/errors.ts";
import type { Live, OrgAccount, OrgSnapshot } from "../model/live.ts";
import { type GroupMembers, groupMembers, liveMembers } from "./access.ts";

/**
 * Where a report from the files gets what the files do not hold: the organisation (accounts,
 * OUs, tags) and the members of external groups. Read live with Organizations and identity-store
 * calls only (never sso-admin), or from a snapshot file saved earlier, which needs no AWS at all.
 */

/** The snapshot file format version. */
export const SNAPSHOT_FORMAT_VERSION = 1;
const SNAPSHOT_KIND = "accessops-org-snapshot";

/** An organisation snapshot: what `report` needs to resolve the files offline. */
export interface OrgSnapshotFile {
  formatVersion: typeof SNAPSHOT_FORMAT_VERSION;
  kind: typeof SNAPSHOT_KIND;
  /** When it was read (ISO-8601). Reports say how old their organisation is. */
  takenAt: string;
  /** Whether account tags were read (rules that target tags need them). */
  accountTags: boolean;
  organization: OrgSnapshot;
  /** The identity store the members were read from; null when none were read. */
  identityStoreId: string | null;
  /** Members (user names, sorted) of the groups that were read, by group name. */
  groupMembers: Record<string, string[]>;
}

/** The organisation and external members a files report resolves against. */
export interface OrgView {
  org: OrgSnapshot;
  /** Whether `org` carries account tags. */
  accountTags: boolean;
  externalMembers: GroupMembers;
  identityStoreId: string | null;
}

/** Names of the groups whose members live outside the files (external ones, or all with an external identity source). */
export function externalGroups(config: Config): string[] {
  const managed = config.settings.identitySource === "identity-center";
  return config.groups
    .filter((g) => g.external || !managed)
    .map((g) => g.name)
    .sort(byCodeUnit);
}

/** Whether resolving the files needs account tags. */
export const needsAccountTags = (config: Config): boolean =>
  config.assignments.some((r) => r.targets.tags !== null);

/**
 * Reads the organisation (Organizations only: no sso-admin call) and, when an identity store id is
 * known, the members of the given groups (identity store only).
 */
export async function readOrgView(
  ctx: AwsContext,
  options: { accountTags: boolean; identityStoreId: string | null; groups: readonly string[] },
): Promise<OrgView> {
  const { identityStoreId, groups } = options;
  const membersRead = async (): Promise<GroupMembers> => {
    if (identityStoreId === null || groups.length === 0) return {};
    const directory = emptyDirectory(ctx, identityStoreId);
    await directory.groups.findByNames(groups);
    const found = groups.flatMap((name) => {
      const g = directory.groups.byName(name);
      return g ? [g] : [];
    });
    const memberships = await readMemberships(ctx, identityStoreId, directory, found);
    const out = new Map<string, string[]>(found.map((g) => [directory.groups.nameOf(g), []]));
    for (const m of memberships) out.get(m.group)?.push(m.userName);
    return groupMembers([...out].map(([group, list]) => [group, list.sort(byCodeUnit)]));
  };
  const [org, externalMembers] = await Promise.all([
    readOrganization(ctx, { tags: options.accountTags }),
    membersRead(),
  ]);
  return { org, accountTags: options.accountTags, externalMembers, identityStoreId };
}

/** The organisation and every group's members as a full live read saw them (`accountTags`: whether it read tags). */
export function orgViewOfLive(live: Live, accountTags: boolean): OrgView {
  return {
    org: live.org,
    accountTags,
    externalMembers: liveMembers(live),
    identityStoreId: live.instance.identityStoreId,
  };
}

export function snapshotOf(view: OrgView, takenAt: Date): OrgSnapshotFile {
  return {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    kind: SNAPSHOT_KIND,
    takenAt: takenAt.toISOString(),
    accountTags: view.accountTags,
    organization: view.org,
    identityStoreId: view.identityStoreId,
    groupMembers: Object.fromEntries(
      Object.entries(view.externalMembers)
        .sort(([a], [b]) => byCodeUnit(a, b))
        .map(([k, v]) => [k, [...v]]),
    ),
  };
}

export const snapshotText = (snapshot: OrgSnapshotFile): string => `${JSON.stringify(snapshot, null, 2)}\n`;

/** Parses a snapshot file, checking its shape; every problem is a `ConfigError` naming the file and the fix. */
export function parseSnapshot(text: string, file: string): OrgView & { takenAt: string } {
  const fail = (what: string): never => {
    throw new ConfigError(
      `${file} is not an accessops organisation snapshot: ${what}`,
      [],
      "Save a fresh one with accessops report --save-snapshot FILE (it needs read access to AWS Organizations).",
    );
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON (${(error as Error).message})`);
  }
  if (!isRecord(doc) || doc.kind !== SNAPSHOT_KIND) return fail(`"kind" is not "${SNAPSHOT_KIND}"`);
  if (doc.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    return fail(
      `format version ${String(doc.formatVersion)}; this accessops reads version ${SNAPSHOT_FORMAT_VERSION}`,
    );
  }
  const org = doc.organization;
  if (!isRecord(org) || typeof org.rootId !== "string" || typeof org.managementAccountId !== "string") {
    return fail("organization needs rootId and managementAccountId");
  }
  if (!Array.isArray(org.accounts) || !org.accounts.every(isAccount)) {
    return fail("organization.accounts must list accounts with id, name, email, state, tags and ouPath");
  }
  if (!Array.isArray(org.ous) || !org.ous.every(isOu)) {
    return fail("organization.ous must list OUs with id, name, path and parentId");
  }
  const members = doc.groupMembers;
  if (
    !isRecord(members) ||
    !Object.values(members).every((m) => Array.isArray(m) && m.every((u) => typeof u === "string"))
  ) {
    return fail("groupMembers must map group names to lists of user names");
  }
  if (typeof doc.takenAt !== "string" || Number.isNaN(Date.parse(doc.takenAt)))
    return fail("takenAt is not an instant");
  return {
    org: {
      rootId: org.rootId,
      managementAccountId: org.managementAccountId,
      accounts: org.accounts,
      ous: org.ous,
    },
    accountTags: doc.accountTags === true,
    externalMembers: members as Record<string, string[]>,
    identityStoreId: typeof doc.identityStoreId === "string" ? doc.identityStoreId : null,
    takenAt: doc.takenAt,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const ACCOUNT_STATES = new Set(["PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"]);

function isAccount(v: unknown): v is OrgAccount {
  return (
    isRecord(v) &&
    typeof v.id === "string" &&
    typeof v.name === "string" &&
    typeof v.email === "string" &&
    typeof v.state === "string" &&
    ACCOUNT_STATES.has(v.state) &&
    typeof v.ouPath === "string" &&
    isRecord(v.tags) &&
    Object.values(v.tags).every((t) => typeof t === "string")
  );
}

function isOu(v: unknown): v is OrgSnapshot["ous"][number] {
  return (
    isRecord(v) &&
    typeof v.id === "string" &&
    typeof v.name === "string" &&
    typeof v.path === "string" &&
    typeof v.parentId === "string"
  );
}
