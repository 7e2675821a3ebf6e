import { canonicalJson } from "../model/canonical.ts";
import type { Change, Plan, ProvisioningEntity } from "../model/plan.ts";
import { diffPlans } from "../plan/index.ts";
import type { ReviewedPlan } from "./journal.ts";

/**
 * How the plan made now relates to the reviewed one:
 * - `same`: identical changes (same checksum);
 * - `resume`: every change planned now is a change of the reviewed plan, unchanged, still to be
 *   done — an earlier run applied the rest (it was killed, or some changes failed);
 * - `stale`: something planned now was not reviewed; `lines` say what, one per address.
 */
export type ReviewVerdict =
  | { kind: "same" }
  | { kind: "resume"; remaining: number; reviewed: number }
  | { kind: "stale"; lines: string[] };

/**
 * Compares the current plan with the reviewed one. A change is contained in the reviewed plan
 * when the reviewed plan has a change at the same address that leads to the same end state:
 * the same `after` (for a delete: a delete). What may differ is how far along it is: a
 * permission set created by a killed run before its policies were attached is now an `update`
 * towards the same `after`; a re-provisioning may now cover fewer accounts (some were done).
 * Nothing outside the reviewed plan ever passes.
 */
export function compareWithReviewed(
  reviewed: ReviewedPlan,
  current: Pick<Plan, "changes" | "checksum">,
): ReviewVerdict {
  if (reviewed.checksum === current.checksum) return { kind: "same" };
  const byAddress = new Map(reviewed.changes.map((c) => [c.address, c]));
  const outside = current.changes.filter((c) => !contained(c, byAddress));
  if (outside.length === 0) {
    return { kind: "resume", remaining: current.changes.length, reviewed: reviewed.changes.length };
  }
  const addresses = new Set(outside.map((c) => c.address));
  const lines = diffPlans(
    { changes: reviewed.changes.filter((c) => addresses.has(c.address)) },
    { changes: outside },
  );
  return { kind: "stale", lines };
}

function contained(change: Change, reviewed: ReadonlyMap<string, Change>): boolean {
  const r = reviewed.get(change.address);
  if (!r) return false;
  if (change.action === "provision") return r.action === "provision" && coveredTarget(change, r);
  if (change.action === "delete") return r.action === "delete";
  const sameEnd = canonicalJson(change.after) === canonicalJson(r.after);
  if (!sameEnd) return false;
  if (change.action === r.action) return true;
  // A create (or replace) cut short: the object exists and needs the rest of the same edits.
  return change.action === "update" && (r.action === "create" || r.action === "replace");
}

/** A re-provisioning reaches no account the reviewed one did not. */
function coveredTarget(change: Change, reviewed: Change): boolean {
  const now = (change.after as ProvisioningEntity | null)?.target;
  const then = (reviewed.after as ProvisioningEntity | null)?.target;
  if (now === undefined || then === undefined) return false;
  if (then === "ALL_PROVISIONED_ACCOUNTS") return true;
  if (now === "ALL_PROVISIONED_ACCOUNTS") return false;
  const allowed = new Set(then.accounts);
  return now.accounts.every((a) => allowed.has(a));
}
