import { posix } from "node:path";
import { Document, isCollection, isNode, isScalar, visit } from "yaml";
import { byCodeUnit } from "../model/canonical.ts";
import { DEFAULT_SESSION_DURATION, type IdentitySource } from "../model/config.ts";
import type { Live, OrgAccount } from "../model/live.ts";
import type {
  AssignmentEntity,
  GroupEntity,
  MembershipEntity,
  PermissionSetEntity,
  PrincipalType,
  UserEntity,
} from "../model/state.ts";
import { LIMITS } from "../schema/constraints.ts";
import { type FoldedTargets, targetFolder } from "./fold.ts";

/**
 * Permission sets AWS Control Tower creates and owns. accessops imports them as `external: true`:
 * Control Tower re-creates and updates them itself, so managing them would fight it.
 */
export const CONTROL_TOWER_PERMISSION_SETS: readonly string[] = [
  "AWSAdministratorAccess",
  "AWSPowerUserAccess",
  "AWSReadOnlyAccess",
  "AWSOrganizationsFullAccess",
  "AWSServiceCatalogAdminFullAccess",
  "AWSServiceCatalogEndUserAccess",
];

/** Tag keys AWS reserves for itself: a permission set carrying one was made by an AWS service. */
const AWS_TAG_PREFIX = "aws:";

/**
 * The largest YAML file import writes. Half the loader's 1 MiB per-file limit, so a reviewer can
 * still open the file and a hand edit never tips it over; larger lists are split into numbered files.
 */
const FILE_BUDGET_BYTES = 512 * 1024;

/** Items are indented under their top-level key. */
const ITEM_INDENT = "  ";
/** Room per header line for what surrounds the text: `# `, the modeline prefix and its `../`s, the newline. */
const HEADER_LINE_BYTES = 64;

/** Collections written on one line (`{group: X}`, `[a, b]`) when they hold only scalars and are short. */
const FLOW_MAX_CHARS = 80;

export interface ImportOptions {
  /** The region of the instance, written to `settings.region`; null leaves it out. */
  region: string | null;
  /**
   * Where the access-file JSON Schema is: an `http(s)` URL, or a path relative to the output
   * directory (each file's modeline is made relative to that file).
   */
  schema: string;
  /** Extra permission sets to import as external (`--external-permission-sets`), besides the built-in ones. */
  externalPermissionSets?: RegExp | null;
  /** The ownership tag of the written settings; accessops's default when absent. */
  ownershipTag?: { key: string; value: string };
  /** Permission sets forced external by an earlier pass (their live content failed validation), with why. */
  forcedExternal?: ReadonlyMap<string, string>;
}

/** One written file, by its path relative to the output directory (`/`-separated). */
export interface ImportedFile {
  path: string;
  text: string;
}

/** What one list item of a YAML file declares, to map a validation message back to it. */
export type ItemOwner =
  | { kind: "settings" }
  | { kind: "user"; name: string }
  | { kind: "group"; name: string }
  | { kind: "permissionSet"; name: string }
  | { kind: "assignment"; principal: string };

/** The 1-based line span of one item in a written file. */
export interface ItemSpan {
  file: string;
  firstLine: number;
  lastLine: number;
  owner: ItemOwner;
}

/** A permission set imported as `external: true`, and why. */
export interface ExternalPermissionSet {
  name: string;
  reason: string;
}

/** An account whose live assignments the files leave alone through `ownership.ignore`, and why. */
export interface IgnoredAccount {
  accountId: string;
  reason: string;
}

export interface ImportCounts {
  users: number;
  /** Declared groups, external ones included. */
  groups: number;
  externalGroups: number;
  /** Declared permission sets, external ones included. */
  permissionSets: number;
  externalPermissionSets: number;
  assignmentRules: number;
  /** Live assignments the rules reproduce. */
  assignments: number;
}

export interface ImportDocuments {
  files: ImportedFile[];
  /** Where each item was written: policy files map to their permission set. */
  spans: ItemSpan[];
  /** Policy file path to the permission set that references it. */
  policyFiles: Record<string, string>;
  identitySource: IdentitySource;
  counts: ImportCounts;
  /** Managed permission sets that lack the ownership tag: the first apply adds it (adoption). */
  adoptions: string[];
  externalPermissionSets: ExternalPermissionSet[];
  ignoredAccounts: IgnoredAccount[];
  /** Facts the user should know, one sentence each (orphaned assignments left out, ...). */
  notes: string[];
}

