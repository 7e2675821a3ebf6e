import { describe, expect, it } from "vitest";
import type { Config } from "../../src/model/config.ts";
import type { Live } from "../../src/model/live.ts";
import type { Change } from "../../src/model/plan.ts";
import type { AssignmentEntity, PermissionSetEntity } from "../../src/model/state.ts";
import { ADMINISTRATOR_POLICY_ARN } from "../../src/plan/policies.ts";
import { resolveDesired } from "../../src/plan/resolve.ts";
import {
  checkSafety,
  lockoutRail,
  managementPermissionSetRail,
  maxDeletePercentRail,
  maxDeletesRail,
  recreatedGroupRail,
  type SafetyInput,
  unresolvedPrincipalRail,
} from "../../src/plan/safety.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  live,
  MANAGEMENT,
  NOW,
  PROD_PAYMENTS,
  rule,
  settings,
} from "./builders.ts";

function input(c: Config, l: Live, changes: Change[] = [], managedLiveCount = 0): SafetyInput {
  const resolved = resolveDesired(c, l.org, { now: NOW, callerIsManagementAccount: true });
  return { config: c, live: l, resolved, changes, managedLiveCount };
}

const deleteOf = (a: AssignmentEntity): Change => ({
  address: `assignment/${a.accountId}/${a.permissionSet}/${a.principalType}/${a.principalName}`,
  kind: "assignment",
  action: "delete",
  before: a,
  after: null,
  reason: "test",
});
const deletes = (n: number) =>
  Array.from({ length: n }, (_, i) => deleteOf(e.assignment(String(100000000000 + i), "P", "G")));

describe("maxDeletesRail", () => {
  it.each([
    { limit: 3, count: 3, tripped: false },
    { limit: 3, count: 4, tripped: true },
    { limit: 0, count: 1, tripped: true },
  ])("$count deletions against maxDeletes $limit", ({ limit, count, tripped }) => {
    const v = maxDeletesRail(
      input(config({ settings: settings({ maxDeletes: limit }) }), live(), deletes(count)),
    );
    expect(v.length > 0).toBe(tripped);
    if (tripped) {
      expect(v[0]?.message).toContain(
        `deletes ${count} objects (${count} assignment${count === 1 ? "" : "s"})`,
      );
      expect(v[0]?.message).toContain(`maxDeletes allows ${limit}`);
      expect(v[0]?.message).toContain("--allow-deletes");
      expect(v[0]?.overridable).toBe(true);
    }
  });
});

describe("maxDeletePercentRail", () => {
  it.each([
    { managed: 9, count: 9, tripped: false, why: "below 10 managed objects" },
    { managed: 10, count: 3, tripped: true, why: "30% of 10" },
    { managed: 20, count: 5, tripped: false, why: "exactly 25%" },
    { managed: 20, count: 6, tripped: true, why: "30% of 20" },
  ])("$why", ({ managed, count, tripped }) => {
    const c = config({ settings: settings({ maxDeletePercent: 25 }) });
    const v = maxDeletePercentRail(input(c, live(), deletes(count), managed));
    expect(v.length > 0).toBe(tripped);
    if (tripped)
      expect(v[0]?.message).toContain(
        `(${count} of ${managed}); settings.safety.maxDeletePercent allows 25%`,
      );
  });
});

describe("unresolvedPrincipalRail", () => {
  const c = config({
    groups: [decl.group("Okta", { external: true })],
    permissionSets: [decl.permissionSet("CT", { external: true })],
    assignments: [rule({ user: "sam@example.com" }, ["CT"], { accounts: ["dev-1"] })],
  });

  it("flags each missing reference, never overridable", () => {
    const v = unresolvedPrincipalRail(input(c, live()));
    expect(v.map((x) => x.addresses)).toEqual([
      ["group/Okta"],
      ["user/sam@example.com"],
      ["permission-set/CT"],
    ]);
    expect(v.every((x) => !x.overridable)).toBe(true);
    expect(v[0]?.message).toContain("SCIM");
    expect(checkSafety(input(c, live()), true).ok).toBe(false);
  });

  it("names a live object whose name differs only in case", () => {
    const l = live([e.group("okta"), e.permissionSet("ct")]);
    expect(unresolvedPrincipalRail(input(c, l)).map((x) => x.message.split(".")[0])).toEqual([
      'group "Okta" is declared external but is not in the identity store; group "okta" exists, differing only in case',
      'user "sam@example',
      'permission set "CT" is declared external but does not exist in the instance; permission set "ct" exists, differing only in case',
    ]);
  });

  it("is satisfied by live ids alone (a targeted read)", () => {
    const l = live();
    l.ids.groups.Okta = "g-1";
    l.ids.users["sam@example.com"] = "u-1";
    l.ids.permissionSets.CT = "arn:ps";
    expect(unresolvedPrincipalRail(input(c, l))).toEqual([]);
  });
});

