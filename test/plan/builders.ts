import { addressOf, groupAddress, principalAddress, userAddress } from "../../src/model/address.ts";
import type {
  AssignmentRule,
  Config,
  GroupDecl,
  PermissionSetDecl,
  Settings,
  TargetSelector,
  UserDecl,
} from "../../src/model/config.ts";
import type { Live, OrgAccount, OrgSnapshot, ReadCoverage } from "../../src/model/live.ts";
import type {
  AssignmentEntity,
  Entity,
  GroupEntity,
  MembershipEntity,
  PermissionSetEntity,
  PrincipalType,
  State,
  UserEntity,
} from "../../src/model/state.ts";

/** Small, readable builders for planner tests: defaults everywhere, override what the case is about. */

export const NOW = new Date("2026-06-01T00:00:00.000Z");
export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
export const TAG = { key: "managed-by", value: "accessops" } as const;
export const OWNED = { [TAG.key]: TAG.value };

export const MANAGEMENT = "000000000000";
export const PROD_PAYMENTS = "111111111111";
export const PROD_WEB = "111111111112";
export const DEV_1 = "222222222221";
export const DEV_2 = "222222222222";
export const LEGACY = "333333333333";
export const SANDBOX = "444444444444";

const account = (
  id: string,
  name: string,
  ouPath: string,
  tags: Record<string, string> = {},
  state: OrgAccount["state"] = "ACTIVE",
): OrgAccount => ({ id, name, email: `${name}@example.com`, state, tags, ouPath });

/**
 * Root: management
 * Root/Workloads/Prod: prod-payments, prod-web (env=prod)
 * Root/Workloads/Dev: dev-1 (env=dev), dev-2 (env=dev, team=web)
 * Root/Suspended: legacy (SUSPENDED)
 * Root/Sandbox: sandbox (env=dev)
 */
export function standardOrg(): OrgSnapshot {
  const ou = (id: string, path: string, parentId: string) => ({
    id,
    name: path.split("/").at(-1) ?? path,
    path,
    parentId,
  });
  return {
    rootId: "r-root",
    managementAccountId: MANAGEMENT,
    accounts: [
      account(MANAGEMENT, "management", "Root"),
      account(PROD_PAYMENTS, "prod-payments", "Root/Workloads/Prod", { env: "prod" }),
      account(PROD_WEB, "prod-web", "Root/Workloads/Prod", { env: "prod", team: "web" }),
      account(DEV_1, "dev-1", "Root/Workloads/Dev", { env: "dev" }),
      account(DEV_2, "dev-2", "Root/Workloads/Dev", { env: "dev", team: "web" }),
      account(LEGACY, "legacy", "Root/Suspended", { env: "prod" }, "SUSPENDED"),
      account(SANDBOX, "sandbox", "Root/Sandbox", { env: "dev" }),
    ],
    ous: [
      ou("ou-sand", "Root/Sandbox", "r-root"),
      ou("ou-susp", "Root/Suspended", "r-root"),
      ou("ou-work", "Root/Workloads", "r-root"),
      ou("ou-dev", "Root/Workloads/Dev", "ou-work"),
      ou("ou-prod", "Root/Workloads/Prod", "ou-work"),
    ],
  };
}

export function settings(over: {
  identitySource?: Settings["identitySource"];
  groups?: string | null;
  users?: string | null;
  ignore?: Settings["ownership"]["ignore"];
  maxDeletes?: number;
  maxDeletePercent?: number;
  protected?: Partial<Settings["safety"]["protected"]>;
}): Settings {
  return {
    region: "us-east-1",
    instanceArn: null,
    identitySource: over.identitySource ?? "identity-center",
    ownership: {
      tag: { ...TAG },
      groups: over.groups ?? null,
      users: over.users ?? null,
      ignore: over.ignore ?? [],
    },
    safety: {
      maxDeletes: over.maxDeletes ?? 100,
      maxDeletePercent: over.maxDeletePercent ?? 100,
      protected: { principals: [], permissionSets: [], accounts: [], ...over.protected },
    },
    source: { file: "settings.yaml", line: 1, column: 1 },
  };
}

export function config(over: Partial<Omit<Config, "settings">> & { settings?: Settings } = {}): Config {
  return {
    dir: "/repo/access",
    files: ["access.yaml"],
    settings: over.settings ?? settings({}),
    users: over.users ?? [],
    groups: over.groups ?? [],
    permissionSets: over.permissionSets ?? [],
    assignments: over.assignments ?? [],
  };
}

let line = 1;
const at = () => ({ file: "access.yaml", line: line++, column: 3 });

