import { paginateListGroups } from "@aws-sdk/client-identitystore";
import { ListAccountsCommand, paginateListAccounts } from "@aws-sdk/client-organizations";
import {
  CreatePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListPermissionSetsCommand,
  paginateListAccountAssignmentsForPrincipal,
  paginateListPermissionSets,
} from "@aws-sdk/client-sso-admin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Seed } from "../../src/emulator/index.ts";
import { checkSeed } from "../../src/emulator/seed.ts";
import { manyAccounts, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids } from "./helpers.ts";

const N = 260;
/**
 * Page sizes of the SDK round trips (the SDK's paginators against the emulator's tokens); the
 * engine-level test at the end covers every page size of every list operation.
 */
const SAMPLE_SIZES = [1, 2, 7, 64, 99, 100];
/** Items of the short-page scan (two per page, every page short). */
const SHORT_N = 60;
const ACCOUNTS = manyAccounts(N) ?? [];

/** 260 accounts, permission sets and groups; one group assigned to a permission set in all 260 accounts. */
function bigSeed(): Seed {
  return {
    accounts: ACCOUNTS,
    groups: Array.from({ length: N }, (_, i) => ({ name: `group-${i}` })),
    permissionSets: Array.from({ length: N }, (_, i) => ({ name: `ps-${i}` })),
    assignments: ACCOUNTS.slice(1).map((a) => ({ account: a.id, permissionSet: "ps-0", group: "group-0" })),
  };
}

let h: Harness;
beforeAll(async () => {
  h = await harness({ seed: bigSeed(), clock: "manual", latencySigma: 0, limits: UNTHROTTLED });
});
afterAll(() => h.close());

async function collect<T>(
  pages: AsyncIterable<T>,
  items: (page: T) => unknown[] | undefined,
): Promise<{ all: unknown[]; pages: number }> {
  const all: unknown[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    all.push(...(items(page) ?? []));
  }
  return { all, pages: count };
}

describe("pagination", () => {
  it("ListPermissionSets returns every item exactly once, NextToken omitted on the last page", async () => {
    for (const size of SAMPLE_SIZES) {
      const { all, pages } = await collect(
        paginateListPermissionSets({ client: h.sso, pageSize: size }, { InstanceArn: h.instanceArn }),
        (p) => p.PermissionSets,
      );
      expect(new Set(all).size, `page size ${size}`).toBe(N);
      expect(all.length).toBe(N);
      expect(pages).toBe(Math.ceil(N / size));
    }
  });

  it("ListAccountAssignmentsForPrincipal pages a principal assigned in 260 accounts", async () => {
    const group = ids(h.emu).group("group-0");
    for (const size of SAMPLE_SIZES) {
      const { all } = await collect(
        paginateListAccountAssignmentsForPrincipal(
          { client: h.sso, pageSize: size },
          { InstanceArn: h.instanceArn, PrincipalId: group, PrincipalType: "GROUP" },
        ),
        (p) => p.AccountAssignments?.map((a) => a.AccountId),
      );
      expect(new Set(all).size, `page size ${size}`).toBe(N);
    }
  });

  it("identitystore ListGroups", async () => {
    for (const size of SAMPLE_SIZES) {
      const { all } = await collect(
        paginateListGroups({ client: h.ids, pageSize: size }, { IdentityStoreId: h.identityStoreId }),
        (p) => p.Groups?.map((g) => g.GroupId),
      );
      expect(new Set(all).size, `page size ${size}`).toBe(N);
    }
  });

  it("organizations ListAccounts", async () => {
    for (const size of [1, 3, 19, 20]) {
      const { all, pages } = await collect(paginateListAccounts({ client: h.org, pageSize: size }, {}), (p) =>
        p.Accounts?.map((a) => a.Id),
      );
      expect(new Set(all).size, `page size ${size}`).toBe(N + 1);
      expect(pages).toBe(Math.ceil((N + 1) / size));
    }
  });

  it("uses the model's maximum page size when MaxResults is absent", async () => {
    const first = await h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn }));
    expect(first.PermissionSets).toHaveLength(100);
    const accounts = await h.org.send(new ListAccountsCommand({}));
    expect(accounts.Accounts).toHaveLength(20);
  });

  it("never skips or repeats an item when items are added between pages", async () => {
    const first = await h.sso.send(
      new ListPermissionSetsCommand({ InstanceArn: h.instanceArn, MaxResults: 50 }),
    );
    const added: string[] = [];
    for (let i = 0; i < 20; i++) {
      const out = await h.sso.send(
        new CreatePermissionSetCommand({ InstanceArn: h.instanceArn, Name: `late-${i}` }),
      );
      added.push(out.PermissionSet?.PermissionSetArn ?? "");
    }
    const seen = [...(first.PermissionSets ?? [])];
    let token = first.NextToken;
    while (token) {
      const page = await h.sso.send(
        new ListPermissionSetsCommand({ InstanceArn: h.instanceArn, MaxResults: 50, NextToken: token }),
      );
      seen.push(...(page.PermissionSets ?? []));
      token = page.NextToken;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const lastOfFirstPage = (first.PermissionSets ?? []).at(-1) ?? "";
    const expectedLate = added.filter((arn) => arn > lastOfFirstPage);
    expect(seen.length).toBe(N + expectedLate.length);
  });
});

