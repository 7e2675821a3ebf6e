import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreatePermissionSetCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DeletePermissionSetCommand,
  DeletePermissionsBoundaryFromPermissionSetCommand,
  DescribeInstanceCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  DetachCustomerManagedPolicyReferenceFromPermissionSetCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetProvisioningStatusCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ListTagsForResourceCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV, MANAGEMENT, PROD, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids } from "./helpers.ts";

const LATENCY = 100;
let h: Harness;
let admin: string;
let readOnly: string;

beforeEach(async () => {
  h = await harness({
    seed: smallSeed(),
    clock: "manual",
    latencyMs: LATENCY,
    latencySigma: 0,
    limits: UNTHROTTLED,
  });
  admin = ids(h.emu).ps("Admin");
  readOnly = ids(h.emu).ps("ReadOnly");
});
afterEach(() => h.close());

const ps = (PermissionSetArn: string) => ({ InstanceArn: h.instanceArn, PermissionSetArn });

async function stale(arn: string): Promise<string[]> {
  const out = await h.sso.send(
    new ListAccountsForProvisionedPermissionSetCommand({
      ...ps(arn),
      ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED",
    }),
  );
  return out.AccountIds ?? [];
}

describe("instances", () => {
  it("lists the one instance with its identity store and describes it", async () => {
    const list = await h.sso.send(new ListInstancesCommand({}));
    expect(list.Instances).toEqual([
      expect.objectContaining({
        InstanceArn: h.instanceArn,
        IdentityStoreId: h.identityStoreId,
        OwnerAccountId: MANAGEMENT,
        Status: "ACTIVE",
      }),
    ]);
    expect(list.NextToken).toBeUndefined();
    const one = await h.sso.send(new DescribeInstanceCommand({ InstanceArn: h.instanceArn }));
    expect(one.IdentityStoreId).toBe(h.identityStoreId);
    expect(one.CreatedDate).toEqual(new Date("2024-01-01T00:00:00Z"));
  });

  it("does not know another instance", async () => {
    const error = await failure(
      h.sso.send(
        new DescribeInstanceCommand({ InstanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000" }),
      ),
    );
    expect(error.name).toBe("ResourceNotFoundException");
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe("permission sets", () => {
  it("creates one with the given attributes, PT1H by default, and lists and describes it", async () => {
    const created = await h.sso.send(
      new CreatePermissionSetCommand({
        InstanceArn: h.instanceArn,
        Name: "Ops",
        Description: "ops",
        RelayState: "https://x/",
        Tags: [{ Key: "team", Value: "ops" }],
      }),
    );
    const arn = created.PermissionSet?.PermissionSetArn ?? "";
    expect(arn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/);
    const described = await h.sso.send(new DescribePermissionSetCommand(ps(arn)));
    expect(described.PermissionSet).toMatchObject({
      Name: "Ops",
      Description: "ops",
      RelayState: "https://x/",
      SessionDuration: "PT1H",
    });
    expect(described.PermissionSet?.CreatedDate).toBeInstanceOf(Date);
    const listed = await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }));
    expect(listed.PermissionSets).toHaveLength(3);
    expect(listed.PermissionSets).toContain(arn);
    const tags = await h.sso.send(
      new ListTagsForResourceCommand({ InstanceArn: h.instanceArn, ResourceArn: arn }),
    );
    expect(tags.Tags).toEqual([{ Key: "team", Value: "ops" }]);
  });

  it.each([
    [{ Name: "Admin" }, "ConflictException", "PermissionSet with name Admin already exists."],
    [
      { Name: "Long", SessionDuration: "PT13H" },
      "ValidationException",
      "The session duration PT13H is not valid: it must be between PT1H and PT12H.",
    ],
    [
      { Name: "Short", SessionDuration: "PT30M" },
      "ValidationException",
      "The session duration PT30M is not valid: it must be between PT1H and PT12H.",
    ],
    [
      { Name: "Tagged", Tags: [{ Key: "aws:x", Value: "v" }] },
      "ValidationException",
      'Tag keys starting with "aws:" are reserved: aws:x',
    ],
  ])("refuses %j", async (input, name, message) => {
    const error = await failure(
      h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, ...input })),
    );
    expect([error.name, error.message]).toEqual([name, message]);
  });

  it("stops at the permission-set quota", async () => {
    await h.close();
    h = await harness({ seed: smallSeed(), limits: { ...UNTHROTTLED, permissionSetsPerInstance: 2 } });
    const error = await failure(
      h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "Third" })),
    );
    expect(error.name).toBe("ServiceQuotaExceededException");
  });

  it("UpdatePermissionSet replaces all three attributes: omitted ones are cleared", async () => {
    await h.sso.send(
      new UpdatePermissionSetCommand({
        ...ps(readOnly),
        Description: "d",
        SessionDuration: "PT8H",
        RelayState: "https://r/",
      }),
    );
    expect((await h.sso.send(new DescribePermissionSetCommand(ps(readOnly)))).PermissionSet).toMatchObject({
      Description: "d",
      SessionDuration: "PT8H",
      RelayState: "https://r/",
    });
    await h.sso.send(new UpdatePermissionSetCommand({ ...ps(readOnly), Description: "only this" }));
    const after = (await h.sso.send(new DescribePermissionSetCommand(ps(readOnly)))).PermissionSet;
    expect(after?.Description).toBe("only this");
    expect(after?.RelayState).toBeUndefined();
    expect(after?.SessionDuration).toBe("PT1H");
  });

  it.each([
    DescribePermissionSetCommand,
    DeletePermissionSetCommand,
    UpdatePermissionSetCommand,
    GetInlinePolicyForPermissionSetCommand,
  ])("%o answers ResourceNotFoundException for an unknown ARN", async (Command) => {
    const missing = `${h.instanceArn.replace("instance/", "permissionSet/")}/ps-ffffffffffffffff`;
    const error = await failure(h.sso.send(new Command(ps(missing))));
    expect(error.name).toBe("ResourceNotFoundException");
  });

  it("deletes a permission set without assignments, even one provisioned to an account without them", async () => {
    await h.sso.send(
      new ProvisionPermissionSetCommand({ ...ps(readOnly), TargetType: "AWS_ACCOUNT", TargetId: DEV }),
    );
    h.emu.advance(LATENCY);
    await h.sso.send(new DeletePermissionSetCommand(ps(readOnly)));
    expect(
      (await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }))).PermissionSets,
    ).toEqual([admin]);
    expect(
      (
        await h.sso.send(
          new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: h.instanceArn, AccountId: DEV }),
        )
      ).PermissionSets,
    ).toBeUndefined();
  });

  it("refuses to delete a permission set that has assignments", async () => {
    const error = await failure(h.sso.send(new DeletePermissionSetCommand(ps(admin))));
    expect([error.name, error.message]).toEqual([
      "ConflictException",
      "Could not delete because PermissionSet has existing account assignments.",
    ]);
  });
});

