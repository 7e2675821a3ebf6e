import { type CallContext, epochSeconds, type HandlerTable, obj, req, str, withToken } from "./call.ts";
import { coralMessage, validateShape } from "./model.ts";
import { changeKeys, USER_ATTRIBUTE_MEMBERS, upperFirst, userAttributeMember } from "./seed.ts";
import { quotaExceeded, ServiceError, validation } from "./service-error.ts";
import {
  type ExternalIdRec,
  externalKey,
  type GroupRec,
  type MembershipRec,
  type Store,
  type UserRec,
  userName,
} from "./state.ts";

/**
 * identitystore (`AWSIdentityStore.*`): users, groups and memberships. Names are unique
 * (`UserName`, group `DisplayName`), `Administrator` and `AWSAdministrators` are reserved, and
 * deleting a group or user removes its memberships (its account assignments stay, orphaned, as
 * on AWS). In `active-directory` mode GetGroupId/GetUserId by unique attribute fail as AWS
 * does with an AD identity source.
 */

const RESERVED_NAMES = new Set(["Administrator", "AWSAdministrators"]);
const UNIQUENESS = { Reason: "UNIQUENESS_CONSTRAINT_VIOLATION" };
/** The user attributes IAM Identity Center requires (the model marks only the store id required). */
const REQUIRED_USER_MEMBERS = ["UserName", "DisplayName"] as const;
const REQUIRED_NAME_MEMBERS = ["GivenName", "FamilyName"] as const;

type ResourceType = "GROUP" | "USER" | "IDENTITY_STORE" | "GROUP_MEMBERSHIP";

function notFound(type: ResourceType, id: string): ServiceError {
  const what = {
    GROUP: "Group",
    USER: "User",
    IDENTITY_STORE: "Identity store",
    GROUP_MEMBERSHIP: "Group membership",
  }[type];
  return new ServiceError("ResourceNotFoundException", `${what} ${id} not found.`, {
    ResourceType: type,
    ResourceId: id,
  });
}

function storeOf(ctx: CallContext, input: Record<string, unknown>): Store {
  const store = ctx.engine.store;
  const id = req(input, "IdentityStoreId");
  if (id !== store.instance.identityStoreId) throw notFound("IDENTITY_STORE", id);
  return store;
}

function groupOf(store: Store, id: string): GroupRec {
  const g = store.groups.get(id);
  if (!g) throw notFound("GROUP", id);
  return g;
}

function userOf(store: Store, id: string): UserRec {
  const u = store.users.get(id);
  if (!u) throw notFound("USER", id);
  return u;
}

const memberIdOf = (input: Record<string, unknown>): string => req(obj(input, "MemberId") ?? {}, "UserId");

const externalIdsOut = (ids: ExternalIdRec[]) =>
  ids.length > 0 ? { ExternalIds: ids.map((e) => ({ Issuer: e.issuer, Id: e.id })) } : {};

function groupOut(store: Store, g: GroupRec): Record<string, unknown> {
  return {
    GroupId: g.id,
    ...(g.displayName !== null ? { DisplayName: g.displayName } : {}),
    ...externalIdsOut(g.externalIds),
    ...(g.description !== null ? { Description: g.description } : {}),
    CreatedAt: epochSeconds(g.createdMs),
    UpdatedAt: epochSeconds(g.updatedMs),
    IdentityStoreId: store.instance.identityStoreId,
  };
}

function userOut(store: Store, u: UserRec, extensions: string[] | undefined): Record<string, unknown> {
  const { Extensions: stored, ...attributes } = u.attributes;
  const out: Record<string, unknown> = {
    IdentityStoreId: store.instance.identityStoreId,
    UserId: u.id,
    ...attributes,
    ...externalIdsOut(u.externalIds),
    UserStatus: "ENABLED",
    CreatedAt: epochSeconds(u.createdMs),
    UpdatedAt: epochSeconds(u.updatedMs),
  };
  if (extensions && stored && typeof stored === "object") {
    const picked = Object.fromEntries(
      Object.entries(stored as Record<string, unknown>).filter(([k]) => extensions.includes(k)),
    );
    if (Object.keys(picked).length > 0) out.Extensions = picked;
  }
  return out;
}

