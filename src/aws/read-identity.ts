import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  type Group,
  type GroupMembership,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type User,
} from "@aws-sdk/client-identitystore";
import { groupAddress, userAddress } from "../model/address.ts";
import { AwsError } from "../model/errors.ts";
import { type CallSite, call, type Page, pages, readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import { groupName, required, userName } from "./normalise.ts";

/** identitystore and sso-admin list calls take at most 100 items a page. */
export const PAGE_SIZE = 100;

/** Calls to look one principal up by name: Get*Id, then Describe*. */
const LOOKUP_CALLS = 2;

type PageCursor<T> = ReturnType<typeof pages<T>>;

const storeSite = (operation: string, address: string | null): CallSite => ({
  service: "identitystore",
  operation,
  address,
});

/** How to read one kind of principal; groups and users differ only in names. */
interface PrincipalKind<T> {
  list: {
    operation: string;
    page: (ctx: AwsContext, storeId: string, token: string | undefined) => Promise<Page<T>>;
  };
  getId: {
    operation: string;
    call: (ctx: AwsContext, storeId: string, name: string) => Promise<string | undefined>;
  };
  describe: { operation: string; call: (ctx: AwsContext, storeId: string, id: string) => Promise<T> };
  idOf: (item: T) => string;
  nameOf: (item: T) => string;
  address: (name: string) => string;
}

const GROUPS: PrincipalKind<Group> = {
  list: {
    operation: "ListGroups",
    page: async (ctx, IdentityStoreId, NextToken) => {
      const out = await ctx.identityStore.send(
        new ListGroupsCommand({ IdentityStoreId, MaxResults: PAGE_SIZE, NextToken }),
      );
      return { items: out.Groups, next: out.NextToken };
    },
  },
  getId: {
    operation: "GetGroupId",
    call: async (ctx, IdentityStoreId, name) => {
      const out = await ctx.identityStore.send(
        new GetGroupIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: name } },
        }),
      );
      return out.GroupId;
    },
  },
  describe: {
    operation: "DescribeGroup",
    call: (ctx, IdentityStoreId, GroupId) =>
      ctx.identityStore.send(new DescribeGroupCommand({ IdentityStoreId, GroupId })),
  },
  idOf: (g) => required(g.GroupId, "GroupId", "ListGroups"),
  nameOf: groupName,
  address: groupAddress,
};

const USERS: PrincipalKind<User> = {
  list: {
    operation: "ListUsers",
    page: async (ctx, IdentityStoreId, NextToken) => {
      const out = await ctx.identityStore.send(
        new ListUsersCommand({ IdentityStoreId, MaxResults: PAGE_SIZE, NextToken }),
      );
      return { items: out.Users, next: out.NextToken };
    },
  },
  getId: {
    operation: "GetUserId",
    call: async (ctx, IdentityStoreId, name) => {
      const out = await ctx.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: name } },
        }),
      );
      return out.UserId;
    },
  },
  describe: {
    operation: "DescribeUser",
    call: (ctx, IdentityStoreId, UserId) =>
      ctx.identityStore.send(new DescribeUserCommand({ IdentityStoreId, UserId })),
  },
  idOf: (u) => required(u.UserId, "UserId", "ListUsers"),
  nameOf: userName,
  address: userAddress,
};

const isCode = (error: unknown, code: string): boolean => error instanceof AwsError && error.awsCode === code;

/**
 * The principals of one kind read so far, by id and by name. `complete` once every one of the
 * store was listed: then an unknown id is known not to exist without asking.
 */
export class PrincipalIndex<T> {
  readonly #kind: PrincipalKind<T>;
  readonly #ctx: AwsContext;
  readonly #storeId: string;
  readonly #byId = new Map<string, T>();
  readonly #idByName = new Map<string, string>();
  readonly #describing = new Map<string, Promise<T | null>>();
  #cursor: PageCursor<T> | null = null;
  #pagesRead = 0;
  #complete = false;

  constructor(ctx: AwsContext, storeId: string, kind: PrincipalKind<T>) {
    this.#ctx = ctx;
    this.#storeId = storeId;
    this.#kind = kind;
  }

  get complete(): boolean {
    return this.#complete;
  }

  /** Every principal read, in no particular order. */
  all(): T[] {
    return [...this.#byId.values()];
  }

  byName(name: string): T | undefined {
    const id = this.#idByName.get(name);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  byId(id: string): T | undefined {
    return this.#byId.get(id);
  }

  idOf(item: T): string {
    return this.#kind.idOf(item);
  }

  nameOf(item: T): string {
    return this.#kind.nameOf(item);
  }

  #add(item: T): void {
    const id = this.#kind.idOf(item);
    this.#byId.set(id, item);
    this.#idByName.set(this.#kind.nameOf(item), id);
  }

  /** Reads the next page of the store's listing (one listing, resumed by every caller). */
  async #readPage(): Promise<void> {
    if (this.#complete) return;
    if (!this.#cursor) {
      const { list } = this.#kind;
      this.#cursor = pages(this.#ctx, storeSite(list.operation, "identity store"), (token) =>
        list.page(this.#ctx, this.#storeId, token),
      );
    }
    const next = await this.#cursor.next();
    if (next.done) {
      this.#complete = true;
      return;
    }
    for (const item of next.value.items) this.#add(item);
    this.#pagesRead++;
    if (next.value.last) this.#complete = true;
  }

