import { ADDRESS_PREFIX } from "../../model/address.ts";
import type { AccessDelta, ChangeKind, Plan } from "../../model/plan.ts";
import { count, KIND_NOUNS } from "../words.ts";

/** `Plan: 3 to create, 1 to update, 2 to delete, 1 re-provision.` or the no-change sentence. */
export function headline(plan: Pick<Plan, "summary">): string {
  const s = plan.summary;
  if (s.total === 0) return "No changes: the live state matches the access files.";
  const n = (x: number): string => x.toLocaleString("en-US");
  const parts = [`${n(s.create)} to create`, `${n(s.update)} to update`];
  if (s.replace > 0) parts.push(`${n(s.replace)} to replace`);
  parts.push(`${n(s.delete)} to delete`);
  if (s.provision > 0) parts.push(count(s.provision, "re-provision"));
  return `Plan: ${parts.join(", ")}.`;
}

/** The command that applies exactly this plan (with the override when the plan needed it). */
export function applyCommand(plan: Pick<Plan, "checksum" | "safety">): string {
  const override = plan.safety.deletesAllowed && plan.safety.violations.length > 0 ? " --allow-deletes" : "";
  return `accessops apply${override} --checksum ${plan.checksum}`;
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
