import { describe, expect, it } from "vitest";
import type { Config } from "../../src/model/config.ts";
import type { Plan } from "../../src/model/plan.ts";
import { changeLines, roundTrip } from "./harness.ts";
import { delegatedSeed, externalSeed, NESTED_ACCOUNTS, nestedSeed, staleSeed } from "./seeds.ts";

/** A rule as a reviewer reads it: principal, permission sets, targets and exclusions that are set. */
function rules(config: Config): string[] {
  return config.assignments.map((r) => {
    const parts = [
      `${r.principal.type === "GROUP" ? "group" : "user"} ${r.principal.name}`,
      `[${r.permissionSets.join(", ")}]`,
      r.targets.all ? "all" : "",
      r.targets.ous.length > 0 ? `ous ${r.targets.ous.join(", ")}` : "",
      r.targets.accounts.length > 0 ? `accounts ${r.targets.accounts.join(", ")}` : "",
      r.exclude.ous.length > 0 ? `minus ous ${r.exclude.ous.join(", ")}` : "",
      r.exclude.accounts.length > 0 ? `minus accounts ${r.exclude.accounts.join(", ")}` : "",
    ];
    return parts.filter((p) => p !== "").join(" ");
  });
}

/** The first plan holds exactly one tag-only adoption per untagged managed permission set. */
function expectOnlyAdoptions(plan: Plan, adopted: string[]): void {
  expect(changeLines(plan)).toEqual(adopted.map((name) => `update permission-set/${name}`));
  for (const c of plan.changes) {
    expect(c.adopt).toBe(true);
    expect(Object.keys(c.fields ?? {})).toEqual(["tags"]);
  }
  expect(plan.safety.ok).toBe(true);
}