function membershipOut(store: Store, m: MembershipRec): Record<string, unknown> {
  return {
    IdentityStoreId: store.instance.identityStoreId,
    MembershipId: m.id,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
    CreatedAt: epochSeconds(m.createdMs),
    UpdatedAt: epochSeconds(m.updatedMs),
  };
}

function checkReserved(name: string): void {
  if (RESERVED_NAMES.has(name)) {
    throw validation(`${name} is a reserved name and can't be used for users or groups.`);
  }
}

/**
 * The model's constraints on a user's attributes (as `CreateUser` takes them), then the
 * attributes IAM Identity Center requires although the model leaves them optional.
 */
function checkUserAttributes(ctx: CallContext, attributes: Record<string, unknown>): void {
  const violations = validateShape(ctx.engine.models.identitystore, "CreateUserRequest", {
    ...attributes,
    IdentityStoreId: ctx.engine.store.instance.identityStoreId,
  });
  if (violations.length > 0) throw validation(coralMessage(violations));
  const name = (attributes.Name ?? {}) as Record<string, unknown>;
  const missing = [
    ...REQUIRED_USER_MEMBERS.filter((m) => typeof attributes[m] !== "string"),
    ...REQUIRED_NAME_MEMBERS.filter((m) => typeof name[m] !== "string").map((m) => `Name.${m}`),
  ];
  if (missing.length > 0) {
    throw validation(
      `A user in IAM Identity Center needs UserName, DisplayName, Name.GivenName and Name.FamilyName; missing: ${missing.join(", ")}.`,
    );
  }
}

function checkUserNameFree(store: Store, name: string, self: UserRec | null): void {
  checkReserved(name);
  const holder = store.usersByName.get(name);
  if (holder && holder !== self)
    throw new ServiceError("ConflictException", "Duplicate UserName", UNIQUENESS);
}

function checkGroupNameFree(store: Store, name: string, self: GroupRec | null): void {
  checkReserved(name);
  const holder = store.groupsByName.get(name);
  if (holder && holder !== self)
    throw new ServiceError("ConflictException", "Duplicate GroupDisplayName", UNIQUENESS);
}

interface AttributeOperation {
  AttributePath: string;
  AttributeValue?: unknown;
}

const operationsIn = (input: Record<string, unknown>): AttributeOperation[] =>
  Array.isArray(input.Operations) ? (input.Operations as AttributeOperation[]) : [];

/** Applies `UpdateUser` operations to a copy of the attributes: a value replaces, no value removes. */
function updatedAttributes(
  attributes: Record<string, unknown>,
  operations: AttributeOperation[],
): Record<string, unknown> {
  const next = structuredClone(attributes);
  for (const op of operations) {
    const [head = "", sub, ...rest] = op.AttributePath.split(".");
    const member = userAttributeMember(head);
    if (!member || member === "Extensions" || rest.length > 0 || (sub !== undefined && member !== "Name")) {
      throw validation(
        `Invalid attribute path ${op.AttributePath}: it is not an attribute of a user that can be updated.`,
      );
    }
    const value =
      op.AttributeValue === undefined || op.AttributeValue === null
        ? undefined
        : changeKeys(op.AttributeValue, upperFirst);
    if (sub === undefined) {
      if (value === undefined) delete next[member];
      else next[member] = value;
      continue;
    }
    const name = { ...((next.Name ?? {}) as Record<string, unknown>) };
    if (value === undefined) delete name[upperFirst(sub)];
    else name[upperFirst(sub)] = value;
    next.Name = name;
  }
  return next;
}