describe("recreatedGroupRail", () => {
  const c = config({
    groups: [decl.group("Devs", { external: true })],
    permissionSets: [decl.permissionSet("ReadOnly")],
    assignments: [rule({ group: "Devs" }, ["ReadOnly"], { accounts: ["dev-1", "dev-2"] })],
  });
  const orphan = (accountId: string, principalId = "old-id") => ({
    accountId,
    permissionSet: "ReadOnly",
    principalType: "GROUP" as const,
    principalId,
  });

  it.each([
    {
      name: "new id holds nothing, old grants orphaned",
      entities: [],
      orphans: [orphan(DEV_1)],
      tripped: true,
    },
    {
      name: "new id already holds one expected grant",
      entities: [e.assignment(DEV_1, "ReadOnly", "Devs")],
      orphans: [orphan(DEV_2)],
      tripped: false,
    },
    {
      name: "no orphans on the expected pairs",
      entities: [],
      orphans: [{ ...orphan(DEV_1), permissionSet: "Other" }],
      tripped: false,
    },
    {
      name: "orphans of a user",
      entities: [],
      orphans: [{ ...orphan(DEV_1), principalType: "USER" as const }],
      tripped: false,
    },
  ])("$name", ({ entities, orphans, tripped }) => {
    const l = live([e.group("Devs"), e.permissionSet("ReadOnly"), ...entities], { orphans });
    const v = recreatedGroupRail(input(c, l));
    expect(v.length > 0).toBe(tripped);
    if (tripped) {
      expect(v[0]?.message).toContain(
        "holds none of its 2 expected assignments, while 1 of them remain on a deleted group (id old-id)",
      );
      expect(v[0]?.overridable).toBe(false);
    }
  });
});

describe("lockoutRail", () => {
  const admin: PermissionSetEntity = e.permissionSet("Admin", {
    managedPolicies: [ADMINISTRATOR_POLICY_ARN],
  });
  const held = e.assignment(MANAGEMENT, "Admin", "Admins");
  const c = config();

  it("trips when the last administrator assignment in the management account goes", () => {
    const v = lockoutRail(input(c, live([admin, held]), [deleteOf(held)]));
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toContain("today: group/Admins via Admin");
    expect(v[0]?.overridable).toBe(true);
  });

  it("trips when the administrator policy is removed from the only such set", () => {
    const update: Change = {
      address: "permission-set/Admin",
      kind: "permissionSet",
      action: "update",
      before: admin,
      after: { ...admin, managedPolicies: [] },
      fields: { managedPolicies: { from: [ADMINISTRATOR_POLICY_ARN], to: [] } },
      reason: "test",
    };
    expect(lockoutRail(input(c, live([admin, held]), [update]))).toHaveLength(1);
  });

  it.each([
    {
      name: "another holder stays",
      extra: [e.assignment(MANAGEMENT, "AWSAdministratorAccess", "CT-Admins")],
    },
    {
      name: "a replacement is created",
      extra: [] as AssignmentEntity[],
      create: e.assignment(MANAGEMENT, "Admin", "Platform"),
    },
  ])("does not trip when $name", ({ extra, create }) => {
    const ct = e.permissionSet("AWSAdministratorAccess", { tags: {} });
    const changes: Change[] = [deleteOf(held)];
    if (create) changes.push({ ...deleteOf(create), action: "create", before: null, after: create });
    expect(lockoutRail(input(c, live([admin, ct, held, ...extra]), changes))).toEqual([]);
  });

  it("does not trip when nobody held administrator access before", () => {
    expect(lockoutRail(input(c, live([admin]), []))).toEqual([]);
  });
});

