import { describe, expect, it } from "vitest";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import type { Seed } from "../../src/emulator/index.ts";
import type { Live } from "../../src/model/live.ts";
import { config, decl } from "../plan/builders.ts";
import { withEmulator } from "./harness.ts";
import {
  E,
  IDS,
  INSTANCE_ARN,
  LEGACY_ORPHAN,
  MANAGEMENT,
  PROD,
  STORE_ID,
  smallConfig,
  smallIds,
  smallOrg,
  smallProvisioning,
  smallSeed,
  stateOf,
} from "./small-org.ts";

const full = readRequestFor(smallConfig, { refresh: "full" });
const targeted = readRequestFor(smallConfig, { refresh: "targeted" });

const expectedFull: Live = {
  instance: { instanceArn: INSTANCE_ARN, identityStoreId: STORE_ID, ownerAccountId: MANAGEMENT },
  state: stateOf([
    E.alice,
    E.bob,
    E.platformAdmins,
    E.developers,
    E.okta,
    E.aliceInPlatformAdmins,
    E.platformAdmin,
    E.readOnly,
    E.legacy,
    E.sandbox,
    E.awsAdministratorAccess,
    E.platformAdminsProd,
    E.developersDevReadOnly,
    E.aliceDevReadOnly,
    E.oktaManagementAdmin,
    E.developersDevSandbox,
  ]),
  ids: smallIds,
  idpGroups: ["Okta-Engineering"],
  provisioning: smallProvisioning,
  orphans: [],
  org: smallOrg,
  callerIsManagementAccount: true,
  caller: {
    arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/accessops/emulator`,
    accountId: MANAGEMENT,
    kind: "other",
    permissionSet: null,
    userName: null,
  },
  coverage: {
    refresh: "full",
    allPrincipals: true,
    principals: [
      "group/Developers",
      "group/Okta-Engineering",
      "group/Platform-Admins",
      "user/alice@example.com",
      "user/bob@example.com",
    ],
    allPermissionSets: true,
    permissionSets: ["AWSAdministratorAccess", "Legacy", "PlatformAdmin", "ReadOnly"],
    memberships: ["Platform-Admins"],
    assignmentStrategy: "per-principal",
  },
};

/** Three users with no access: listing every principal now costs more than reading the pairs. */
const extraUsers = ["carol", "dave", "erin"].map((name, i) => ({
  userName: `${name}@example.com`,
  id: `00000000-0000-0000-0000-00000000003${i}`,
  displayName: name,
  name: { givenName: name, familyName: "Example" },
  emails: [`${name}@example.com`],
}));
const extraUserEntities = extraUsers.map((u) => ({
  kind: "user" as const,
  userName: u.userName,
  displayName: u.displayName,
  givenName: u.name.givenName,
  familyName: "Example",
  emails: [u.userName],
}));

/** Serialisable view, so a failing comparison prints readably. */
const view = (live: Live) => ({
  ...live,
  state: Object.fromEntries([...live.state].sort(([a], [b]) => (a < b ? -1 : 1))),
});

describe("readLive, full", () => {
  it("reads the small organisation exactly, per principal when that is cheaper", async () => {
    await withEmulator(smallSeed, async ({ ctx, emulator }) => {
      const { live, stats } = await readLive(ctx, full);
      expect(view(live)).toEqual(view(expectedFull));
      expect(live.state).toEqual(expectedFull.state);
      expect(stats.totalThrottled).toBe(0);
      // Memberships only of the managed group; details only of the sets accessops touches.
      expect(stats.calls["identitystore:ListGroupMemberships"]).toBe(1);
      expect(stats.calls["sso-admin:GetInlinePolicyForPermissionSet"]).toBe(4);
      expect(stats.calls["sso-admin:ListAccountAssignments"]).toBeUndefined();
      // Our counters and the emulator's agree.
      const served = Object.values(emulator.calls()).reduce((n, s) => n + s.calls, 0);
      expect(served).toBe(stats.totalCalls);
    });
  });

  it("reads per provisioned pair when that is cheaper, and sees the orphan", async () => {
    const seed: Seed = { ...smallSeed, users: [...(smallSeed.users ?? []), ...extraUsers] };
    await withEmulator(seed, async ({ ctx }) => {
      const { live, stats } = await readLive(ctx, full);
      const expected: Live = {
        ...expectedFull,
        state: stateOf([
          ...[...expectedFull.state.values()].filter((e) => e !== E.developersDevSandbox),
          ...extraUserEntities,
        ]),
        ids: {
          ...smallIds,
          users: {
            ...smallIds.users,
            ...Object.fromEntries(extraUsers.map((u) => [u.userName, u.id])),
          },
        },
        orphans: [LEGACY_ORPHAN],
        coverage: {
          ...expectedFull.coverage,
          principals: ["group/Platform-Admins"],
          assignmentStrategy: "per-pair",
        },
      };
      expect(view(live)).toEqual(view(expected));
      // One pair call per provisioned (account, permission set) of the four detailed sets.
      expect(stats.calls["sso-admin:ListAccountAssignments"]).toBe(4);
      expect(stats.calls["sso-admin:ListAccountAssignmentsForPrincipal"]).toBe(1);
    });
  });

  it("also reads per principal the undeclared groups ownership.groups would delete", async () => {
    const seed: Seed = { ...smallSeed, users: [...(smallSeed.users ?? []), ...extraUsers] };
    const request = readRequestFor(
      {
        ...smallConfig,
        settings: {
          ...smallConfig.settings,
          ownership: { ...smallConfig.settings.ownership, groups: "^Dev" },
        },
      },
      { refresh: "full" },
    );
    await withEmulator(seed, async ({ ctx }) => {
      const { live } = await readLive(ctx, request);
      expect(live.coverage).toMatchObject({
        principals: ["group/Developers", "group/Platform-Admins"],
        assignmentStrategy: "per-pair",
      });
      // Its assignment to a permission set accessops does not manage is seen too.
      expect(live.state.get("assignment/333333333333/Sandbox/GROUP/Developers")).toEqual(
        E.developersDevSandbox,
      );
    });
  });

  it("falls back to provisioned pairs over every permission set for a delegated administrator", async () => {
    await withEmulator({ ...smallSeed, callerAccountId: "prod-payments" }, async ({ ctx }) => {
      const { live, stats } = await readLive(ctx, full);
      expect(view(live)).toEqual(
        view({
          ...expectedFull,
          orphans: [LEGACY_ORPHAN],
          callerIsManagementAccount: false,
          caller: {
            ...(expectedFull.caller as NonNullable<Live["caller"]>),
            arn: `arn:aws:sts::${PROD}:assumed-role/accessops/emulator`,
            accountId: PROD,
          },
          coverage: { ...expectedFull.coverage, principals: [], assignmentStrategy: "per-pair" },
        }),
      );
      expect(stats.calls["sso-admin:ListAccountAssignmentsForPrincipal"]).toBe(1);
      // Five sets provisioned in one account each; Sandbox's accounts are read once more.
      expect(stats.calls["sso-admin:ListAccountAssignments"]).toBe(5);
      expect(stats.calls["sso-admin:ListAccountsForProvisionedPermissionSet"]).toBe(4 * 2 + 1);
    });
  });

  it("reads every permission set's details and every membership with everything", async () => {
    await withEmulator(smallSeed, async ({ ctx }) => {
      const { live } = await readLive(ctx, { ...full, everything: true });
      expect(live.coverage.permissionSets).toEqual([
        "AWSAdministratorAccess",
        "Legacy",
        "PlatformAdmin",
        "ReadOnly",
        "Sandbox",
      ]);
      expect(live.coverage.memberships).toEqual(["Developers", "Okta-Engineering", "Platform-Admins"]);
      expect(live.state.get("membership/Developers/bob@example.com")).toEqual({
        kind: "membership",
        group: "Developers",
        userName: "bob@example.com",
      });
      expect(live.provisioning.Sandbox).toEqual({ accounts: ["333333333333"], stale: [] });
      expect(live.state.get("assignment/333333333333/Sandbox/GROUP/Developers")).toEqual(
        E.developersDevSandbox,
      );
    });
  });

  it("marks every group of an external identity source as the IdP's", async () => {
    await withEmulator({ ...smallSeed, identitySource: "external" }, async ({ ctx }) => {
      const { live } = await readLive(
        ctx,
        readRequestFor(
          { ...smallConfig, settings: { ...smallConfig.settings, identitySource: "external" } },
          { refresh: "full" },
        ),
      );
      expect(live.idpGroups).toEqual(["Developers", "Okta-Engineering", "Platform-Admins"]);
      // Memberships are the IdP's: not read.
      expect(live.coverage.memberships).toEqual([]);
      expect([...live.state.keys()].filter((a) => a.startsWith("membership/"))).toEqual([]);
    });
  });
});

describe("readLive, targeted", () => {
  it("reads only what the configuration touches, and says so", async () => {
    await withEmulator(smallSeed, async ({ ctx, emulator }) => {
      const { live, stats } = await readLive(ctx, targeted);
      const expected: Live = {
        ...expectedFull,
        state: stateOf([
          E.alice,
          E.bob,
          E.platformAdmins,
          E.developers,
          E.okta,
          E.aliceInPlatformAdmins,
          E.platformAdmin,
          E.readOnly,
          E.awsAdministratorAccess,
          E.platformAdminsProd,
          E.aliceDevReadOnly,
          E.oktaManagementAdmin,
        ]),
        provisioning: {
          AWSAdministratorAccess: smallProvisioning.AWSAdministratorAccess,
          PlatformAdmin: smallProvisioning.PlatformAdmin,
          ReadOnly: smallProvisioning.ReadOnly,
        } as Live["provisioning"],
        coverage: {
          refresh: "targeted",
          // A store of up to 100 groups (and users) is listed whole by its first page.
          allPrincipals: true,
          principals: ["group/Okta-Engineering", "group/Platform-Admins", "user/alice@example.com"],
          allPermissionSets: false,
          permissionSets: ["AWSAdministratorAccess", "PlatformAdmin", "ReadOnly"],
          memberships: ["Platform-Admins"],
          assignmentStrategy: "per-principal",
        },
      };
      expect(view(live)).toEqual(view(expected));
      expect(stats.calls["sso-admin:ListAccountAssignmentsForPrincipal"]).toBe(3);
      expect(stats.calls["sso-admin:GetInlinePolicyForPermissionSet"]).toBe(3);
      // `ReadOnlyOld` does not exist, so every permission set was described to be sure...
      expect(stats.calls["sso-admin:DescribePermissionSet"]).toBe(5);
      // ...but only the wanted ones' tags were read.
      expect(stats.calls["sso-admin:ListTagsForResource"]).toBe(3);
      expect(Object.values(emulator.calls()).reduce((n, s) => n + s.throttled, 0)).toBe(0);
    });
  });

  it("falls back to the declared sets' pairs for a delegated administrator", async () => {
    await withEmulator({ ...smallSeed, callerAccountId: "dev" }, async ({ ctx }) => {
      const { live } = await readLive(ctx, targeted);
      expect(live.callerIsManagementAccount).toBe(false);
      expect(live.coverage).toMatchObject({ principals: [], assignmentStrategy: "per-pair" });
      const assignments = [...live.state.keys()].filter((a) => a.startsWith("assignment/")).sort();
      expect(assignments).toEqual(
        [
          `assignment/${MANAGEMENT}/AWSAdministratorAccess/GROUP/Okta-Engineering`,
          `assignment/${PROD}/PlatformAdmin/GROUP/Platform-Admins`,
          "assignment/333333333333/ReadOnly/GROUP/Developers",
          "assignment/333333333333/ReadOnly/USER/alice@example.com",
        ].sort(),
      );
      expect(live.orphans).toEqual([]);
    });
  });

  it("describes on demand a permission set met only in an assignment", async () => {
    const onlyAlice = readRequestFor(config({ users: [decl.user("alice@example.com")] }), {
      refresh: "targeted",
    });
    await withEmulator(smallSeed, async ({ ctx, emulator }) => {
      const { live, stats } = await readLive(ctx, onlyAlice);
      expect(live.state.get("assignment/333333333333/ReadOnly/USER/alice@example.com")).toEqual(
        E.aliceDevReadOnly,
      );
      expect(live.ids.permissionSets).toEqual({ ReadOnly: smallIds.permissionSets.ReadOnly });
      expect(live.ids.users["alice@example.com"]).toBe(IDS.alice);
      expect(stats.calls["sso-admin:DescribePermissionSet"]).toBe(1);
      expect(emulator.calls()["identitystore:ListGroups"]).toBeUndefined();
    });
  });
});