describe("import round trip: import, validate, plan gives no changes but adoptions", () => {
  it("nested OUs, suspended and closed accounts, the management account, Control Tower sets, direct grants", async () => {
    const rt = await roundTrip(nestedSeed);

    // Written, valid on disk through the real loader, every YAML file with the modeline.
    expect(rt.disk.ok && rt.disk.warnings).toEqual([]);
    expect(rt.result.files.map((f) => f.path)).toEqual([
      "assignments/groups.yaml",
      "assignments/users.yaml",
      "groups.yaml",
      "permission-sets.yaml",
      "policies/PlatformAdmin.json",
      "settings.yaml",
      "users.yaml",
    ]);
    for (const f of rt.result.files.filter((x) => x.path.endsWith(".yaml"))) {
      const text = f.text;
      const depth = f.path.split("/").length - 1;
      expect(text.split("\n")[0]).toBe(
        `# yaml-language-server: $schema=${"../".repeat(depth)}../schema/accessops.schema.json`,
      );
    }

    expect(rules(rt.result.config)).toEqual([
      "group Auditors [AWSReadOnlyAccess] ous Root/Workloads/Prod/EU",
      "group Auditors [ReadOnly, ViewOnly] ous Root/Workloads accounts shared-network",
      "group Developers [Developer] ous Root/Workloads minus accounts prod-search",
      "group Okta-Engineering [ReadOnly] ous Root/Workloads/Dev",
      "group Platform-Admins [AWSAdministratorAccess] accounts management",
      "group Platform-Admins [PlatformAdmin] all accounts management",
      "user alice@example.com [DatabaseAdmin] accounts prod-payments",
      "user carol [LegacyInline] ous Root/Sandbox accounts shared-network",
    ]);
    const cfg = rt.result.config;
    expect(cfg.settings.identitySource).toBe("identity-center");
    expect(cfg.settings.ownership.ignore).toEqual([{ account: NESTED_ACCOUNTS["prod-legacy"] }]);
    expect(
      cfg.groups.map((g) => `${g.name}${g.external ? " (external)" : ""}: ${g.members.join(", ")}`),
    ).toEqual([
      "Auditors: carol",
      "Developers: bob@example.com, carol",
      "Empty-Team: ",
      "Okta-Engineering (external): ",
      "Platform-Admins: alice@example.com",
    ]);
    expect(cfg.users.map((u) => u.userName)).toEqual(["alice@example.com", "bob@example.com", "carol"]);
    expect(rt.result.externalPermissionSets.map((p) => p.name)).toEqual([
      "AWSAdministratorAccess",
      "AWSReadOnlyAccess",
      "LegacyInline",
    ]);
    expect(rt.result.externalPermissionSets[2]?.reason).toMatch(/inline policy has no Version/);
    const developer = cfg.permissionSets.find((p) => p.name === "Developer");
    expect(developer).toMatchObject({
      sessionDuration: "PT8H",
      customerManagedPolicies: [
        { name: "OrgGuardrails", path: "/" },
        { name: "DeveloperExtras", path: "/accessops/" },
      ],
      permissionsBoundary: { customerManagedPolicy: { name: "DeveloperBoundary", path: "/boundaries/" } },
      tags: {},
    });
    const platformAdmin = cfg.permissionSets.find((p) => p.name === "PlatformAdmin");
    expect(platformAdmin?.inlinePolicyFile).toBe("policies/PlatformAdmin.json");
    expect(platformAdmin?.tags).toEqual({ "cost-center": "4100", team: "platform" });

    // Every live assignment but the suspended account's is declared.
    expect(rt.result.counts.assignments).toBe(
      [...rt.live.state.values()].filter((e) => e.kind === "assignment").length - 1,
    );

    expectOnlyAdoptions(rt.first, ["DatabaseAdmin", "PlatformAdmin", "ReadOnly", "Unused", "ViewOnly"]);
    expect(rt.result.adoptions).toEqual(["DatabaseAdmin", "PlatformAdmin", "ReadOnly", "Unused", "ViewOnly"]);
    expect(rt.result.unexpected).toEqual([]);
    expect(rt.afterAdoption?.changes).toEqual([]);
  });

  it("an external identity source: groups referenced when assigned, no users declared", async () => {
    const rt = await roundTrip(externalSeed);
    const cfg = rt.result.config;
    expect(cfg.settings.identitySource).toBe("external");
    expect(cfg.users).toEqual([]);
    expect(cfg.groups.map((g) => [g.name, g.external])).toEqual([
      ["eng", true],
      ["sre", true],
    ]);
    expect(rules(cfg)).toEqual([
      "group eng [Admin] accounts dev-a, dev-b",
      "group eng [ReadOnly] all",
      "group sre [Admin] ous Root/Prod accounts management",
      "user dana@corp.example [Admin] accounts dev-c",
    ]);
    expectOnlyAdoptions(rt.first, ["ReadOnly"]);
    expect(rt.afterAdoption?.changes).toEqual([]);
  });

  it("a delegated administrator: the management account is ignored, sets provisioned there are external", async () => {
    const rt = await roundTrip(delegatedSeed);
    const cfg = rt.result.config;
    expect(rt.live.callerIsManagementAccount).toBe(false);
    expect(cfg.settings.ownership.ignore).toEqual([{ account: "300000000000" }]);
    expect(cfg.permissionSets.map((p) => [p.name, p.external])).toEqual([
      ["Admin", true],
      ["ReadOnly", false],
    ]);
    expect(rules(cfg)).toEqual(["group Admins [Admin] all", "group Readers [ReadOnly] ous Root/Workloads"]);
    expectOnlyAdoptions(rt.first, ["ReadOnly"]);
    expect(rt.afterAdoption?.changes).toEqual([]);
  });

  it("live drift import does not cause (an outdated copy) stays a provision, and is not a failed round trip", async () => {
    const rt = await roundTrip(staleSeed);
    expect(rt.result.unexpected).toEqual([]);
    expect(rt.result.staleProvisioning.map((c) => `${c.action} ${c.address}`)).toEqual([
      "provision provisioning/ReadOnly",
    ]);
    expect(changeLines(rt.first)).toEqual([
      "update permission-set/ReadOnly",
      "provision provisioning/ReadOnly",
    ]);
    expect(changeLines(rt.afterAdoption ?? rt.first)).toEqual(["provision provisioning/ReadOnly"]);
  });

  it("--external-permission-sets extends the built-in list; their assignments stay declared", async () => {
    const rt = await roundTrip(nestedSeed, { externalPermissionSets: /^(ReadOnly|ViewOnly)$/u });
    expect(rt.result.externalPermissionSets.map((p) => `${p.name}: ${p.reason}`)).toContain(
      "ReadOnly: matches --external-permission-sets",
    );
    expect(rules(rt.result.config)).toContain(
      "group Auditors [ReadOnly, ViewOnly] ous Root/Workloads accounts shared-network",
    );
    expectOnlyAdoptions(rt.first, ["DatabaseAdmin", "PlatformAdmin", "Unused"]);
    expect(rt.afterAdoption?.changes).toEqual([]);
  });
});
