import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/model/errors.ts";
import { loadAccessDir } from "../../src/schema/load.ts";

const ACCESS = fileURLToPath(new URL("../../access", import.meta.url));

/** The example must stay valid until its `expires` date: check it at a fixed time before then. */
const BEFORE_EXPIRY = new Date("2026-06-01T00:00:00Z");

describe("the shipped access/ example", () => {
  it("validates with no errors and no warnings", async () => {
    const result = await loadAccessDir(ACCESS, { now: BEFORE_EXPIRY });
    const problems = [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
    expect(problems).toEqual([]);
  });

  it("shows every feature of the format", async () => {
    const result = await loadAccessDir(ACCESS, { now: BEFORE_EXPIRY });
    if (!result.ok) throw new Error("the example does not validate");
    const { config } = result;
    const sets = config.permissionSets;
    expect(sets.length).toBeGreaterThanOrEqual(10);
    expect(sets.some((p) => p.external && p.name === "AWSAdministratorAccess")).toBe(true);
    expect(sets.some((p) => p.customerManagedPolicies.length > 0)).toBe(true);
    expect(sets.some((p) => p.inlinePolicyFile !== null)).toBe(true);
    expect(sets.some((p) => p.inlinePolicy !== null && p.inlinePolicyFile === null)).toBe(true);
    expect(sets.some((p) => p.permissionsBoundary?.customerManagedPolicy)).toBe(true);
    expect(sets.some((p) => p.permissionsBoundary?.managedPolicyArn)).toBe(true);
    expect(sets.some((p) => Object.keys(p.tags).length > 0)).toBe(true);
    expect(config.groups.some((g) => g.external)).toBe(true);
    expect(config.groups.some((g) => g.members.length > 0)).toBe(true);
    expect(config.users.length).toBeGreaterThan(0);

    const rules = config.assignments;
    expect(rules.some((r) => r.targets.accounts.some((a) => /^\d{12}$/.test(a)))).toBe(true);
    expect(rules.some((r) => r.targets.accounts.some((a) => !/^\d{12}$/.test(a)))).toBe(true);
    expect(rules.some((r) => r.targets.ous.length > 0)).toBe(true);
    expect(rules.some((r) => r.targets.tags !== null)).toBe(true);
    expect(rules.some((r) => r.targets.all)).toBe(true);
    expect(rules.some((r) => r.exclude.accounts.length + r.exclude.ous.length > 0)).toBe(true);
    expect(rules.some((r) => r.expires !== null && r.principal.type === "USER")).toBe(true);

    expect(config.settings.safety.protected.principals).toContain("group/BreakGlass");
    expect(config.settings.ownership.groups).not.toBeNull();
  });

  it("warns about its expiring rule once the date has passed", async () => {
    const result = await loadAccessDir(ACCESS, { now: new Date("2027-04-01T00:00:00Z") });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.code)).toEqual(["expired"]);
  });
});