describe("tags", () => {
  it("tags, lists and untags without making the copies stale", async () => {
    await h.sso.send(
      new TagResourceCommand({
        InstanceArn: h.instanceArn,
        ResourceArn: admin,
        Tags: [
          { Key: "b", Value: "2" },
          { Key: "a", Value: "1" },
        ],
      }),
    );
    await h.sso.send(
      new UntagResourceCommand({ InstanceArn: h.instanceArn, ResourceArn: admin, TagKeys: ["b", "absent"] }),
    );
    const tags = await h.sso.send(
      new ListTagsForResourceCommand({ InstanceArn: h.instanceArn, ResourceArn: admin }),
    );
    expect(tags.Tags).toEqual([{ Key: "a", Value: "1" }]);
    expect(await stale(admin)).toEqual([]);
  });

  it("stops at 50 tags and knows only permission sets", async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(
      (
        await failure(
          h.sso.send(new TagResourceCommand({ InstanceArn: h.instanceArn, ResourceArn: admin, Tags: many })),
        )
      ).name,
    ).toBe("ServiceQuotaExceededException");
    const missing = `${h.instanceArn.replace("instance/", "permissionSet/")}/ps-ffffffffffffffff`;
    expect(
      (
        await failure(
          h.sso.send(new ListTagsForResourceCommand({ InstanceArn: h.instanceArn, ResourceArn: missing })),
        )
      ).name,
    ).toBe("ResourceNotFoundException");
  });
});

