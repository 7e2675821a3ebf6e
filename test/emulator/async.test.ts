import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  UpdatePermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorOptions } from "../../src/emulator/index.ts";
import { DEV, manyAccounts, PROD, SUSPENDED, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids, sleep, until } from "./helpers.ts";

const LATENCY = 100;
let h: Harness;
afterEach(() => h.close());

async function start(options: EmulatorOptions = {}): Promise<ReturnType<typeof ids>> {
  h = await harness({
    seed: smallSeed(),
    clock: "manual",
    latencyMs: LATENCY,
    latencySigma: 0,
    limits: UNTHROTTLED,
    ...options,
  });
  return ids(h.emu);
}

const assignment = (
  permissionSetArn: string,
  accountId: string,
  principalId: string,
  type: "GROUP" | "USER" = "GROUP",
) => ({
  InstanceArn: h.instanceArn,
  PermissionSetArn: permissionSetArn,
  TargetId: accountId,
  TargetType: "AWS_ACCOUNT" as const,
  PrincipalType: type,
  PrincipalId: principalId,
});

async function create(
  psArn: string,
  accountId: string,
  principalId: string,
  type: "GROUP" | "USER" = "GROUP",
) {
  const out = await h.sso.send(
    new CreateAccountAssignmentCommand(assignment(psArn, accountId, principalId, type)),
  );
  return out.AccountAssignmentCreationStatus?.RequestId ?? "";
}

async function creation(requestId: string) {
  const out = await h.sso.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: h.instanceArn,
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return out.AccountAssignmentCreationStatus;
}

async function listed(psArn: string, accountId: string): Promise<string[]> {
  const out = await h.sso.send(
    new ListAccountAssignmentsCommand({
      InstanceArn: h.instanceArn,
      PermissionSetArn: psArn,
      AccountId: accountId,
    }),
  );
  return (out.AccountAssignments ?? []).map((a) => `${a.PrincipalType}:${a.PrincipalId}`);
}

async function provisionedTo(psArn: string): Promise<string[]> {
  const out = await h.sso.send(
    new ListAccountsForProvisionedPermissionSetCommand({
      InstanceArn: h.instanceArn,
      PermissionSetArn: psArn,
    }),
  );
  return out.AccountIds ?? [];
}

