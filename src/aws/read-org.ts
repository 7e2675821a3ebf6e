import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  type OrganizationalUnit,
} from "@aws-sdk/client-organizations";
import { byCodeUnit } from "../model/canonical.ts";
import { AwsError } from "../model/errors.ts";
import type { OrgAccount, OrgSnapshot, OrgUnit } from "../model/live.ts";
import { type CallSite, call, readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import { orgAccount, required, tagRecord } from "./normalise.ts";

/** Organizations list calls take at most 20 items a page. */
export const ORGANIZATIONS_PAGE_SIZE = 20;
/** OU paths start here, whatever the root is called (the access files write `Root/...`). */
export const ROOT_PATH = "Root";

const orgSite = (operation: string, address: string | null): CallSite => ({
  service: "organizations",
  operation,
  address,
});

/**
 * Reads the organisation: the management account (DescribeOrganization), the root
 * (ListRoots), then for every parent, starting at the root, its OUs
 * (ListOrganizationalUnitsForParent) and its accounts (ListAccountsForParent), so each
 * account's OU path comes with the listing: 2 calls per parent (more with pages of 20),
 * instead of ListAccounts plus a ListParents per account. Account tags (one call per account)
 * only when `tags` is set.
 */
export async function readOrganization(ctx: AwsContext, options: { tags: boolean }): Promise<OrgSnapshot> {
  const [managementAccountId, rootId] = await Promise.all([readManagementAccount(ctx), readRootId(ctx)]);
  const ous: OrgUnit[] = [];
  const placed: { account: Account; ouPath: string }[] = [];

  const walk = async (parentId: string, path: string): Promise<void> => {
    const [children, accounts] = await Promise.all([
      readAll<OrganizationalUnit>(
        ctx,
        orgSite("ListOrganizationalUnitsForParent", `ou/${path}`),
        async (NextToken) => {
          const out = await ctx.organizations.send(
            new ListOrganizationalUnitsForParentCommand({
              ParentId: parentId,
              MaxResults: ORGANIZATIONS_PAGE_SIZE,
              NextToken,
            }),
          );
          return { items: out.OrganizationalUnits, next: out.NextToken };
        },
      ),
      readAll<Account>(ctx, orgSite("ListAccountsForParent", `ou/${path}`), async (NextToken) => {
        const out = await ctx.organizations.send(
          new ListAccountsForParentCommand({
            ParentId: parentId,
            MaxResults: ORGANIZATIONS_PAGE_SIZE,
            NextToken,
          }),
        );
        return { items: out.Accounts, next: out.NextToken };
      }),
    ]);
    for (const account of accounts) placed.push({ account, ouPath: path });
    await Promise.all(
      children.map((ou) => {
        const id = required(ou.Id, "Id", "ListOrganizationalUnitsForParent");
        const ouPath = `${path}/${required(ou.Name, "Name", "ListOrganizationalUnitsForParent")}`;
        ous.push({ id, name: ou.Name ?? "", path: ouPath, parentId });
        return walk(id, ouPath);
      }),
    );
  };
  await walk(rootId, ROOT_PATH);

  const accounts: OrgAccount[] = await Promise.all(
    placed.map(async ({ account, ouPath }) => {
      const id = required(account.Id, "Id", "ListAccountsForParent");
      const tags = options.tags ? await readAccountTags(ctx, id) : {};
      return orgAccount(account, ouPath, tags);
    }),
  );
  return {
    rootId,
    managementAccountId,
    accounts: accounts.sort((a, b) => byCodeUnit(a.id, b.id)),
    ous: ous.sort((a, b) => byCodeUnit(a.path, b.path)),
  };
}

async function readManagementAccount(ctx: AwsContext): Promise<string> {
  const site = orgSite("DescribeOrganization", "organization");
  const out = await call(ctx, site, () => ctx.organizations.send(new DescribeOrganizationCommand({}))).catch(
    (error: unknown) => {
      if (error instanceof AwsError && error.awsCode === "AWSOrganizationsNotInUseException") {
        throw new AwsError(
          {
            ...site,
            awsCode: error.awsCode,
            message: "the account in use is not part of an AWS organization",
            detail:
              "accessops manages an organization instance of IAM Identity Center. Run it with credentials of the management account or of the delegated administrator account.",
          },
          { cause: error },
        );
      }
      throw error;
    },
  );
  return required(out.Organization?.MasterAccountId, "Organization.MasterAccountId", site.operation);
}

async function readRootId(ctx: AwsContext): Promise<string> {
  const site = orgSite("ListRoots", "organization");
  const roots = await readAll(ctx, site, async (NextToken) => {
    const out = await ctx.organizations.send(
      new ListRootsCommand({ MaxResults: ORGANIZATIONS_PAGE_SIZE, NextToken }),
    );
    return { items: out.Roots, next: out.NextToken };
  });
  const [root] = roots;
  if (roots.length !== 1 || !root) {
    throw new AwsError({
      ...site,
      message: `ListRoots answered ${roots.length} roots; an organization has exactly one`,
      detail: "AWS sent an unexpected answer. Run again; if it persists, report it.",
    });
  }
  return required(root.Id, "Id", site.operation);
}

async function readAccountTags(ctx: AwsContext, accountId: string): Promise<Record<string, string>> {
  const tags = await readAll(
    ctx,
    orgSite("ListTagsForResource", `account/${accountId}`),
    async (NextToken) => {
      const out = await ctx.organizations.send(
        new ListTagsForResourceCommand({ ResourceId: accountId, NextToken }),
      );
      return { items: out.Tags, next: out.NextToken };
    },
  );
  return tagRecord(tags);
}
