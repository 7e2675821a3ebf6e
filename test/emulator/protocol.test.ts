import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
} from "@aws-sdk/client-identitystore";
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { afterEach, describe, expect, it } from "vitest";
import { type Seed, SMITHY_ERROR_STATUS, seedText } from "../../src/emulator/index.ts";
import { PROD, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness } from "./helpers.ts";

let h: Harness;
afterEach(() => h.close());

async function post(target: string | null, body: string) {
  const res = await fetch(h.emu.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", ...(target ? { "x-amz-target": target } : {}) },
    body,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

describe("wire protocol", () => {
  it("answers AWS JSON 1.1 with a request id and epoch-second timestamps", async () => {
    h = await harness({ seed: smallSeed(), limits: UNTHROTTLED });
    const res = await post(
      "SWBExternalService.DescribeInstance",
      JSON.stringify({ InstanceArn: h.instanceArn }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.CreatedDate).toBe(1_704_067_200);
  });

  it.each([
    ["SWBExternalService.NoSuchOperation", "{}", "Unknown operation: SWBExternalService.NoSuchOperation"],
    ["SWBExternalService.CreateApplication", "{}", "The emulator does not implement CreateApplication."],
    ["NoSuchService.ListThings", "{}", "Unknown operation: NoSuchService.ListThings"],
    [null, "{}", "Unknown operation: no X-Amz-Target header"],
  ])("answers UnknownOperationException for target %j", async (target, body, message) => {
    h = await harness();
    const res = await post(target, body);
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    expect(res.json).toEqual({ __type: "UnknownOperationException", Message: message });
  });

  it.each([
    ["{not json", "SerializationException"],
    ["[1, 2]", "SerializationException"],
    ['{"InstanceArn": 12}', "SerializationException"],
  ])("answers %j with %s", async (body, type) => {
    h = await harness();
    const res = await post("SWBExternalService.ListPermissionSets", body);
    expect([res.status, res.json.__type]).toEqual([400, type]);
  });

  it("answers JSON, not HTML, for anything else", async () => {
    h = await harness();
    const res = await fetch(`${h.emu.endpoint}/index.html`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { __type: string }).__type).toBe("UnknownOperationException");
    const control = await fetch(`${h.emu.endpoint}/_emulator/nothing`);
    expect([control.status, await control.json()]).toEqual([
      404,
      { error: "unknown control endpoint GET /_emulator/nothing" },
    ]);
    const big = await post("SWBExternalService.ListInstances", "x".repeat(9 * 1024 * 1024));
    expect([big.status, big.json.__type]).toEqual([413, "SerializationException"]);
  });

  it("serialises identitystore errors with RequestId and the model's members", async () => {
    h = await harness({ seed: smallSeed(), limits: UNTHROTTLED });
    const res = await post(
      "AWSIdentityStore.CreateGroup",
      JSON.stringify({ IdentityStoreId: h.identityStoreId, DisplayName: "Admins" }),
    );
    expect(res.json).toEqual({
      __type: "ConflictException",
      Message: "Duplicate GroupDisplayName",
      Reason: "UNIQUENESS_CONSTRAINT_VIOLATION",
      RequestId: res.headers.get("x-amzn-requestid"),
    });
  });

  it("uses the Smithy status codes when asked, and the SDK still names the error", async () => {
    h = await harness({ seed: smallSeed(), errorStatus: { ...SMITHY_ERROR_STATUS }, limits: UNTHROTTLED });
    const error = await failure(
      h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "Admin" })),
    );
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(["ConflictException", 409]);
  });
});

describe("pointing an SDK at it", () => {
  it("works through AWS_ENDPOINT_URL with any credentials, as AWS's SDKs read it", async () => {
    h = await harness({ seed: smallSeed() });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: h.emu.endpoint,
      AWS_ACCESS_KEY_ID: "anything",
      AWS_SECRET_ACCESS_KEY: "anything",
      AWS_REGION: "eu-west-3",
    });
    const client = new SSOAdminClient({ maxAttempts: 1 });
    try {
      const out = await client.send(new ListInstancesCommand({}));
      expect(out.Instances?.[0]?.InstanceArn).toBe(h.instanceArn);
    } finally {
      client.destroy();
      process.env = saved;
    }
  });
});