describe("assignment lifecycle", () => {
  it("is IN_PROGRESS, invisible until SUCCEEDED, then listed; the first assignment provisions the permission set", async () => {
    const id = await start();
    const requestId = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    expect((await creation(requestId))?.Status).toBe("IN_PROGRESS");
    expect(await listed(id.ps("ReadOnly"), DEV)).toEqual([]);
    expect(await provisionedTo(id.ps("ReadOnly"))).toEqual([]);
    h.emu.advance(LATENCY - 1);
    expect((await creation(requestId))?.Status).toBe("IN_PROGRESS");
    h.emu.advance(1);
    const done = await creation(requestId);
    expect(done).toMatchObject({
      Status: "SUCCEEDED",
      TargetId: DEV,
      TargetType: "AWS_ACCOUNT",
      PrincipalType: "GROUP",
      PrincipalId: id.group("Devs"),
    });
    expect(done?.FailureReason).toBeUndefined();
    expect(await listed(id.ps("ReadOnly"), DEV)).toEqual([`GROUP:${id.group("Devs")}`]);
    expect(await provisionedTo(id.ps("ReadOnly"))).toEqual([DEV]);
    const forPrincipal = await h.sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: h.instanceArn,
        PrincipalId: id.group("Devs"),
        PrincipalType: "GROUP",
      }),
    );
    expect(forPrincipal.AccountAssignments).toEqual([
      {
        AccountId: DEV,
        PermissionSetArn: id.ps("ReadOnly"),
        PrincipalType: "GROUP",
        PrincipalId: id.group("Devs"),
      },
    ]);
  });

  it("re-creating an existing assignment succeeds with a new request and no duplicate", async () => {
    const id = await start();
    const again = await create(id.ps("Admin"), PROD, id.group("Admins"));
    h.emu.advance(LATENCY);
    expect((await creation(again))?.Status).toBe("SUCCEEDED");
    expect(await listed(id.ps("Admin"), PROD)).toEqual([`GROUP:${id.group("Admins")}`]);
  });

  it("deleting a missing assignment is ResourceNotFoundException", async () => {
    const id = await start();
    const error = await failure(
      h.sso.send(new DeleteAccountAssignmentCommand(assignment(id.ps("Admin"), DEV, id.group("Admins")))),
    );
    expect(error.name).toBe("ResourceNotFoundException");
  });

  it("removing the last assignment deprovisions after the deletion succeeds; DeletePermissionSet conflicts until then", async () => {
    const id = await start();
    const admin = id.ps("Admin");
    const out = await h.sso.send(
      new DeleteAccountAssignmentCommand(assignment(admin, PROD, id.group("Admins"))),
    );
    const requestId = out.AccountAssignmentDeletionStatus?.RequestId;
    expect(out.AccountAssignmentDeletionStatus?.Status).toBe("IN_PROGRESS");
    const inUse = await failure(
      h.sso.send(new DeletePermissionSetCommand({ InstanceArn: h.instanceArn, PermissionSetArn: admin })),
    );
    expect(inUse.name).toBe("ConflictException");
    h.emu.advance(LATENCY);
    const deleted = await h.sso.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: h.instanceArn,
        AccountAssignmentDeletionRequestId: requestId,
      }),
    );
    expect(deleted.AccountAssignmentDeletionStatus?.Status).toBe("SUCCEEDED");
    expect(await listed(admin, PROD)).toEqual([]);
    expect(await provisionedTo(admin)).toEqual([PROD]);
    const deprovisioning = await failure(
      h.sso.send(new DeletePermissionSetCommand({ InstanceArn: h.instanceArn, PermissionSetArn: admin })),
    );
    expect([deprovisioning.name, deprovisioning.message]).toEqual([
      "ConflictException",
      "Could not delete because PermissionSet has ApplicationProfile associated with it.",
    ]);
    const recreate = await failure(
      h.sso.send(new CreateAccountAssignmentCommand(assignment(admin, PROD, id.group("Admins")))),
    );
    expect([recreate.name, recreate.message]).toEqual([
      "ConflictException",
      "There is a conflicting operation in process.",
    ]);
    h.emu.advance(LATENCY);
    expect(await provisionedTo(admin)).toEqual([]);
    await h.sso.send(new DeletePermissionSetCommand({ InstanceArn: h.instanceArn, PermissionSetArn: admin }));
  });

  it("lists the creation and deletion history by status, so a restarted client finds what is in progress", async () => {
    const id = await start();
    const first = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    h.emu.advance(LATENCY);
    const second = await create(id.ps("ReadOnly"), PROD, id.group("Devs"));
    const inProgress = await h.sso.send(
      new ListAccountAssignmentCreationStatusCommand({
        InstanceArn: h.instanceArn,
        Filter: { Status: "IN_PROGRESS" },
      }),
    );
    expect(inProgress.AccountAssignmentsCreationStatus?.map((s) => s.RequestId)).toEqual([second]);
    const succeeded = await h.sso.send(
      new ListAccountAssignmentCreationStatusCommand({
        InstanceArn: h.instanceArn,
        Filter: { Status: "SUCCEEDED" },
      }),
    );
    expect(succeeded.AccountAssignmentsCreationStatus?.map((s) => s.RequestId)).toEqual([first]);
    const deletions = await h.sso.send(
      new ListAccountAssignmentDeletionStatusCommand({ InstanceArn: h.instanceArn }),
    );
    expect(deletions.AccountAssignmentsDeletionStatus).toEqual([]);
  });

  it("shows a finished assignment only after the read-after-write lag", async () => {
    const id = await start({ faults: { lag: 500 } });
    const requestId = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    h.emu.advance(LATENCY);
    expect((await creation(requestId))?.Status).toBe("SUCCEEDED");
    expect(await listed(id.ps("ReadOnly"), DEV)).toEqual([]);
    h.emu.advance(499);
    expect(await listed(id.ps("ReadOnly"), DEV)).toEqual([]);
    h.emu.advance(1);
    expect(await listed(id.ps("ReadOnly"), DEV)).toHaveLength(1);
  });

  it("divides latencies by the time scale", async () => {
    const id = await start({ timeScale: 10 });
    const requestId = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    h.emu.advance(LATENCY / 10);
    expect((await creation(requestId))?.Status).toBe("SUCCEEDED");
  });
});

