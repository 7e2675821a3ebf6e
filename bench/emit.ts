import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import type { Seed } from "../src/emulator/index.ts";
import { DEFAULT_OWNERSHIP_TAG } from "../src/model/config.ts";
import type { BenchPermissionSet, GeneratedOrg } from "./generate.ts";
import type { BenchAssignment, BenchRule } from "./org.ts";

/**
 * Turns a generated organisation into what a team's repository and AWS would hold: access files
 * (YAML split by team, policy documents as JSON files) and an emulator seed.
 */

/** What the access files declare; a variant replaces the rules or policies it changes. */
export interface AccessContent {
  rules: readonly BenchRule[];
  /** Inline policy documents by permission set name; the generated ones when absent. */
  policies?: ReadonlyMap<string, Record<string, unknown>>;
}

/** A planned organisation of this size deletes dozens of assignments in an ordinary week. */
const SETTINGS = {
  region: "us-east-1",
  identitySource: "identity-center",
  ownership: { tag: DEFAULT_OWNERSHIP_TAG },
  safety: {
    maxDeletes: 500,
    maxDeletePercent: 5,
    protected: { principals: ["group/Platform-BreakGlass"] },
  },
};

/** Keys whose short lists and mappings are written on one line, as people write them. */
const FLOW_KEYS = new Set([
  "principal",
  "permissionSets",
  "accounts",
  "ous",
  "tags",
  "members",
  "managedPolicies",
  "tag",
  "principals",
  "emails",
  "name",
  "customerManagedPolicy",
]);
const JSON_INDENT = 2;

