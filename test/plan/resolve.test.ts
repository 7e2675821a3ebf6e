import { describe, expect, it } from "vitest";
import { describeAccounts, indexOrg } from "../../src/plan/org.ts";
import { resolveDesired } from "../../src/plan/resolve.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  LEGACY,
  MANAGEMENT,
  NOW,
  OWNED,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  standardOrg,
} from "./builders.ts";

const options = { now: NOW, callerIsManagementAccount: true };
const addr = (account: string, ps = "ReadOnly", name = "Devs") => `assignment/${account}/${ps}/GROUP/${name}`;

describe("resolveDesired", () => {
  it("keeps every provenance of a tuple, and its latest expiry (never wins)", () => {
    const c = config({
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [
        rule(
          { group: "Devs" },
          ["ReadOnly"],
          { ous: ["Root/Workloads/Dev"] },
          { id: "b.yaml#0", expires: "2026-06-02T00:00:00.000Z" },
        ),
        rule(
          { group: "Devs" },
          ["ReadOnly"],
          { accounts: ["dev-1"] },
          { id: "a.yaml#0", expires: "2026-06-05T00:00:00.000Z", reason: "INC-1" },
        ),
        rule({ group: "Devs" }, ["ReadOnly"], { tags: { team: "web" } }, { id: "c.yaml#0" }),
      ],
    });
    const r = resolveDesired(c, standardOrg(), options);
    expect(r.provenance.get(addr(DEV_1))).toEqual([
      expect.objectContaining({
        rule: "a.yaml#0",
        matchedBy: "account-name",
        match: "dev-1",
        reason: "INC-1",
      }),
      expect.objectContaining({ rule: "b.yaml#0", matchedBy: "ou", match: "Root/Workloads/Dev" }),
    ]);
    expect(r.provenance.get(addr(DEV_2))?.map((p) => p.rule)).toEqual(["b.yaml#0", "c.yaml#0"]);
    expect(r.expiring).toEqual([
      {
        address: addr(DEV_1),
        expires: "2026-06-05T00:00:00.000Z",
        rule: "a.yaml#0",
        assignment: e.assignment(DEV_1, "ReadOnly", "Devs"),
      },
    ]);
    expect(r.provenance.get(addr(PROD_WEB))?.[0]).toMatchObject({ matchedBy: "tags", match: "team=web" });
  });

  it("lists the accounts a rule matched but skipped, and why", () => {
    const c = config({
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [
        rule(
          { group: "Devs" },
          ["ReadOnly"],
          { all: true },
          { id: "all.yaml#0", exclude: { accounts: [], ous: ["Root/Sandbox"] } },
        ),
      ],
    });
    const r = resolveDesired(c, standardOrg(), options);
    expect(r.excluded.map((x) => [x.accountId, x.reason, x.detail])).toEqual([
      [
        MANAGEMENT,
        "management-account",
        "the management account is a target only when named in targets.accounts",
      ],
      [LEGACY, "not-active", "SUSPENDED"],
      [SANDBOX, "excluded", "exclude.ous Root/Sandbox"],
    ]);
    expect([...r.desired.keys()].filter((k) => k.startsWith("assignment/"))).toEqual(
      [PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2].map((a) => addr(a)),
    );
  });

  it("builds managed entities with the ownership tag and lists references", () => {
    const c = config({
      users: [
        decl.user("alice@example.com", { emails: ["b@example.com", "alice@example.com", "b@example.com"] }),
      ],
      groups: [
        decl.group("Devs", { members: ["alice@example.com", "bob@example.com"] }),
        decl.group("Okta", { external: true }),
      ],
      permissionSets: [
        decl.permissionSet("ReadOnly", { sessionDuration: "PT60M", tags: { z: "1", a: "2" } }),
        decl.permissionSet("CT", { external: true }),
      ],
      assignments: [rule({ user: "carol@example.com" }, ["CT"], { accounts: ["dev-1"] })],
    });
    const r = resolveDesired(c, standardOrg(), options);
    expect(r.desired.get("permission-set/ReadOnly")).toMatchObject({
      sessionDuration: "PT1H",
      tags: { a: "2", ...OWNED, z: "1" },
    });
    expect(Object.keys((r.desired.get("permission-set/ReadOnly") as { tags: object }).tags)).toEqual([
      "a",
      "managed-by",
      "z",
    ]);
    expect(r.desired.get("user/alice@example.com")).toMatchObject({
      emails: ["alice@example.com", "b@example.com"],
    });
    expect(r.desired.has("group/Okta")).toBe(false);
    expect(r.desired.has("permission-set/CT")).toBe(false);
    expect(r.references).toEqual({
      groups: ["Okta"],
      users: ["bob@example.com", "carol@example.com"],
      permissionSets: ["CT"],
    });
  });

  it("writes no identity-store entities when the identity source is external", () => {
    const c = config({
      settings: { ...config().settings, identitySource: "external" },
      users: [decl.user("alice@example.com")],
      groups: [decl.group("Devs", { members: ["alice@example.com"] })],
    });
    const r = resolveDesired(c, standardOrg(), options);
    expect([...r.desired.keys()]).toEqual([]);
    expect(r.references.groups).toEqual(["Devs"]);
  });
});

describe("describeAccounts", () => {
  const index = indexOrg(standardOrg());
  it.each([
    { ids: [PROD_PAYMENTS, PROD_WEB], scope: "2 accounts under Root/Workloads/Prod" },
    { ids: [PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2], scope: "4 accounts under Root/Workloads" },
    { ids: [DEV_1], scope: "dev-1" },
    { ids: [PROD_PAYMENTS, DEV_1, SANDBOX], scope: "dev-1, prod-payments, sandbox" },
    {
      ids: [MANAGEMENT, PROD_PAYMENTS, DEV_1, SANDBOX, "999999999999"],
      scope: "999999999999, dev-1, management +2 more",
    },
    { ids: [MANAGEMENT, PROD_PAYMENTS, PROD_WEB, DEV_1, DEV_2, SANDBOX], scope: "6 accounts under Root" },
  ])("$scope", ({ ids, scope }) => {
    expect(describeAccounts(index, [...ids].sort())).toBe(scope);
  });
});
