import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV, MANAGEMENT, PROD, SUSPENDED, smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness } from "./helpers.ts";

let h: Harness;
let rootId: string;
beforeAll(async () => {
  h = await harness({ seed: smallSeed(), limits: UNTHROTTLED });
  rootId = (await h.org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? "";
});
afterAll(() => h.close());

async function ouNamed(parentId: string, name: string): Promise<string> {
  const out = await h.org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId }));
  return out.OrganizationalUnits?.find((ou) => ou.Name === name)?.Id ?? "";
}

describe("organizations", () => {
  it("describes the organisation and its management account", async () => {
    const { Organization } = await h.org.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({
      FeatureSet: "ALL",
      MasterAccountId: MANAGEMENT,
      MasterAccountEmail: "management@example.com",
    });
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
  });

  it("lists the root, the OU tree and the accounts of each parent", async () => {
    const roots = await h.org.send(new ListRootsCommand({}));
    expect(roots.Roots).toEqual([expect.objectContaining({ Id: rootId, Name: "Root" })]);
    expect(rootId).toMatch(/^r-[0-9a-z]{4,32}$/);
    const top = await h.org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    expect(top.OrganizationalUnits?.map((ou) => ou.Name).sort()).toEqual(["Suspended", "Workloads"]);
    const workloads = await ouNamed(rootId, "Workloads");
    const prodOu = await ouNamed(workloads, "Prod");
    expect(prodOu).toMatch(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
    const inProd = await h.org.send(new ListAccountsForParentCommand({ ParentId: prodOu }));
    expect(inProd.Accounts?.map((a) => a.Id)).toEqual([PROD]);
    const atRoot = await h.org.send(new ListAccountsForParentCommand({ ParentId: rootId }));
    expect(atRoot.Accounts?.map((a) => a.Id)).toEqual([MANAGEMENT]);
    const all = await h.org.send(new ListAccountsCommand({}));
    expect(all.Accounts?.map((a) => a.Id)).toEqual([MANAGEMENT, PROD, DEV, SUSPENDED]);
  });

  it("describes accounts with State, the retiring Status, Paths and an epoch-second JoinedTimestamp", async () => {
    const { Account } = await h.org.send(new DescribeAccountCommand({ AccountId: SUSPENDED }));
    expect(Account).toMatchObject({
      Id: SUSPENDED,
      Name: "old",
      State: "SUSPENDED",
      Status: "SUSPENDED",
      JoinedMethod: "CREATED",
    });
    expect(Account?.JoinedTimestamp).toEqual(new Date("2024-01-01T00:00:00Z"));
    const prod = (await h.org.send(new DescribeAccountCommand({ AccountId: PROD }))).Account;
    expect(prod?.Paths?.[0]).toMatch(new RegExp(`^o-[a-z0-9]+/${rootId}/ou-[^/]+/ou-[^/]+/${PROD}/$`));
  });

  it("names the parent of an account and of an OU", async () => {
    const workloads = await ouNamed(rootId, "Workloads");
    expect((await h.org.send(new ListParentsCommand({ ChildId: DEV }))).Parents).toEqual([
      { Id: workloads, Type: "ORGANIZATIONAL_UNIT" },
    ]);
    expect((await h.org.send(new ListParentsCommand({ ChildId: workloads }))).Parents).toEqual([
      { Id: rootId, Type: "ROOT" },
    ]);
    const described = await h.org.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: workloads }),
    );
    expect(described.OrganizationalUnit?.Name).toBe("Workloads");
  });

  it("lists the tags of accounts and OUs", async () => {
    const tags = await h.org.send(new ListTagsForResourceCommand({ ResourceId: PROD }));
    expect(tags.Tags).toEqual([{ Key: "env", Value: "prod" }]);
    expect((await h.org.send(new ListTagsForResourceCommand({ ResourceId: rootId }))).Tags).toEqual([]);
  });

  it.each([
    [
      () => h.org.send(new ListAccountsForParentCommand({ ParentId: "ou-abcd-abcdefgh" })),
      "ParentNotFoundException",
    ],
    [() => h.org.send(new ListParentsCommand({ ChildId: "999999999999" })), "ChildNotFoundException"],
    [() => h.org.send(new DescribeAccountCommand({ AccountId: "999999999999" })), "AccountNotFoundException"],
    [
      () => h.org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: "ou-abcd-abcdefgh" })),
      "OrganizationalUnitNotFoundException",
    ],
    [
      () => h.org.send(new ListTagsForResourceCommand({ ResourceId: "999999999999" })),
      "TargetNotFoundException",
    ],
  ])("answers the modelled not-found error (%#)", async (command, name) => {
    const error = await failure(command());
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual([name, 400]);
  });

  it("answers InvalidInputException with the Reason for a MaxResults out of 1..20 and a bad id", async () => {
    const tooMany = (await failure(h.org.send(new ListAccountsCommand({ MaxResults: 21 })))) as Error & {
      Reason?: string;
    };
    expect([tooMany.name, tooMany.Reason]).toEqual(["InvalidInputException", "MAX_VALUE_EXCEEDED"]);
    expect(tooMany.message).toBe(
      "1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20",
    );
    const badId = (await failure(h.org.send(new DescribeAccountCommand({ AccountId: "12" })))) as Error & {
      Reason?: string;
    };
    expect([badId.name, badId.Reason]).toEqual(["InvalidInputException", "INVALID_PATTERN"]);
  });
});