type Plain = Record<string, unknown>;

interface Item {
  value: Plain;
  owner: ItemOwner;
  /** End-of-line comments, keyed by the path of the commented node inside `value`. */
  comments?: { path: (string | number)[]; text: string }[];
}

/**
 * Folds a live instance (read whole: every permission set's details, every assignment, every
 * group's memberships) into access documents. Pure: no file, clock or network.
 */
export function importDocuments(live: Live, options: ImportOptions): ImportDocuments {
  const tag = options.ownershipTag ?? { key: "managed-by", value: "accessops" };
  const users: UserEntity[] = [];
  const groups: GroupEntity[] = [];
  const members = new Map<string, string[]>();
  const permissionSets: PermissionSetEntity[] = [];
  const assignments: AssignmentEntity[] = [];
  for (const entity of live.state.values()) {
    if (entity.kind === "user") users.push(entity);
    else if (entity.kind === "group") groups.push(entity);
    else if (entity.kind === "membership") addMember(members, entity);
    else if (entity.kind === "permissionSet") permissionSets.push(entity);
    else assignments.push(entity);
  }
  users.sort((a, b) => byCodeUnit(a.userName, b.userName));
  groups.sort((a, b) => byCodeUnit(a.name, b.name));
  permissionSets.sort((a, b) => byCodeUnit(a.name, b.name));

  const idpGroups = new Set(live.idpGroups);
  // Every group provisioned by an IdP: the IdP is the identity source. A few such groups in a
  // directory of otherwise hand-made ones are referenced as external, the rest managed.
  const identitySource: IdentitySource =
    groups.length > 0 && groups.every((g) => idpGroups.has(g.name)) ? "external" : "identity-center";
  const identityManaged = identitySource === "identity-center";
  const notes: string[] = [];

  // Assignments first: they decide which external groups must be declared.
  const folded = foldAssignments(live, assignments);
  const referencedGroups = new Set(
    folded.rules.filter((r) => r.principalType === "GROUP").map((r) => r.principal),
  );

  const groupItems: Item[] = [];
  let externalGroups = 0;
  for (const g of groups) {
    const external = !identityManaged || idpGroups.has(g.name);
    if (external) {
      if (!referencedGroups.has(g.name)) continue;
      externalGroups++;
      groupItems.push({ value: { name: g.name, external: true }, owner: { kind: "group", name: g.name } });
      continue;
    }
    const list = [...new Set(members.get(g.name) ?? [])].sort(byCodeUnit);
    groupItems.push({
      value: {
        name: g.name,
        ...(g.description === null ? {} : { description: g.description }),
        ...(list.length > 0 ? { members: list } : {}),
      },
      owner: { kind: "group", name: g.name },
    });
  }

  const userItems: Item[] = identityManaged
    ? users.map((u) => ({
        value: {
          userName: u.userName,
          displayName: u.displayName,
          name: { givenName: u.givenName, familyName: u.familyName },
          ...(u.emails.length > 0 ? { emails: u.emails } : {}),
        },
        owner: { kind: "user", name: u.userName },
      }))
    : [];

  // A delegated administrator cannot change a permission set provisioned in the management account.
  const heldByManagement = (name: string): boolean =>
    !live.callerIsManagementAccount &&
    (live.provisioning[name]?.accounts ?? []).includes(live.org.managementAccountId);
  const externalSets: ExternalPermissionSet[] = [];
  const adoptions: string[] = [];
  const policyFiles: Record<string, string> = {};
  const policyTexts: ImportedFile[] = [];
  const fileNames = new Set<string>();
  const permissionSetItems: Item[] = permissionSets.map((ps) => {
    const owner: ItemOwner = { kind: "permissionSet", name: ps.name };
    const reason = externalReason(ps, options, heldByManagement);
    if (reason !== null) {
      externalSets.push({ name: ps.name, reason });
      return { value: { name: ps.name, external: true }, owner };
    }
    if (ps.tags[tag.key] !== tag.value) adoptions.push(ps.name);
    const tags = Object.fromEntries(
      Object.entries(ps.tags)
        .filter(([k]) => k !== tag.key)
        .sort(([a], [b]) => byCodeUnit(a, b)),
    );
    let inlinePolicy: string | undefined;
    if (ps.inlinePolicy !== null) {
      inlinePolicy = policyFileName(ps.name, fileNames);
      policyFiles[inlinePolicy] = ps.name;
      policyTexts.push({ path: inlinePolicy, text: prettyJson(ps.inlinePolicy) });
    }
    return {
      value: {
        name: ps.name,
        ...(ps.description === null ? {} : { description: ps.description }),
        ...(ps.sessionDuration === DEFAULT_SESSION_DURATION ? {} : { sessionDuration: ps.sessionDuration }),
        ...(ps.relayState === null ? {} : { relayState: ps.relayState }),
        ...(ps.managedPolicies.length > 0 ? { managedPolicies: ps.managedPolicies } : {}),
        ...(ps.customerManagedPolicies.length > 0
          ? {
              customerManagedPolicies: ps.customerManagedPolicies.map((p) =>
                p.path === "/" ? { name: p.name } : { name: p.name, path: p.path },
              ),
            }
          : {}),
        ...(inlinePolicy === undefined ? {} : { inlinePolicy }),
        ...(ps.permissionsBoundary === null ? {} : { permissionsBoundary: boundaryValue(ps) }),
        ...(Object.keys(tags).length > 0 ? { tags } : {}),
      },
      owner,
    };
  });

  const settingsItem: Item = {
    value: settingsValue(live, options, identitySource, tag, folded.ignored),
    owner: { kind: "settings" },
    comments: folded.ignored.map((a, i) => ({ path: ["ownership", "ignore", i], text: ` ${a.reason}` })),
  };
  if (live.orphans.length > 0) {
    notes.push(
      `${live.orphans.length} assignment${live.orphans.length === 1 ? "" : "s"} of principals deleted from the identity store ${live.orphans.length === 1 ? "was" : "were"} not imported; accessops plan lists them as orphans.`,
    );
  }

  const files: ImportedFile[] = [];
  const spans: ItemSpan[] = [];
  const emit = (base: string, key: string, items: Item[], comment: readonly string[]): void => {
    if (items.length === 0 && key !== "settings") return;
    for (const chunk of renderChunks(base, key, items, comment, options.schema)) {
      files.push({ path: chunk.path, text: chunk.text });
      spans.push(...chunk.spans);
    }
  };
  emit("settings", "settings", [settingsItem], SETTINGS_COMMENT);
  emit("users", "users", userItems, USERS_COMMENT);
  emit("groups", "groups", groupItems, identityManaged ? GROUPS_COMMENT : EXTERNAL_GROUPS_COMMENT);
  emit("permission-sets", "permissionSets", permissionSetItems, PERMISSION_SETS_COMMENT);
  emit(
    "assignments/groups",
    "assignments",
    folded.rules.filter((r) => r.principalType === "GROUP").map((r) => r.item),
    GROUP_ASSIGNMENTS_COMMENT,
  );
  emit(
    "assignments/users",
    "assignments",
    folded.rules.filter((r) => r.principalType === "USER").map((r) => r.item),
    USER_ASSIGNMENTS_COMMENT,
  );
  for (const policy of policyTexts) {
    files.push(policy);
    const name = policyFiles[policy.path] ?? "";
    spans.push({
      file: policy.path,
      firstLine: 1,
      lastLine: policy.text.split("\n").length,
      owner: { kind: "permissionSet", name },
    });
  }
  files.sort((a, b) => byCodeUnit(a.path, b.path));

  return {
    files,
    spans,
    policyFiles,
    identitySource,
    counts: {
      users: userItems.length,
      groups: groupItems.length,
      externalGroups,
      permissionSets: permissionSetItems.length,
      externalPermissionSets: externalSets.length,
      assignmentRules: folded.rules.length,
      assignments: folded.declared,
    },
    adoptions,
    externalPermissionSets: externalSets,
    ignoredAccounts: folded.ignored,
    notes,
  };
}