describe("policies", () => {
  const readOnlyArn = "arn:aws:iam::aws:policy/ReadOnlyAccess";

  it("attaches, lists and detaches AWS-managed policies; each change makes the copies stale", async () => {
    await h.sso.send(
      new AttachManagedPolicyToPermissionSetCommand({ ...ps(admin), ManagedPolicyArn: readOnlyArn }),
    );
    const listed = await h.sso.send(new ListManagedPoliciesInPermissionSetCommand(ps(admin)));
    expect(listed.AttachedManagedPolicies).toEqual([
      { Name: "AdministratorAccess", Arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      { Name: "ReadOnlyAccess", Arn: readOnlyArn },
    ]);
    expect(await stale(admin)).toEqual([PROD]);
    await h.sso.send(
      new DetachManagedPolicyFromPermissionSetCommand({ ...ps(admin), ManagedPolicyArn: readOnlyArn }),
    );
    expect(
      (await h.sso.send(new ListManagedPoliciesInPermissionSetCommand(ps(admin)))).AttachedManagedPolicies,
    ).toHaveLength(1);
  });

  it("refuses a managed policy attached twice, a detach of one not attached, and more than 25", async () => {
    const twice = await failure(
      h.sso.send(
        new AttachManagedPolicyToPermissionSetCommand({
          ...ps(admin),
          ManagedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ),
    );
    expect(twice.name).toBe("ConflictException");
    const absent = await failure(
      h.sso.send(
        new DetachManagedPolicyFromPermissionSetCommand({ ...ps(admin), ManagedPolicyArn: readOnlyArn }),
      ),
    );
    expect(absent.name).toBe("ResourceNotFoundException");
    for (let i = 0; i < 24; i++) {
      await h.sso.send(
        new AttachManagedPolicyToPermissionSetCommand({
          ...ps(admin),
          ManagedPolicyArn: `arn:aws:iam::aws:policy/P${i}`,
        }),
      );
    }
    const full = await failure(
      h.sso.send(
        new AttachManagedPolicyToPermissionSetCommand({ ...ps(admin), ManagedPolicyArn: readOnlyArn }),
      ),
    );
    expect(full.name).toBe("ServiceQuotaExceededException");
  });

  it("attaches customer-managed references (path / by default), refuses duplicates and unknown detaches", async () => {
    await h.sso.send(
      new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
        ...ps(readOnly),
        CustomerManagedPolicyReference: { Name: "Guardrails" },
      }),
    );
    await h.sso.send(
      new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
        ...ps(readOnly),
        CustomerManagedPolicyReference: { Name: "Audit", Path: "/sec/" },
      }),
    );
    const listed = await h.sso.send(
      new ListCustomerManagedPolicyReferencesInPermissionSetCommand(ps(readOnly)),
    );
    expect(listed.CustomerManagedPolicyReferences).toEqual([
      { Name: "Guardrails", Path: "/" },
      { Name: "Audit", Path: "/sec/" },
    ]);
    const twice = await failure(
      h.sso.send(
        new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
          ...ps(readOnly),
          CustomerManagedPolicyReference: { Name: "Guardrails", Path: "/" },
        }),
      ),
    );
    expect(twice.name).toBe("ConflictException");
    await h.sso.send(
      new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({
        ...ps(readOnly),
        CustomerManagedPolicyReference: { Name: "Audit", Path: "/sec/" },
      }),
    );
    const absent = await failure(
      h.sso.send(
        new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({
          ...ps(readOnly),
          CustomerManagedPolicyReference: { Name: "Audit", Path: "/sec/" },
        }),
      ),
    );
    expect(absent.name).toBe("ResourceNotFoundException");
  });

  it("puts, reads and deletes the inline policy", async () => {
    expect(
      (await h.sso.send(new GetInlinePolicyForPermissionSetCommand(ps(admin)))).InlinePolicy,
    ).toBeUndefined();
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}';
    await h.sso.send(new PutInlinePolicyToPermissionSetCommand({ ...ps(admin), InlinePolicy: policy }));
    expect((await h.sso.send(new GetInlinePolicyForPermissionSetCommand(ps(admin)))).InlinePolicy).toBe(
      policy,
    );
    expect(await stale(admin)).toEqual([PROD]);
    await h.sso.send(new DeleteInlinePolicyFromPermissionSetCommand(ps(admin)));
    expect(
      (await h.sso.send(new GetInlinePolicyForPermissionSetCommand(ps(admin)))).InlinePolicy,
    ).toBeUndefined();
  });

  it("refuses an inline policy that is not JSON or has more than 10,240 non-whitespace characters", async () => {
    const notJson = await failure(
      h.sso.send(new PutInlinePolicyToPermissionSetCommand({ ...ps(admin), InlinePolicy: "{nope" })),
    );
    expect(notJson.name).toBe("ValidationException");
    const big = JSON.stringify({ Statement: [{ Sid: "x".repeat(10_300) }] });
    const tooBig = await failure(
      h.sso.send(new PutInlinePolicyToPermissionSetCommand({ ...ps(admin), InlinePolicy: big })),
    );
    expect(tooBig.name).toBe("ServiceQuotaExceededException");
    const spaced = `{"Statement": [${" ".repeat(20_000)}]}`;
    await h.sso.send(new PutInlinePolicyToPermissionSetCommand({ ...ps(admin), InlinePolicy: spaced }));
  });

  it("puts, replaces, reads and deletes the permissions boundary", async () => {
    expect(
      (await failure(h.sso.send(new GetPermissionsBoundaryForPermissionSetCommand(ps(admin))))).name,
    ).toBe("ResourceNotFoundException");
    await h.sso.send(
      new PutPermissionsBoundaryToPermissionSetCommand({
        ...ps(admin),
        PermissionsBoundary: { ManagedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      }),
    );
    await h.sso.send(
      new PutPermissionsBoundaryToPermissionSetCommand({
        ...ps(admin),
        PermissionsBoundary: { CustomerManagedPolicyReference: { Name: "Boundary" } },
      }),
    );
    expect(
      (await h.sso.send(new GetPermissionsBoundaryForPermissionSetCommand(ps(admin)))).PermissionsBoundary,
    ).toEqual({
      CustomerManagedPolicyReference: { Name: "Boundary", Path: "/" },
    });
    await h.sso.send(new DeletePermissionsBoundaryFromPermissionSetCommand(ps(admin)));
    expect(
      (await failure(h.sso.send(new DeletePermissionsBoundaryFromPermissionSetCommand(ps(admin))))).name,
    ).toBe("ResourceNotFoundException");
    const both = await failure(
      h.sso.send(
        new PutPermissionsBoundaryToPermissionSetCommand({
          ...ps(admin),
          PermissionsBoundary: {
            ManagedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
            CustomerManagedPolicyReference: { Name: "B" },
          },
        }),
      ),
    );
    expect(both.name).toBe("ValidationException");
  });
});

