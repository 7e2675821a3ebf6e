import { type IdentitystoreClient, ListGroupsCommand, ListUsersCommand } from "@aws-sdk/client-identitystore";
import { ListAccountsCommand } from "@aws-sdk/client-organizations";
import { ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorOptions } from "../../src/emulator/index.ts";
import { failure, type Harness, harness } from "./helpers.ts";

let h: Harness;
afterEach(() => h.close());

async function outcomes(
  calls: Promise<unknown>[],
): Promise<{ ok: number; throttled: number; other: string[] }> {
  const settled = await Promise.allSettled(calls);
  const names = settled.map((s) => (s.status === "fulfilled" ? "ok" : (s.reason as Error).name));
  return {
    ok: names.filter((n) => n === "ok").length,
    throttled: names.filter((n) => n === "ThrottlingException" || n === "TooManyRequestsException").length,
    other: names.filter((n) => n !== "ok" && n !== "ThrottlingException" && n !== "TooManyRequestsException"),
  };
}

const manual = (options: EmulatorOptions = {}) => harness({ clock: "manual", ...options });
const listPermissionSets = () => h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }));

describe("sso-admin rate limit (20 calls/s shared, burst 20)", () => {
  it("throttles a burst of 100 calls beyond the bucket with 'Rate exceeded', whatever the operation", async () => {
    h = await manual();
    const burst = await outcomes(
      Array.from({ length: 100 }, (_, i) =>
        i % 2 === 0 ? listPermissionSets() : h.sso.send(new ListInstancesCommand({})),
      ),
    );
    expect(burst).toEqual({ ok: 20, throttled: 80, other: [] });
    const error = await failure(listPermissionSets());
    expect([error.name, error.message, error.$metadata?.httpStatusCode]).toEqual([
      "ThrottlingException",
      "Rate exceeded",
      400,
    ]);
    const calls = h.emu.calls();
    expect(
      (calls["sso-admin:ListPermissionSets"]?.throttled ?? 0) +
        (calls["sso-admin:ListInstances"]?.throttled ?? 0),
    ).toBe(81);
  });

  it("never throttles a run paced at the rate", async () => {
    h = await manual();
    for (let i = 0; i < 100; i++) {
      await listPermissionSets();
      h.emu.advance(1000 / 20);
    }
    expect(h.emu.calls()["sso-admin:ListPermissionSets"]).toMatchObject({
      calls: 100,
      ok: 100,
      throttled: 0,
    });
  });

  it("partly throttles a real-clock burst of 100 concurrent calls", async () => {
    h = await harness();
    const burst = await outcomes(Array.from({ length: 100 }, () => listPermissionSets()));
    expect(burst.other).toEqual([]);
    expect(burst.ok).toBeGreaterThanOrEqual(20);
    expect(burst.throttled).toBeGreaterThan(0);
  });

  it("multiplies the rate by the time scale and takes configured limits", async () => {
    h = await manual({ timeScale: 2, limits: { ssoAdminRatePerSecond: 10, ssoAdminBurst: 5 } });
    expect(await outcomes(Array.from({ length: 6 }, () => listPermissionSets()))).toEqual({
      ok: 5,
      throttled: 1,
      other: [],
    });
    h.emu.advance(49);
    expect((await failure(listPermissionSets())).name).toBe("ThrottlingException");
    h.emu.advance(1);
    await listPermissionSets();
  });

  it("counts the SDK's retries of a throttled call", async () => {
    h = await manual({ limits: { ssoAdminRatePerSecond: 1, ssoAdminBurst: 1 } });
    await listPermissionSets();
    const retrying = new SSOAdminClient({
      region: "us-east-1",
      endpoint: h.emu.endpoint,
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      maxAttempts: 2,
    });
    try {
      const error = await failure(
        retrying.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn })),
      );
      expect(error.name).toBe("ThrottlingException");
    } finally {
      retrying.destroy();
    }
    expect(h.emu.calls()["sso-admin:ListPermissionSets"]).toMatchObject({
      calls: 3,
      ok: 1,
      throttled: 2,
      retries: 1,
    });
  });
});

describe("identitystore and organizations rate limits", () => {
  it("gives each identitystore operation its own 20/s bucket", async () => {
    h = await manual();
    const store = { IdentityStoreId: h.identityStoreId };
    const ids: IdentitystoreClient = h.ids;
    const groups = await outcomes(Array.from({ length: 25 }, () => ids.send(new ListGroupsCommand(store))));
    const users = await outcomes(Array.from({ length: 20 }, () => ids.send(new ListUsersCommand(store))));
    expect([groups, users]).toEqual([
      { ok: 20, throttled: 5, other: [] },
      { ok: 20, throttled: 0, other: [] },
    ]);
  });

  it("throttles organizations at 10/s with TooManyRequestsException", async () => {
    h = await manual();
    const burst = await outcomes(Array.from({ length: 15 }, () => h.org.send(new ListAccountsCommand({}))));
    expect(burst).toEqual({ ok: 10, throttled: 5, other: [] });
    expect((await failure(h.org.send(new ListAccountsCommand({})))).name).toBe("TooManyRequestsException");
  });
});
