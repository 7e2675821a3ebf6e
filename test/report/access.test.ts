import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/model/errors.ts";
import {
  type AccessRow,
  accessFromFiles,
  accessFromLive,
  accessRows,
  diffAccess,
  type EffectiveAccess,
  filesProvenance,
  filterAccess,
  type Grant,
  liveMembers,
  membersOf,
  summarise,
} from "../../src/report/index.ts";
import { describeRules } from "../../src/report/report.ts";
import { e, live as liveState, rule } from "../plan/builders.ts";
import { fixtureConfig, fixtureLive, NOW, OKTA_MEMBERS, SOON, standardOrg } from "./fixture.ts";

const grantLine = (g: Grant): string =>
  `${g.accountId} ${g.principalType} ${g.principalName} ${g.permissionSet}${g.admin ? " admin" : ""}${g.expires ? ` until ${g.expires}` : ""} | ${describeRules(g.rules) || "no rule"}`;
const rowLine = (r: AccessRow): string =>
  `${r.userName ?? "(members not read)"} ${r.accountId} ${r.permissionSet} via ${r.via.type === "GROUP" ? "group" : "user"} ${r.via.name}${r.admin ? " admin" : ""}${r.expires ? ` until ${r.expires}` : ""}`;

const files = (externalMembers: Record<string, string[]> = OKTA_MEMBERS, now = NOW): EffectiveAccess =>
  accessFromFiles({ config: fixtureConfig(), org: standardOrg(), externalMembers, now });

describe("effective access from the files, against a hand-computed expectation", () => {
  it("lists every grant with the rules that produce it", () => {
    expect(files().grants.map(grantLine)).toEqual([
      "000000000000 GROUP Platform-Admins Admin admin | platform.yaml:2 via account 000000000000",
      "111111111111 GROUP Okta-Engineering ReadOnly | okta.yaml:2 via account prod-payments",
      "111111111111 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads; platform.yaml:12 via account 111111111111",
      "111111111112 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      "222222222221 GROUP Developers Developer | dev.yaml:2 via OU Root/Workloads/Dev",
      "222222222221 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      "222222222222 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      `444444444444 USER dave@example.com AWSAdministratorAccess admin until ${SOON} | jit.yaml:2 via account 444444444444`,
    ]);
  });

  it("expands groups to their members: every user, account and permission set", () => {
    expect(accessRows(files()).map(rowLine)).toEqual([
      "alice@example.com 000000000000 Admin via group Platform-Admins admin",
      "alice@example.com 111111111111 ReadOnly via group Platform-Admins",
      "alice@example.com 111111111112 ReadOnly via group Platform-Admins",
      "alice@example.com 222222222221 ReadOnly via group Platform-Admins",
      "alice@example.com 222222222222 ReadOnly via group Platform-Admins",
      "bob@example.com 000000000000 Admin via group Platform-Admins admin",
      "bob@example.com 111111111111 ReadOnly via group Platform-Admins",
      "bob@example.com 111111111112 ReadOnly via group Platform-Admins",
      "bob@example.com 222222222221 ReadOnly via group Platform-Admins",
      "bob@example.com 222222222222 ReadOnly via group Platform-Admins",
      "carol@example.com 222222222221 Developer via group Developers",
      `dave@example.com 444444444444 AWSAdministratorAccess via user dave@example.com admin until ${SOON}`,
      "erin@example.com 111111111111 ReadOnly via group Okta-Engineering",
    ]);
  });

  it("counts principals, users, accounts, permission sets, grants, admin-class and expiring grants", () => {
    expect(summarise(files())).toEqual({
      principals: 4,
      groups: 3,
      users: 5,
      accounts: 6,
      organisationAccounts: 7,
      permissionSets: 4,
      grants: 8,
      adminGrants: 2,
      expiring: 1,
      accessRows: 13,
      groupsWithUnknownMembers: 0,
    });
  });

  it("keeps a row without a user for an external group whose members were not read", () => {
    const access = files({});
    expect(accessRows(access).map(rowLine).at(-1)).toBe(
      "(members not read) 111111111111 ReadOnly via group Okta-Engineering",
    );
    expect(summarise(access)).toMatchObject({ users: 4, accessRows: 13, groupsWithUnknownMembers: 1 });
  });

  it("judges expiry on the given clock: after the instant the grant is gone", () => {
    const later = files(OKTA_MEMBERS, new Date("2026-06-05T00:00:00.000Z"));
    expect(later.grants.some((g) => g.principalName === "dave@example.com")).toBe(false);
    expect(summarise(later)).toMatchObject({ grants: 7, adminGrants: 1, expiring: 0 });
    // A look-ahead of one day does not reach three days out.
    const narrow = accessFromFiles({
      config: fixtureConfig(),
      org: standardOrg(),
      externalMembers: OKTA_MEMBERS,
      now: NOW,
      expiringWithinDays: 1,
    });
    expect(summarise(narrow).expiring).toBe(0);
  });

  it("fails with every located problem when a rule does not resolve", () => {
    const cfg = fixtureConfig();
    cfg.assignments.push(rule({ group: "Developers" }, ["ReadOnly"], { accounts: ["no-such-account"] }));
    expect(() => accessFromFiles({ config: cfg, org: standardOrg(), externalMembers: {}, now: NOW })).toThrow(
      ConfigError,
    );
  });
});

