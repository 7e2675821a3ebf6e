import {
  type AssignmentRule,
  type Config,
  DEFAULT_MAX_DELETE_PERCENT,
  DEFAULT_MAX_DELETES,
  DEFAULT_OWNERSHIP_TAG,
  DEFAULT_SESSION_DURATION,
  type GroupDecl,
  type PermissionSetDecl,
  type Settings,
  type UserDecl,
} from "../../src/model/config.ts";
import type { PrincipalType } from "../../src/model/state.ts";

/** Small builders of a validated `Config` for the reader's tests: defaults, override what matters. */

const at = { file: "access/main.yaml", line: 1, column: 1 };

export function settings(
  over: Partial<Omit<Settings, "ownership">> & { ownership?: Partial<Settings["ownership"]> } = {},
): Settings {
  const { ownership, ...rest } = over;
  return {
    region: null,
    instanceArn: null,
    identitySource: "identity-center",
    safety: {
      maxDeletes: DEFAULT_MAX_DELETES,
      maxDeletePercent: DEFAULT_MAX_DELETE_PERCENT,
      protected: { principals: [], permissionSets: [], accounts: [] },
    },
    source: null,
    ...rest,
    ownership: { tag: { ...DEFAULT_OWNERSHIP_TAG }, groups: null, users: null, ignore: [], ...ownership },
  };
}

export const user = (userName: string, over: Partial<UserDecl> = {}): UserDecl => ({
  userName,
  displayName: userName,
  givenName: "Given",
  familyName: "Family",
  emails: [userName],
  source: at,
  ...over,
});

export const group = (name: string, over: Partial<GroupDecl> = {}): GroupDecl => ({
  name,
  description: null,
  members: [],
  external: false,
  source: at,
  ...over,
});

export const permissionSet = (name: string, over: Partial<PermissionSetDecl> = {}): PermissionSetDecl => ({
  name,
  external: false,
  description: null,
  sessionDuration: DEFAULT_SESSION_DURATION,
  relayState: null,
  managedPolicies: [],
  customerManagedPolicies: [],
  inlinePolicy: null,
  inlinePolicyFile: null,
  permissionsBoundary: null,
  tags: {},
  previously: [],
  source: at,
  ...over,
});

export function rule(
  principal: { type: PrincipalType; name: string },
  permissionSets: string[],
  targets: Partial<AssignmentRule["targets"]> = {},
  index = 0,
): AssignmentRule {
  return {
    id: `access/main.yaml#${index}`,
    principal,
    permissionSets,
    targets: { accounts: [], ous: [], tags: null, all: false, ...targets },
    exclude: { accounts: [], ous: [] },
    expires: null,
    reason: null,
    source: at,
    locations: {},
  };
}

export function config(over: Partial<Config> = {}): Config {
  return {
    dir: "/work/access",
    files: ["main.yaml"],
    settings: settings(),
    users: [],
    groups: [],
    permissionSets: [],
    assignments: [],
    ...over,
  };
}
