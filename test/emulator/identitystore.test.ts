import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-identitystore";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { smallSeed, UNTHROTTLED } from "./fixtures.ts";
import { failure, type Harness, harness, ids } from "./helpers.ts";

let h: Harness;
let id: ReturnType<typeof ids>;
beforeEach(async () => {
  h = await harness({ seed: smallSeed(), limits: UNTHROTTLED });
  id = ids(h.emu);
});
afterEach(() => h.close());

const store = () => ({ IdentityStoreId: h.identityStoreId });
type Fields = Error & { Reason?: string; ResourceType?: string; RequestId?: string };

describe("groups", () => {
  it("creates, describes, renames and deletes a group", async () => {
    const created = await h.ids.send(
      new CreateGroupCommand({ ...store(), DisplayName: "Ops", Description: "on call" }),
    );
    expect(created.IdentityStoreId).toBe(h.identityStoreId);
    const groupId = created.GroupId ?? "";
    expect(groupId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await h.ids.send(new DescribeGroupCommand({ ...store(), GroupId: groupId }))).toMatchObject({
      GroupId: groupId,
      DisplayName: "Ops",
      Description: "on call",
      IdentityStoreId: h.identityStoreId,
    });
    await h.ids.send(
      new UpdateGroupCommand({
        ...store(),
        GroupId: groupId,
        Operations: [
          { AttributePath: "displayName", AttributeValue: "Operations" },
          { AttributePath: "description" },
        ],
      }),
    );
    const renamed = await h.ids.send(new DescribeGroupCommand({ ...store(), GroupId: groupId }));
    expect(renamed.DisplayName).toBe("Operations");
    expect(renamed.Description).toBeUndefined();
    expect(
      (
        await h.ids.send(
          new GetGroupIdCommand({
            ...store(),
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: "displayName", AttributeValue: "Operations" },
            },
          }),
        )
      ).GroupId,
    ).toBe(groupId);
    await h.ids.send(new DeleteGroupCommand({ ...store(), GroupId: groupId }));
    const gone = (await failure(
      h.ids.send(new DescribeGroupCommand({ ...store(), GroupId: groupId })),
    )) as Fields;
    expect([gone.name, gone.ResourceType]).toEqual(["ResourceNotFoundException", "GROUP"]);
    expect(gone.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [{ DisplayName: "Admins" }, "ConflictException", "UNIQUENESS_CONSTRAINT_VIOLATION"],
    [{ DisplayName: "Administrator" }, "ValidationException", undefined],
    [{ DisplayName: "AWSAdministrators" }, "ValidationException", undefined],
    [{}, "ValidationException", undefined],
  ])("refuses to create %j", async (input, name, reason) => {
    const error = (await failure(h.ids.send(new CreateGroupCommand({ ...store(), ...input })))) as Fields;
    expect([error.name, error.Reason]).toEqual([name, reason]);
  });

  it("refuses a rename onto another group's name and an unknown attribute", async () => {
    const rename = await failure(
      h.ids.send(
        new UpdateGroupCommand({
          ...store(),
          GroupId: id.group("Devs"),
          Operations: [{ AttributePath: "displayName", AttributeValue: "Admins" }],
        }),
      ),
    );
    expect(rename.name).toBe("ConflictException");
    const path = await failure(
      h.ids.send(
        new UpdateGroupCommand({
          ...store(),
          GroupId: id.group("Devs"),
          Operations: [{ AttributePath: "owner", AttributeValue: "x" }],
        }),
      ),
    );
    expect(path.name).toBe("ValidationException");
  });

  it("deleting a group removes its memberships", async () => {
    await h.ids.send(new DeleteGroupCommand({ ...store(), GroupId: id.group("Admins") }));
    const left = await h.ids.send(
      new ListGroupMembershipsForMemberCommand({ ...store(), MemberId: { UserId: id.user("alice") } }),
    );
    expect(left.GroupMemberships).toEqual([]);
  });

  it("lists groups, also with the deprecated DisplayName filter", async () => {
    const all = await h.ids.send(new ListGroupsCommand(store()));
    expect(all.Groups?.map((g) => g.DisplayName).sort()).toEqual(["Admins", "Devs"]);
    const one = await h.ids.send(
      new ListGroupsCommand({
        ...store(),
        Filters: [{ AttributePath: "DisplayName", AttributeValue: "Devs" }],
      }),
    );
    expect(one.Groups?.map((g) => g.GroupId)).toEqual([id.group("Devs")]);
  });

  it("does not find an unknown group name and refuses another unique attribute", async () => {
    const missing = await failure(
      h.ids.send(
        new GetGroupIdCommand({
          ...store(),
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: "Nope" } },
        }),
      ),
    );
    expect(missing.name).toBe("ResourceNotFoundException");
    const badPath = await failure(
      h.ids.send(
        new GetGroupIdCommand({
          ...store(),
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "description", AttributeValue: "x" } },
        }),
      ),
    );
    expect(badPath.name).toBe("ValidationException");
  });

  it("answers ResourceNotFoundException for another identity store", async () => {
    const error = (await failure(
      h.ids.send(new ListGroupsCommand({ IdentityStoreId: "d-0000000000" })),
    )) as Fields;
    expect([error.name, error.ResourceType]).toEqual(["ResourceNotFoundException", "IDENTITY_STORE"]);
  });
});

