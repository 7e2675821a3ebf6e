import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/model/plan.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { planChecksum } from "../../src/plan/checksum.ts";
import { isExpiredDeletion, onlyExpired } from "../../src/plan/expiry.ts";
import { ADMINISTRATOR_POLICY_ARN } from "../../src/plan/policies.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  live,
  MANAGEMENT,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  settings,
} from "./builders.ts";

/** The instant the just-in-time rules below expire. */
const EXPIRES = "2026-06-01T12:00:00.000Z";
const LATER = "2026-06-20T00:00:00.000Z";

const admins = decl.group("Platform-Admins");
const devs = decl.group("Developers");
const dba = decl.permissionSet("DatabaseAdmin");
const readOnly = decl.permissionSet("ReadOnly");
const admin = decl.permissionSet("Admin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] });

/**
 * Files: Developers hold ReadOnly in the workloads for good, and DatabaseAdmin in prod until
 * EXPIRES; Platform-Admins hold DatabaseAdmin in prod-payments until EXPIRES but also through a
 * rule that lasts until LATER (so that pair never expires at EXPIRES); carol holds Admin in
 * sandbox until EXPIRES. A new ReadOnly grant to Platform-Admins in dev-1 is not applied yet,
 * and a stale ReadOnly assignment in dev-2 is no longer granted.
 */
function scenario(maxDeletes = 100) {
  const cfg = config({
    settings: settings({ maxDeletes }),
    users: [decl.user("carol@example.com")],
    groups: [admins, devs],
    permissionSets: [dba, readOnly, admin],
    assignments: [
      rule({ group: "Developers" }, ["ReadOnly"], { ous: ["Root/Workloads/Prod"] }),
      rule(
        { group: "Developers" },
        ["DatabaseAdmin"],
        { ous: ["Root/Workloads/Prod"] },
        { expires: EXPIRES },
      ),
      rule(
        { group: "Platform-Admins" },
        ["DatabaseAdmin"],
        { accounts: [PROD_PAYMENTS] },
        { expires: EXPIRES },
      ),
      rule(
        { group: "Platform-Admins" },
        ["DatabaseAdmin"],
        { accounts: [PROD_PAYMENTS] },
        { expires: LATER },
      ),
      rule({ group: "Platform-Admins" }, ["ReadOnly"], { accounts: [DEV_1] }),
      rule({ user: "carol@example.com" }, ["Admin"], { accounts: [SANDBOX] }, { expires: EXPIRES }),
    ],
  });
  const state = live([
    e.user("carol@example.com"),
    e.group("Platform-Admins"),
    e.group("Developers"),
    e.permissionSet("DatabaseAdmin"),
    e.permissionSet("ReadOnly"),
    e.permissionSet("Admin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] }),
    e.assignment(PROD_PAYMENTS, "ReadOnly", "Developers"),
    e.assignment(PROD_WEB, "ReadOnly", "Developers"),
    e.assignment(PROD_PAYMENTS, "DatabaseAdmin", "Developers"),
    e.assignment(PROD_WEB, "DatabaseAdmin", "Developers"),
    e.assignment(PROD_PAYMENTS, "DatabaseAdmin", "Platform-Admins"),
    e.assignment(SANDBOX, "Admin", "carol@example.com", "USER"),
    e.assignment(DEV_2, "ReadOnly", "Developers"),
    e.assignment(MANAGEMENT, "Admin", "Platform-Admins"),
  ]);
  return { cfg, state };
}

const planAt = (now: string, maxDeletes?: number): Plan => {
  const { cfg, state } = scenario(maxDeletes);
  return buildPlan({ config: cfg, live: state, now: new Date(now), allowDeletes: false });
};

const lines = (plan: Plan): string[] => plan.changes.map((c) => `${c.action} ${c.address}`);

describe("onlyExpired on a fixed clock", () => {
  const rows: { name: string; now: string; expected: string[] }[] = [
    { name: "an hour before the expiry: nothing has expired", now: "2026-06-01T11:00:00.000Z", expected: [] },
    {
      name: "at the expiry instant: the access ends",
      now: EXPIRES,
      expected: [
        "delete assignment/111111111111/DatabaseAdmin/GROUP/Developers",
        "delete assignment/111111111112/DatabaseAdmin/GROUP/Developers",
        "delete assignment/444444444444/Admin/USER/carol@example.com",
      ],
    },
    {
      name: "a week later: the same deletions, the longer rule still holds",
      now: "2026-06-08T00:00:00.000Z",
      expected: [
        "delete assignment/111111111111/DatabaseAdmin/GROUP/Developers",
        "delete assignment/111111111112/DatabaseAdmin/GROUP/Developers",
        "delete assignment/444444444444/Admin/USER/carol@example.com",
      ],
    },
    {
      name: "after the longer rule too: Platform-Admins lose DatabaseAdmin as well",
      now: "2026-06-21T00:00:00.000Z",
      expected: [
        "delete assignment/111111111111/DatabaseAdmin/GROUP/Developers",
        "delete assignment/111111111111/DatabaseAdmin/GROUP/Platform-Admins",
        "delete assignment/111111111112/DatabaseAdmin/GROUP/Developers",
        "delete assignment/444444444444/Admin/USER/carol@example.com",
      ],
    },
  ];

  it.each(rows)("$name", ({ now, expected }) => {
    const full = planAt(now);
    const reduced = onlyExpired(full);
    expect(lines(reduced)).toEqual(expected);
    // The unrelated changes are in the full plan and out of the reduced one.
    expect(lines(full)).toContain("create assignment/222222222221/ReadOnly/GROUP/Platform-Admins");
    expect(lines(full)).toContain("delete assignment/222222222222/ReadOnly/GROUP/Developers");
    expect(reduced.summary).toEqual({
      create: 0,
      update: 0,
      replace: 0,
      delete: expected.length,
      provision: 0,
      total: expected.length,
    });
    expect(reduced.checksum).toBe(planChecksum(reduced.changes));
    expect(reduced.checksum).not.toBe(full.checksum);
  });

  it("marks each expired deletion with the instant, and nothing else", () => {
    const full = planAt("2026-06-21T00:00:00.000Z");
    const marked = Object.fromEntries(
      full.changes.filter((c) => c.expired !== undefined).map((c) => [c.address, c.expired]),
    );
    expect(marked).toEqual({
      "assignment/111111111111/DatabaseAdmin/GROUP/Developers": EXPIRES,
      "assignment/111111111112/DatabaseAdmin/GROUP/Developers": EXPIRES,
      "assignment/111111111111/DatabaseAdmin/GROUP/Platform-Admins": LATER,
      "assignment/444444444444/Admin/USER/carol@example.com": EXPIRES,
    });
    expect(full.changes.filter(isExpiredDeletion).map((c) => c.reason)).toEqual([
      expect.stringContaining(`expired at ${EXPIRES}`),
      expect.stringContaining(`expired at ${LATER}`),
      expect.stringContaining(`expired at ${EXPIRES}`),
      expect.stringContaining(`expired at ${EXPIRES}`),
    ]);
  });

  it("keeps the apply order, and reducing twice changes nothing", () => {
    const full = planAt(EXPIRES);
    const reduced = onlyExpired(full);
    const order = full.changes.map((c) => c.address);
    const positions = reduced.changes.map((c) => order.indexOf(c.address));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(onlyExpired(reduced)).toEqual(reduced);
  });

  it("summarises only the losses the expirations cause", () => {
    const reduced = onlyExpired(planAt(EXPIRES));
    expect(
      reduced.access.map((d) => ({
        who: `${d.principalType} ${d.principalName} ${d.permissionSet}`,
        gains: d.gains,
        loses: d.loses,
        scope: d.scope,
      })),
    ).toEqual([
      {
        who: "GROUP Developers DatabaseAdmin",
        gains: [],
        loses: [PROD_PAYMENTS, PROD_WEB],
        scope: "2 accounts under Root/Workloads/Prod",
      },
      { who: "USER carol@example.com Admin", gains: [], loses: [SANDBOX], scope: "sandbox" },
    ]);
    expect(reduced.accountNames).toEqual({
      [PROD_PAYMENTS]: "prod-payments",
      [PROD_WEB]: "prod-web",
      [SANDBOX]: "sandbox",
    });
  });

  it("narrows an access delta that mixes expirations with other losses, naming the accounts", () => {
    // Developers lose ReadOnly in dev-2 (no rule) and, once expired, DatabaseAdmin in prod: the
    // ReadOnly delta disappears, the DatabaseAdmin one stays whole.
    const full = planAt(EXPIRES);
    const readOnlyDelta = full.access.find(
      (d) => d.permissionSet === "ReadOnly" && d.principalName === "Developers",
    );
    expect(readOnlyDelta?.loses).toEqual([DEV_2]);
    expect(onlyExpired(full).access.some((d) => d.permissionSet === "ReadOnly")).toBe(false);
  });

  it("drops a delete-count rail the expirations do not trip, keeps one they are part of", () => {
    // maxDeletes 1: the full plan deletes 4 (3 expired, 1 stale) and is refused.
    const full = planAt(EXPIRES, 1);
    expect(full.safety.ok).toBe(false);
    const reduced = onlyExpired(full);
    const rail = reduced.safety.violations.find((v) => v.rule === "max-deletes");
    expect(rail?.addresses).toEqual(reduced.changes.map((c) => c.address).sort());
    expect(reduced.safety.ok).toBe(false);

    // Before the expiry the only deletion is the stale one: its rail goes with it.
    const before = planAt("2026-06-01T11:00:00.000Z", 0);
    expect(before.safety.violations.map((v) => v.rule)).toContain("max-deletes");
    const none = onlyExpired(before);
    expect(none.changes).toEqual([]);
    expect(none.safety).toEqual({ ok: true, deletesAllowed: false, violations: [] });
  });

  it("keeps the expiring list, so the scheduled job can report what ends next", () => {
    const full = planAt("2026-06-15T00:00:00.000Z");
    expect(full.expiring.map((x) => x.address)).toEqual([
      "assignment/111111111111/DatabaseAdmin/GROUP/Platform-Admins",
    ]);
    expect(onlyExpired(full).expiring).toEqual(full.expiring);
  });

  it("keeps the names of the accounts the expiring list mentions, even with nothing expired yet", () => {
    const full = planAt("2026-05-30T00:00:00.000Z");
    const reduced = onlyExpired(full);
    expect(reduced.changes).toEqual([]);
    const accounts = full.expiring.map((x) => x.assignment?.accountId ?? "");
    expect(accounts).toContain(SANDBOX);
    for (const account of accounts) {
      expect(full.accountNames[account]).toBeDefined();
      expect(reduced.accountNames[account]).toBe(full.accountNames[account]);
    }
  });

  it("drops a management-account rail that names only changes the reduced plan leaves out", () => {
    const full = planAt(EXPIRES);
    const other = full.changes.find((c) => !isExpiredDeletion(c));
    expect(other).toBeDefined();
    const refused: Plan = {
      ...full,
      safety: {
        ok: false,
        deletesAllowed: false,
        violations: [
          {
            rule: "management-account-permission-set",
            message:
              "a delegated administrator cannot change a permission set provisioned in the management account",
            addresses: [other?.address ?? ""],
            overridable: false,
          },
        ],
      },
    };
    const reduced = onlyExpired(refused);
    expect(reduced.changes.length).toBeGreaterThan(0);
    expect(reduced.safety).toEqual({ ok: true, deletesAllowed: false, violations: [] });
  });
});
