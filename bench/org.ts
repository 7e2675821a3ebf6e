import type { AccountState } from "../src/model/live.ts";

/**
 * The synthetic organisation's structure and its assignment rules, as plain data, with a
 * resolver of its own. The generator resolves rules with this small, independent resolver so
 * that it can write the emulator seed; a test holds it against accessops's resolver (the two
 * must agree exactly, or the no-op variant would not be a no-op).
 */

export interface BenchAccount {
  /** 12 digits. */
  id: string;
  name: string;
  /** Path of the parent OU from the root (`Root/Workloads/BU-03/Prod/EU`). */
  ou: string;
  tags: Record<string, string>;
  state: AccountState;
}

export interface BenchOu {
  path: string;
  tags?: Record<string, string>;
}

export type Principal = { group: string } | { user: string };

export interface Targets {
  accounts?: string[];
  ous?: string[];
  tags?: Record<string, string>;
  all?: true;
}

/** One assignment rule as written in an access file. */
export interface BenchRule {
  /** The access file (relative to the access directory) the rule is written in. */
  file: string;
  principal: Principal;
  permissionSets: string[];
  targets: Targets;
  exclude?: { accounts?: string[]; ous?: string[] };
  reason?: string;
}

export interface BenchOrg {
  ous: BenchOu[];
  accounts: BenchAccount[];
  management: BenchAccount;
}

/** Lookups over an organisation, built once. */
export class OrgIndex {
  readonly org: BenchOrg;
  readonly byId = new Map<string, BenchAccount>();
  readonly byName = new Map<string, BenchAccount>();
  /** OU path -> the accounts in it and in its nested OUs. */
  readonly underOu = new Map<string, BenchAccount[]>();

  constructor(org: BenchOrg) {
    this.org = org;
    for (const a of org.accounts) {
      this.byId.set(a.id, a);
      this.byName.set(a.name, a);
    }
    for (const path of ["Root", ...org.ous.map((o) => o.path)]) this.underOu.set(path, []);
    for (const a of org.accounts) {
      for (const path of ancestors(a.ou)) this.underOu.get(path)?.push(a);
    }
  }

  account(ref: string): BenchAccount {
    const account = this.byId.get(ref) ?? this.byName.get(ref);
    if (!account) throw new Error(`generator bug: no account ${ref}`);
    return account;
  }

  /**
   * The account ids a rule targets, with accessops's rules (docs/format.md): the union of the
   * selectors, minus the exclusions; never an inactive account; the management account only when
   * named in `targets.accounts`.
   */
  resolve(rule: Pick<BenchRule, "targets" | "exclude">): string[] {
    const explicit = new Set((rule.targets.accounts ?? []).map((ref) => this.account(ref).id));
    const matched = new Set(explicit);
    for (const path of rule.targets.ous ?? []) for (const a of this.ou(path)) matched.add(a.id);
    const tags = rule.targets.tags;
    if (tags) {
      const wanted = Object.entries(tags);
      for (const a of this.org.accounts) if (wanted.every(([k, v]) => a.tags[k] === v)) matched.add(a.id);
    }
    if (rule.targets.all) for (const a of this.org.accounts) matched.add(a.id);
    const excluded = new Set((rule.exclude?.accounts ?? []).map((ref) => this.account(ref).id));
    for (const path of rule.exclude?.ous ?? []) for (const a of this.ou(path)) excluded.add(a.id);
    const out: string[] = [];
    for (const id of matched) {
      const account = this.byId.get(id) as BenchAccount;
      if (excluded.has(id) || account.state !== "ACTIVE") continue;
      if (id === this.org.management.id && !explicit.has(id)) continue;
      out.push(id);
    }
    return out;
  }

  ou(path: string): BenchAccount[] {
    const accounts = this.underOu.get(path);
    if (!accounts) throw new Error(`generator bug: no OU ${path}`);
    return accounts;
  }
}

/** `Root/A/B` -> `Root`, `Root/A`, `Root/A/B`. */
function ancestors(path: string): string[] {
  const parts = path.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** The key of one assignment, in accessops's address order (account, permission set, principal). */
export function assignmentKey(accountId: string, permissionSet: string, principal: Principal): string {
  return "group" in principal
    ? `${accountId}/${permissionSet}/GROUP/${principal.group}`
    : `${accountId}/${permissionSet}/USER/${principal.user}`;
}

/** One resolved assignment. */
export interface BenchAssignment {
  accountId: string;
  permissionSet: string;
  principal: Principal;
}

/**
 * Every assignment the rules produce, keyed by `assignmentKey`, with how many rules produce
 * each (a removal from one rule only takes access away when no other rule grants it).
 */
export function resolveRules(
  index: OrgIndex,
  rules: readonly BenchRule[],
): Map<string, BenchAssignment & { rules: number }> {
  const out = new Map<string, BenchAssignment & { rules: number }>();
  for (const rule of rules) {
    const accounts = index.resolve(rule);
    for (const permissionSet of new Set(rule.permissionSets)) {
      for (const accountId of accounts) {
        const key = assignmentKey(accountId, permissionSet, rule.principal);
        const existing = out.get(key);
        if (existing) existing.rules += 1;
        else out.set(key, { accountId, permissionSet, principal: rule.principal, rules: 1 });
      }
    }
  }
  return out;
}