describe("tokens", () => {
  it("rejects a forged token, a token of another operation and a token of another query", async () => {
    const forged = await failure(
      h.sso.send(
        new ListPermissionSetsCommand({
          InstanceArn: h.instanceArn,
          NextToken: "Zm9yZ2VkdG9rZW5mb3JnZWR0b2tlbg==",
        }),
      ),
    );
    expect([forged.name, forged.message]).toEqual([
      "ValidationException",
      "The NextToken is invalid or expired.",
    ]);
    const page = await h.sso.send(
      new ListPermissionSetsCommand({ InstanceArn: h.instanceArn, MaxResults: 1 }),
    );
    const group = ids(h.emu).group("group-0");
    const otherOperation = await failure(
      h.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: h.instanceArn,
          PrincipalId: group,
          PrincipalType: "GROUP",
          NextToken: page.NextToken,
        }),
      ),
    );
    expect(otherOperation.name).toBe("ValidationException");
    const byPair = await h.sso.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: h.instanceArn,
        AccountId: "100000000000",
        PermissionSetArn: ids(h.emu).ps("ps-0"),
        MaxResults: 1,
      }),
    );
    expect(byPair.NextToken).toBeUndefined();
    const forPrincipal = await h.sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: h.instanceArn,
        PrincipalId: group,
        PrincipalType: "GROUP",
        MaxResults: 1,
      }),
    );
    const otherQuery = await failure(
      h.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: h.instanceArn,
          PrincipalId: group,
          PrincipalType: "GROUP",
          Filter: { AccountId: "100000000001" },
          NextToken: forPrincipal.NextToken,
        }),
      ),
    );
    expect(otherQuery.name).toBe("ValidationException");
  });

  it("organizations rejects a bad token with InvalidInputException INVALID_NEXT_TOKEN", async () => {
    const error = (await failure(
      h.org.send(new ListAccountsCommand({ NextToken: "not-a-token" })),
    )) as Error & { Reason?: string };
    expect([error.name, error.Reason]).toEqual(["InvalidInputException", "INVALID_NEXT_TOKEN"]);
  });

  it("rejects MaxResults outside 1..100", async () => {
    for (const MaxResults of [0, 101]) {
      const error = await failure(
        h.sso.send(new ListPermissionSetsCommand({ InstanceArn: h.instanceArn, MaxResults })),
      );
      expect(error.name).toBe("ValidationException");
      expect(error.message).toContain("at 'maxResults' failed to satisfy constraint");
    }
  });
});

describe("short pages", () => {
  it("returns short and empty pages that still carry a NextToken, and a full scan still gets everything", async () => {
    const faulty = await harness({
      seed: { permissionSets: Array.from({ length: SHORT_N }, (_, i) => ({ name: `ps-${i}` })) },
      clock: "manual",
      limits: UNTHROTTLED,
      faults: "shortpage=1",
      randomSeed: 7,
    });
    try {
      let token: string | undefined;
      const seen: string[] = [];
      let short = 0;
      let empty = 0;
      do {
        const page = await faulty.sso.send(
          new ListPermissionSetsCommand({ InstanceArn: faulty.instanceArn, MaxResults: 2, NextToken: token }),
        );
        const items = page.PermissionSets ?? [];
        token = page.NextToken;
        if (token && items.length < 2) short += 1;
        if (token && items.length === 0) empty += 1;
        seen.push(...items);
      } while (token);
      expect(new Set(seen).size).toBe(SHORT_N);
      expect(seen.length).toBe(SHORT_N);
      expect(short).toBeGreaterThan(0);
      expect(empty).toBeGreaterThan(0);
    } finally {
      await faulty.close();
    }
  });
});