describe("on the real clock", () => {
  it("finishes an operation after its latency, and a reset cancels pending work", async () => {
    h = await harness({ seed: smallSeed(), latencyMs: 5, limits: UNTHROTTLED });
    const id = ids(h.emu);
    const requestId = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    await until(async () => (await creation(requestId))?.Status === "SUCCEEDED");
    expect(await listed(id.ps("ReadOnly"), DEV)).toEqual([`GROUP:${id.group("Devs")}`]);
    await create(id.ps("ReadOnly"), PROD, id.group("Devs"));
    h.emu.reset();
    await sleep(30);
    expect(await listed(id.ps("ReadOnly"), PROD)).toEqual([]);
    expect(h.emu.state().assignments).toEqual([{ account: PROD, permissionSet: "Admin", group: "Admins" }]);
    expect(h.emu.asyncStats().assignmentOperations.inFlight).toBe(0);
  });
});

describe("failures", () => {
  it.each([
    [
      "a suspended account",
      SUSPENDED,
      "Obtaining permissions to manage your AWS account '444444444444' takes longer than usual",
    ],
    [
      "an account outside the organisation",
      "999999999999",
      "Account 999999999999 is not a member of the organization",
    ],
  ])(
    "an assignment to %s ends FAILED with AWS's reason and is not created",
    async (_what, account, reason) => {
      const id = await start();
      const requestId = await create(id.ps("ReadOnly"), account, id.group("Devs"));
      h.emu.advance(LATENCY);
      const status = await creation(requestId);
      expect(status?.Status).toBe("FAILED");
      expect(status?.FailureReason).toContain(reason);
      expect(await listed(id.ps("ReadOnly"), account)).toEqual([]);
    },
  );

  it("an assignment to a principal missing from the identity store ends FAILED", async () => {
    const id = await start();
    const requestId = await create(id.ps("ReadOnly"), DEV, "0f0e0d0c-0b0a-4908-8706-050403020100", "USER");
    h.emu.advance(LATENCY);
    expect((await creation(requestId))?.FailureReason).toMatch(
      /User 0f0e0d0c-.* does not exist in identity store/,
    );
  });

  it("a customer-managed policy missing from the account makes provisioning FAILED; a present one does not", async () => {
    const id = await start();
    const readOnly = id.ps("ReadOnly");
    await h.sso.send(
      new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: readOnly,
        CustomerManagedPolicyReference: { Name: "Guardrails" },
      }),
    );
    const ok = await create(readOnly, PROD, id.group("Devs"));
    h.emu.advance(LATENCY);
    expect((await creation(ok))?.Status).toBe("SUCCEEDED");
    await h.sso.send(
      new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: readOnly,
        CustomerManagedPolicyReference: { Name: "Missing", Path: "/x/" },
      }),
    );
    const provision = await h.sso.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: readOnly,
        TargetType: "ALL_PROVISIONED_ACCOUNTS",
      }),
    );
    h.emu.advance(LATENCY);
    const status = await h.sso.send(
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: h.instanceArn,
        ProvisionPermissionSetRequestId: provision.PermissionSetProvisioningStatus?.RequestId,
      }),
    );
    expect(status.PermissionSetProvisioningStatus?.Status).toBe("FAILED");
    expect(status.PermissionSetProvisioningStatus?.FailureReason).toBe(
      "Received a 404 status error: Policy arn:aws:iam::222222222222:policy/x/Missing does not exist or is not attachable.",
    );
    const stale = await h.sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: readOnly,
        ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED",
      }),
    );
    expect(stale.AccountIds).toEqual([PROD]);
  });

  it("a permission set with more policies than IAM allows on a role fails to provision", async () => {
    const id = await start({ limits: { ...UNTHROTTLED, policiesPerRole: 2 } });
    for (const name of ["A", "B"]) {
      await h.sso.send(
        new AttachManagedPolicyToPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: id.ps("Admin"),
          ManagedPolicyArn: `arn:aws:iam::aws:policy/${name}`,
        }),
      );
    }
    const requestId = await create(id.ps("Admin"), DEV, id.group("Admins"));
    h.emu.advance(LATENCY);
    expect((await creation(requestId))?.FailureReason).toBe(
      "Received a 409 status error: Cannot exceed quota for PoliciesPerRole: 2",
    );
  });
});

