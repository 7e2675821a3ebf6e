import { describe, expect, it } from "vitest";
import { callerFromArn, readCaller } from "../../src/aws/read-caller.ts";
import { AwsError } from "../../src/model/errors.ts";
import type { CallerIdentity } from "../../src/model/live.ts";
import { withEmulator } from "./harness.ts";
import { PROD, smallSeed } from "./small-org.ts";

const ALICE =
  "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_Platform_Admin_0123456789abcdef/alice@example.com";

describe("who runs accessops", () => {
  it.each<[string, string, Omit<CallerIdentity, "arn" | "accountId">]>([
    [
      "an IAM Identity Center user: permission set (underscores kept) and user name",
      ALICE,
      { kind: "identity-center-user", permissionSet: "Platform_Admin", userName: "alice@example.com" },
    ],
    [
      "a CI role assumed through OIDC",
      "arn:aws:sts::222222222222:assumed-role/github-actions-accessops/GitHubActions",
      { kind: "other", permissionSet: null, userName: null },
    ],
    [
      "a role named like Identity Center's without its 16-hex-digit suffix",
      "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_Admin_xyz/alice",
      { kind: "other", permissionSet: null, userName: null },
    ],
    [
      "an IAM user",
      "arn:aws:iam::222222222222:user/deployer",
      { kind: "other", permissionSet: null, userName: null },
    ],
    ["root", "arn:aws:iam::222222222222:root", { kind: "other", permissionSet: null, userName: null }],
    [
      "a GovCloud Identity Center user",
      "arn:aws-us-gov:sts::222222222222:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/bob",
      { kind: "identity-center-user", permissionSet: "ReadOnly", userName: "bob" },
    ],
  ])("%s", (_, arn, expected) => {
    expect(callerFromArn(arn, "222222222222")).toEqual({ arn, accountId: "222222222222", ...expected });
  });

  it("is read with one STS call, riding out throttling", async () => {
    await withEmulator(
      { ...smallSeed, callerArn: ALICE.replace("222222222222", PROD) },
      async ({ ctx, emulator }) => {
        const caller = await readCaller(ctx);
        expect(caller).toMatchObject({
          accountId: PROD,
          kind: "identity-center-user",
          userName: "alice@example.com",
        });
        expect(emulator.calls()["sts:GetCallerIdentity"]).toMatchObject({ calls: 2, ok: 1, throttled: 1 });
        expect(ctx.limiter.stats().calls["sts:GetCallerIdentity"]).toBe(2);
      },
      { emulator: { faultRules: [{ operation: "GetCallerIdentity", error: "Throttling" }] } },
    );
  });

  it("fails with the operation named when STS refuses the credentials", async () => {
    await withEmulator(
      smallSeed,
      async ({ ctx }) => {
        const error = await readCaller(ctx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AwsError);
        expect(error).toMatchObject({ operation: "GetCallerIdentity", awsCode: "ExpiredToken" });
        expect((error as AwsError).detail).toMatch(/AWS rejected the credentials/);
      },
      { emulator: { faultRules: [{ operation: "GetCallerIdentity", error: "ExpiredToken" }] } },
    );
  });
});