const SETTINGS_COMMENT = [
  "Imported by accessops import from the live instance. Review and commit these files, then run",
  "accessops plan: it shows no changes, except adopting permission sets not yet tagged as owned.",
];
const USERS_COMMENT = ["Users of the Identity Center directory, managed here."];
const GROUPS_COMMENT = [
  "Groups and their members, managed here. Groups your IdP syncs (SCIM) are external: referenced only.",
];
const EXTERNAL_GROUPS_COMMENT = [
  "Groups your identity provider owns (SCIM or Active Directory): referenced by assignments, never changed.",
];
const PERMISSION_SETS_COMMENT = [
  "Permission sets. external: true marks those made by AWS (Control Tower) or another tool: referenced only.",
];
const GROUP_ASSIGNMENTS_COMMENT = [
  "Access of groups, folded from per-account assignments into OUs (nested OUs included) and all: true",
  "where every active account under them has it.",
];
const USER_ASSIGNMENTS_COMMENT = ["Access granted to users directly rather than through a group."];

function addMember(members: Map<string, string[]>, m: MembershipEntity): void {
  const list = members.get(m.group);
  if (list) list.push(m.userName);
  else members.set(m.group, [m.userName]);
}

/** Why a live permission set is imported as external, or null to manage it. */
function externalReason(
  ps: PermissionSetEntity,
  options: ImportOptions,
  heldByManagement: (name: string) => boolean,
): string | null {
  const forced = options.forcedExternal?.get(ps.name);
  if (forced !== undefined) return forced;
  if (CONTROL_TOWER_PERMISSION_SETS.includes(ps.name)) return "made and updated by AWS Control Tower";
  if (heldByManagement(ps.name)) {
    return "provisioned in the management account, where a delegated administrator cannot change it";
  }
  const awsTag = Object.keys(ps.tags).find((k) => k.startsWith(AWS_TAG_PREFIX));
  if (awsTag !== undefined) return `made by AWS (it carries the reserved tag ${awsTag})`;
  if (options.externalPermissionSets?.test(ps.name)) return "matches --external-permission-sets";
  return null;
}

