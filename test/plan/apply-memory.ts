import type { Live } from "../../src/model/live.ts";
import type { Plan } from "../../src/model/plan.ts";
import { live } from "./builders.ts";

/** Records that `ps` is provisioned into `account`. */
export function provision(provisioning: Live["provisioning"], ps: string, account: string): void {
  const state = provisioning[ps] ?? { accounts: [], stale: [] };
  state.accounts = [...new Set([...state.accounts, account])].sort();
  provisioning[ps] = state;
}

/**
 * A small, independent in-memory apply: what AWS would hold after the plan's changes. Editing a
 * provisioned permission set's role makes its accounts stale (as AWS does); a provision refreshes
 * them; an assignment create provisions the set into its account.
 */
export function applyPlan(before: Live, plan: Plan): Live {
  const state = new Map(before.state);
  const provisioning = structuredClone(before.provisioning);
  for (const c of plan.changes) {
    if (c.action === "delete") {
      state.delete(c.address);
      continue;
    }
    if (c.after?.kind === "provisioning") {
      const held = provisioning[c.after.permissionSet];
      if (!held) continue;
      const target = c.after.target;
      held.stale =
        target === "ALL_PROVISIONED_ACCOUNTS" ? [] : held.stale.filter((a) => !target.accounts.includes(a));
      continue;
    }
    if (!c.after) continue;
    state.set(c.address, c.after);
    if (c.after.kind === "assignment") provision(provisioning, c.after.permissionSet, c.after.accountId);
    if (c.action === "update" && c.after.kind === "permissionSet") {
      const roleChanged = Object.keys(c.fields ?? {}).some((f) => f !== "tags");
      const held = provisioning[c.after.name];
      if (roleChanged && held) held.stale = [...held.accounts];
    }
  }
  return live([...state.values()], { provisioning, org: before.org });
}
