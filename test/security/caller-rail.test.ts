import { describe, expect, it } from "vitest";
import { addressOf } from "../../src/model/address.ts";
import type { CallerIdentity, Live } from "../../src/model/live.ts";
import type { Change } from "../../src/model/plan.ts";
import type { Entity } from "../../src/model/state.ts";
import { callerWarnings } from "../../src/plan/caller.ts";
import { resolveDesired } from "../../src/plan/resolve.ts";
import { callerAccessRail, checkSafety, type SafetyInput } from "../../src/plan/safety.ts";
import { config, e, live, MANAGEMENT, NOW, PROD_PAYMENTS, settings } from "../plan/builders.ts";

/**
 * The caller rail, pure: alice is signed in with permission set Admin in the management account.
 * A plan that removes every route through which she holds it (an assignment to her, or to a group
 * she is in) is refused unless deletes are allowed; one that leaves or creates a route is not.
 */

const ALICE: CallerIdentity = {
  arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com`,
  accountId: MANAGEMENT,
  kind: "identity-center-user",
  permissionSet: "Admin",
  userName: "alice@example.com",
};
const CI: CallerIdentity = {
  arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/github-actions/GitHubActions`,
  accountId: MANAGEMENT,
  kind: "other",
  permissionSet: null,
  userName: null,
};

const alice = e.user("alice@example.com");
const admin = e.permissionSet("Admin");
const admins = e.group("Admins");
const oncall = e.group("Oncall");
const okta = e.group("Okta-Admins");
const viaAdmins = e.assignment(MANAGEMENT, "Admin", "Admins");
const viaOncall = e.assignment(MANAGEMENT, "Admin", "Oncall");
const viaOkta = e.assignment(MANAGEMENT, "Admin", "Okta-Admins");
const direct = e.assignment(MANAGEMENT, "Admin", "alice@example.com", "USER");
const elsewhere = e.assignment(PROD_PAYMENTS, "Admin", "Admins");
const inAdmins = e.membership("Admins", "alice@example.com");
const inOncall = e.membership("Oncall", "alice@example.com");

const change = (action: Change["action"], entity: Entity): Change => ({
  address: addressOf(entity),
  kind: entity.kind,
  action,
  before: action === "create" ? null : entity,
  after: action === "delete" ? null : entity,
  reason: "test",
});
const del = (entity: Entity) => change("delete", entity);
const add = (entity: Entity) => change("create", entity);

const BASE = [alice, admin, admins, oncall, okta, inAdmins];

function input(entities: Entity[], changes: Change[], over: Partial<Live> = {}, c = config()): SafetyInput {
  const l = { ...live(entities), caller: ALICE, ...over };
  const resolved = resolveDesired(c, l.org, { now: NOW, callerIsManagementAccount: true });
  return { config: c, live: l, resolved, changes, managedLiveCount: 0 };
}

describe("the caller rail", () => {
  it.each<[string, Entity[], Change[], Partial<Live>, string[] | null]>([
    [
      "the group assignment she holds Admin through is deleted",
      [...BASE, viaAdmins],
      [del(viaAdmins)],
      {},
      ["group/Admins"],
    ],
    ["her direct assignment is deleted", [...BASE, direct], [del(direct)], {}, ["user/alice@example.com"]],
    ["she is removed from the group", [...BASE, viaAdmins], [del(inAdmins)], {}, ["group/Admins"]],
    ["the group is deleted", [...BASE, viaAdmins], [del(admins)], {}, ["group/Admins"]],
    ["the permission set is deleted", [...BASE, viaAdmins], [del(admin)], {}, ["group/Admins"]],
    ["her user is deleted", [...BASE, direct], [del(alice)], {}, ["user/alice@example.com"]],
    [
      "both her routes are deleted",
      [...BASE, inOncall, viaAdmins, viaOncall],
      [del(viaAdmins), del(viaOncall)],
      {},
      ["group/Admins", "group/Oncall"],
    ],
    [
      "her only route may be an IdP group whose members were not read",
      [...BASE, viaOkta],
      [del(viaOkta)],
      { coverage: { ...live().coverage, memberships: ["Admins", "Oncall"] } },
      ["group/Okta-Admins"],
    ],
    ["another route stays", [...BASE, inOncall, viaAdmins, viaOncall], [del(viaAdmins)], {}, null],
    [
      "a new route is created first",
      [...BASE, inOncall, viaAdmins],
      [add(viaOncall), del(viaAdmins)],
      {},
      null,
    ],
    [
      "she joins another assigned group",
      [...BASE, viaAdmins, viaOncall],
      [add(inOncall), del(viaAdmins)],
      {},
      null,
    ],
    ["the deletion is in another account", [...BASE, viaAdmins, elsewhere], [del(elsewhere)], {}, null],
    [
      "a group she is not in loses the assignment",
      [...BASE, viaAdmins, viaOncall],
      [del(viaOncall)],
      {},
      null,
    ],
    ["the caller is a CI role", [...BASE, viaAdmins], [del(viaAdmins)], { caller: CI }, null],
    ["the caller is unknown (not read)", [...BASE, viaAdmins], [del(viaAdmins)], { caller: undefined }, null],
  ])("%s", (_, entities, changes, over, through) => {
    const found = callerAccessRail(input(entities, changes, over));
    if (through === null) {
      expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    expect(found[0]?.rule).toBe("caller-access");
    expect(found[0]?.overridable).toBe(true);
    expect(found[0]?.message).toContain(
      `alice@example.com is signed in with permission set Admin in account ${MANAGEMENT} through ${through.join(" and ")}`,
    );
  });

  it("refuses the plan unless deletes are allowed, and then reads as acknowledged", () => {
    const i = input([...BASE, viaAdmins], [del(viaAdmins)]);
    expect(checkSafety(i, false)).toMatchObject({ ok: false });
    const allowed = checkSafety(i, true);
    expect(allowed.ok).toBe(true);
    expect(allowed.violations.find((v) => v.rule === "caller-access")?.message).toMatch(
      /^allowed by --allow-deletes: this plan removes your own access/,
    );
  });
});

describe("a caller accessops cannot trace", () => {
  const changes = [del(viaAdmins)];
  it("is told, once, when the plan removes assignments in its account and nothing is protected", () => {
    const warnings = callerWarnings(config(), { ...live([...BASE, viaAdmins]), caller: CI }, changes);
    expect(warnings).toEqual([expect.objectContaining({ code: "caller-unknown" })]);
    expect(warnings[0]?.message).toContain("settings.safety.protected.principals");
  });

  it.each<[string, Partial<Live>, ReturnType<typeof config>]>([
    [
      "protected principals guard instead",
      { caller: CI },
      config({ settings: settings({ protected: { principals: ["group/BreakGlass"] } }) }),
    ],
    ["an Identity Center caller is traced by the rail", { caller: ALICE }, config()],
    ["no caller was read", {}, config()],
  ])("is not told when %s", (_, over, c) => {
    expect(callerWarnings(c, { ...live([...BASE, viaAdmins]), ...over }, changes)).toEqual([]);
  });
});