describe("control endpoints", () => {
  it("serve the state, counters, writes and statistics, and reset to the seed", async () => {
    h = await harness({ seed: smallSeed(), limits: UNTHROTTLED });
    await h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "New" }));
    const get = async (path: string) => (await fetch(`${h.emu.endpoint}/_emulator/${path}`)).json();
    const state = (await get("state")) as Seed;
    expect(state).toEqual(h.emu.state());
    expect(state.permissionSets?.map((p) => p.name)).toEqual(["Admin", "New", "ReadOnly"]);
    expect(await get("calls")).toMatchObject({ "sso-admin:CreatePermissionSet": { calls: 1, ok: 1 } });
    expect(await get("writes")).toEqual([
      expect.objectContaining({ seq: 1, operation: "CreatePermissionSet" }),
    ]);
    expect(await get("stats")).toMatchObject({ async: { assignmentOperations: { started: 0 } } });
    expect((await fetch(`${h.emu.endpoint}/_emulator/stats/reset`, { method: "POST" })).status).toBe(200);
    expect(await get("writes")).toEqual([]);
    expect((await fetch(`${h.emu.endpoint}/_emulator/reset`, { method: "POST" })).status).toBe(200);
    const list = await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }));
    expect(list.PermissionSets).toHaveLength(2);
    expect(await get("calls")).toEqual({
      "sso-admin:ListPermissionSets": expect.objectContaining({ calls: 1 }),
    });
    const advance = await fetch(`${h.emu.endpoint}/_emulator/advance`, { method: "POST", body: '{"ms": 5}' });
    expect(advance.status).toBe(409);
  });

  it("moves a manual clock over HTTP", async () => {
    h = await harness({ clock: "manual", startTime: 1_000_000 });
    const res = await fetch(`${h.emu.endpoint}/_emulator/advance`, { method: "POST", body: '{"ms": 250}' });
    expect(await res.json()).toEqual({ now: 1_000_250 });
  });
});

describe("seed round trip through the API", () => {
  it("exports what the API wrote, and a new emulator seeded with the export exports the same bytes", async () => {
    h = await harness({ seed: smallSeed(), clock: "manual", latencyMs: 0, limits: UNTHROTTLED });
    const store = { IdentityStoreId: h.identityStoreId };
    const { GroupId } = await h.ids.send(
      new CreateGroupCommand({ ...store, DisplayName: "New-Group", Description: "d" }),
    );
    const { UserId } = await h.ids.send(
      new CreateUserCommand({
        ...store,
        UserName: "zoe",
        DisplayName: "Zoe",
        Name: { GivenName: "Zoe", FamilyName: "Z" },
        Title: "CTO",
      }),
    );
    await h.ids.send(
      new CreateGroupMembershipCommand({
        ...store,
        GroupId: GroupId ?? "",
        MemberId: { UserId: UserId ?? "" },
      }),
    );
    const ps = await h.sso.send(
      new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: "New", SessionDuration: "PT2H" }),
    );
    const arn = ps.PermissionSet?.PermissionSetArn ?? "";
    await h.sso.send(
      new PutInlinePolicyToPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: arn,
        InlinePolicy: '{"Statement": []}',
      }),
    );
    await h.sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: arn,
        TargetId: PROD,
        TargetType: "AWS_ACCOUNT",
        PrincipalType: "USER",
        PrincipalId: UserId,
      }),
    );
    h.emu.advance(0);
    const exported = h.emu.state();
    expect(exported.assignments).toContainEqual({ account: PROD, permissionSet: "New", user: "zoe" });
    expect(exported.users?.find((u) => u.userName === "zoe")).toMatchObject({
      title: "CTO",
      name: { givenName: "Zoe", familyName: "Z" },
    });
    expect(exported.permissionSets?.find((p) => p.name === "New")).toMatchObject({
      arn,
      inlinePolicy: '{"Statement": []}',
      provisionedTo: [PROD],
    });
    expect(exported.memberships).toContainEqual(expect.objectContaining({ group: "New-Group", user: "zoe" }));
    expect(exported.groups?.find((g) => g.name === "New-Group")).toMatchObject({
      id: GroupId,
      description: "d",
    });
    const again = await harness({ seed: JSON.parse(seedText(exported)) as Seed });
    try {
      expect(seedText(again.emu.state())).toBe(seedText(exported));
    } finally {
      await again.close();
    }
  });
});