function boundaryValue(ps: PermissionSetEntity): Plain {
  const b = ps.permissionsBoundary;
  if (b?.customerManagedPolicy) {
    const { name, path } = b.customerManagedPolicy;
    return { customerManagedPolicy: path === "/" ? { name } : { name, path } };
  }
  return { managedPolicyArn: b?.managedPolicyArn ?? "" };
}

/** `policies/<name>.json`, unique even on a case-insensitive file system, never a dot file. */
function policyFileName(permissionSet: string, taken: Set<string>): string {
  const base = permissionSet.startsWith(".") ? `_${permissionSet}` : permissionSet;
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base}-${n}`;
  taken.add(candidate.toLowerCase());
  return `policies/${candidate}.json`;
}

/** Canonical policy JSON, indented for review. Key order is the canonical (sorted) one. */
function prettyJson(canonical: string): string {
  return `${JSON.stringify(JSON.parse(canonical), null, 2)}\n`;
}

function settingsValue(
  live: Live,
  options: ImportOptions,
  identitySource: IdentitySource,
  tag: { key: string; value: string },
  ignored: readonly IgnoredAccount[],
): Plain {
  return {
    ...(options.region === null ? {} : { region: options.region }),
    instanceArn: live.instance.instanceArn,
    identitySource,
    ownership: {
      tag: { key: tag.key, value: tag.value },
      ...(ignored.length > 0 ? { ignore: ignored.map((a) => ({ account: a.accountId })) } : {}),
    },
  };
}

interface FoldedRule {
  principalType: PrincipalType;
  principal: string;
  item: Item;
}

/**
 * Live assignments grouped per principal and permission set, each group's accounts folded into
 * the fewest selectors, and permission sets with the same accounts merged into one rule.
 * Assignments the files cannot declare (inactive accounts, accounts outside the organisation,
 * the management account for a delegated administrator) are covered by `ownership.ignore`.
 */
function foldAssignments(
  live: Live,
  assignments: readonly AssignmentEntity[],
): { rules: FoldedRule[]; ignored: IgnoredAccount[]; declared: number } {
  const accounts = new Map<string, OrgAccount>(live.org.accounts.map((a) => [a.id, a]));
  const management = live.org.managementAccountId;
  const folder = targetFolder(live.org);
  const names = accountNamer(live.org.accounts);
  const ignored = new Map<string, string>();
  if (!live.callerIsManagementAccount) {
    ignored.set(
      management,
      "the management account: a delegated administrator cannot change its assignments",
    );
  }

  // principal key -> permission set -> { management account?, eligible accounts }
  const grouped = new Map<string, Map<string, { management: boolean; ids: string[] }>>();
  let declared = 0;
  for (const a of assignments) {
    const account = accounts.get(a.accountId);
    if (!account) {
      ignored.set(a.accountId, "not in the organisation: its assignments cannot be declared");
      continue;
    }
    if (account.state !== "ACTIVE") {
      ignored.set(
        a.accountId,
        `${account.state.toLowerCase()}: assignments there cannot change until it is active`,
      );
      continue;
    }
    if (a.accountId === management && !live.callerIsManagementAccount) continue;
    const key = `${a.principalType}\u0000${a.principalName}`;
    const perSet = grouped.get(key) ?? new Map<string, { management: boolean; ids: string[] }>();
    grouped.set(key, perSet);
    const entry = perSet.get(a.permissionSet) ?? { management: false, ids: [] };
    perSet.set(a.permissionSet, entry);
    if (a.accountId === management) entry.management = true;
    else entry.ids.push(a.accountId);
    declared++;
  }

  const foldCache = new Map<string, FoldedTargets>();
  const rules: FoldedRule[] = [];
  for (const [key, perSet] of grouped) {
    const [type = "GROUP", principal = ""] = key.split("\u0000");
    const principalType = type as PrincipalType;
    const bySelection = new Map<string, { sets: string[]; management: boolean; ids: string[] }>();
    for (const [ps, entry] of perSet) {
      const ids = [...entry.ids].sort(byCodeUnit);
      const selection = `${entry.management ? "M" : ""}:${ids.join(",")}`;
      const same = bySelection.get(selection);
      if (same) same.sets.push(ps);
      else bySelection.set(selection, { sets: [ps], management: entry.management, ids });
    }
    for (const { sets, management: inManagement, ids } of bySelection.values()) {
      const idsKey = ids.join(",");
      let f = foldCache.get(idsKey);
      if (!f) {
        f = folder.fold(ids);
        foldCache.set(idsKey, f);
      }
      const targetAccounts = [...(inManagement ? [management] : []), ...f.accounts].map(names);
      const targets: Plain = {
        ...(f.all ? { all: true } : {}),
        ...(f.ous.length > 0 ? { ous: f.ous } : {}),
        ...(targetAccounts.length > 0 ? { accounts: targetAccounts.sort(byCodeUnit) } : {}),
      };
      const exclude =
        f.exclude.ous.length + f.exclude.accounts.length > 0
          ? {
              exclude: {
                ...(f.exclude.accounts.length > 0
                  ? { accounts: f.exclude.accounts.map(names).sort(byCodeUnit) }
                  : {}),
                ...(f.exclude.ous.length > 0 ? { ous: f.exclude.ous } : {}),
              },
            }
          : {};
      rules.push({
        principalType,
        principal,
        item: {
          value: {
            principal: principalType === "GROUP" ? { group: principal } : { user: principal },
            permissionSets: sets.sort(byCodeUnit),
            targets,
            ...exclude,
          },
          owner: {
            kind: "assignment",
            principal: `${principalType === "GROUP" ? "group" : "user"}/${principal}`,
          },
        },
      });
    }
  }
  rules.sort(
    (a, b) =>
      byCodeUnit(a.principalType, b.principalType) ||
      byCodeUnit(a.principal, b.principal) ||
      byCodeUnit(
        (a.item.value.permissionSets as string[]).join(","),
        (b.item.value.permissionSets as string[]).join(","),
      ),
  );
  return {
    rules,
    ignored: [...ignored]
      .sort(([a], [b]) => byCodeUnit(a, b))
      .map(([accountId, reason]) => ({ accountId, reason })),
    declared,
  };
}

/**
 * How an account is written in targets: its name when that names exactly one account and cannot
 * be read as an id (all digits), else its id.
 */
function accountNamer(accounts: readonly OrgAccount[]): (id: string) => string {
  const count = new Map<string, number>();
  for (const a of accounts) count.set(a.name, (count.get(a.name) ?? 0) + 1);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  return (id) => {
    const a = byId.get(id);
    if (!a) return id;
    const usable =
      count.get(a.name) === 1 &&
      a.name.length > 0 &&
      a.name.length <= LIMITS.accountName &&
      !/^\d+$/.test(a.name) &&
      a.name.trim() === a.name;
    return usable ? a.name : id;
  };
}

interface Chunk {
  path: string;
  text: string;
  spans: ItemSpan[];
}

/**
 * Renders one top-level key's items into as few files as the size budget allows
 * (`base.yaml`, or `base-1.yaml`, `base-2.yaml`, ... when split), recording each item's lines.
 */
function renderChunks(
  base: string,
  key: string,
  items: readonly Item[],
  comment: readonly string[],
  schema: string,
): Chunk[] {
  const rendered = items.map((item) => ({ item, lines: itemLines(item, key === "settings") }));
  const groups: (typeof rendered)[] = [];
  let current: typeof rendered = [];
  // The header: modeline (its schema path grows with the depth), comments and the key line.
  const header = [schema, `${key}:`, ...comment].reduce(
    (n, l) => n + Buffer.byteLength(l) + HEADER_LINE_BYTES,
    0,
  );
  let size = header;
  for (const r of rendered) {
    const bytes = r.lines.reduce((n, l) => n + Buffer.byteLength(l) + ITEM_INDENT.length + 1, 0);
    if (current.length > 0 && size + bytes > FILE_BUDGET_BYTES) {
      groups.push(current);
      current = [];
      size = header;
    }
    current.push(r);
    size += bytes;
  }
  groups.push(current);

  const width = String(groups.length).length;
  return groups.map((group, i) => {
    const path = groups.length === 1 ? `${base}.yaml` : `${base}-${String(i + 1).padStart(width, "0")}.yaml`;
    const lines = [
      `# yaml-language-server: $schema=${schemaReference(path, schema)}`,
      ...comment.map((c) => `# ${c}`),
    ];
    const spans: ItemSpan[] = [];
    if (key === "settings") {
      const only = group[0];
      lines.push("settings:");
      if (only) {
        spans.push({
          file: path,
          firstLine: lines.length,
          lastLine: lines.length + only.lines.length,
          owner: only.item.owner,
        });
        lines.push(...only.lines.map((l) => `${ITEM_INDENT}${l}`));
      }
    } else {
      lines.push(`${key}:`);
      for (const { item, lines: itemText } of group) {
        spans.push({
          file: path,
          firstLine: lines.length + 1,
          lastLine: lines.length + itemText.length,
          owner: item.owner,
        });
        lines.push(...itemText.map((l) => `${ITEM_INDENT}${l}`));
      }
    }
    return { path, text: `${lines.join("\n")}\n`, spans };
  });
}

