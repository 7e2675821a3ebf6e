import { byCodeUnit } from "../model/canonical.ts";
import type { OrgAccount, OrgSnapshot } from "../model/live.ts";

/** The path of the organisation root in OU paths (`Root/Workloads/Prod`). */
export const ROOT_PATH = "Root";

/** How many account names a scope spells out before it says "+N more". */
const SCOPE_NAMES_SHOWN = 3;

/**
 * Lookup tables over an organisation snapshot, built once per plan so that target resolution and
 * scope descriptions stay linear in the number of accounts.
 */
export interface OrgIndex {
  org: OrgSnapshot;
  byId: Map<string, OrgAccount>;
  /** Account name to accounts (names are not unique in Organizations). */
  byName: Map<string, OrgAccount[]>;
  /** Every OU path, `Root` included, to the accounts under it (nested OUs included), sorted by id. */
  underOu: Map<string, OrgAccount[]>;
  /**
   * The sorted, comma-joined ids of the ACTIVE accounts under an OU, to the deepest OU path with
   * exactly those accounts. Used to say "14 accounts under Root/Workloads/Prod"; never for targeting.
   */
  ouByActiveSet: Map<string, string>;
}

export function indexOrg(org: OrgSnapshot): OrgIndex {
  const byId = new Map<string, OrgAccount>();
  const byName = new Map<string, OrgAccount[]>();
  const underOu = new Map<string, OrgAccount[]>([[ROOT_PATH, []]]);
  for (const ou of org.ous) underOu.set(ou.path, []);
  const sorted = [...org.accounts].sort((a, b) => byCodeUnit(a.id, b.id));
  for (const account of sorted) {
    byId.set(account.id, account);
    const named = byName.get(account.name);
    if (named) named.push(account);
    else byName.set(account.name, [account]);
    for (const path of ancestorPaths(account.ouPath)) underOu.get(path)?.push(account);
  }
  const ouByActiveSet = new Map<string, string>();
  // Shallow paths first so that the deepest OU holding exactly the same accounts wins.
  const paths = [...underOu.keys()].sort(
    (a, b) => a.split("/").length - b.split("/").length || byCodeUnit(a, b),
  );
  for (const path of paths) {
    const active = (underOu.get(path) ?? []).filter((a) => a.state === "ACTIVE").map((a) => a.id);
    if (active.length > 0) ouByActiveSet.set(active.join(","), path);
  }
  return { org, byId, byName, underOu, ouByActiveSet };
}

/** `Root/A/B` gives `Root`, `Root/A`, `Root/A/B`. */
function ancestorPaths(ouPath: string): string[] {
  const parts = ouPath.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** The account's name, or its id when the organisation does not know it. */
export function accountLabel(index: OrgIndex, accountId: string): string {
  return index.byId.get(accountId)?.name ?? accountId;
}

/**
 * A short description of a set of accounts: `14 accounts under Root/Workloads/Prod` when they are
 * exactly the active accounts under one OU, otherwise up to three names and `+N more`.
 * `accountIds` must be sorted and free of duplicates.
 */
export function describeAccounts(index: OrgIndex, accountIds: readonly string[]): string {
  if (accountIds.length === 0) return "";
  if (accountIds.length > 1) {
    const ou = index.ouByActiveSet.get(accountIds.join(","));
    if (ou !== undefined) return `${accountIds.length} accounts under ${ou}`;
  }
  const names = accountIds.map((id) => accountLabel(index, id)).sort(byCodeUnit);
  const shown = names.slice(0, SCOPE_NAMES_SHOWN).join(", ");
  const more = names.length - SCOPE_NAMES_SHOWN;
  return more > 0 ? `${shown} +${more} more` : shown;
}
