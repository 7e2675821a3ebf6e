import {
  DescribeGroupCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  ListGroupsCommand,
} from "@aws-sdk/client-identitystore";
import { DescribeOrganizationCommand, ListAccountsCommand } from "@aws-sdk/client-organizations";
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
  UpdatePermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { afterEach, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/emulator/index.ts";
import { DEV, MANAGEMENT, PROD, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids } from "./helpers.ts";

let h: Harness;
afterEach(() => h.close());

describe("delegated administrator", () => {
  const seed = smallSeed({
    callerAccountId: "dev",
    assignments: [
      { account: PROD, permissionSet: "Admin", group: "Admins" },
      { account: MANAGEMENT, permissionSet: "ReadOnly", group: "Admins" },
    ],
  });

  it("cannot list assignments by principal, nor assign, unassign or provision in the management account", async () => {
    h = await harness({ seed, clock: "manual", latencyMs: 10, latencySigma: 0, limits: UNTHROTTLED });
    const id = ids(h.emu);
    const byPrincipal = await failure(
      h.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: h.instanceArn,
          PrincipalId: id.group("Admins"),
          PrincipalType: "GROUP",
        }),
      ),
    );
    expect(byPrincipal.name).toBe("AccessDeniedException");
    const target = (account: string) => ({
      InstanceArn: h.instanceArn,
      PermissionSetArn: id.ps("ReadOnly"),
      TargetId: account,
      TargetType: "AWS_ACCOUNT" as const,
      PrincipalType: "GROUP" as const,
      PrincipalId: id.group("Admins"),
    });
    expect((await failure(h.sso.send(new CreateAccountAssignmentCommand(target(MANAGEMENT))))).name).toBe(
      "AccessDeniedException",
    );
    expect((await failure(h.sso.send(new DeleteAccountAssignmentCommand(target(MANAGEMENT))))).name).toBe(
      "AccessDeniedException",
    );
    const provision = await failure(
      h.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: id.ps("Admin"),
          TargetType: "AWS_ACCOUNT",
          TargetId: MANAGEMENT,
        }),
      ),
    );
    expect(provision.name).toBe("AccessDeniedException");
    const elsewhere = await h.sso.send(new CreateAccountAssignmentCommand(target(DEV)));
    h.emu.advance(10);
    const status = await h.sso.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: h.instanceArn,
        AccountAssignmentCreationRequestId: elsewhere.AccountAssignmentCreationStatus?.RequestId,
      }),
    );
    expect(status.AccountAssignmentCreationStatus?.Status).toBe("SUCCEEDED");
  });

  it("cannot change a permission set provisioned in the management account; provisioning everywhere fails there", async () => {
    h = await harness({ seed, clock: "manual", latencyMs: 10, latencySigma: 0, limits: UNTHROTTLED });
    const id = ids(h.emu);
    const update = await failure(
      h.sso.send(
        new UpdatePermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: id.ps("ReadOnly"),
          Description: "x",
        }),
      ),
    );
    expect(update.name).toBe("AccessDeniedException");
    await h.sso.send(
      new UpdatePermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        Description: "x",
      }),
    );
    const all = await h.sso.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("ReadOnly"),
        TargetType: "ALL_PROVISIONED_ACCOUNTS",
      }),
    );
    h.emu.advance(10);
    const status = await h.sso.send(
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: h.instanceArn,
        ProvisionPermissionSetRequestId: all.PermissionSetProvisioningStatus?.RequestId,
      }),
    );
    expect(status.PermissionSetProvisioningStatus?.Status).toBe("FAILED");
    expect(status.PermissionSetProvisioningStatus?.FailureReason).toContain(
      "management account 111111111111",
    );
    expect((await h.org.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId).toBe(
      MANAGEMENT,
    );
  });
});

describe("Active Directory identity source", () => {
  it("answers GetGroupId/GetUserId by unique attribute with UnknownOperationException 'UnknownError', and by ExternalId", async () => {
    h = await harness({ seed: smallSeed({ identitySource: "active-directory" }), limits: UNTHROTTLED });
    const store = { IdentityStoreId: h.identityStoreId };
    const byName = await failure(
      h.ids.send(
        new GetGroupIdCommand({
          ...store,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: "displayName", AttributeValue: "Admins" },
          },
        }),
      ),
    );
    expect([byName.name, byName.message, byName.$metadata?.httpStatusCode]).toEqual([
      "UnknownOperationException",
      "UnknownError",
      400,
    ]);
    const user = await failure(
      h.ids.send(
        new GetUserIdCommand({
          ...store,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: "alice" } },
        }),
      ),
    );
    expect(user.name).toBe("UnknownOperationException");
    const group = await h.ids.send(
      new DescribeGroupCommand({ ...store, GroupId: ids(h.emu).group("Admins") }),
    );
    const external = group.ExternalIds?.[0];
    expect(external?.Issuer).toMatch(/^arn:aws:ds:us-east-1:111111111111:directory\/d-[0-9a-f]{10}$/);
    const found = await h.ids.send(
      new GetGroupIdCommand({
        ...store,
        AlternateIdentifier: { ExternalId: { Issuer: external?.Issuer, Id: external?.Id } },
      }),
    );
    expect(found.GroupId).toBe(group.GroupId);
  });
});

describe("policy", () => {
  const readOnly: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["sso:List*", "sso:Describe*", "identitystore:*", "organizations:Describe*"],
      },
      { Effect: "Deny", Action: "sso:ListAccountAssignmentsForPrincipal" },
    ],
  };

  it("allows what the policy allows and answers AccessDeniedException otherwise, explicit Deny first", async () => {
    h = await harness({ seed: smallSeed(), policy: readOnly, limits: UNTHROTTLED });
    await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }));
    await h.ids.send(new ListGroupsCommand({ IdentityStoreId: h.identityStoreId }));
    await h.org.send(new DescribeOrganizationCommand({}));
    const create = await failure(
      h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "X" })),
    );
    expect([create.name, create.message]).toEqual([
      "AccessDeniedException",
      "User: arn:aws:sts::111111111111:assumed-role/accessops/emulator is not authorized to perform: sso:CreatePermissionSet because no identity-based policy allows the sso:CreatePermissionSet action",
    ]);
    const denied = await failure(
      h.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: h.instanceArn,
          PrincipalId: ids(h.emu).group("Admins"),
          PrincipalType: "GROUP",
        }),
      ),
    );
    expect(denied.message).toContain("with an explicit deny in an identity-based policy");
    expect((await failure(h.org.send(new ListAccountsCommand({})))).name).toBe("AccessDeniedException");
    expect(h.emu.writes()).toEqual([]);
    h.emu.setPolicy(null);
    await h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "X" }));
  });

  it("reads NotAction and wildcards case-insensitively, and can be replaced over HTTP", async () => {
    h = await harness({
      seed: smallSeed(),
      policy: { Statement: { Effect: "Allow", NotAction: "SSO:create*" } },
      limits: UNTHROTTLED,
    });
    expect(
      (await failure(h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "X" }))))
        .name,
    ).toBe("AccessDeniedException");
    await h.org.send(new ListAccountsCommand({}));
    const put = await fetch(`${h.emu.endpoint}/_emulator/policy`, {
      method: "PUT",
      body: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sso:*" }] }),
    });
    expect(put.status).toBe(200);
    await h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "X" }));
    expect((await failure(h.org.send(new ListAccountsCommand({})))).name).toBe("AccessDeniedException");
  });
});
