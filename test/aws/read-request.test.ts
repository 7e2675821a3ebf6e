import { describe, expect, it } from "vitest";
import { type ReadRequest, readRequestFor } from "../../src/aws/read-request.ts";
import type { Config } from "../../src/model/config.ts";
import { config, decl, rule, settings } from "../plan/builders.ts";

const example = config({
  settings: {
    ...settings({ groups: "^team-" }),
    instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
  },
  users: [decl.user("alice@example.com"), decl.user("bob@example.com")],
  groups: [
    decl.group("team-platform", { members: ["alice@example.com", "carol@example.com"] }),
    decl.group("Okta-Engineering", { external: true }),
  ],
  permissionSets: [
    decl.permissionSet("PlatformAdmin", { previously: ["Admin", "OldAdmin"] }),
    decl.permissionSet("AWSAdministratorAccess", { external: true }),
  ],
  assignments: [
    rule({ group: "team-platform" }, ["PlatformAdmin"], { accounts: ["123456789012"] }),
    rule({ group: "BreakGlass" }, ["AWSAdministratorAccess"], { all: true }),
    rule({ user: "dave@example.com" }, ["PlatformAdmin"], { ous: ["Root/Prod"] }),
  ],
});

describe("readRequestFor", () => {
  it("derives what a configuration touches", () => {
    expect(readRequestFor(example, { refresh: "targeted" })).toEqual<ReadRequest>({
      refresh: "targeted",
      everything: false,
      instanceArn: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
      identitySource: "identity-center",
      ownershipTag: { key: "managed-by", value: "accessops" },
      ownershipGroups: "^team-",
      ownershipUsers: null,
      groups: ["BreakGlass", "Okta-Engineering", "team-platform"],
      users: ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"],
      managedGroups: ["team-platform"],
      permissionSets: ["AWSAdministratorAccess", "Admin", "OldAdmin", "PlatformAdmin"],
      principals: [
        { type: "GROUP", name: "BreakGlass" },
        { type: "GROUP", name: "Okta-Engineering" },
        { type: "GROUP", name: "team-platform" },
        { type: "USER", name: "alice@example.com" },
        { type: "USER", name: "bob@example.com" },
        { type: "USER", name: "dave@example.com" },
      ],
      accountTags: false,
    });
  });

  it.each<[string, Config, Partial<ReadRequest>]>([
    [
      "account tags only when a rule targets tags",
      config({ assignments: [rule({ group: "g" }, ["P"], { tags: { env: "prod" } })] }),
      { accountTags: true },
    ],
    ["no tags for ids, names, OUs and all", example, { accountTags: false }],
    [
      "an external identity source manages no group",
      { ...example, settings: settings({ identitySource: "external" }) },
      { identitySource: "external", managedGroups: [] },
    ],
    [
      "an empty configuration touches nothing",
      config(),
      { groups: [], users: [], permissionSets: [], principals: [] },
    ],
  ])("%s", (_, input, expected) => {
    expect(readRequestFor(input, { refresh: "full" })).toMatchObject(expected);
  });

  it("passes the refresh mode and everything through", () => {
    expect(readRequestFor(example, { refresh: "full", everything: true })).toMatchObject({
      refresh: "full",
      everything: true,
    });
    expect(readRequestFor(example, { refresh: "full" }).everything).toBe(false);
  });
});