describe("every paginated operation at every page size (engine level)", () => {
  const groups = Array.from({ length: N }, (_, i) => ({ name: `group-${i}` }));
  const users = Array.from({ length: N }, (_, i) => ({
    userName: `user-${i}`,
    displayName: `User ${i}`,
    name: { givenName: "U", familyName: String(i) },
  }));
  const seed = checkSeed({
    ous: Array.from({ length: N }, (_, i) => ({ path: `Root/ou-${i}` })),
    accounts: ACCOUNTS,
    groups,
    users,
    memberships: [
      ...users.map((u) => ({ group: "group-0", user: u.userName })),
      ...groups.slice(1).map((g) => ({ group: g.name, user: "user-0" })),
    ],
    permissionSets: Array.from({ length: N }, (_, i) => ({ name: `ps-${i}` })),
    assignments: [
      ...ACCOUNTS.slice(1).map((a) => ({ account: a.id, permissionSet: "ps-0", group: "group-0" })),
      ...Array.from({ length: N }, (_, i) => ({
        account: "100000000000",
        permissionSet: `ps-${i}`,
        group: "group-1",
      })),
      ...groups.map((g) => ({ account: "100000000001", permissionSet: "ps-1", group: g.name })),
    ],
  });
  const engine = createEngine({
    seed,
    policy: null,
    clock: "manual",
    latencyMs: 0,
    limits: { ...UNTHROTTLED, outstandingAssignmentOperations: Infinity, concurrentProvisionings: Infinity },
  });
  const store = engine.store;
  const call = (target: string, input: Record<string, unknown>): Record<string, unknown> => {
    const answer = engine.handle(target, JSON.stringify(input));
    if (answer.status !== 200) throw new Error(`${target}: ${answer.body}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  };
  const sso = (op: string) => `SWBExternalService.${op}`;
  const instance = { InstanceArn: store.instance.arn };
  const arn = (name: string) => store.permissionSetsByName.get(name)?.arn ?? "";
  const groupId = (name: string) => store.groupsByName.get(name)?.id ?? "";
  for (const a of ACCOUNTS.slice(1)) {
    call(sso("CreateAccountAssignment"), {
      ...instance,
      PermissionSetArn: arn("ps-2"),
      TargetId: a.id,
      TargetType: "AWS_ACCOUNT",
      PrincipalType: "GROUP",
      PrincipalId: groupId("group-2"),
    });
    call(sso("ProvisionPermissionSet"), {
      ...instance,
      PermissionSetArn: arn("ps-3"),
      TargetId: a.id,
      TargetType: "AWS_ACCOUNT",
    });
  }
  const store0 = { IdentityStoreId: store.instance.identityStoreId };
  const rootId = store.organization.rootId;
  const cases: [string, string, Record<string, unknown>, string, number][] = [
    ["sso-admin", sso("ListPermissionSets"), instance, "PermissionSets", N],
    [
      "sso-admin",
      sso("ListAccountsForProvisionedPermissionSet"),
      { ...instance, PermissionSetArn: arn("ps-0") },
      "AccountIds",
      N,
    ],
    [
      "sso-admin",
      sso("ListPermissionSetsProvisionedToAccount"),
      { ...instance, AccountId: "100000000000" },
      "PermissionSets",
      N,
    ],
    [
      "sso-admin",
      sso("ListAccountAssignments"),
      { ...instance, AccountId: "100000000001", PermissionSetArn: arn("ps-1") },
      "AccountAssignments",
      N,
    ],
    [
      "sso-admin",
      sso("ListAccountAssignmentsForPrincipal"),
      { ...instance, PrincipalId: groupId("group-0"), PrincipalType: "GROUP" },
      "AccountAssignments",
      N + 1,
    ],
    [
      "sso-admin",
      sso("ListAccountAssignmentCreationStatus"),
      instance,
      "AccountAssignmentsCreationStatus",
      N,
    ],
    [
      "sso-admin",
      sso("ListPermissionSetProvisioningStatus"),
      instance,
      "PermissionSetsProvisioningStatus",
      N,
    ],
    ["identitystore", "AWSIdentityStore.ListGroups", store0, "Groups", N],
    ["identitystore", "AWSIdentityStore.ListUsers", store0, "Users", N],
    [
      "identitystore",
      "AWSIdentityStore.ListGroupMemberships",
      { ...store0, GroupId: groupId("group-0") },
      "GroupMemberships",
      N,
    ],
    [
      "identitystore",
      "AWSIdentityStore.ListGroupMembershipsForMember",
      { ...store0, MemberId: { UserId: store.usersByName.get("user-0")?.id } },
      "GroupMemberships",
      N,
    ],
    ["organizations", "AWSOrganizationsV20161128.ListAccounts", {}, "Accounts", N + 1],
    [
      "organizations",
      "AWSOrganizationsV20161128.ListAccountsForParent",
      { ParentId: rootId },
      "Accounts",
      N + 1,
    ],
    [
      "organizations",
      "AWSOrganizationsV20161128.ListOrganizationalUnitsForParent",
      { ParentId: rootId },
      "OrganizationalUnits",
      N,
    ],
  ];

  it.each(cases)("%s %s", (service, target, input, key, expected) => {
    const max = service === "organizations" ? 20 : 100;
    for (let size = 1; size <= max; size++) {
      const seen = new Set<string>();
      let pages = 0;
      let token: unknown;
      do {
        const out = call(target, { ...input, MaxResults: size, ...(token ? { NextToken: token } : {}) });
        const items = (out[key] as unknown[] | undefined) ?? [];
        expect(items.length).toBeLessThanOrEqual(size);
        for (const item of items) seen.add(JSON.stringify(item));
        token = out.NextToken;
        pages += 1;
      } while (token);
      expect(seen.size, `${target} at page size ${size}`).toBe(expected);
      expect(pages, `${target} at page size ${size}`).toBe(Math.ceil(expected / size));
    }
  });
});
