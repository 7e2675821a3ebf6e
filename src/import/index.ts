import type { Config } from "../model/config.ts";
import { ConfigError, type Diagnostic } from "../model/errors.ts";
import type { Live } from "../model/live.ts";
import type { Change, Plan } from "../model/plan.ts";
import { buildPlan } from "../plan/index.ts";
import { loadDocuments, memoryPolicyReader } from "../schema/load.ts";
import { type ImportDocuments, type ImportOptions, type ItemSpan, importDocuments } from "./documents.ts";

export {
  CONTROL_TOWER_PERMISSION_SETS,
  type ExternalPermissionSet,
  type IgnoredAccount,
  type ImportCounts,
  type ImportedFile,
  type ImportOptions,
} from "./documents.ts";
export { type FoldedTargets, foldedSize, type TargetFolder, targetFolder } from "./fold.ts";
export { wholeInstanceRequest } from "./read.ts";
export { type WriteOptions, type WriteResult, writeImport } from "./write.ts";

/**
 * Where the imported files are validated in memory. The loader records it as `Config.dir`; no
 * file is read there (policy files come from memory).
 */
const VIRTUAL_DIR = "/accessops-import";

export interface ImportResult extends ImportDocuments {
  /** The written files loaded by the real loader. */
  config: Config;
  /**
   * The imported files planned against the same live state: the round-trip check. Its changes
   * are the adoptions (`adopt: true` updates that add the ownership tag) and `staleProvisioning`,
   * unless `unexpected` says otherwise.
   */
  plan: Plan;
  /**
   * Re-provisionings of permission sets holding outdated copies in some accounts
   * (`LATEST_PERMISSION_SET_NOT_PROVISIONED`): drift that exists with or without the import, which
   * the first apply fixes. Never part of `unexpected`.
   */
  staleProvisioning: Change[];
  /** Changes of `plan` other than adoptions and stale re-provisioning: empty unless import has a bug. */
  unexpected: Change[];
}

/**
 * Imports a live instance: folds it into access documents, loads them with the real loader
 * (permission sets whose live content the file format cannot express, such as an inline policy
 * without a Version, are imported as external instead, with a note), and plans them against the
 * same live state to check that nothing but adoptions (and re-provisioning of copies that are
 * stale already) would change. Pure (no I/O; `now` is the
 * planner's clock input). Throws `ConfigError` when the written files do not validate for any
 * other reason, listing every problem.
 */
export async function importLive(live: Live, options: ImportOptions & { now: Date }): Promise<ImportResult> {
  let docs = importDocuments(live, options);
  let loaded = await validate(docs, options.now);
  if (!loaded.ok) {
    const forced = new Map(options.forcedExternal ?? []);
    const fatal: Diagnostic[] = [];
    for (const d of loaded.errors) {
      const owner = ownerOf(docs, d);
      if (owner?.kind === "permissionSet") {
        if (!forced.has(owner.name)) {
          forced.set(owner.name, `its live content cannot be written as an access file (${d.message})`);
        }
      } else fatal.push(d);
    }
    if (fatal.length === 0) {
      docs = importDocuments(live, { ...options, forcedExternal: forced });
      loaded = await validate(docs, options.now);
    }
    if (!loaded.ok) {
      throw new ConfigError(
        `the imported files do not validate (${loaded.errors.length} problem${loaded.errors.length === 1 ? "" : "s"})`,
        loaded.errors,
        "accessops cannot write these live values as access files. This is a bug in accessops import: report it with the messages above.",
      );
    }
  }
  const plan = buildPlan({ config: loaded.config, live, now: options.now, allowDeletes: false });
  const staleProvisioning = plan.changes.filter(isStaleProvisioning);
  const unexpected = plan.changes.filter(
    (c) => !(c.action === "update" && c.adopt === true && onlyTags(c)) && !isStaleProvisioning(c),
  );
  return { ...docs, config: loaded.config, plan, staleProvisioning, unexpected };
}

type Loaded = { ok: true; config: Config } | { ok: false; errors: Diagnostic[] };

async function validate(docs: ImportDocuments, now: Date): Promise<Loaded> {
  const yaml = docs.files.filter((f) => f.path.endsWith(".yaml"));
  const policies = Object.fromEntries(
    docs.files.filter((f) => !f.path.endsWith(".yaml")).map((f) => [f.path, f.text]),
  );
  const result = await loadDocuments(yaml, {
    dir: VIRTUAL_DIR,
    now,
    readPolicyFile: memoryPolicyReader(policies),
  });
  return result.ok ? { ok: true, config: result.config } : { ok: false, errors: result.errors };
}

function ownerOf(docs: ImportDocuments, d: Diagnostic): ItemSpan["owner"] | null {
  const policyOwner = docs.policyFiles[d.file];
  if (policyOwner !== undefined) return { kind: "permissionSet", name: policyOwner };
  const span = docs.spans.find((s) => s.file === d.file && d.line >= s.firstLine && d.line <= s.lastLine);
  return span?.owner ?? null;
}

/**
 * A provision of the accounts holding a stale copy, not of every account: the permission set
 * itself does not change, so it is live drift rather than something the import introduced.
 */
function isStaleProvisioning(c: Change): boolean {
  return (
    c.action === "provision" &&
    c.after?.kind === "provisioning" &&
    c.after.target !== "ALL_PROVISIONED_ACCOUNTS"
  );
}

/** An adoption changes the tags and nothing else: no re-provisioning, no access change. */
function onlyTags(c: Change): boolean {
  return Object.keys(c.fields ?? {}).every((f) => f === "tags");
}
