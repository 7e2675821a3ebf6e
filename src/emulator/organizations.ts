import type { AccountState } from "../model/live.ts";
import { epochSeconds, type HandlerTable, req, withToken } from "./call.ts";
import { ServiceError } from "./service-error.ts";
import { SortedMap } from "./sorted-map.ts";
import type { AccountRec, OuRec, Store } from "./state.ts";

/**
 * organizations (`AWSOrganizationsV20161128.*`): the read side the reconciler needs: the
 * organisation, its root, OUs, accounts (with `State` and the retiring `Status`), parents and
 * tags. The caller is the management account or a delegated administrator; both may read.
 */

/** The retiring `Status` of an account, derived from its `State`. */
const STATUS_OF: Record<AccountState, "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE"> = {
  PENDING_ACTIVATION: "ACTIVE",
  ACTIVE: "ACTIVE",
  SUSPENDED: "SUSPENDED",
  PENDING_CLOSURE: "PENDING_CLOSURE",
  CLOSED: "SUSPENDED",
};

const orgArn = (store: Store, resource: string): string =>
  `arn:aws:organizations::${store.organization.managementAccountId}:${resource}`;

/** The ids from the root down to `parentId` (inclusive), for `Path`s. */
function ancestry(store: Store, parentId: string): string[] {
  const chain: string[] = [];
  let id: string | undefined = parentId;
  while (id !== undefined && id !== store.organization.rootId) {
    chain.unshift(id);
    id = store.ous.get(id)?.parentId;
  }
  return [store.organization.rootId, ...chain];
}

const pathOf = (store: Store, ids: string[]): string => `${store.organization.id}/${ids.join("/")}/`;

function accountOut(store: Store, a: AccountRec): Record<string, unknown> {
  return {
    Id: a.id,
    Arn: orgArn(store, `account/${store.organization.id}/${a.id}`),
    Email: a.email,
    Name: a.name,
    Status: STATUS_OF[a.state],
    State: a.state,
    Paths: [pathOf(store, [...ancestry(store, a.parentId), a.id])],
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: epochSeconds(a.joinedMs),
  };
}

function ouOut(store: Store, ou: OuRec): Record<string, unknown> {
  return {
    Id: ou.id,
    Arn: orgArn(store, `ou/${store.organization.id}/${ou.id}`),
    Name: ou.name,
    Path: pathOf(store, [...ancestry(store, ou.parentId), ou.id]),
  };
}

function rootOut(store: Store): Record<string, unknown> {
  return {
    Id: store.organization.rootId,
    Arn: orgArn(store, `root/${store.organization.id}/${store.organization.rootId}`),
    Name: store.organization.rootName,
    PolicyTypes: [],
  };
}

function checkParent(store: Store, parentId: string): void {
  if (parentId !== store.organization.rootId && !store.ous.has(parentId)) {
    throw new ServiceError(
      "ParentNotFoundException",
      `We can't find a root or OU with the ParentId ${parentId}.`,
    );
  }
}

function tagsOf(store: Store, resourceId: string): Map<string, string> {
  if (resourceId === store.organization.rootId) return store.organization.rootTags;
  const tags = store.accounts.get(resourceId)?.tags ?? store.ous.get(resourceId)?.tags;
  if (!tags)
    throw new ServiceError("TargetNotFoundException", `We can't find a target with the id ${resourceId}.`);
  return tags;
}

export const organizationsHandlers: HandlerTable = {
  DescribeOrganization(_input, ctx) {
    const store = ctx.engine.store;
    const management = store.accounts.get(store.organization.managementAccountId);
    return {
      Organization: {
        Id: store.organization.id,
        Arn: orgArn(store, `organization/${store.organization.id}`),
        FeatureSet: "ALL",
        MasterAccountArn: orgArn(
          store,
          `account/${store.organization.id}/${store.organization.managementAccountId}`,
        ),
        MasterAccountId: store.organization.managementAccountId,
        ...(management ? { MasterAccountEmail: management.email } : {}),
        AvailablePolicyTypes: [],
      },
    };
  },

  ListRoots(input, ctx) {
    const store = ctx.engine.store;
    const page = ctx.engine.page(
      ctx,
      input,
      new SortedMap<Store>().set(store.organization.rootId, store),
      null,
    );
    return withToken({ Roots: page.items.map(rootOut) }, page.nextToken);
  },

  ListOrganizationalUnitsForParent(input, ctx) {
    const store = ctx.engine.store;
    const parentId = req(input, "ParentId");
    checkParent(store, parentId);
    const page = ctx.engine.page(ctx, input, store.childOus.get(parentId), parentId);
    return withToken({ OrganizationalUnits: page.items.map((ou) => ouOut(store, ou)) }, page.nextToken);
  },

  ListAccountsForParent(input, ctx) {
    const store = ctx.engine.store;
    const parentId = req(input, "ParentId");
    checkParent(store, parentId);
    const page = ctx.engine.page(ctx, input, store.childAccounts.get(parentId), parentId);
    return withToken({ Accounts: page.items.map((a) => accountOut(store, a)) }, page.nextToken);
  },

  ListAccounts(input, ctx) {
    const store = ctx.engine.store;
    const page = ctx.engine.page(ctx, input, store.accounts, null);
    return withToken({ Accounts: page.items.map((a) => accountOut(store, a)) }, page.nextToken);
  },

  ListParents(input, ctx) {
    const store = ctx.engine.store;
    const childId = req(input, "ChildId");
    const parentId = store.accounts.get(childId)?.parentId ?? store.ous.get(childId)?.parentId;
    if (parentId === undefined) {
      throw new ServiceError(
        "ChildNotFoundException",
        `We can't find an organizational unit (OU) or AWS account with the ChildId ${childId}.`,
      );
    }
    const type = parentId === store.organization.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT";
    const page = ctx.engine.page(ctx, input, new SortedMap<string>().set(parentId, parentId), childId);
    return withToken({ Parents: page.items.map((id) => ({ Id: id, Type: type })) }, page.nextToken);
  },

  DescribeAccount(input, ctx) {
    const store = ctx.engine.store;
    const id = req(input, "AccountId");
    const account = store.accounts.get(id);
    if (!account)
      throw new ServiceError(
        "AccountNotFoundException",
        `We can't find an AWS account with the AccountId ${id}.`,
      );
    return { Account: accountOut(store, account) };
  },

  DescribeOrganizationalUnit(input, ctx) {
    const store = ctx.engine.store;
    const id = req(input, "OrganizationalUnitId");
    const ou = store.ous.get(id);
    if (!ou)
      throw new ServiceError("OrganizationalUnitNotFoundException", `We can't find an OU with the id ${id}.`);
    return { OrganizationalUnit: ouOut(store, ou) };
  },

  ListTagsForResource(input, ctx) {
    const store = ctx.engine.store;
    const id = req(input, "ResourceId");
    const map = new SortedMap<[string, string]>();
    for (const entry of tagsOf(store, id)) map.set(entry[0], entry);
    const page = ctx.engine.page(ctx, input, map, id);
    return withToken({ Tags: page.items.map(([Key, Value]) => ({ Key, Value })) }, page.nextToken);
  },
};
