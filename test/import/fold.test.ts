import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FoldedTargets, foldedSize, targetFolder } from "../../src/import/fold.ts";
import type { OrgAccount, OrgSnapshot } from "../../src/model/live.ts";
import { resolveDesired } from "../../src/plan/resolve.ts";
import { config, decl, NOW, rule } from "../plan/builders.ts";

const account = (id: string, ouPath: string, state: OrgAccount["state"] = "ACTIVE"): OrgAccount => ({
  id,
  name: `acct-${id.slice(-3)}`,
  email: `${id}@example.com`,
  state,
  tags: {},
  ouPath,
});

const ou = (path: string) => ({
  id: `ou-${path.toLowerCase().replaceAll("/", "-")}`,
  name: path.split("/").at(-1) ?? path,
  path,
  parentId: "r-root",
});

/**
 * Root: management (000), 001
 * Root/Prod: 101, 102, 103, 104 (SUSPENDED)
 * Root/Prod/EU: 111, 112
 * Root/Dev: 201, 202
 * Root/Empty: nothing
 */
const ORG: OrgSnapshot = {
  rootId: "r-root",
  managementAccountId: "000000000000",
  accounts: [
    account("000000000000", "Root"),
    account("000000000001", "Root"),
    account("000000000101", "Root/Prod"),
    account("000000000102", "Root/Prod"),
    account("000000000103", "Root/Prod"),
    account("000000000104", "Root/Prod", "SUSPENDED"),
    account("000000000111", "Root/Prod/EU"),
    account("000000000112", "Root/Prod/EU"),
    account("000000000201", "Root/Dev"),
    account("000000000202", "Root/Dev"),
  ],
  ous: [ou("Root/Dev"), ou("Root/Empty"), ou("Root/Prod"), ou("Root/Prod/EU")],
};

const id = (n: number) => String(n).padStart(12, "0");
const none = { ous: [], accounts: [] };

describe("folding account sets into the fewest selectors", () => {
  const rows: { name: string; accounts: number[]; expected: FoldedTargets }[] = [
    {
      name: "every eligible account is all: true (management and suspended accounts do not count)",
      accounts: [1, 101, 102, 103, 111, 112, 201, 202],
      expected: { all: true, ous: [], accounts: [], exclude: none },
    },
    {
      name: "a whole OU with its nested OU is that OU, not its parts",
      accounts: [101, 102, 103, 111, 112],
      expected: { all: false, ous: ["Root/Prod"], accounts: [], exclude: none },
    },
    {
      name: "the nested OU alone",
      accounts: [111, 112],
      expected: { all: false, ous: ["Root/Prod/EU"], accounts: [], exclude: none },
    },
    {
      name: "two OUs",
      accounts: [111, 112, 201, 202],
      expected: { all: false, ous: ["Root/Dev", "Root/Prod/EU"], accounts: [], exclude: none },
    },
    {
      name: "an OU and a loose account",
      accounts: [1, 201, 202],
      expected: { all: false, ous: ["Root/Dev"], accounts: [id(1)], exclude: none },
    },
    {
      name: "an OU minus one account is shorter than four accounts",
      accounts: [101, 102, 111, 112],
      expected: {
        all: false,
        ous: ["Root/Prod"],
        accounts: [],
        exclude: { ous: [], accounts: [id(103)] },
      },
    },
    {
      name: "everything but a nested OU excludes the OU",
      accounts: [1, 101, 102, 103, 201, 202],
      expected: { all: true, ous: [], accounts: [], exclude: { ous: ["Root/Prod/EU"], accounts: [] } },
    },
    {
      name: "when excluding is not shorter, the parts are listed (ties keep exclusions out)",
      accounts: [101, 111],
      expected: { all: false, ous: [], accounts: [id(101), id(111)], exclude: none },
    },
    { name: "nothing", accounts: [], expected: { all: false, ous: [], accounts: [], exclude: none } },
  ];

  it.each(rows)("$name", ({ accounts, expected }) => {
    expect(targetFolder(ORG).fold(accounts.map(id))).toEqual(expected);
  });

  it("refuses accounts an OU can never select", () => {
    const folder = targetFolder(ORG);
    expect(folder.eligible(id(0))).toBe(false);
    expect(folder.eligible(id(104))).toBe(false);
    expect(() => folder.fold([id(104)])).toThrow(/cannot be selected by an OU/);
  });
});

/** The accounts a folded selection resolves to, through the planner's own resolution. */
function resolveFolded(org: OrgSnapshot, f: FoldedTargets): string[] {
  const cfg = config({
    groups: [decl.group("G")],
    permissionSets: [decl.permissionSet("P")],
    assignments: [
      rule(
        { group: "G" },
        ["P"],
        { all: f.all, ous: f.ous, accounts: f.accounts },
        { exclude: { ous: f.exclude.ous, accounts: f.exclude.accounts } },
      ),
    ],
  });
  const resolved = resolveDesired(cfg, org, { now: NOW, callerIsManagementAccount: true });
  expect(resolved.diagnostics).toEqual([]);
  return [...resolved.desired.values()].flatMap((e) => (e.kind === "assignment" ? [e.accountId] : [])).sort();
}

/** A random organisation: nested OUs (up to 3 levels), some accounts suspended. */
const arbitraryOrg = fc
  .record({
    ous: fc.array(fc.nat({ max: 20 }), { minLength: 0, maxLength: 8 }),
    accounts: fc.array(fc.record({ ou: fc.nat({ max: 20 }), suspended: fc.boolean() }), {
      minLength: 1,
      maxLength: 24,
    }),
  })
  .map(({ ous, accounts }): OrgSnapshot => {
    const paths = ["Root"];
    ous.forEach((parent, i) => {
      const base = paths[parent % paths.length] ?? "Root";
      if (base.split("/").length <= 3) paths.push(`${base}/OU${i}`);
    });
    return {
      rootId: "r-root",
      managementAccountId: id(0),
      accounts: [
        account(id(0), "Root"),
        ...accounts.map((a, i) =>
          account(
            id(i + 1),
            paths[a.ou % paths.length] ?? "Root",
            a.suspended && i % 3 === 0 ? "SUSPENDED" : "ACTIVE",
          ),
        ),
      ],
      ous: paths.slice(1).map(ou),
    };
  });

describe("folding is exact and never longer than the obvious spellings", () => {
  it("resolves back to exactly the accounts folded, on random organisations and subsets", () => {
    fc.assert(
      fc.property(arbitraryOrg, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (org, picks) => {
        const folder = targetFolder(org);
        const eligible = org.accounts.filter((a) => folder.eligible(a.id)).map((a) => a.id);
        const chosen = eligible.filter((_, i) => picks[i]);
        const folded = folder.fold(chosen);
        expect(resolveFolded(org, folded)).toEqual([...chosen].sort());
        // Never longer than listing the accounts, nor than everything minus the rest.
        expect(foldedSize(folded)).toBeLessThanOrEqual(Math.max(chosen.length, 0));
        if (chosen.length > 0) {
          expect(foldedSize(folded)).toBeLessThanOrEqual(1 + eligible.length - chosen.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
