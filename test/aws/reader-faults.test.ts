import { readFileSync } from "node:fs";
import { ListGroupsCommand, ListUsersCommand } from "@aws-sdk/client-identitystore";
import { describe, expect, it } from "vitest";
import type { AwsContext } from "../../src/aws/clients.ts";
import { type ReadRequest, readRequestFor } from "../../src/aws/read-request.ts";
import { type ReadResult, readLive } from "../../src/aws/reader.ts";
import type { FaultRule, PolicyDocument, Seed } from "../../src/emulator/index.ts";
import { AwsError } from "../../src/model/errors.ts";
import type { Live } from "../../src/model/live.ts";
import { config, decl } from "../plan/builders.ts";
import { generateOrg } from "./generated-org.ts";
import { withEmulator } from "./harness.ts";
import { smallConfig, smallSeed } from "./small-org.ts";

/** An identity store of 350 groups and 350 users: four pages each. */
const bigStore = generateOrg({
  accounts: 4,
  ous: 1,
  groups: 350,
  users: 350,
  permissionSets: 3,
  declaredSets: 1,
  ownedUndeclaredSets: 0,
  managedGroups: 0,
  bigGroupMembers: 0,
  assignmentsPerGroup: 1,
}).seed;

/** The last group and user the listings return (their order is AWS's business, not ours). */
async function lastListed(
  ctx: AwsContext,
  identityStoreId: string,
): Promise<{ group: string; user: string }> {
  let group = "";
  let user = "";
  let token: string | undefined;
  do {
    const out = await ctx.identityStore.send(
      new ListGroupsCommand({ IdentityStoreId: identityStoreId, NextToken: token }),
    );
    group = out.Groups?.at(-1)?.DisplayName ?? group;
    token = out.NextToken;
  } while (token);
  do {
    const out = await ctx.identityStore.send(
      new ListUsersCommand({ IdentityStoreId: identityStoreId, NextToken: token }),
    );
    user = out.Users?.at(-1)?.UserName ?? user;
    token = out.NextToken;
  } while (token);
  return { group, user };
}

/** A targeted request for one group and one user of the big store. */
const lookUp = (wanted: { group: string; user: string }): ReadRequest =>
  readRequestFor(
    config({ users: [decl.user(wanted.user)], groups: [decl.group(wanted.group, { external: true })] }),
    { refresh: "targeted" },
  );

describe("targeted principal lookups", () => {
  it("lists a page or two, then looks the rest up by name", async () => {
    await withEmulator(bigStore, async ({ ctx, emulator }) => {
      const wanted = await lastListed(ctx, emulator.identityStoreId);
      const { live, stats } = await readLive(ctx, lookUp(wanted));
      expect(live.state.has(`group/${wanted.group}`)).toBe(true);
      expect(live.state.has(`user/${wanted.user}`)).toBe(true);
      expect(live.coverage.allPrincipals).toBe(false);
      expect(stats.calls).toMatchObject({
        "identitystore:ListGroups": 2,
        "identitystore:GetGroupId": 1,
        "identitystore:DescribeGroup": 1,
        "identitystore:ListUsers": 2,
        "identitystore:GetUserId": 1,
        "identitystore:DescribeUser": 1,
      });
    });
  });

  it("keeps listing when GetGroupId is unavailable (Active Directory identity source)", async () => {
    await withEmulator({ ...bigStore, identitySource: "active-directory" }, async ({ ctx, emulator }) => {
      const wanted = await lastListed(ctx, emulator.identityStoreId);
      const { live, stats } = await readLive(ctx, lookUp(wanted));
      expect(live.state.get(`group/${wanted.group}`)).toMatchObject({ kind: "group", name: wanted.group });
      expect(live.state.has(`user/${wanted.user}`)).toBe(true);
      expect(live.idpGroups).toContain(wanted.group);
      expect(live.coverage.allPrincipals).toBe(true);
      expect(stats.calls).toMatchObject({
        "identitystore:ListGroups": 4,
        "identitystore:GetGroupId": 1,
        "identitystore:ListUsers": 4,
        "identitystore:GetUserId": 1,
      });
      expect(stats.calls["identitystore:DescribeGroup"]).toBeUndefined();
    });
  });

  it("lists the users rather than describing a big group's undeclared members one by one", async () => {
    const { seed } = generateOrg({
      accounts: 4,
      ous: 1,
      groups: 20,
      users: 350,
      permissionSets: 2,
      declaredSets: 1,
      ownedUndeclaredSets: 0,
      managedGroups: 1,
      bigGroupMembers: 150,
      assignmentsPerGroup: 1,
    });
    const request = readRequestFor(config({ groups: [decl.group("group-000")] }), { refresh: "targeted" });
    await withEmulator(seed, async ({ ctx }) => {
      const { live, stats } = await readLive(ctx, request);
      expect([...live.state.keys()].filter((a) => a.startsWith("membership/group-000/"))).toHaveLength(150);
      expect(stats.calls["identitystore:ListUsers"]).toBe(4);
      expect(stats.calls["identitystore:DescribeUser"]).toBeUndefined();
    });
  });

  it("finds a name that does not exist as absent, not as an error", async () => {
    await withEmulator(bigStore, async ({ ctx }) => {
      const { live } = await readLive(ctx, lookUp({ group: "no-such-group", user: "nobody@example.com" }));
      expect(live.state.has("group/no-such-group")).toBe(false);
      expect(live.ids.users["nobody@example.com"]).toBeUndefined();
    });
  });
});