/** The value of a single deprecated `Filters` entry for `path`, or undefined without filters. */
function filterValue(input: Record<string, unknown>, path: string): string | undefined {
  const filters = Array.isArray(input.Filters)
    ? (input.Filters as { AttributePath: string; AttributeValue: string }[])
    : [];
  const filter = filters[0];
  if (!filter) return undefined;
  if (filter.AttributePath.toLowerCase() !== path.toLowerCase()) {
    throw validation(`Invalid filter attribute path ${filter.AttributePath}: only ${path} is supported.`);
  }
  return filter.AttributeValue;
}

function alternateIdentifier(
  ctx: CallContext,
  input: Record<string, unknown>,
  lookup: (path: string, value: string) => string | undefined,
  type: "GROUP" | "USER",
): string {
  const store = ctx.engine.store;
  const alt = obj(input, "AlternateIdentifier") ?? {};
  const external = obj(alt, "ExternalId");
  if (external) {
    const id = store.externalIds.get(
      externalKey({ issuer: req(external, "Issuer"), id: req(external, "Id") }),
    );
    const found = id !== undefined && (type === "GROUP" ? store.groups.has(id) : store.users.has(id));
    if (!found) throw notFound(type, req(external, "Id"));
    return id;
  }
  if (store.identitySource === "active-directory") {
    // Observed on AWS with an Active Directory identity source (terraform-provider-aws#31624).
    throw new ServiceError("UnknownOperationException", "UnknownError");
  }
  const unique = obj(alt, "UniqueAttribute") ?? {};
  const path = req(unique, "AttributePath");
  const value = unique.AttributeValue;
  if (typeof value !== "string") throw validation("AttributeValue must be a string.");
  const id = lookup(path, value);
  if (id === undefined) throw notFound(type, value);
  return id;
}

