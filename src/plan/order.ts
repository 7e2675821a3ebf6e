import { byCodeUnit } from "../model/canonical.ts";
import { InternalError } from "../model/errors.ts";
import type { Change, ChangeAction, ChangeKind } from "../model/plan.ts";

export type Phase =
  | "user-upserts"
  | "group-upserts"
  | "membership-creates"
  | "permission-set-upserts"
  | "provisions"
  | "assignment-creates"
  | "assignment-deletes"
  | "permission-set-deletes"
  | "membership-deletes"
  | "group-deletes"
  | "user-deletes";

interface PhaseSpec {
  phase: Phase;
  kind: ChangeKind;
  actions: readonly ChangeAction[];
  /** Heading for humans. */
  title: string;
}

/**
 * The apply order of DESIGN.md section 4, as one literal list. Why this order:
 * - principals and permission sets exist before anything refers to them;
 * - permission sets are re-provisioned once, after all their edits;
 * - assignment creates come before assignment deletes, so a rename or a move never opens an
 *   access gap;
 * - a permission set is deleted only after its assignments are gone (AWS refuses otherwise);
 * - memberships go before their groups, and groups before the users they contain.
 */
export const APPLY_ORDER: readonly PhaseSpec[] = [
  { phase: "user-upserts", kind: "user", actions: ["create", "update"], title: "Users" },
  { phase: "group-upserts", kind: "group", actions: ["create", "update"], title: "Groups" },
  { phase: "membership-creates", kind: "membership", actions: ["create"], title: "Group memberships" },
  {
    phase: "permission-set-upserts",
    kind: "permissionSet",
    actions: ["create", "replace", "update"],
    title: "Permission sets",
  },
  { phase: "provisions", kind: "provisioning", actions: ["provision"], title: "Re-provisioning" },
  { phase: "assignment-creates", kind: "assignment", actions: ["create"], title: "Assignments to create" },
  { phase: "assignment-deletes", kind: "assignment", actions: ["delete"], title: "Assignments to delete" },
  {
    phase: "permission-set-deletes",
    kind: "permissionSet",
    actions: ["delete"],
    title: "Permission sets to delete",
  },
  {
    phase: "membership-deletes",
    kind: "membership",
    actions: ["delete"],
    title: "Group memberships to delete",
  },
  { phase: "group-deletes", kind: "group", actions: ["delete"], title: "Groups to delete" },
  { phase: "user-deletes", kind: "user", actions: ["delete"], title: "Users to delete" },
];

const PHASE_INDEX = new Map<string, number>(
  APPLY_ORDER.flatMap((spec, i) => spec.actions.map((action) => [`${spec.kind}:${action}`, i] as const)),
);

/** The position of a change's phase in `APPLY_ORDER`. */
export function phaseIndex(change: Pick<Change, "kind" | "action" | "address">): number {
  const i = PHASE_INDEX.get(`${change.kind}:${change.action}`);
  if (i === undefined) throw new InternalError(`no apply phase for ${change.action} of ${change.address}`);
  return i;
}

/** Changes in apply order: by phase, then by address. Refuses two changes at one address. */
export function orderChanges(changes: readonly Change[]): Change[] {
  const keyed = changes.map((change) => ({ change, phase: phaseIndex(change) }));
  keyed.sort((a, b) => a.phase - b.phase || byCodeUnit(a.change.address, b.change.address));
  const seen = new Set<string>();
  for (const { change } of keyed) {
    if (seen.has(change.address)) throw new InternalError(`two changes planned at ${change.address}`);
    seen.add(change.address);
  }
  return keyed.map((k) => k.change);
}
