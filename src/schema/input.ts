import type { IdentitySource, SourceLocation } from "../model/config.ts";
import type { PrincipalType } from "../model/state.ts";
import type { ParsedYaml, Segment } from "./yaml.ts";

/**
 * The data of an access file as written, once it passed the schema: what
 * `ACCESS_FILE_SCHEMA` admits, nothing more. These types are for the semantic rules and the
 * normaliser only; everything outside `src/schema` uses the normalised `Config`.
 */

export interface CustomerManagedPolicyInput {
  name: string;
  path?: string;
}

export interface SettingsInput {
  region?: string;
  instanceArn?: string;
  identitySource?: IdentitySource;
  ownership?: {
    tag?: { key: string; value: string };
    groups?: string;
    users?: string;
    ignore?: {
      principalType?: PrincipalType;
      principal?: string;
      permissionSet?: string;
      account?: string;
    }[];
  };
  safety?: {
    maxDeletes?: number;
    maxDeletePercent?: number;
    protected?: { principals?: string[]; permissionSets?: string[]; accounts?: string[] };
  };
}

export interface UserInput {
  userName: string;
  displayName: string;
  name: { givenName: string; familyName: string };
  emails?: string[];
}

export interface GroupInput {
  name: string;
  description?: string;
  members?: string[];
  external?: boolean;
}

export interface PermissionSetInput {
  name: string;
  external?: boolean;
  description?: string;
  sessionDuration?: string;
  relayState?: string;
  managedPolicies?: string[];
  customerManagedPolicies?: CustomerManagedPolicyInput[];
  /** A path to a JSON file relative to the YAML file, or the policy itself. */
  inlinePolicy?: string | Record<string, unknown>;
  permissionsBoundary?: { customerManagedPolicy?: CustomerManagedPolicyInput; managedPolicyArn?: string };
  tags?: Record<string, string>;
  previously?: string[];
}

export interface AssignmentInput {
  principal: { group?: string; user?: string };
  permissionSets: string[];
  targets: { accounts?: string[]; ous?: string[]; tags?: Record<string, string>; all?: boolean };
  exclude?: { accounts?: string[]; ous?: string[] };
  expires?: string;
  reason?: string;
}

/** One declaration (a settings block or a list item) and where it was written. */
export interface Entry<T> {
  data: T;
  /** The parsed file it came from. */
  source: ParsedYaml;
  /** Its path inside that file, for example `["permissionSets", 3]`. */
  path: Segment[];
  /** Index of the item in its file's list (0 for settings). */
  index: number;
}

/** Every declaration of every file, merged; only entries that passed the schema. */
export interface Declarations {
  /** Every settings block, valid or not (to find a second one). */
  settingsBlocks: Entry<unknown>[];
  /** The settings blocks that passed the schema. */
  settings: Entry<SettingsInput>[];
  users: Entry<UserInput>[];
  groups: Entry<GroupInput>[];
  permissionSets: Entry<PermissionSetInput>[];
  assignments: Entry<AssignmentInput>[];
  /**
   * Every name declared, including those of entries that failed the schema, so that one
   * broken entry does not also make every reference to it "not declared".
   */
  declared: { users: Set<string>; groups: Set<string>; permissionSets: Set<string> };
}

/** Where the value at `sub` inside the entry starts (the entry itself when `sub` is empty). */
export const where = (entry: Entry<unknown>, ...sub: Segment[]): SourceLocation =>
  entry.source.locate([...entry.path, ...sub]);

/** Where the key `sub` inside the entry is written. */
export const keyWhere = (entry: Entry<unknown>, ...sub: Segment[]): SourceLocation =>
  entry.source.locate([...entry.path, ...sub], "key");

/** `file:line:column`, for messages that point at a second place. */
export const formatLocation = (l: SourceLocation): string => `${l.file}:${l.line}:${l.column}`;
