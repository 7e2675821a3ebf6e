import { provisioningAddress } from "../model/address.ts";
import type { Live } from "../model/live.ts";
import type { Change, ProvisioningEntity } from "../model/plan.ts";
import type { State } from "../model/state.ts";
import { describeAccounts, type OrgIndex } from "./org.ts";
import { count } from "./words.ts";

/** Fields whose change does not alter the IAM role, so it needs no re-provisioning. */
const ROLE_NEUTRAL_FIELDS: ReadonlySet<string> = new Set(["tags"]);

/**
 * At most one `provision` change per managed permission set:
 * - `ALL_PROVISIONED_ACCOUNTS` when an update changes what the role carries and some account holds
 *   the permission set (tag-only updates need none; a create or replace is provisioned by its
 *   first assignment);
 * - otherwise exactly the accounts holding a stale copy, when there are any.
 * Accounts that are not ACTIVE are left out (provisioning there fails); when some of the
 * provisioned accounts are not active, the target lists the active ones instead of "all".
 */
export function planProvisioning(
  changes: readonly Change[],
  desired: State,
  live: Live,
  index: OrgIndex,
): Change[] {
  const out: Change[] = [];
  const changed = new Map<string, string[]>();
  for (const c of changes) {
    if (c.action !== "update" || c.after?.kind !== "permissionSet") continue;
    const roleFields = Object.keys(c.fields ?? {}).filter((f) => !ROLE_NEUTRAL_FIELDS.has(f));
    if (roleFields.length > 0) changed.set(c.after.name, roleFields);
  }
  const isActive = (id: string): boolean => index.byId.get(id)?.state === "ACTIVE";

  for (const entity of desired.values()) {
    if (entity.kind !== "permissionSet") continue;
    const name = entity.name;
    const state = live.provisioning[name];
    if (!state) continue;
    const roleFields = changed.get(name);
    if (roleFields !== undefined && state.accounts.length > 0) {
      const active = state.accounts.filter(isActive);
      if (active.length === 0) continue;
      const all = active.length === state.accounts.length;
      out.push(
        provision(
          name,
          all ? "ALL_PROVISIONED_ACCOUNTS" : { accounts: active },
          `${name} changes (${roleFields.join(", ")}): the ${count(active.length, "account")} holding it get the new version`,
        ),
      );
      continue;
    }
    const stale = state.stale.filter(isActive);
    if (stale.length > 0) {
      out.push(
        provision(
          name,
          { accounts: stale },
          `${describeAccounts(index, stale)} hold${stale.length === 1 ? "s" : ""} an outdated copy of ${name}: its latest version was never provisioned there`,
        ),
      );
    }
  }
  return out;
}

function provision(permissionSet: string, target: ProvisioningEntity["target"], reason: string): Change {
  return {
    address: provisioningAddress(permissionSet),
    kind: "provisioning",
    action: "provision",
    before: null,
    after: { kind: "provisioning", permissionSet, target },
    reason,
  };
}
