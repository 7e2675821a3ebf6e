import { ADDRESS_PREFIX } from "../../model/address.ts";
import type { AccessDelta, ChangeKind, Plan } from "../../model/plan.ts";
import { count, KIND_NOUNS } from "../words.ts";

/** `Plan: 3 to create, 1 to update, 2 to delete, 1 re-provision.` or the no-change sentence. */
export function headline(plan: Pick<Plan, "summary">): string {
  const s = plan.summary;
  if (s.total === 0) return "No changes: the live state matches the access files.";
  const n = (x: number): string => x.toLocaleString("en-US");
  const blocked = (s.blocked ?? 0) > 0 ? ` (${n(s.blocked ?? 0)} blocked)` : "";
  const parts = [`${n(s.create)} to create${blocked}`, `${n(s.update)} to update`];
  if (s.replace > 0) parts.push(`${n(s.replace)} to replace`);
  parts.push(`${n(s.delete)} to delete`);
  if (s.provision > 0) parts.push(count(s.provision, "re-provision"));
  return `Plan: ${parts.join(", ")}.`;
}

/** What a targeted read left out, said by every renderer (and the CLI) for a targeted plan. */
export const TARGETED_SCOPE =
  "only what the files name was read, so nothing outside it is deleted (owned permission sets no longer declared, undeclared groups and users, assignments to principals the files do not name); plan with --refresh full to see those.";

/** Where the suggested apply command must differ from `accessops apply --checksum <sha>`. */
export interface ApplyCommandOptions {
  /**
   * The access directory exactly as the user passed it to `plan`; leave it out when it was the
   * default (`access`). Apply re-plans from this directory, so a wrong one makes the plan stale.
   */
  dir?: string;
  /** Apply the plan file written by `--out` (`--plan <file>`) instead of `--checksum <sha>`. */
  planFile?: string;
}

/**
 * The command that applies exactly this plan: apply re-reads and re-plans, so it names the same
 * directory and the same `--refresh`, and `--allow-deletes` when the plan needed the override.
 */
export function applyCommand(
  plan: Pick<Plan, "checksum" | "safety" | "refresh">,
  options: ApplyCommandOptions = {},
): string {
  const words = ["accessops", "apply"];
  if (options.dir !== undefined) words.push(shellWord(options.dir, true));
  if (plan.refresh === "targeted") words.push("--refresh", "targeted");
  if (plan.safety.deletesAllowed && plan.safety.violations.length > 0) words.push("--allow-deletes");
  if (options.planFile !== undefined) words.push("--plan", shellWord(options.planFile, false));
  else words.push("--checksum", plan.checksum);
  return words.join(" ");
}

/** Characters a POSIX shell word may hold unquoted. */
const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/**
 * A path as one shell word: as it is when it is safe, otherwise single-quoted. A positional path
 * that starts with `-` gets `./` so it is not read as an option.
 */
export function shellWord(path: string, positional: boolean): string {
  const word = positional && path.startsWith("-") ? `./${path}` : path;
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const KIND_BY_PREFIX = new Map<string, ChangeKind>(
  (Object.entries(ADDRESS_PREFIX) as [ChangeKind | "permissionSet", string][]).map(([kind, prefix]) => [
    prefix,
    kind as ChangeKind,
  ]),
);

/** `7 live objects are not managed by accessops and were left alone (2 groups, 5 assignments).` */
export function unmanagedSummary(plan: Pick<Plan, "unmanaged">, suffix = ""): string {
  const counts = new Map<ChangeKind, number>();
  for (const address of plan.unmanaged) {
    const kind = KIND_BY_PREFIX.get(address.slice(0, address.indexOf("/")));
    if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts].map(([kind, n]) => count(n, ...KIND_NOUNS[kind]));
  const n = plan.unmanaged.length;
  return `${count(n, "live object")} ${n === 1 ? "is" : "are"} not managed by accessops and ${n === 1 ? "was" : "were"} left alone (${parts.join(", ")})${suffix}.`;
}

/** Access rows by principal and permission set, for renderers that group assignment changes. */
export function accessIndex(
  plan: Pick<Plan, "access">,
): (type: string, name: string, ps: string) => AccessDelta | undefined {
  const map = new Map(
    plan.access.map((d) => [`${d.principalType}\u0000${d.principalName}\u0000${d.permissionSet}`, d]),
  );
  return (type, name, ps) => map.get(`${type}\u0000${name}\u0000${ps}`);
}