export const decl = {
  user(userName: string, over: Partial<UserDecl> = {}): UserDecl {
    const [given = "Given", family = "Family"] = userName.split("@")[0]?.split(".") ?? [];
    return {
      userName,
      displayName: `${given} ${family}`,
      givenName: given,
      familyName: family,
      emails: [userName],
      source: at(),
      ...over,
    };
  },
  group(name: string, over: Partial<GroupDecl> = {}): GroupDecl {
    return { name, description: null, members: [], external: false, source: at(), ...over };
  },
  permissionSet(name: string, over: Partial<PermissionSetDecl> = {}): PermissionSetDecl {
    return {
      name,
      external: false,
      description: null,
      sessionDuration: "PT1H",
      relayState: null,
      managedPolicies: [],
      customerManagedPolicies: [],
      inlinePolicy: null,
      inlinePolicyFile: null,
      permissionsBoundary: null,
      tags: {},
      previously: [],
      source: at(),
      ...over,
    };
  },
};

let ruleIndex = 0;
/** An assignment rule: `rule({ group: "Admins" }, ["Admin"], { accounts: ["prod-payments"] })`. */
export function rule(
  principal: { group: string } | { user: string },
  permissionSets: string[],
  targets: Partial<TargetSelector>,
  over: Partial<Omit<AssignmentRule, "principal" | "permissionSets" | "targets">> = {},
): AssignmentRule {
  const id = over.id ?? `access.yaml#${ruleIndex++}`;
  const source = at();
  return {
    id,
    principal:
      "group" in principal
        ? { type: "GROUP", name: principal.group }
        : { type: "USER", name: principal.user },
    permissionSets,
    targets: { accounts: [], ous: [], tags: null, all: false, ...targets },
    exclude: { accounts: [], ous: [] },
    expires: null,
    reason: null,
    source,
    locations: {},
    ...over,
  };
}

/** Live and desired entities. */
export const e = {
  user(userName: string, over: Partial<UserEntity> = {}): UserEntity {
    const d = decl.user(userName);
    return {
      kind: "user",
      userName,
      displayName: d.displayName,
      givenName: d.givenName,
      familyName: d.familyName,
      emails: [userName],
      ...over,
    };
  },
  group(name: string, description: string | null = null): GroupEntity {
    return { kind: "group", name, description };
  },
  membership(group: string, userName: string): MembershipEntity {
    return { kind: "membership", group, userName };
  },
  permissionSet(name: string, over: Partial<PermissionSetEntity> = {}): PermissionSetEntity {
    return {
      kind: "permissionSet",
      name,
      description: null,
      sessionDuration: "PT1H",
      relayState: null,
      managedPolicies: [],
      customerManagedPolicies: [],
      inlinePolicy: null,
      permissionsBoundary: null,
      tags: { ...OWNED },
      ...over,
    };
  },
  assignment(
    accountId: string,
    permissionSet: string,
    principalName: string,
    principalType: PrincipalType = "GROUP",
  ): AssignmentEntity {
    return { kind: "assignment", accountId, permissionSet, principalType, principalName };
  },
};

export function stateOf(entities: readonly Entity[]): State {
  return new Map(entities.map((x) => [addressOf(x), x]));
}

/**
 * A live state with full coverage by default: every principal and permission set that appears
 * is read completely.
 */
export function live(
  entities: readonly Entity[] = [],
  over: Partial<Omit<Live, "state" | "coverage">> & { coverage?: Partial<ReadCoverage> } = {},
): Live {
  const state = stateOf(entities);
  const principals = new Set<string>();
  const sets = new Set<string>();
  const groups = new Set<string>();
  const ids: Live["ids"] = { users: {}, groups: {}, memberships: {}, permissionSets: {} };
  for (const x of entities) {
    if (x.kind === "group") {
      principals.add(groupAddress(x.name));
      groups.add(x.name);
      ids.groups[x.name] = `g-${x.name}`;
    }
    if (x.kind === "user") {
      principals.add(userAddress(x.userName));
      ids.users[x.userName] = `u-${x.userName}`;
    }
    if (x.kind === "permissionSet") {
      sets.add(x.name);
      ids.permissionSets[x.name] = `${INSTANCE_ARN}/ps-${x.name}`;
    }
    if (x.kind === "assignment") principals.add(principalAddress(x.principalType, x.principalName));
  }
  const { coverage, ...rest } = over;
  return {
    instance: { instanceArn: INSTANCE_ARN, identityStoreId: "d-1234567890", ownerAccountId: MANAGEMENT },
    state,
    ids,
    idpGroups: [],
    provisioning: {},
    orphans: [],
    org: standardOrg(),
    callerIsManagementAccount: true,
    ...rest,
    coverage: {
      refresh: "full",
      allPrincipals: true,
      principals: [...principals].sort(),
      allPermissionSets: true,
      permissionSets: [...sets].sort(),
      memberships: [...groups].sort(),
      assignmentStrategy: "per-principal",
      ...coverage,
    },
  };
}