const full = readRequestFor(smallConfig, { refresh: "full" });
const view = (live: Live) => ({
  ...live,
  state: Object.fromEntries([...live.state].sort(([a], [b]) => (a < b ? -1 : 1))),
});

function cleanRead(seed: Seed, request: ReadRequest): Promise<ReadResult> {
  return withEmulator(seed, ({ ctx }) => readLive(ctx, request));
}

describe("a read that fails part way is an error", () => {
  it.each<[string, Seed, FaultRule, Partial<AwsError>, RegExp]>([
    [
      "access denied after the first principal (not the delegated-administrator case)",
      smallSeed,
      { operation: "ListAccountAssignmentsForPrincipal", error: "AccessDeniedException", afterCalls: 1 },
      { operation: "ListAccountAssignmentsForPrincipal", awsCode: "AccessDeniedException" },
      /plan-role-policy\.json/,
    ],
    [
      "an invalid page token in the middle of a listing",
      bigStore,
      { operation: "ListUsers", error: "InvalidNextToken", afterCalls: 1 },
      { operation: "ListUsers", awsCode: "ValidationException", address: "identity store" },
      /page token/,
    ],
    [
      "organizations refusing an OU listing",
      smallSeed,
      { operation: "ListAccountsForParent", error: "AccessDeniedException", afterCalls: 2 },
      { operation: "ListAccountsForParent", awsCode: "AccessDeniedException" },
      /organizations:ListAccountsForParent/,
    ],
    [
      "an account that is not in an organization",
      smallSeed,
      { operation: "DescribeOrganization", error: "AWSOrganizationsNotInUseException" },
      { operation: "DescribeOrganization", awsCode: "AWSOrganizationsNotInUseException" },
      /management account or of the delegated administrator/,
    ],
  ])("%s", async (_, seed, rule, expected, advice) => {
    await withEmulator(
      seed,
      async ({ ctx }) => {
        const error = await readLive(ctx, full).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AwsError);
        expect(error).toMatchObject(expected);
        expect((error as AwsError).detail).toMatch(advice);
      },
      { emulator: { faultRules: [rule] } },
    );
  });

  it("gives up on a server error that lasts past the deadline, naming the group", async () => {
    await withEmulator(
      smallSeed,
      async ({ ctx }) => {
        const error = await readLive(ctx, full).catch((e: unknown) => e);
        expect(error).toMatchObject({
          operation: "ListGroupMemberships",
          address: "group/Platform-Admins",
          awsCode: "InternalServerException",
        });
        expect((error as AwsError).detail).toMatch(/kept failing/);
        expect(ctx.limiter.stats().retries["identitystore:ListGroupMemberships"]).toBeGreaterThan(0);
      },
      {
        emulator: {
          faultRules: [{ operation: "ListGroupMemberships", error: "InternalServerException", times: 0 }],
        },
        connection: { retry: { deadlineMs: 300 } },
      },
    );
  });

  it("rides out passing throttling and server errors with the same result", async () => {
    const { live: expected } = await cleanRead(smallSeed, full);
    const rules: FaultRule[] = [
      { operation: "ListPermissionSets", error: "InternalServerException" },
      { operation: "DescribePermissionSet", error: "ThrottlingException", afterCalls: 2, times: 2 },
      { operation: "ListAccountsForParent", error: "ServiceException", afterCalls: 1 },
      { operation: "ListUsers", error: "ThrottlingException" },
    ];
    await withEmulator(
      smallSeed,
      async ({ ctx }) => {
        const { live, stats } = await readLive(ctx, full);
        expect(view(live)).toEqual(view(expected));
        expect(stats.totalThrottled).toBe(3);
        expect(stats.totalRetries).toBe(5);
      },
      { emulator: { faultRules: rules } },
    );
  });
});