function yamlText(comment: string, value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  doc.commentBefore = comment;
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      if (FLOW_KEYS.has(key) && (isMap(pair.value) || isSeq(pair.value))) pair.value.flow = true;
      if (key === "customerManagedPolicies" && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      }
    },
  });
  const top = doc.contents;
  if (isMap(top)) {
    for (const pair of top.items) {
      if (isSeq(pair.value))
        pair.value.items.forEach((item, i) => {
          if (i > 0 && isMap(item)) item.spaceBefore = true;
        });
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** `$schema` modeline relative to a file at `path` inside an access directory at the repository root. */
function modeline(path: string, what: string): string {
  const up = "../".repeat(path.split("/").length);
  return ` yaml-language-server: $schema=${up}schema/accessops.schema.json\n ${what}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function ruleValue(rule: BenchRule): Record<string, unknown> {
  return {
    principal: rule.principal,
    permissionSets: rule.permissionSets,
    targets: rule.targets,
    ...(rule.exclude ? { exclude: rule.exclude } : {}),
    ...(rule.reason ? { reason: rule.reason } : {}),
  };
}

function permissionSetValue(ps: BenchPermissionSet): Record<string, unknown> {
  return {
    name: ps.name,
    description: ps.description,
    sessionDuration: ps.sessionDuration,
    ...(ps.relayState ? { relayState: ps.relayState } : {}),
    managedPolicies: ps.managedPolicies,
    ...(ps.customerManagedPolicies.length > 0 ? { customerManagedPolicies: ps.customerManagedPolicies } : {}),
    ...(ps.policyFile ? { inlinePolicy: posix.relative(posix.dirname(ps.file), ps.policyFile) } : {}),
    ...(ps.permissionsBoundary ? { permissionsBoundary: ps.permissionsBoundary } : {}),
    ...(Object.keys(ps.tags).length > 0 ? { tags: ps.tags } : {}),
  };
}

/** The access directory's files (path relative to it -> text). */
export function accessFiles(gen: GeneratedOrg, content: AccessContent): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "settings.yaml",
    yamlText(modeline("settings.yaml", "Instance-wide settings: ownership and the safety rails."), {
      settings: SETTINGS,
    }),
  );
  files.set(
    "identity/users.yaml",
    yamlText(modeline("identity/users.yaml", "People who sign in through IAM Identity Center."), {
      users: gen.users.map((u) => ({
        userName: u.userName,
        displayName: u.displayName,
        name: { givenName: u.givenName, familyName: u.familyName },
        emails: [u.email],
      })),
    }),
  );
  for (const [file, groups] of groupBy(gen.groups, (g) => g.file)) {
    files.set(
      file,
      yamlText(modeline(file, "Groups and who is in them."), {
        groups: groups.map((g) => ({
          name: g.name,
          description: g.description,
          ...(g.members.length > 0 ? { members: g.members } : {}),
        })),
      }),
    );
  }
  for (const [file, sets] of groupBy(gen.permissionSets, (ps) => ps.file)) {
    files.set(
      file,
      yamlText(modeline(file, "What a principal can do in an account."), {
        permissionSets: sets.map(permissionSetValue),
      }),
    );
  }
  for (const ps of gen.permissionSets) {
    const policy = content.policies?.get(ps.name) ?? ps.inlinePolicy;
    if (ps.policyFile && policy) files.set(ps.policyFile, `${JSON.stringify(policy, null, JSON_INDENT)}\n`);
  }
  for (const [file, rules] of groupBy(content.rules, (r) => r.file)) {
    files.set(
      file,
      yamlText(modeline(file, "Who gets which permission sets where."), {
        assignments: rules.map(ruleValue),
      }),
    );
  }
  return files;
}

/** What a seed holds beyond the organisation: nothing for an empty instance. */
export interface LiveContent {
  identity: boolean;
  permissionSets: boolean;
  assignments: Iterable<BenchAssignment>;
  policies?: ReadonlyMap<string, Record<string, unknown>>;
  /** Permission set name -> account ids holding a stale copy (an edit not provisioned). */
  stale?: ReadonlyMap<string, string[]>;
}

export function seedOf(gen: GeneratedOrg, live: LiveContent): Seed {
  const seed: Seed = {
    formatVersion: 1,
    instance: { name: "accessops-bench" },
    organization: { managementAccount: gen.org.management.name },
    ous: gen.org.ous.map((o) => ({ path: o.path, ...(o.tags ? { tags: o.tags } : {}) })),
    accounts: gen.org.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      ou: a.ou,
      tags: a.tags,
      ...(a.state === "ACTIVE" ? {} : { state: a.state }),
    })),
  };
  if (live.identity) {
    seed.users = gen.users.map((u) => ({
      userName: u.userName,
      displayName: u.displayName,
      name: { givenName: u.givenName, familyName: u.familyName },
      emails: [u.email],
    }));
    seed.groups = gen.groups.map((g) => ({ name: g.name, description: g.description }));
    seed.memberships = gen.groups.flatMap((g) => g.members.map((user) => ({ group: g.name, user })));
  }
  if (live.permissionSets) {
    seed.permissionSets = gen.permissionSets.map((ps) => {
      const policy = live.policies?.get(ps.name) ?? ps.inlinePolicy;
      const stale = live.stale?.get(ps.name);
      return {
        name: ps.name,
        description: ps.description,
        sessionDuration: ps.sessionDuration,
        ...(ps.relayState ? { relayState: ps.relayState } : {}),
        managedPolicies: ps.managedPolicies,
        customerManagedPolicies: ps.customerManagedPolicies,
        ...(policy ? { inlinePolicy: policy } : {}),
        ...(ps.permissionsBoundary ? { permissionsBoundary: ps.permissionsBoundary } : {}),
        tags: { ...ps.tags, [DEFAULT_OWNERSHIP_TAG.key]: DEFAULT_OWNERSHIP_TAG.value },
        ...(stale ? { stale } : {}),
      };
    });
  }
  seed.assignments = [...live.assignments].map((a) => ({
    account: a.accountId,
    permissionSet: a.permissionSet,
    ...a.principal,
  }));
  return seed;
}

/** Writes an access directory, replacing what was there. */
export async function writeAccessDir(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, "utf8");
  }
}