  /** Lists every principal of the store (what is listed already stays listed). */
  async listAll(): Promise<void> {
    while (!this.#complete) await this.#readPage();
  }

  /**
   * The store's size is unknown, so whether listing it (a call per 100 principals) beats
   * asking for the missing ones one by one is unknown too. Pages the listing while asking
   * would cost more than the pages read so far (a store of up to 100 is complete after one
   * call), so the total is never much more than twice the cheaper of the two.
   */
  async #listWhileCheaper(askCost: () => number): Promise<void> {
    while (!this.#complete && askCost() > this.#pagesRead) await this.#readPage();
  }

  /**
   * Finds the named principals with few calls: the listing while it is cheaper (see above),
   * then Get*Id and Describe* (2 calls) per name still missing. When Get*Id is not available
   * (`UnknownOperationException`: an Active Directory identity source), the listing goes on.
   */
  async findByNames(names: readonly string[]): Promise<void> {
    const missing = () => names.filter((n) => this.byName(n) === undefined);
    await this.#listWhileCheaper(() => LOOKUP_CALLS * missing().length);
    if (this.#complete) return;
    const results = await Promise.allSettled(missing().map((name) => this.#lookUp(name)));
    const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    const fatal = failures.find((e) => !isCode(e, "UnknownOperationException"));
    if (fatal !== undefined) throw fatal;
    if (failures.length > 0) await this.listAll();
  }

  /**
   * Makes the principals with these ids known (or known not to exist) with few calls: the
   * listing while it is cheaper, then one Describe* per id still unknown.
   */
  async resolveIds(ids: Iterable<string>): Promise<void> {
    const wanted = [...new Set(ids)];
    const unknown = () => wanted.filter((id) => !this.#byId.has(id));
    await this.#listWhileCheaper(() => unknown().length);
    await Promise.all(unknown().map((id) => this.resolveId(id)));
  }

  async #lookUp(name: string): Promise<void> {
    const { getId, address } = this.#kind;
    const site = storeSite(getId.operation, address(name));
    let id: string | undefined;
    try {
      id = await call(this.#ctx, site, () => getId.call(this.#ctx, this.#storeId, name));
    } catch (error) {
      if (isCode(error, "ResourceNotFoundException")) return;
      throw error;
    }
    await this.resolveId(required(id, "Id", getId.operation), address(name));
  }

  /** The name of the principal with this id, or null when it does not exist (see `resolveId`). */
  async nameOfId(id: string): Promise<string | null> {
    const item = await this.resolveId(id);
    return item === null ? null : this.#kind.nameOf(item);
  }

  /**
   * The principal with this id: known already, known not to exist (complete listing), or
   * described (one call, shared by concurrent askers). Null when it does not exist.
   */
  resolveId(id: string, address: string | null = null): Promise<T | null> {
    const known = this.#byId.get(id);
    if (known !== undefined) return Promise.resolve(known);
    if (this.#complete) return Promise.resolve(null);
    let pending = this.#describing.get(id);
    if (!pending) {
      const { describe } = this.#kind;
      pending = call(this.#ctx, storeSite(describe.operation, address ?? id), () =>
        describe.call(this.#ctx, this.#storeId, id),
      ).then(
        (item) => {
          this.#add(item);
          return item;
        },
        (error: unknown) => {
          if (isCode(error, "ResourceNotFoundException")) return null;
          throw error;
        },
      );
      this.#describing.set(id, pending);
    }
    return pending;
  }
}

/** The identity store as read: groups and users. */
export interface Directory {
  groups: PrincipalIndex<Group>;
  users: PrincipalIndex<User>;
}

export function emptyDirectory(ctx: AwsContext, identityStoreId: string): Directory {
  return {
    groups: new PrincipalIndex(ctx, identityStoreId, GROUPS),
    users: new PrincipalIndex(ctx, identityStoreId, USERS),
  };
}

/** One membership as read, by names, with the id the applier needs to delete it. */
export interface MembershipRead {
  group: string;
  userName: string;
  membershipId: string;
}

/**
 * Reads the memberships of the given groups (one ListGroupMemberships per group and 100
 * members). Members unknown so far are described; a membership whose user no longer exists
 * is left out (AWS removes memberships with their user: it is mid-deletion).
 */
export async function readMemberships(
  ctx: AwsContext,
  identityStoreId: string,
  directory: Directory,
  groups: readonly Group[],
): Promise<MembershipRead[]> {
  const listed = await Promise.all(
    groups.map(async (group) => {
      const name = directory.groups.nameOf(group);
      const GroupId = directory.groups.idOf(group);
      const memberships = await readAll<GroupMembership>(
        ctx,
        storeSite("ListGroupMemberships", groupAddress(name)),
        async (NextToken) => {
          const out = await ctx.identityStore.send(
            new ListGroupMembershipsCommand({
              IdentityStoreId: identityStoreId,
              GroupId,
              MaxResults: PAGE_SIZE,
              NextToken,
            }),
          );
          return { items: out.GroupMemberships, next: out.NextToken };
        },
      );
      return memberships.map((m) => ({
        group: name,
        userId: m.MemberId?.UserId,
        membershipId: required(m.MembershipId, "MembershipId", "ListGroupMemberships"),
      }));
    }),
  );
  const all = listed.flat();
  await directory.users.resolveIds(all.flatMap((m) => (m.userId ? [m.userId] : [])));
  return all.flatMap((m) => {
    const user = m.userId === undefined ? undefined : directory.users.byId(m.userId);
    return user
      ? [{ group: m.group, userName: directory.users.nameOf(user), membershipId: m.membershipId }]
      : [];
  });
}