/** The modeline's schema reference as seen from `file` (both relative to the output directory). */
function schemaReference(file: string, schema: string): string {
  if (/^https?:\/\//.test(schema)) return schema;
  const depth = file.split("/").length - 1;
  return posix.normalize(`${"../".repeat(depth)}${schema}`);
}

/**
 * One item as YAML lines: a sequence item (`- key: ...`) or, for settings, the mapping itself.
 * Short collections of scalars nested inside the item go on one line, as people write them.
 */
function itemLines(item: Item, bare: boolean): string[] {
  const doc = new Document(bare ? item.value : [item.value]);
  for (const { path, text } of item.comments ?? []) {
    const node = doc.getIn(bare ? path : [0, ...path], true);
    if (isNode(node)) node.comment = text;
  }
  const minDepth = bare ? 2 : 3;
  visit(doc, {
    Map(_, node, path) {
      if (
        path.length >= minDepth &&
        isShortScalarCollection(
          node.items.map((p) => p.value),
          node.toJSON(),
        )
      ) {
        node.flow = true;
      }
    },
    Seq(_, node, path) {
      if (path.length >= minDepth && isShortScalarCollection(node.items, node.toJSON())) node.flow = true;
    },
  });
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return text.replace(/\n$/, "").split("\n");
}

function isShortScalarCollection(values: readonly unknown[], json: unknown): boolean {
  return (
    values.every((v) => isScalar(v) && !isCollection(v)) && JSON.stringify(json).length <= FLOW_MAX_CHARS
  );
}