describe("provisioning", () => {
  it("refreshes stale copies with ALL_PROVISIONED_ACCOUNTS, reported IN_PROGRESS then SUCCEEDED", async () => {
    await h.sso.send(new UpdatePermissionSetCommand({ ...ps(admin), SessionDuration: "PT2H" }));
    expect(await stale(admin)).toEqual([PROD]);
    const started = await h.sso.send(
      new ProvisionPermissionSetCommand({ ...ps(admin), TargetType: "ALL_PROVISIONED_ACCOUNTS" }),
    );
    const status = started.PermissionSetProvisioningStatus;
    expect(status?.Status).toBe("IN_PROGRESS");
    expect(status?.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    h.emu.advance(LATENCY);
    const done = await h.sso.send(
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: h.instanceArn,
        ProvisionPermissionSetRequestId: status?.RequestId,
      }),
    );
    expect(done.PermissionSetProvisioningStatus?.Status).toBe("SUCCEEDED");
    expect(await stale(admin)).toEqual([]);
    const current = await h.sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        ...ps(admin),
        ProvisioningStatus: "LATEST_PERMISSION_SET_PROVISIONED",
      }),
    );
    expect(current.AccountIds).toEqual([PROD]);
  });

  it("provisions into an account without assignments (AWS_ACCOUNT), and needs a TargetId for it", async () => {
    await h.sso.send(
      new ProvisionPermissionSetCommand({ ...ps(readOnly), TargetType: "AWS_ACCOUNT", TargetId: DEV }),
    );
    h.emu.advance(LATENCY);
    const out = await h.sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: h.instanceArn, AccountId: DEV }),
    );
    expect(out.PermissionSets).toEqual([readOnly]);
    const error = await failure(
      h.sso.send(new ProvisionPermissionSetCommand({ ...ps(readOnly), TargetType: "AWS_ACCOUNT" })),
    );
    expect(error.name).toBe("ValidationException");
  });

  it("lists the request history, filtered by status, and knows no unknown request", async () => {
    const a = await h.sso.send(
      new ProvisionPermissionSetCommand({ ...ps(readOnly), TargetType: "AWS_ACCOUNT", TargetId: DEV }),
    );
    h.emu.advance(LATENCY);
    const b = await h.sso.send(
      new ProvisionPermissionSetCommand({ ...ps(admin), TargetType: "ALL_PROVISIONED_ACCOUNTS" }),
    );
    const inProgress = await h.sso.send(
      new ListPermissionSetProvisioningStatusCommand({
        InstanceArn: h.instanceArn,
        Filter: { Status: "IN_PROGRESS" },
      }),
    );
    expect(inProgress.PermissionSetsProvisioningStatus?.map((s) => s.RequestId)).toEqual([
      b.PermissionSetProvisioningStatus?.RequestId,
    ]);
    const all = await h.sso.send(
      new ListPermissionSetProvisioningStatusCommand({ InstanceArn: h.instanceArn }),
    );
    expect(all.PermissionSetsProvisioningStatus?.map((s) => s.Status)).toEqual(["SUCCEEDED", "IN_PROGRESS"]);
    expect(all.PermissionSetsProvisioningStatus?.[0]?.RequestId).toBe(
      a.PermissionSetProvisioningStatus?.RequestId,
    );
    const error = await failure(
      h.sso.send(
        new DescribePermissionSetProvisioningStatusCommand({
          InstanceArn: h.instanceArn,
          ProvisionPermissionSetRequestId: "0f0e0d0c-0b0a-4908-8706-050403020100",
        }),
      ),
    );
    expect(error.name).toBe("ResourceNotFoundException");
  });

  it("leaves PermissionSets out for an account holding none, as AWS does", async () => {
    const out = await h.sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: h.instanceArn, AccountId: DEV }),
    );
    expect(out.PermissionSets).toBeUndefined();
    const prod = await h.sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: h.instanceArn, AccountId: PROD }),
    );
    expect(prod.PermissionSets).toEqual([admin]);
  });
});
