import equal from "fast-deep-equal";
import { canonicalDuration, canonicalJson } from "../model/canonical.ts";
import type { FieldChange } from "../model/plan.ts";
import type { Address, Entity, EntityKind, EntityOf } from "../model/state.ts";

/** The result of comparing two keyed collections. */
export interface KeyedDiff<T> {
  /** Desired only. */
  creates: T[];
  /** In both, with at least one differing field. */
  updates: { before: T; after: T; fields: Record<string, FieldChange> }[];
  /** Live only. */
  deletes: T[];
  /** In both and equal. */
  unchanged: T[];
}

/**
 * The one keyed diff: every address is a create, an update, a delete or unchanged. `compare`
 * returns the differing fields (empty when equal). Output follows the maps' iteration order;
 * ordering for apply is done later, once, by `orderChanges`.
 */
export function diffKeyed<T>(
  live: ReadonlyMap<Address, T>,
  desired: ReadonlyMap<Address, T>,
  compare: (before: T, after: T) => Record<string, FieldChange>,
): KeyedDiff<T> {
  const out: KeyedDiff<T> = { creates: [], updates: [], deletes: [], unchanged: [] };
  for (const [address, after] of desired) {
    const before = live.get(address);
    if (before === undefined) {
      out.creates.push(after);
      continue;
    }
    const fields = compare(before, after);
    if (Object.keys(fields).length > 0) out.updates.push({ before, after, fields });
    else out.unchanged.push(after);
  }
  for (const [address, before] of live) {
    if (!desired.has(address)) out.deletes.push(before);
  }
  return out;
}

/**
 * The fields each kind compares. Identity fields (the parts of the address) are not listed:
 * two entities at the same address already agree on them. Assignments and memberships have no
 * other fields, so they are only ever created or deleted.
 */
const COMPARED_FIELDS: { [K in EntityKind]: readonly (keyof EntityOf<K> & string)[] } = {
  user: ["displayName", "givenName", "familyName", "emails"],
  group: ["description"],
  membership: [],
  permissionSet: [
    "description",
    "sessionDuration",
    "relayState",
    "managedPolicies",
    "customerManagedPolicies",
    "inlinePolicy",
    "permissionsBoundary",
    "tags",
  ],
  assignment: [],
};

/** Field equalities that are not deep equality of the normalised values. */
const FIELD_EQUALITY: Readonly<Record<string, (a: unknown, b: unknown) => boolean>> = {
  inlinePolicy: (a, b) => canonicalPolicy(a) === canonicalPolicy(b),
  sessionDuration: (a, b) => canonicalDuration(String(a)) === canonicalDuration(String(b)),
};

/**
 * Canonical text of an inline policy, so key order and whitespace never show up as drift.
 * Text that is not JSON is compared as written (validation reports it elsewhere).
 */
export function canonicalPolicy(policy: unknown): string | null {
  if (policy === null || policy === undefined) return null;
  const text = String(policy);
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}

/** The per-kind comparator: the fields of `after` that differ from `before`. */
export function fieldChanges<E extends Entity>(before: E, after: E): Record<string, FieldChange> {
  const fields: Record<string, FieldChange> = {};
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  for (const field of COMPARED_FIELDS[after.kind]) {
    const same = FIELD_EQUALITY[field] ?? equal;
    if (!same(a[field], b[field])) fields[field] = { from: a[field], to: b[field] };
  }
  return fields;
}