describe("users", () => {
  const carol = {
    UserName: "carol",
    DisplayName: "Carol",
    Name: { GivenName: "Carol", FamilyName: "C" },
    Emails: [{ Value: "carol@example.com", Type: "work", Primary: true }],
  };

  it("creates, describes, updates and deletes a user", async () => {
    const { UserId } = await h.ids.send(new CreateUserCommand({ ...store(), ...carol }));
    const described = await h.ids.send(new DescribeUserCommand({ ...store(), UserId }));
    expect(described).toMatchObject({
      UserName: "carol",
      DisplayName: "Carol",
      Name: { GivenName: "Carol", FamilyName: "C" },
      UserStatus: "ENABLED",
    });
    await h.ids.send(
      new UpdateUserCommand({
        ...store(),
        UserId,
        Operations: [
          { AttributePath: "name.givenName", AttributeValue: "Caroline" },
          {
            AttributePath: "emails",
            AttributeValue: [{ value: "c@example.com", type: "work", primary: true }],
          },
          { AttributePath: "title", AttributeValue: "SRE" },
        ],
      }),
    );
    const updated = await h.ids.send(new DescribeUserCommand({ ...store(), UserId }));
    expect(updated.Name).toEqual({ GivenName: "Caroline", FamilyName: "C" });
    expect(updated.Emails).toEqual([{ Value: "c@example.com", Type: "work", Primary: true }]);
    expect(updated.Title).toBe("SRE");
    const byEmail = await h.ids.send(
      new GetUserIdCommand({
        ...store(),
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: "emails.value", AttributeValue: "c@example.com" },
        },
      }),
    );
    expect(byEmail.UserId).toBe(UserId);
    await h.ids.send(new DeleteUserCommand({ ...store(), UserId }));
    expect((await failure(h.ids.send(new DeleteUserCommand({ ...store(), UserId })))).name).toBe(
      "ResourceNotFoundException",
    );
  });

  it.each([
    [{ UserName: "alice", DisplayName: "A", Name: { GivenName: "A", FamilyName: "B" } }, "ConflictException"],
    [{ UserName: "dave" }, "ValidationException"],
    [
      { UserName: "Administrator", DisplayName: "A", Name: { GivenName: "A", FamilyName: "B" } },
      "ValidationException",
    ],
  ])("refuses to create %j", async (input, name) => {
    expect((await failure(h.ids.send(new CreateUserCommand({ ...store(), ...input })))).name).toBe(name);
  });

  it("refuses to remove a required attribute or to take another user's name", async () => {
    const remove = await failure(
      h.ids.send(
        new UpdateUserCommand({
          ...store(),
          UserId: id.user("bob"),
          Operations: [{ AttributePath: "displayName" }],
        }),
      ),
    );
    expect(remove.message).toContain("missing: DisplayName");
    const taken = await failure(
      h.ids.send(
        new UpdateUserCommand({
          ...store(),
          UserId: id.user("bob"),
          Operations: [{ AttributePath: "userName", AttributeValue: "alice" }],
        }),
      ),
    );
    expect(taken.name).toBe("ConflictException");
  });

  it("lists users, finds them by user name and filters by UserName", async () => {
    const all = await h.ids.send(new ListUsersCommand(store()));
    expect(all.Users?.map((u) => u.UserName).sort()).toEqual(["alice", "bob"]);
    const filtered = await h.ids.send(
      new ListUsersCommand({ ...store(), Filters: [{ AttributePath: "UserName", AttributeValue: "bob" }] }),
    );
    expect(filtered.Users?.map((u) => u.UserId)).toEqual([id.user("bob")]);
    const found = await h.ids.send(
      new GetUserIdCommand({
        ...store(),
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: "alice" } },
      }),
    );
    expect(found.UserId).toBe(id.user("alice"));
  });
});