describe("checkSafety with --allow-deletes", () => {
  const c = config({ settings: settings({ maxDeletes: 1 }) });

  it("words an overridden rail as acknowledged, not as a request for the flag it has", () => {
    const safety = checkSafety(input(c, live(), deletes(2)), true);
    expect(safety.ok).toBe(true);
    expect(safety.violations.map((v) => v.message)).toEqual([
      "allowed by --allow-deletes: this plan deletes 2 objects (2 assignments); settings.safety.maxDeletes allows 1.",
    ]);
  });

  it("still asks for the flag without it", () => {
    const [v] = checkSafety(input(c, live(), deletes(2)), false).violations;
    expect(v?.message).toContain("re-run with --allow-deletes");
    expect(v?.message).not.toContain("allowed by");
  });

  it("keeps the way out of a rail the flag does not override", () => {
    const missing = config({
      settings: settings({ maxDeletes: 1 }),
      groups: [decl.group("Okta", { external: true })],
    });
    const safety = checkSafety(input(missing, live(), deletes(2)), true);
    expect(safety.ok).toBe(false);
    expect(
      safety.violations.map((v) => [v.rule, v.message.startsWith("allowed by --allow-deletes: ")]),
    ).toEqual([
      ["max-deletes", true],
      ["unresolved-principal", false],
    ]);
    expect(safety.violations[1]?.message).toContain("plan again once it resolves");
  });
});

describe("managementPermissionSetRail", () => {
  const readOnly = e.permissionSet("ReadOnly");
  const edited = { ...readOnly, description: "edited" };
  const c = config({ permissionSets: [decl.permissionSet("ReadOnly", { description: "edited" })] });
  const update: Change = {
    address: "permission-set/ReadOnly",
    kind: "permissionSet",
    action: "update",
    before: readOnly,
    after: edited,
    fields: { description: { from: null, to: "edited" } },
    reason: "test",
  };
  const provision: Change = {
    address: "provisioning/ReadOnly",
    kind: "provisioning",
    action: "provision",
    before: null,
    after: { kind: "provisioning", permissionSet: "ReadOnly", target: "ALL_PROVISIONED_ACCOUNTS" },
    reason: "test",
  };
  const remove: Change = { ...update, action: "delete", after: null, fields: {} };
  const provisionedIn = (accounts: string[]) => ({ ReadOnly: { accounts, stale: [] } });

  it.each([
    {
      name: "a delegated administrator updates and re-provisions a set provisioned in the management account",
      caller: false,
      accounts: [MANAGEMENT, PROD_PAYMENTS],
      changes: [update, provision],
      addresses: ["permission-set/ReadOnly", "provisioning/ReadOnly"],
      says: "This plan updates and re-provisions permission set ReadOnly (declared at access.yaml:",
    },
    {
      name: "a delegated administrator deletes one",
      caller: false,
      accounts: [MANAGEMENT],
      changes: [remove],
      addresses: ["permission-set/ReadOnly"],
      says: "This plan deletes permission set ReadOnly",
    },
    {
      name: "the set is not provisioned in the management account",
      caller: false,
      accounts: [PROD_PAYMENTS],
      changes: [update, provision],
      addresses: [],
      says: "",
    },
    {
      name: "the caller is the management account",
      caller: true,
      accounts: [MANAGEMENT],
      changes: [update, provision],
      addresses: [],
      says: "",
    },
  ])("$name", ({ caller, accounts, changes, addresses, says }) => {
    const l = live([readOnly], { callerIsManagementAccount: caller, provisioning: provisionedIn(accounts) });
    const v = managementPermissionSetRail(input(c, l, changes));
    expect(v.flatMap((x) => x.addresses)).toEqual(addresses);
    if (addresses.length === 0) return;
    expect(v).toHaveLength(1);
    expect(v[0]?.overridable).toBe(false);
    expect(v[0]?.message).toContain(says);
    expect(v[0]?.message).toContain(`management account management (${MANAGEMENT})`);
    expect(v[0]?.message).toContain("credentials of the management account");
    expect(v[0]?.message).toContain("external: true");
    expect(checkSafety(input(c, l, changes), true).ok).toBe(false);
  });
});