describe("after a failure", () => {
  it("stops reading instead of spending the quota on a result nobody will use", async () => {
    const { seed, config: cfg } = generateOrg({
      accounts: 20,
      ous: 4,
      groups: 50,
      users: 40,
      permissionSets: 30,
      declaredSets: 15,
      ownedUndeclaredSets: 0,
      managedGroups: 20,
      bigGroupMembers: 10,
      assignmentsPerGroup: 2,
    });
    const request = readRequestFor(cfg, { refresh: "full" });
    const clean = await cleanRead(seed, request);
    await withEmulator(
      seed,
      async ({ ctx, emulator }) => {
        const served = () => Object.values(emulator.calls()).reduce((n, s) => n + s.calls, 0);
        await expect(readLive(ctx, request)).rejects.toMatchObject({ operation: "ListAccountsForParent" });
        // Let the calls already on the wire land, then count.
        for (let before = -1; before !== served(); ) {
          before = served();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(served()).toBeLessThan(clean.stats.totalCalls / 2);
      },
      {
        emulator: {
          faultRules: [{ operation: "ListAccountsForParent", error: "AccessDeniedException", afterCalls: 1 }],
        },
      },
    );
  });
});

describe("paging", () => {
  it("reads the same state through short and empty pages", async () => {
    const { seed, config: cfg } = generateOrg({
      accounts: 45,
      ous: 2,
      groups: 130,
      users: 160,
      permissionSets: 12,
      declaredSets: 6,
      ownedUndeclaredSets: 2,
      managedGroups: 3,
      bigGroupMembers: 140,
      assignmentsPerGroup: 2,
    });
    const request = readRequestFor(cfg, { refresh: "full" });
    const clean = await cleanRead(seed, request);
    await withEmulator(
      seed,
      async ({ ctx }) => {
        const { live, stats } = await readLive(ctx, request);
        expect(view(live)).toEqual(view(clean.live));
        // Short pages happened: more pages than the clean listings needed.
        expect(stats.totalCalls).toBeGreaterThan(clean.stats.totalCalls);
      },
      { emulator: { faults: { shortpage: 0.7 }, randomSeed: 7 } },
    );
  });
});

describe("pacing at AWS's own rates", () => {
  it("meets no throttling from strict quotas at time scale 1", async () => {
    await withEmulator(
      smallSeed,
      async ({ ctx, emulator }) => {
        const { stats } = await readLive(ctx, full);
        expect(stats.totalThrottled).toBe(0);
        expect(Object.values(emulator.calls()).reduce((n, s) => n + s.throttled, 0)).toBe(0);
        expect(stats.totalCalls).toBeGreaterThan(20);
      },
      {
        timeScale: 1,
        // Buckets that hold almost no burst: only pacing keeps the read under them.
        emulator: { limits: { ssoAdminBurst: 3, identityStoreBurst: 3, organizationsBurst: 3 } },
      },
    );
  });
});

describe("the plan role policy", () => {
  const policy = JSON.parse(
    readFileSync(new URL("../../docs/iam/plan-role-policy.json", import.meta.url), "utf8"),
  ) as PolicyDocument;
  const allowed = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
  );
  const actionOf = (key: string) => {
    const [service, operation] = key.split(":");
    return `${service === "sso-admin" ? "sso" : service}:${operation}`;
  };

  it("allows every call of every kind of read, and nothing the reader never calls", async () => {
    const called = new Set<string>();
    const record = (calls: Record<string, number>) => {
      for (const key of Object.keys(calls)) called.add(actionOf(key));
    };
    const options = { emulator: { policy } };
    await withEmulator(
      smallSeed,
      async ({ ctx }) => record((await readLive(ctx, full)).stats.calls),
      options,
    );
    await withEmulator(
      { ...smallSeed, callerAccountId: "dev" },
      async ({ ctx }) => record((await readLive(ctx, { ...full, everything: true })).stats.calls),
      options,
    );
    await withEmulator(
      bigStore,
      async ({ ctx, emulator }) => {
        const wanted = await lastListed(ctx, emulator.identityStoreId);
        record((await readLive(ctx, lookUp(wanted))).stats.calls);
      },
      options,
    );
    expect([...called].sort()).toEqual([...allowed].sort());
  });
});