describe("conflicts and limits", () => {
  it("overlapping operations on one (account, permission set) conflict; other pairs do not", async () => {
    const id = await start();
    await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    const error = await failure(
      h.sso.send(new CreateAccountAssignmentCommand(assignment(id.ps("ReadOnly"), DEV, id.group("Admins")))),
    );
    expect([error.name, error.message]).toEqual([
      "ConflictException",
      "There is a conflicting operation in process.",
    ]);
    await create(id.ps("ReadOnly"), PROD, id.group("Admins"));
    const provision = await failure(
      h.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: id.ps("ReadOnly"),
          TargetType: "AWS_ACCOUNT",
          TargetId: DEV,
        }),
      ),
    );
    expect(provision.name).toBe("ConflictException");
    expect(h.emu.calls()["sso-admin:CreateAccountAssignment"]).toMatchObject({
      calls: 3,
      ok: 2,
      conflicts: 1,
    });
  });

  it("a permission set cannot change while it is being provisioned", async () => {
    const id = await start();
    await h.sso.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        TargetType: "ALL_PROVISIONED_ACCOUNTS",
      }),
    );
    const error = await failure(
      h.sso.send(
        new PutInlinePolicyToPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: id.ps("Admin"),
          InlinePolicy: "{}",
        }),
      ),
    );
    expect(error.name).toBe("ConflictException");
    h.emu.advance(LATENCY);
    await h.sso.send(
      new PutInlinePolicyToPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        InlinePolicy: "{}",
      }),
    );
  });

  it("allows 15 outstanding assignment operations, creations and deletions together", async () => {
    h = await harness({
      seed: {
        ...smallSeed(),
        accounts: manyAccounts(20),
        assignments: [{ account: "100000000019", permissionSet: "Admin", group: "Admins" }],
      },
      clock: "manual",
      latencyMs: LATENCY,
      latencySigma: 0,
      limits: UNTHROTTLED,
    });
    const id = ids(h.emu);
    for (let i = 0; i < 14; i++)
      await create(id.ps("ReadOnly"), String(100_000_000_000 + i), id.group("Devs"));
    await h.sso.send(
      new DeleteAccountAssignmentCommand(assignment(id.ps("Admin"), "100000000019", id.group("Admins"))),
    );
    const error = await failure(
      h.sso.send(
        new CreateAccountAssignmentCommand(assignment(id.ps("ReadOnly"), "100000000015", id.group("Devs"))),
      ),
    );
    expect([error.name, error.message]).toEqual([
      "ThrottlingException",
      "There are too many requests processing. Please try again later.",
    ]);
    expect(h.emu.asyncStats().assignmentOperations).toMatchObject({
      inFlight: 15,
      peakInFlight: 15,
      started: 15,
    });
    h.emu.advance(LATENCY);
    await create(id.ps("ReadOnly"), "100000000015", id.group("Devs"));
    expect(h.emu.calls()["sso-admin:CreateAccountAssignment"]).toMatchObject({ throttled: 1 });
  });

  it("allows 3 concurrent provisionings", async () => {
    await start();
    const names = ["P1", "P2", "P3", "P4"];
    const arns: string[] = [];
    for (const Name of names) {
      const out = await h.sso.send(new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name }));
      arns.push(out.PermissionSet?.PermissionSetArn ?? "");
    }
    for (const arn of arns.slice(0, 3)) {
      await h.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: arn,
          TargetType: "AWS_ACCOUNT",
          TargetId: DEV,
        }),
      );
    }
    const error = await failure(
      h.sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: h.instanceArn,
          PermissionSetArn: arns[3],
          TargetType: "AWS_ACCOUNT",
          TargetId: PROD,
        }),
      ),
    );
    expect(error.name).toBe("ThrottlingException");
  });

  it("runs role updates in one account one at a time", async () => {
    const id = await start();
    const first = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    const second = await create(id.ps("Admin"), DEV, id.group("Admins"));
    h.emu.advance(LATENCY);
    expect([(await creation(first))?.Status, (await creation(second))?.Status]).toEqual([
      "SUCCEEDED",
      "IN_PROGRESS",
    ]);
    h.emu.advance(LATENCY);
    expect((await creation(second))?.Status).toBe("SUCCEEDED");
    const provisioned = await h.sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: h.instanceArn, AccountId: DEV }),
    );
    expect(provisioned.PermissionSets?.sort()).toEqual([id.ps("Admin"), id.ps("ReadOnly")].sort());
  });

  it("an edit marks every copy stale until ProvisionPermissionSet, and a new assignment does not refresh a stale copy", async () => {
    const id = await start();
    await h.sso.send(
      new UpdatePermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        SessionDuration: "PT2H",
      }),
    );
    const requestId = await create(id.ps("Admin"), PROD, id.group("Devs"));
    h.emu.advance(LATENCY);
    expect((await creation(requestId))?.Status).toBe("SUCCEEDED");
    const stale = await h.sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("Admin"),
        ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED",
      }),
    );
    expect(stale.AccountIds).toEqual([PROD]);
  });
});

