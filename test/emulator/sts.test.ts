import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import {
  type PolicyDocument,
  type RunningEmulator,
  type Seed,
  startEmulator,
} from "../../src/emulator/index.ts";
import { failure } from "./helpers.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** STS GetCallerIdentity through the real SDK client (awsQuery protocol: form in, XML out). */

const IC_USER =
  "arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/alice@example.com";
const ACCOUNTS: Seed["accounts"] = [
  { id: "111111111111", name: "management" },
  { id: "222222222222", name: "prod" },
];

let emu: RunningEmulator | null = null;
let sts: STSClient | null = null;
afterEach(async () => {
  sts?.destroy();
  await emu?.stop();
  emu = null;
  sts = null;
});

async function client(seed: Seed, options: Parameters<typeof startEmulator>[0] = {}): Promise<STSClient> {
  emu = await startEmulator({ seed, latencyMs: 0, ...options });
  sts = new STSClient({
    region: "us-east-1",
    endpoint: emu.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return sts;
}

describe("STS GetCallerIdentity", () => {
  it.each<[string, Seed, { Arn: string; Account: string; UserId: RegExp }]>([
    [
      "an assumed role in the management account by default",
      {},
      {
        Arn: "arn:aws:sts::111111111111:assumed-role/accessops/emulator",
        Account: "111111111111",
        UserId: /^AROA[A-Z0-9]{17}:emulator$/,
      },
    ],
    [
      "the seed's IAM Identity Center user, in the account of its ARN",
      { accounts: ACCOUNTS, callerArn: IC_USER },
      { Arn: IC_USER, Account: "222222222222", UserId: /^AROA[A-Z0-9]{17}:alice@example\.com$/ },
    ],
    [
      "an IAM user",
      { callerArn: "arn:aws:iam::111111111111:user/ci/deployer" },
      { Arn: "arn:aws:iam::111111111111:user/ci/deployer", Account: "111111111111", UserId: /^AIDA/ },
    ],
  ])("answers %s", async (_, seed, expected) => {
    const out = await (await client(seed)).send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe(expected.Arn);
    expect(out.Account).toBe(expected.Account);
    expect(out.UserId).toMatch(expected.UserId);
    expect(emu?.calls()["sts:GetCallerIdentity"]).toMatchObject({ calls: 1, ok: 1 });
  });

  it("cannot be denied by a policy, as on AWS", async () => {
    const deny: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*" }] };
    const out = await (await client({}, { policy: deny })).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe("111111111111");
  });

  it("answers injected faults in STS's own error format", async () => {
    const c = await client({});
    emu?.addFaultRules({ operation: "GetCallerIdentity", error: "ExpiredToken", message: "expired" });
    const error = await failure(c.send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe("ExpiredToken");
    expect(error.message).toBe("expired");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    emu?.setFaults({ server: 1 });
    const server = await failure(c.send(new GetCallerIdentityCommand({})));
    expect(server.name).toBe("InternalFailure");
    expect(server.$metadata?.httpStatusCode).toBe(500);
    emu?.setFaults({ throttle: 1 });
    expect((await failure(c.send(new GetCallerIdentityCommand({})))).name).toBe("Throttling");
    expect(emu?.calls()["sts:GetCallerIdentity"]).toMatchObject({ calls: 3, throttled: 1, errors: 2 });
  });
});
