import type { Account } from "@aws-sdk/client-organizations";
import { describe, expect, it } from "vitest";
import {
  boundary,
  canonicalInlinePolicy,
  customerManagedRefs,
  groupEntity,
  orgAccount,
  permissionSetEntity,
  tagRecord,
  userEntity,
} from "../../src/aws/normalise.ts";
import { AwsError } from "../../src/model/errors.ts";
import type { PermissionSetEntity } from "../../src/model/state.ts";

const ARN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

describe("permissionSetEntity", () => {
  it("normalises a fully described permission set", () => {
    const entity = permissionSetEntity({
      described: {
        Name: "PlatformAdmin",
        PermissionSetArn: ARN,
        Description: "Platform team",
        SessionDuration: "PT240M",
        RelayState: "https://console.aws.amazon.com/",
      },
      tags: [
        { Key: "team", Value: "platform" },
        { Key: "managed-by", Value: "accessops" },
      ],
      details: {
        managedPolicies: [
          { Name: "ReadOnlyAccess", Arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
          { Name: "AdministratorAccess", Arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        ],
        customerManagedPolicies: [
          { Name: "Zeta", Path: "/b/" },
          { Name: "Guardrails" },
          { Name: "Alpha", Path: "/b/" },
        ],
        inlinePolicy:
          '{ "Version": "2012-10-17", "Statement": [ {"Effect":"Deny", "Action":"aws-portal:*","Resource":"*"} ] }',
        permissionsBoundary: { CustomerManagedPolicyReference: { Name: "Boundary" } },
      },
    });
    expect(entity).toEqual<PermissionSetEntity>({
      kind: "permissionSet",
      name: "PlatformAdmin",
      description: "Platform team",
      sessionDuration: "PT4H",
      relayState: "https://console.aws.amazon.com/",
      managedPolicies: [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
      ],
      customerManagedPolicies: [
        { name: "Guardrails", path: "/" },
        { name: "Alpha", path: "/b/" },
        { name: "Zeta", path: "/b/" },
      ],
      inlinePolicy:
        '{"Statement":[{"Action":"aws-portal:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}',
      permissionsBoundary: { customerManagedPolicy: { name: "Boundary", path: "/" } },
      tags: { "managed-by": "accessops", team: "platform" },
    });
    expect(Object.keys(entity.tags)).toEqual(["managed-by", "team"]);
  });

  it("gives nulls and defaults for a bare permission set (AWS omits what is empty)", () => {
    expect(
      permissionSetEntity({
        described: { Name: "Bare", PermissionSetArn: ARN },
        tags: undefined,
        details: {
          managedPolicies: undefined,
          customerManagedPolicies: undefined,
          inlinePolicy: "",
          permissionsBoundary: null,
        },
      }),
    ).toEqual<PermissionSetEntity>({
      kind: "permissionSet",
      name: "Bare",
      description: null,
      sessionDuration: "PT1H",
      relayState: null,
      managedPolicies: [],
      customerManagedPolicies: [],
      inlinePolicy: null,
      permissionsBoundary: null,
      tags: {},
    });
  });

  it("refuses a description without a name", () => {
    expect(() =>
      permissionSetEntity({ described: { PermissionSetArn: ARN }, tags: [], details: null }),
    ).toThrow(AwsError);
  });
});

describe("small normalisers", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["   ", null],
    ['{"b":1,\n "a":2}', '{"a":2,"b":1}'],
    ["not json", "not json"],
  ])("inline policy %j is %j", (input, expected) => {
    expect(canonicalInlinePolicy(input)).toBe(expected);
  });

  it.each([
    [undefined, null],
    [{}, null],
    [
      { ManagedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      { managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
    ],
    [
      { CustomerManagedPolicyReference: { Name: "B", Path: "/x/" } },
      { customerManagedPolicy: { name: "B", path: "/x/" } },
    ],
  ])("boundary %j is %j", (input, expected) => {
    expect(boundary(input)).toEqual(expected);
  });

  it("dedupes customer-managed references", () => {
    expect(customerManagedRefs([{ Name: "A" }, { Name: "A", Path: "/" }])).toEqual([
      { name: "A", path: "/" },
    ]);
  });

  it("sorts tags and keeps empty values", () => {
    expect(
      tagRecord([
        { Key: "z", Value: "" },
        { Key: "a", Value: "1" },
      ]),
    ).toEqual({ a: "1", z: "" });
    expect(
      Object.keys(
        tagRecord([
          { Key: "z", Value: "" },
          { Key: "a", Value: "1" },
        ]),
      ),
    ).toEqual(["a", "z"]);
  });

  it("normalises users and groups", () => {
    expect(
      userEntity({
        IdentityStoreId: "d-1234567890",
        UserId: "u-1",
        UserName: "alice@example.com",
        DisplayName: "Alice Liddell",
        Name: { GivenName: "Alice", FamilyName: "Liddell" },
        Emails: [{ Value: "z@example.com" }, { Value: "alice@example.com", Primary: true }],
      }),
    ).toEqual({
      kind: "user",
      userName: "alice@example.com",
      displayName: "Alice Liddell",
      givenName: "Alice",
      familyName: "Liddell",
      emails: ["alice@example.com", "z@example.com"],
    });
    expect(
      groupEntity({
        IdentityStoreId: "d-1234567890",
        GroupId: "g-1",
        DisplayName: "Admins",
        Description: "",
      }),
    ).toEqual({
      kind: "group",
      name: "Admins",
      description: null,
    });
  });

  it.each<[Account, string]>([
    [
      { Id: "123456789012", Name: "prod", Email: "p@example.com", State: "SUSPENDED", Status: "ACTIVE" },
      "SUSPENDED",
    ],
    [
      { Id: "123456789012", Name: "prod", Email: "p@example.com", Status: "PENDING_CLOSURE" },
      "PENDING_CLOSURE",
    ],
  ])("reads the account State, not the retired Status", (account, state) => {
    expect(orgAccount(account, "Root/Prod", {})).toEqual({
      id: "123456789012",
      name: "prod",
      email: "p@example.com",
      state,
      tags: {},
      ouPath: "Root/Prod",
    });
  });
});