describe("filtering by principal and account", () => {
  const rows: { name: string; principal?: string; account?: string; grants: number; rows: string[] }[] = [
    {
      name: "a user: their groups, narrowed to them",
      principal: "carol@example.com",
      grants: 1,
      rows: ["carol@example.com 222222222221 Developer via group Developers"],
    },
    {
      name: "a group",
      principal: "Okta-Engineering",
      grants: 1,
      rows: ["erin@example.com 111111111111 ReadOnly via group Okta-Engineering"],
    },
    {
      name: "an account by name",
      account: "prod-payments",
      grants: 2,
      rows: [
        "alice@example.com 111111111111 ReadOnly via group Platform-Admins",
        "bob@example.com 111111111111 ReadOnly via group Platform-Admins",
        "erin@example.com 111111111111 ReadOnly via group Okta-Engineering",
      ],
    },
    {
      name: "a user and an account by id",
      principal: "dave@example.com",
      account: "444444444444",
      grants: 1,
      rows: [
        `dave@example.com 444444444444 AWSAdministratorAccess via user dave@example.com admin until ${SOON}`,
      ],
    },
    { name: "a principal nobody is", principal: "mallory", grants: 0, rows: [] },
  ];
  it("refuses an account that is not in the organisation, with the nearest name", () => {
    expect(() => filterAccess(files(), { principal: null, account: "prod-paymnets" })).toThrow(
      expect.objectContaining({
        message: "--account prod-paymnets is no account of the organisation (neither an id nor a name)",
        detail: "Did you mean prod-payments? Pass an account id or name as the organisation lists it.",
      }),
    );
  });

  it.each(rows)("$name", ({ principal, account, grants, rows: expected }) => {
    const filtered = filterAccess(files(), { principal: principal ?? null, account: account ?? null });
    expect(filtered.grants).toHaveLength(grants);
    expect(accessRows(filtered).map(rowLine)).toEqual(expected);
    expect(filtered.accounts).toHaveLength(7);
  });
});

describe("effective access live, and the difference from the files", () => {
  const live = () => {
    const l = fixtureLive();
    return accessFromLive(l, { now: NOW, provenance: filesProvenance(fixtureConfig(), l.org, NOW) });
  };

  it("reads members from the live memberships and names the rules of the files where they grant it", () => {
    expect(live().grants.map(grantLine)).toEqual([
      "000000000000 GROUP Platform-Admins Admin admin | platform.yaml:2 via account 000000000000",
      "111111111111 GROUP Okta-Engineering ReadOnly | okta.yaml:2 via account prod-payments",
      "111111111111 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads; platform.yaml:12 via account 111111111111",
      "111111111112 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      "111111111112 USER bob@example.com ReadOnly | no rule",
      "222222222221 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      "222222222222 GROUP Platform-Admins ReadOnly | platform.yaml:7 via OU Root/Workloads",
      `444444444444 USER dave@example.com AWSAdministratorAccess admin until ${SOON} | jit.yaml:2 via account 444444444444`,
    ]);
    expect(summarise(live())).toMatchObject({ principals: 4, users: 4, grants: 8, accessRows: 13 });
  });

  it("reads members of groups named like Object's own properties", () => {
    const names = ["constructor", "toString", "__proto__"];
    const l = liveState(
      [
        e.user("alice@example.com"),
        ...names.map((name) => e.group(name)),
        ...names.map((name) => e.membership(name, "alice@example.com")),
      ],
      {},
    );
    const members = liveMembers(l);
    expect(names.map((name) => [name, membersOf(members, name)])).toEqual(
      names.map((name) => [name, ["alice@example.com"]]),
    );
    expect(membersOf(members, "hasOwnProperty")).toBeUndefined();
  });

  it("says who would gain and who would lose what", () => {
    const diff = diffAccess(files(), live());
    expect(diff.grants.map((c) => `${c.change} ${grantLine(c.item)}`)).toEqual([
      "+ 222222222221 GROUP Developers Developer | dev.yaml:2 via OU Root/Workloads/Dev",
      "- 111111111112 USER bob@example.com ReadOnly | no rule",
    ]);
    expect(diff.rows.map((c) => `${c.change} ${rowLine(c.item)}`)).toEqual([
      "+ carol@example.com 222222222221 Developer via group Developers",
      "- bob@example.com 111111111112 ReadOnly via user bob@example.com",
    ]);
  });

  it("finds no difference between a view and itself", () => {
    expect(diffAccess(live(), live())).toEqual({ grants: [], rows: [] });
  });
});
