import { byCodeUnit } from "../model/canonical.ts";
import type { ChangeKind } from "../model/plan.ts";

/** Singular and plural nouns for each change kind, for messages and summaries. */
export const KIND_NOUNS: Record<ChangeKind, readonly [string, string]> = {
  user: ["user", "users"],
  group: ["group", "groups"],
  membership: ["group membership", "group memberships"],
  permissionSet: ["permission set", "permission sets"],
  assignment: ["assignment", "assignments"],
  provisioning: ["re-provision", "re-provisions"],
};

/** `1 account`, `3 accounts`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? singular : plural}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listJoin(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** `12 assignments and 2 permission sets`: how many of each kind, in kind order. */
export function countByKind(items: readonly { kind: ChangeKind }[]): string {
  const counts = new Map<ChangeKind, number>();
  for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  return listJoin(
    [...counts].sort(([a], [b]) => byCodeUnit(a, b)).map(([kind, n]) => count(n, ...KIND_NOUNS[kind])),
  );
}