describe("memberships", () => {
  it("creates, finds, describes, lists and deletes a membership", async () => {
    const created = await h.ids.send(
      new CreateGroupMembershipCommand({
        ...store(),
        GroupId: id.group("Devs"),
        MemberId: { UserId: id.user("bob") },
      }),
    );
    const membershipId = created.MembershipId ?? "";
    const found = await h.ids.send(
      new GetGroupMembershipIdCommand({
        ...store(),
        GroupId: id.group("Devs"),
        MemberId: { UserId: id.user("bob") },
      }),
    );
    expect(found.MembershipId).toBe(membershipId);
    expect(
      await h.ids.send(new DescribeGroupMembershipCommand({ ...store(), MembershipId: membershipId })),
    ).toMatchObject({
      GroupId: id.group("Devs"),
      MemberId: { UserId: id.user("bob") },
    });
    const inGroup = await h.ids.send(
      new ListGroupMembershipsCommand({ ...store(), GroupId: id.group("Devs") }),
    );
    expect(inGroup.GroupMemberships?.map((m) => m.MembershipId)).toEqual([membershipId]);
    const checks = await h.ids.send(
      new IsMemberInGroupsCommand({
        ...store(),
        MemberId: { UserId: id.user("bob") },
        GroupIds: [id.group("Devs"), id.group("Admins")],
      }),
    );
    expect(checks.Results?.map((r) => r.MembershipExists)).toEqual([true, false]);
    await h.ids.send(new DeleteGroupMembershipCommand({ ...store(), MembershipId: membershipId }));
    const gone = (await failure(
      h.ids.send(new DescribeGroupMembershipCommand({ ...store(), MembershipId: membershipId })),
    )) as Fields;
    expect([gone.name, gone.ResourceType]).toEqual(["ResourceNotFoundException", "GROUP_MEMBERSHIP"]);
  });

  it("refuses a duplicate membership and members or groups that do not exist", async () => {
    const twice = (await failure(
      h.ids.send(
        new CreateGroupMembershipCommand({
          ...store(),
          GroupId: id.group("Admins"),
          MemberId: { UserId: id.user("alice") },
        }),
      ),
    )) as Fields;
    expect([twice.name, twice.Reason]).toEqual(["ConflictException", "UNIQUENESS_CONSTRAINT_VIOLATION"]);
    const noUser = (await failure(
      h.ids.send(
        new CreateGroupMembershipCommand({
          ...store(),
          GroupId: id.group("Admins"),
          MemberId: { UserId: "0f0e0d0c-0b0a-4908-8706-050403020100" },
        }),
      ),
    )) as Fields;
    expect([noUser.name, noUser.ResourceType]).toEqual(["ResourceNotFoundException", "USER"]);
    const noMembership = await failure(
      h.ids.send(
        new GetGroupMembershipIdCommand({
          ...store(),
          GroupId: id.group("Devs"),
          MemberId: { UserId: id.user("alice") },
        }),
      ),
    );
    expect(noMembership.name).toBe("ResourceNotFoundException");
  });
});

describe("external identity sources", () => {
  it("gives seeded principals ExternalIds and finds them by ExternalId", async () => {
    await h.close();
    h = await harness({ seed: smallSeed({ identitySource: "external" }), limits: UNTHROTTLED });
    id = ids(h.emu);
    const group = await h.ids.send(new DescribeGroupCommand({ ...store(), GroupId: id.group("Admins") }));
    const external = group.ExternalIds?.[0];
    expect(external?.Issuer).toMatch(/^https:\/\/scim\./);
    const found = await h.ids.send(
      new GetGroupIdCommand({
        ...store(),
        AlternateIdentifier: { ExternalId: { Issuer: external?.Issuer, Id: external?.Id } },
      }),
    );
    expect(found.GroupId).toBe(id.group("Admins"));
    const byName = await h.ids.send(
      new GetGroupIdCommand({
        ...store(),
        AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: "Admins" } },
      }),
    );
    expect(byName.GroupId).toBe(id.group("Admins"));
  });
});
