import { ListGroupsCommand } from "@aws-sdk/client-identitystore";
import {
  ListAccountsCommand,
  ListTagsForResourceCommand as OrgListTagsCommand,
} from "@aws-sdk/client-organizations";
import {
  CreateAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand as SsoListTagsCommand,
} from "@aws-sdk/client-sso-admin";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorOptions } from "../../src/emulator/index.ts";
import { DEV, PROD, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids } from "./helpers.ts";

let h: Harness;
afterEach(() => h.close());

const start = async (options: EmulatorOptions) => {
  h = await harness({
    seed: smallSeed(),
    clock: "manual",
    latencyMs: 100,
    latencySigma: 0,
    limits: UNTHROTTLED,
    ...options,
  });
  return ids(h.emu);
};

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return `${(error as Error).name}:${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`;
  }
}

async function mixedRun(randomSeed: number): Promise<string[]> {
  h = await harness({
    seed: smallSeed(),
    clock: "manual",
    limits: UNTHROTTLED,
    faults: "throttle=0.2,server=0.2",
    randomSeed,
  });
  const run = h;
  try {
    const out: string[] = [];
    for (let i = 0; i < 40; i++) {
      const call =
        i % 3 === 0
          ? run.sso.send(new ListPermissionSetsCommand({ InstanceArn: run.instanceArn }))
          : i % 3 === 1
            ? run.ids.send(new ListGroupsCommand({ IdentityStoreId: run.identityStoreId }))
            : run.org.send(new ListAccountsCommand({}));
      out.push(await outcome(call));
    }
    return out;
  } finally {
    await run.close();
  }
}

describe("random faults", () => {
  it("are deterministic under a random seed, and differ with another seed", async () => {
    const a = await mixedRun(42);
    const b = await mixedRun(42);
    const c = await mixedRun(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toContain("ok");
    expect(
      a.some((o) => o.startsWith("ThrottlingException:400") || o.startsWith("TooManyRequestsException:400")),
    ).toBe(true);
    expect(
      a.some((o) => o.startsWith("InternalServerException:500") || o.startsWith("ServiceException:500")),
    ).toBe(true);
  });

  it("fail async operations with a realistic reason, and spike their latency", async () => {
    const id = await start({ faults: { failed: 1, spike: 1, spikeFactor: 3 } });
    const out = await h.sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("ReadOnly"),
        TargetId: DEV,
        TargetType: "AWS_ACCOUNT",
        PrincipalType: "GROUP",
        PrincipalId: id.group("Devs"),
      }),
    );
    const describe = () =>
      h.sso.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: h.instanceArn,
          AccountAssignmentCreationRequestId: out.AccountAssignmentCreationStatus?.RequestId,
        }),
      );
    h.emu.advance(299);
    expect((await describe()).AccountAssignmentCreationStatus?.Status).toBe("IN_PROGRESS");
    h.emu.advance(1);
    const status = (await describe()).AccountAssignmentCreationStatus;
    expect(status?.Status).toBe("FAILED");
    expect(status?.FailureReason).toBe(
      "Received a 409 status error: Cannot exceed quota for RolesPerAccount: 1000",
    );
  });
});

describe("targeted fault rules", () => {
  it("break one read in the middle of a scan", async () => {
    const id = await start({
      faultRules: [
        {
          operation: "ListAccountAssignmentsForPrincipal",
          afterCalls: 3,
          error: "AccessDeniedException",
          times: 1,
        },
      ],
    });
    const read = () =>
      outcome(
        h.sso.send(
          new ListAccountAssignmentsForPrincipalCommand({
            InstanceArn: h.instanceArn,
            PrincipalId: id.group("Admins"),
            PrincipalType: "GROUP",
          }),
        ),
      );
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await read());
    expect(results).toEqual(["ok", "ok", "ok", "AccessDeniedException:400", "ok"]);
  });

  it("answer each service's invalid-token error, and can fail an async operation with a given reason", async () => {
    const id = await start({
      faultRules: [
        { operation: "ListAccounts", error: "InvalidNextToken" },
        { operation: "ListPermissionSets", error: "InvalidNextToken" },
        {
          operation: "CreateAccountAssignment",
          error: "FAILED",
          failureReason: "Received a 500 status error: boom",
        },
      ],
    });
    const org = (await failure(h.org.send(new ListAccountsCommand({})))) as Error & { Reason?: string };
    expect([org.name, org.Reason]).toEqual(["InvalidInputException", "INVALID_NEXT_TOKEN"]);
    expect(
      (await failure(h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn })))).name,
    ).toBe("ValidationException");
    const out = await h.sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        TargetId: PROD,
        TargetType: "AWS_ACCOUNT",
        PrincipalType: "GROUP",
        PrincipalId: id.group("Devs"),
      }),
    );
    expect(out.AccountAssignmentCreationStatus?.Status).toBe("IN_PROGRESS");
    h.emu.advance(100);
    const status = await h.sso.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: h.instanceArn,
        AccountAssignmentCreationRequestId: out.AccountAssignmentCreationStatus?.RequestId,
      }),
    );
    expect(status.AccountAssignmentCreationStatus).toMatchObject({
      Status: "FAILED",
      FailureReason: "Received a 500 status error: boom",
    });
  });

  it("can be kept to one service when two have an operation of the same name", async () => {
    await start({});
    const instanceArn = h.instanceArn;
    const arn = (await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn })))
      .PermissionSets?.[0];
    h.emu.addFaultRules({
      operation: "ListTagsForResource",
      service: "organizations",
      error: "AccessDeniedException",
      times: 0,
    });
    const sso = () =>
      outcome(h.sso.send(new SsoListTagsCommand({ InstanceArn: instanceArn, ResourceArn: arn })));
    const org = () => outcome(h.org.send(new OrgListTagsCommand({ ResourceId: PROD })));
    expect([await sso(), await org(), await sso()]).toEqual(["ok", "AccessDeniedException:400", "ok"]);
    expect(() => h.emu.addFaultRules({ operation: "X", service: "iam" as "sts", error: "E" })).toThrow(
      /"service" must be one of/,
    );
  });

  it("are set, listed and cleared over HTTP", async () => {
    await start({});
    const add = await fetch(`${h.emu.endpoint}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ operation: "ListPermissionSets", error: "InternalServerException", times: 2 }),
    });
    expect(add.status).toBe(200);
    const listed = (await (await fetch(`${h.emu.endpoint}/_emulator/faults`)).json()) as { rules: unknown[] };
    expect(listed.rules).toEqual([
      { operation: "ListPermissionSets", error: "InternalServerException", times: 2 },
    ]);
    const read = () => outcome(h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn })));
    expect([await read(), await read(), await read()]).toEqual([
      "InternalServerException:500",
      "InternalServerException:500",
      "ok",
    ]);
    const spec = await fetch(`${h.emu.endpoint}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ spec: "throttle=1" }),
    });
    expect(spec.status).toBe(200);
    expect(await read()).toBe("ThrottlingException:400");
    await fetch(`${h.emu.endpoint}/_emulator/faults`, { method: "DELETE" });
    expect(await read()).toBe("ok");
    const bad = await fetch(`${h.emu.endpoint}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ operation: "X" }),
    });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'a fault rule needs "error"' }]);
  });
});