export const identityStoreHandlers: HandlerTable = {
  CreateGroup(input, ctx) {
    const store = storeOf(ctx, input);
    const name = str(input, "DisplayName");
    if (name === undefined) throw validation("A group in IAM Identity Center needs a DisplayName.");
    checkGroupNameFree(store, name, null);
    const max = ctx.engine.config.limits.groupsPerIdentityStore;
    if (store.groups.size >= max)
      throw quotaExceeded(`The identity store already has ${max} groups, the maximum.`);
    const group: GroupRec = {
      id: ctx.engine.newUuid(),
      displayName: name,
      description: str(input, "Description") ?? null,
      externalIds: [],
      createdMs: ctx.now,
      updatedMs: ctx.now,
    };
    store.addGroup(group);
    ctx.recordWrite({ DisplayName: name, GroupId: group.id });
    return { GroupId: group.id, IdentityStoreId: store.instance.identityStoreId };
  },

  DescribeGroup(input, ctx) {
    const store = storeOf(ctx, input);
    return groupOut(store, groupOf(store, req(input, "GroupId")));
  },

  UpdateGroup(input, ctx) {
    const store = storeOf(ctx, input);
    const group = groupOf(store, req(input, "GroupId"));
    let name = group.displayName;
    let description = group.description;
    for (const op of operationsIn(input)) {
      const value = op.AttributeValue;
      if (value !== undefined && value !== null && typeof value !== "string") {
        throw validation(`The value of ${op.AttributePath} must be a string.`);
      }
      const path = op.AttributePath.toLowerCase();
      if (path === "displayname") {
        if (value === undefined || value === null)
          throw validation("displayName cannot be removed from a group.");
        name = value;
      } else if (path === "description") {
        description = value ?? null;
      } else {
        throw validation(
          `Invalid attribute path ${op.AttributePath}: a group has displayName and description.`,
        );
      }
    }
    const violations = validateShape(ctx.engine.models.identitystore, "CreateGroupRequest", {
      IdentityStoreId: store.instance.identityStoreId,
      ...(name !== null ? { DisplayName: name } : {}),
      ...(description !== null ? { Description: description } : {}),
    });
    if (violations.length > 0) throw validation(coralMessage(violations));
    if (name !== null) checkGroupNameFree(store, name, group);
    store.renameGroup(group, name);
    group.description = description;
    group.updatedMs = ctx.now;
    ctx.recordWrite({ GroupId: group.id, AttributePaths: operationsIn(input).map((o) => o.AttributePath) });
    return {};
  },

  DeleteGroup(input, ctx) {
    const store = storeOf(ctx, input);
    const group = groupOf(store, req(input, "GroupId"));
    store.removeGroup(group);
    ctx.recordWrite({ GroupId: group.id, DisplayName: group.displayName });
    return {};
  },

  ListGroups(input, ctx) {
    const store = storeOf(ctx, input);
    const name = filterValue(input, "DisplayName");
    const page = ctx.engine.page(
      ctx,
      input,
      store.groups,
      name ?? null,
      name === undefined ? undefined : (g) => g.displayName === name,
    );
    return withToken({ Groups: page.items.map((g) => groupOut(store, g)) }, page.nextToken);
  },

  GetGroupId(input, ctx) {
    const store = storeOf(ctx, input);
    const id = alternateIdentifier(
      ctx,
      input,
      (path, value) => {
        if (path.toLowerCase() !== "displayname") {
          throw validation(`Invalid attribute path ${path}: the only valid path is displayName.`);
        }
        return store.groupsByName.get(value)?.id;
      },
      "GROUP",
    );
    return { GroupId: id, IdentityStoreId: store.instance.identityStoreId };
  },

  CreateUser(input, ctx) {
    const store = storeOf(ctx, input);
    const attributes = Object.fromEntries(
      USER_ATTRIBUTE_MEMBERS.filter((m) => input[m] !== undefined && input[m] !== null).map((m) => [
        m,
        input[m],
      ]),
    );
    checkUserAttributes(ctx, attributes);
    checkUserNameFree(store, attributes.UserName as string, null);
    const max = ctx.engine.config.limits.usersPerIdentityStore;
    if (store.users.size >= max)
      throw quotaExceeded(`The identity store already has ${max} users, the maximum.`);
    const user: UserRec = {
      id: ctx.engine.newUuid(),
      attributes,
      externalIds: [],
      createdMs: ctx.now,
      updatedMs: ctx.now,
    };
    store.addUser(user);
    ctx.recordWrite({ UserName: attributes.UserName, UserId: user.id });
    return { IdentityStoreId: store.instance.identityStoreId, UserId: user.id };
  },

  DescribeUser(input, ctx) {
    const store = storeOf(ctx, input);
    const extensions = Array.isArray(input.Extensions) ? (input.Extensions as string[]) : undefined;
    return userOut(store, userOf(store, req(input, "UserId")), extensions);
  },

  UpdateUser(input, ctx) {
    const store = storeOf(ctx, input);
    const user = userOf(store, req(input, "UserId"));
    const next = updatedAttributes(user.attributes, operationsIn(input));
    checkUserAttributes(ctx, next);
    checkUserNameFree(store, next.UserName as string, user);
    store.setUserAttributes(user, next);
    user.updatedMs = ctx.now;
    ctx.recordWrite({ UserId: user.id, AttributePaths: operationsIn(input).map((o) => o.AttributePath) });
    return {};
  },

  DeleteUser(input, ctx) {
    const store = storeOf(ctx, input);
    const user = userOf(store, req(input, "UserId"));
    store.removeUser(user);
    ctx.recordWrite({ UserId: user.id, UserName: userName(user) });
    return {};
  },

  ListUsers(input, ctx) {
    const store = storeOf(ctx, input);
    const name = filterValue(input, "UserName");
    const extensions = Array.isArray(input.Extensions) ? (input.Extensions as string[]) : undefined;
    const page = ctx.engine.page(
      ctx,
      input,
      store.users,
      name ?? null,
      name === undefined ? undefined : (u) => userName(u) === name,
    );
    return withToken({ Users: page.items.map((u) => userOut(store, u, extensions)) }, page.nextToken);
  },

  GetUserId(input, ctx) {
    const store = storeOf(ctx, input);
    const id = alternateIdentifier(
      ctx,
      input,
      (path, value) => {
        const p = path.toLowerCase();
        if (p === "username") return store.usersByName.get(value)?.id;
        if (p === "emails.value") return [...(store.usersByEmail.get(value) ?? [])][0];
        throw validation(`Invalid attribute path ${path}: use userName or emails.value.`);
      },
      "USER",
    );
    return { IdentityStoreId: store.instance.identityStoreId, UserId: id };
  },

  CreateGroupMembership(input, ctx) {
    const store = storeOf(ctx, input);
    const group = groupOf(store, req(input, "GroupId"));
    const user = userOf(store, memberIdOf(input));
    if (store.membershipsByPair.has(`${group.id}|${user.id}`)) {
      throw new ServiceError("ConflictException", "Member already exists in group.", UNIQUENESS);
    }
    const m: MembershipRec = {
      id: ctx.engine.newUuid(),
      groupId: group.id,
      userId: user.id,
      createdMs: ctx.now,
      updatedMs: ctx.now,
    };
    store.addMembership(m);
    ctx.recordWrite({ GroupId: group.id, MemberId: { UserId: user.id }, MembershipId: m.id });
    return { MembershipId: m.id, IdentityStoreId: store.instance.identityStoreId };
  },

  DeleteGroupMembership(input, ctx) {
    const store = storeOf(ctx, input);
    const id = req(input, "MembershipId");
    const m = store.memberships.get(id);
    if (!m) throw notFound("GROUP_MEMBERSHIP", id);
    store.removeMembership(m);
    ctx.recordWrite({ MembershipId: id, GroupId: m.groupId, MemberId: { UserId: m.userId } });
    return {};
  },

  DescribeGroupMembership(input, ctx) {
    const store = storeOf(ctx, input);
    const id = req(input, "MembershipId");
    const m = store.memberships.get(id);
    if (!m) throw notFound("GROUP_MEMBERSHIP", id);
    return membershipOut(store, m);
  },

  GetGroupMembershipId(input, ctx) {
    const store = storeOf(ctx, input);
    const groupId = req(input, "GroupId");
    const userId = memberIdOf(input);
    const m = store.membershipsByPair.get(`${groupId}|${userId}`);
    if (!m) throw notFound("GROUP_MEMBERSHIP", `${groupId}/${userId}`);
    return { MembershipId: m.id, IdentityStoreId: store.instance.identityStoreId };
  },

  ListGroupMemberships(input, ctx) {
    const store = storeOf(ctx, input);
    const groupId = req(input, "GroupId");
    groupOf(store, groupId);
    const page = ctx.engine.page(ctx, input, store.membershipsByGroup.get(groupId), groupId);
    return withToken({ GroupMemberships: page.items.map((m) => membershipOut(store, m)) }, page.nextToken);
  },

  ListGroupMembershipsForMember(input, ctx) {
    const store = storeOf(ctx, input);
    const userId = memberIdOf(input);
    userOf(store, userId);
    const page = ctx.engine.page(ctx, input, store.membershipsByUser.get(userId), userId);
    return withToken({ GroupMemberships: page.items.map((m) => membershipOut(store, m)) }, page.nextToken);
  },

  IsMemberInGroups(input, ctx) {
    const store = storeOf(ctx, input);
    const userId = memberIdOf(input);
    const groupIds = Array.isArray(input.GroupIds) ? (input.GroupIds as string[]) : [];
    return {
      Results: groupIds.map((groupId) => ({
        GroupId: groupId,
        MemberId: { UserId: userId },
        MembershipExists: store.membershipsByPair.has(`${groupId}|${userId}`),
      })),
    };
  },
};
