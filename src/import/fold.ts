import { byCodeUnit } from "../model/canonical.ts";
import type { OrgSnapshot } from "../model/live.ts";
import { ROOT_PATH } from "../plan/org.ts";

/**
 * A set of accounts written as the targets and exclusions of one assignment rule. Accounts are
 * ids here (the caller names them); OUs are paths; `all` stands for the root.
 */
export interface FoldedTargets {
  all: boolean;
  ous: string[];
  accounts: string[];
  exclude: { ous: string[]; accounts: string[] };
}

/** The number of list items (and `all: true`) a folded selection writes: what folding minimises. */
export function foldedSize(f: FoldedTargets): number {
  return (
    (f.all ? 1 : 0) + f.ous.length + f.accounts.length + f.exclude.ous.length + f.exclude.accounts.length
  );
}

interface OuNode {
  path: string;
  children: OuNode[];
  /** Eligible accounts placed directly in this OU. */
  direct: string[];
  /** Eligible accounts under this OU, nested OUs included. */
  size: number;
}

/** How a subtree's part of the selection is written: the whole OU, its parts, or the OU minus some. */
type Choice = "none" | "whole" | "split" | "minus";

interface Cost {
  cost: number;
  choice: Choice;
}

/**
 * Folds account sets into the fewest selectors over one organisation. Eligible accounts are those
 * an OU or `all` can select: active and not the management account (resolution never targets the
 * management account through an OU or `all`, nor an inactive account through anything). The
 * caller names the management account explicitly and handles inactive accounts itself.
 */
export interface TargetFolder {
  /** Whether an account can be selected by an OU or `all`. */
  eligible(accountId: string): boolean;
  /**
   * The fewest items that select exactly `accountIds` (all eligible, or an error is thrown): an
   * OU wherever every eligible account under it (recursively) is selected, the largest such OU,
   * `all: true` for the root, and an OU minus a few accounts or nested OUs only where that is
   * strictly shorter than listing the parts. Deterministic: lists come out sorted.
   */
  fold(accountIds: readonly string[]): FoldedTargets;
}

export function targetFolder(org: OrgSnapshot): TargetFolder {
  const nodes = new Map<string, OuNode>();
  const node = (path: string): OuNode => {
    let n = nodes.get(path);
    if (!n) {
      n = { path, children: [], direct: [], size: 0 };
      nodes.set(path, n);
      const cut = path.lastIndexOf("/");
      if (cut > 0) node(path.slice(0, cut)).children.push(n);
    }
    return n;
  };
  node(ROOT_PATH);
  for (const ou of [...org.ous].sort((a, b) => byCodeUnit(a.path, b.path))) node(ou.path);

  const parentOf = new Map<string, OuNode>();
  for (const a of [...org.accounts].sort((x, y) => byCodeUnit(x.id, y.id))) {
    if (a.state !== "ACTIVE" || a.id === org.managementAccountId) continue;
    const home = node(a.ouPath);
    home.direct.push(a.id);
    parentOf.set(a.id, home);
  }
  const ancestors = (n: OuNode): OuNode[] => {
    const out: OuNode[] = [];
    for (let path = n.path; ; ) {
      const at = nodes.get(path);
      if (at) out.push(at);
      const cut = path.lastIndexOf("/");
      if (cut <= 0) break;
      path = path.slice(0, cut);
    }
    return out;
  };
  for (const home of new Set(parentOf.values())) {
    for (const n of ancestors(home)) n.size += home.direct.length;
  }
  const root = node(ROOT_PATH);

  return {
    eligible: (accountId) => parentOf.has(accountId),
    fold(accountIds) {
      const selected = new Set(accountIds);
      const count = new Map<OuNode, number>();
      for (const id of selected) {
        const home = parentOf.get(id);
        if (!home)
          throw new Error(`account ${id} cannot be selected by an OU (inactive, management or unknown)`);
        for (const n of ancestors(home)) count.set(n, (count.get(n) ?? 0) + 1);
      }
      const inside = (n: OuNode): number => count.get(n) ?? 0;

      const incMemo = new Map<OuNode, Cost>();
      const excMemo = new Map<OuNode, Cost>();
      // The cheapest way to select exactly the selected accounts under n, with items inside n.
      const inc = (n: OuNode): Cost => {
        const memo = incMemo.get(n);
        if (memo) return memo;
        let result: Cost;
        if (inside(n) === 0) result = { cost: 0, choice: "none" };
        else if (inside(n) === n.size) result = { cost: 1, choice: "whole" };
        else {
          const split =
            n.children.reduce((sum, c) => sum + inc(c).cost, 0) +
            n.direct.filter((id) => selected.has(id)).length;
          const minus = 1 + exc(n).cost;
          result = split <= minus ? { cost: split, choice: "split" } : { cost: minus, choice: "minus" };
        }
        incMemo.set(n, result);
        return result;
      };
      // The cheapest way to exclude exactly the unselected accounts under n, n being targeted whole.
      const exc = (n: OuNode): Cost => {
        const memo = excMemo.get(n);
        if (memo) return memo;
        let result: Cost;
        if (inside(n) === n.size) result = { cost: 0, choice: "none" };
        else if (inside(n) === 0) result = { cost: 1, choice: "whole" };
        else {
          const split =
            n.children.reduce((sum, c) => sum + exc(c).cost, 0) +
            n.direct.filter((id) => !selected.has(id)).length;
          result = { cost: split, choice: "split" };
        }
        excMemo.set(n, result);
        return result;
      };

      const out: FoldedTargets = { all: false, ous: [], accounts: [], exclude: { ous: [], accounts: [] } };
      const target = (n: OuNode): void => {
        if (n === root) out.all = true;
        else out.ous.push(n.path);
      };
      const emitExc = (n: OuNode): void => {
        const { choice } = exc(n);
        if (choice === "whole") out.exclude.ous.push(n.path);
        else if (choice === "split") {
          for (const c of n.children) emitExc(c);
          out.exclude.accounts.push(...n.direct.filter((id) => !selected.has(id)));
        }
      };
      const emitInc = (n: OuNode): void => {
        const { choice } = inc(n);
        if (choice === "whole") target(n);
        else if (choice === "minus") {
          target(n);
          emitExc(n);
        } else if (choice === "split") {
          for (const c of n.children) emitInc(c);
          out.accounts.push(...n.direct.filter((id) => selected.has(id)));
        }
      };
      emitInc(root);
      out.ous.sort(byCodeUnit);
      out.accounts.sort(byCodeUnit);
      out.exclude.ous.sort(byCodeUnit);
      out.exclude.accounts.sort(byCodeUnit);
      return out;
    },
  };
}
