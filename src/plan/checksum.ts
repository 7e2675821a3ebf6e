import { canonicalJson, sha256Hex, sortedUnique } from "../model/canonical.ts";
import type { Change, Plan } from "../model/plan.ts";

/** What a plan checksum looks like: 64 lower-case hex digits. */
export const PLAN_CHECKSUM = /^[0-9a-f]{64}$/;

/** sha256 (hex) of the canonical JSON of the changes: what `apply --checksum` compares. */
export function planChecksum(changes: readonly Change[]): string {
  return sha256Hex(canonicalJson(changes));
}

/**
 * What differs between a reviewed plan and the plan made now, one line per address, sorted:
 * changes that appeared, disappeared or changed. Empty when the changes are identical. Used for
 * the stale-plan error, so a reviewer sees why the reviewed plan no longer applies.
 */
export function diffPlans(reviewed: Pick<Plan, "changes">, current: Pick<Plan, "changes">): string[] {
  const before = new Map(reviewed.changes.map((c) => [c.address, c]));
  const after = new Map(current.changes.map((c) => [c.address, c]));
  const addresses = sortedUnique([...before.keys(), ...after.keys()]);
  const lines: string[] = [];
  for (const address of addresses) {
    const was = before.get(address);
    const now = after.get(address);
    if (was && !now) lines.push(`${address}: ${was.action} is no longer planned`);
    else if (!was && now) lines.push(`${address}: ${now.action} is newly planned`);
    else if (was && now && canonicalJson(was) !== canonicalJson(now)) {
      if (was.action !== now.action) lines.push(`${address}: now ${now.action} (was ${was.action})`);
      else lines.push(`${address}: the ${now.action} changed (${differingParts(was, now).join(", ")})`);
    }
  }
  if (lines.length === 0 && canonicalJson(reviewed.changes) !== canonicalJson(current.changes)) {
    lines.push("the same changes are planned in a different order");
  }
  return lines;
}

/** Which top-level parts of two changes at one address differ: `fields`, `after`, `reason`... */
function differingParts(a: Change, b: Change): string[] {
  const keys = sortedUnique([...Object.keys(a), ...Object.keys(b)]);
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return keys.filter((k) => canonicalJson(ra[k]) !== canonicalJson(rb[k]));
}
