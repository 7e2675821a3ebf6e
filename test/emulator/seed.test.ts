import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildStore,
  checkSeed,
  DEFAULT_MANAGEMENT_ACCOUNT_ID,
  exportSeed,
  parseSeed,
  seedText,
} from "../../src/emulator/seed.ts";
import { ConfigError } from "../../src/model/errors.ts";

const EXAMPLE = new URL("../../examples/emulator-seed.json", import.meta.url);

function problems(value: unknown): string[] {
  try {
    checkSeed(value);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.diagnostics.map((d) => d.message);
  }
}

describe("seed", () => {
  it("exports an exported seed to the same bytes (round trip)", () => {
    const seed = parseSeed(readFileSync(EXAMPLE, "utf8"), "examples/emulator-seed.json");
    const first = seedText(exportSeed(buildStore(seed)));
    const second = seedText(exportSeed(buildStore(parseSeed(first))));
    expect(second).toBe(first);
  });

  it("keeps what the example says: names resolved, ids generated, stale copies, implied provisioning", () => {
    const exported = exportSeed(buildStore(checkSeed(JSON.parse(readFileSync(EXAMPLE, "utf8")))));
    const readOnly = exported.permissionSets?.find((p) => p.name === "ReadOnly");
    expect(readOnly?.provisionedTo).toEqual(["222222222222", "333333333333"]);
    expect(readOnly?.stale).toEqual(["333333333333"]);
    expect(readOnly?.inlinePolicy).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"aws-portal:*","Resource":"*"}]}',
    );
    expect(exported.assignments).toContainEqual({
      account: "333333333333",
      permissionSet: "ReadOnly",
      user: "alice@example.com",
    });
    expect(exported.organization?.managementAccount).toBe("111111111111");
    expect(exported.callerAccountId).toBe("111111111111");
    expect(exported.users?.[0]?.emails).toEqual([
      { value: "alice@example.com", type: "work", primary: true },
    ]);
    expect(exported.ous?.map((o) => o.path)).toEqual([
      "Root/Suspended",
      "Root/Workloads",
      "Root/Workloads/Dev",
      "Root/Workloads/Prod",
    ]);
  });

  it("gives the same ids to the same names on every load", () => {
    const a = exportSeed(buildStore(checkSeed({ groups: [{ name: "G" }], permissionSets: [{ name: "P" }] })));
    const b = exportSeed(buildStore(checkSeed({ groups: [{ name: "G" }], permissionSets: [{ name: "P" }] })));
    expect(a.groups?.[0]?.id).toBe(b.groups?.[0]?.id);
    expect(a.permissionSets?.[0]?.arn).toBe(b.permissionSets?.[0]?.arn);
    expect(a.instance?.arn).toMatch(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/);
    expect(a.instance?.identityStoreId).toMatch(/^d-[0-9a-f]{10}$/);
  });

  it("defaults to one instance and an organisation with only a management account", () => {
    const exported = exportSeed(buildStore(checkSeed({})));
    expect(exported.accounts).toEqual([
      expect.objectContaining({ id: DEFAULT_MANAGEMENT_ACCOUNT_ID, state: "ACTIVE", ou: "Root" }),
    ]);
    expect(exported.users).toBeUndefined();
    expect(exported.permissionSets).toBeUndefined();
  });

  it("gives external principals ExternalIds in external and active-directory modes", () => {
    for (const identitySource of ["external", "active-directory"] as const) {
      const exported = exportSeed(buildStore(checkSeed({ identitySource, groups: [{ name: "G" }] })));
      expect(exported.groups?.[0]?.externalIds).toHaveLength(1);
    }
    const ad = exportSeed(
      buildStore(checkSeed({ identitySource: "active-directory", groups: [{ name: "G" }] })),
    );
    expect(ad.groups?.[0]?.externalIds?.[0]?.issuer).toMatch(/^arn:aws:ds:us-east-1:\d{12}:directory\/d-/);
  });

  it.each([
    [{ accounts: [{ id: "12", name: "x" }] }, '/accounts/0/id: must match pattern "^[0-9]{12}$"'],
    [{ acounts: [] }, '/acounts: unknown property "acounts"; remove it or check its spelling'],
    [{ accounts: [{ id: "222222222222" }] }, '/accounts/0: missing required property "name"'],
    [
      { identitySource: "okta" },
      '/identitySource: must be one of "identity-center", "external", "active-directory"',
    ],
    [
      { accounts: [{ id: "222222222222", name: "a", ou: "Root/Nope" }] },
      '/accounts/0/ou: unknown OU Root/Nope: list it in "ous"',
    ],
    [
      { ous: [{ path: "Root/A/B" }] },
      '/ous/0/path: parent OU Root/A is not listed: add { "path": "Root/A" } to "ous"',
    ],
    [
      {
        permissionSets: [{ name: "P" }],
        assignments: [{ account: "111111111111", permissionSet: "Q", group: "G" }],
      },
      '/assignments/0/permissionSet: unknown permission set Q: list it in "permissionSets"',
    ],
    [
      { permissionSets: [{ name: "P" }], assignments: [{ account: "nope", permissionSet: "P", user: "u" }] },
      '/assignments/0/account: unknown account "nope": list it in "accounts" (by id or name)',
    ],
    [
      { permissionSets: [{ name: "P" }], assignments: [{ account: "111111111111", permissionSet: "P" }] },
      '/assignments/0: name the principal with exactly one of "group", "user", or "principalId" with "principalType"',
    ],
    [{ groups: [{ name: "G" }, { name: "G" }] }, "/groups/1/name: G is listed twice"],
    [
      { users: [{ userName: "Administrator" }] },
      '/users/0/userName: "Administrator" is a reserved name in the identity store',
    ],
    [
      { permissionSets: [{ name: "P", sessionDuration: "PT13H" }] },
      "/permissionSets/0/sessionDuration: must be an ISO-8601 duration from PT1H to PT12H",
    ],
    [
      { memberships: [{ group: "G", user: "u" }] },
      '/memberships/0/group: unknown group G: list it in "groups"',
    ],
  ])("rejects a bad seed: %j", (seed, message) => {
    expect(problems(seed)).toContain(message);
  });

  it("points at the line and column of the problem in a seed file", () => {
    const text = '{\n  "accounts": [\n    { "id": "222222222222", "name": "a", "sate": "ACTIVE" }\n  ]\n}\n';
    try {
      parseSeed(text, "seed.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const d = (error as ConfigError).diagnostics[0];
      expect(d).toMatchObject({ file: "seed.json", line: 3, column: 42 });
    }
  });

  it.each([
    ['{\n  "accounts": [,]\n}', 2],
    // The trailing comma itself, not the brace after it.
    ['{\n  "formatVersion": 1,\n}', 2],
  ])("reports invalid JSON with its position: %j", (text, line) => {
    try {
      parseSeed(text, "bad.json");
      expect.unreachable();
    } catch (error) {
      const d = (error as ConfigError).diagnostics[0];
      expect(d?.file).toBe("bad.json");
      expect(d?.line).toBe(line);
      expect(d?.message).toMatch(/^not valid JSON/);
    }
  });
});

describe("docs/emulator.md", () => {
  it("shows a seed that is valid", () => {
    const doc = readFileSync(new URL("../../docs/emulator.md", import.meta.url), "utf8");
    const block = /## The seed format[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    const seed = checkSeed(JSON.parse(block ?? ""));
    const exported = exportSeed(buildStore(seed));
    expect(exported.assignments).toHaveLength(3);
    expect(exported.callerAccountId).toBe("111111111111");
  });
});