describe("write log and statistics", () => {
  it("logs every accepted write once, in order, and no refused one", async () => {
    const id = await start();
    const requestId = await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    await failure(
      h.sso.send(new CreateAccountAssignmentCommand(assignment(id.ps("ReadOnly"), DEV, id.group("Admins")))),
    );
    await h.sso.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: h.instanceArn,
        PermissionSetArn: id.ps("ReadOnly"),
        AccountId: DEV,
      }),
    );
    const writes = h.emu.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      seq: 1,
      service: "sso-admin",
      operation: "CreateAccountAssignment",
      operationId: requestId,
      params: {
        TargetId: DEV,
        PermissionSetArn: id.ps("ReadOnly"),
        PrincipalType: "GROUP",
        PrincipalId: id.group("Devs"),
      },
    });
  });

  it("reports peak and time-averaged in-flight assignment operations, resettable", async () => {
    const id = await start();
    h.emu.resetStats();
    await create(id.ps("ReadOnly"), DEV, id.group("Devs"));
    await create(id.ps("ReadOnly"), PROD, id.group("Devs"));
    h.emu.advance(LATENCY);
    h.emu.advance(LATENCY);
    const stats = h.emu.asyncStats();
    expect(stats.windowMs).toBe(2 * LATENCY);
    expect(stats.assignmentOperations).toMatchObject({
      inFlight: 0,
      peakInFlight: 2,
      started: 2,
      succeeded: 2,
      failed: 0,
    });
    expect(stats.assignmentOperations.meanInFlight).toBeCloseTo(1, 5);
    h.emu.resetStats();
    expect(h.emu.asyncStats().assignmentOperations).toMatchObject({ peakInFlight: 0, started: 0 });
    expect(h.emu.writes()).toEqual([]);
  });
});
