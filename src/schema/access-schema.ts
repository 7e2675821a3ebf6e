import {
  DEFAULT_MAX_DELETE_PERCENT,
  DEFAULT_MAX_DELETES,
  DEFAULT_OWNERSHIP_TAG,
  DEFAULT_SESSION_DURATION,
} from "../model/config.ts";
import { LIMITS, PATTERNS, type Pattern, QUOTAS } from "./constraints.ts";

/**
 * The JSON Schema of one access file: the single source of truth for the shape. ajv validates
 * every file with it, and `schema/accessops.schema.json` is this object written out (see
 * `npm run schema`; a test fails when the two differ). Cross-file and cross-field rules
 * (references, uniqueness, identity source) are semantic rules in `rules.ts`, not schema.
 *
 * Every object schema has a `title`: it is the noun error messages use ("unknown key "x" in
 * permission set"), so keep it short and lower case.
 */

type Schema = Record<string, unknown>;

const text = (p: Pattern, maxLength: number, description: string, extra: Schema = {}): Schema => ({
  type: "string",
  description,
  minLength: 1,
  maxLength,
  pattern: p.source,
  ...extra,
});

const list = (items: Schema, description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items,
  uniqueItems: true,
  ...extra,
});

const object = (
  title: string,
  description: string,
  properties: Record<string, Schema>,
  extra: Schema = {},
) => ({
  type: "object",
  title,
  description,
  additionalProperties: false,
  properties,
  ...extra,
});

const permissionSetName = text(
  PATTERNS.permissionSetName,
  LIMITS.permissionSetName,
  "A permission set name: 1-32 characters of letters, digits and + = , . @ _ -.",
);

const userName = text(
  PATTERNS.userName,
  LIMITS.userName,
  "A user name (the unique UserName in the identity store, often the e-mail address).",
);

const groupName = text(
  PATTERNS.groupName,
  LIMITS.identityText,
  "A group name (the group's DisplayName, unique in the identity store).",
);

const accountRef: Schema = {
  type: "string",
  description:
    'An account id (12 digits, quoted: "111111111111") or an account name as shown in AWS Organizations.',
  minLength: 1,
  maxLength: LIMITS.accountName,
  pattern: PATTERNS.accountRef.source,
};

const ouPath = text(
  PATTERNS.ouPath,
  LIMITS.ouPath,
  "An OU path from the root, for example Root/Workloads/Prod. Accounts in nested OUs are included.",
);

const customerManagedPolicy = object(
  "customer managed policy",
  "A customer managed IAM policy, referenced by name and path. It must exist in every account the permission set is provisioned to.",
  {
    name: text(PATTERNS.managedPolicyName, LIMITS.managedPolicyName, "The IAM policy name."),
    path: text(PATTERNS.managedPolicyPath, LIMITS.managedPolicyPath, "The IAM policy path.", {
      default: "/",
    }),
  },
  { required: ["name"] },
);

const tagMap = (title: string, description: string, extra: Schema = {}): Schema => ({
  type: "object",
  title,
  description,
  propertyNames: { minLength: 1, maxLength: LIMITS.tagKey, pattern: PATTERNS.tagKey.source },
  additionalProperties: {
    type: "string",
    description: "A tag value.",
    maxLength: LIMITS.tagValue,
    pattern: PATTERNS.tagValue.source,
  },
  ...extra,
});

const settings = object(
  "settings",
  "Instance-wide settings. At most one file holds settings; every key has a default.",
  {
    region: text(
      PATTERNS.region,
      LIMITS.region,
      "The AWS Region of the IAM Identity Center instance, for example us-east-1.",
    ),
    instanceArn: text(
      PATTERNS.instanceArn,
      LIMITS.instanceArn,
      "The instance ARN. Optional when the account has one instance.",
    ),
    identitySource: {
      type: "string",
      description:
        "identity-center: accessops manages users, groups and memberships. external (SCIM or Active Directory): they are read-only and referenced by name.",
      enum: ["identity-center", "external"],
      default: "identity-center",
    },
    ownership: object("ownership", "What accessops owns, and so may change or delete.", {
      tag: object(
        "ownership tag",
        "The tag accessops puts on every permission set it creates; a live permission set carrying it but no longer declared is deleted.",
        {
          key: text(PATTERNS.tagKey, LIMITS.tagKey, "Tag key.", { default: DEFAULT_OWNERSHIP_TAG.key }),
          value: text(PATTERNS.tagValue, LIMITS.tagValue, "Tag value.", {
            default: DEFAULT_OWNERSHIP_TAG.value,
          }),
        },
        { required: ["key", "value"] },
      ),
      groups: {
        type: "string",
        description:
          "A regular expression: undeclared live groups whose name matches it are deleted. Unset: undeclared groups are never deleted.",
        minLength: 1,
        maxLength: LIMITS.ownershipRegex,
        examples: ["^team-"],
      },
      users: {
        type: "string",
        description:
          "A regular expression: undeclared live users whose user name matches it are deleted. Unset: undeclared users are never deleted.",
        minLength: 1,
        maxLength: LIMITS.ownershipRegex,
      },
      ignore: list(
        object(
          "ignore rule",
          "An assignment matching every field given here is never created, changed or deleted by accessops.",
          {
            principalType: { type: "string", description: "GROUP or USER.", enum: ["GROUP", "USER"] },
            principal: { type: "string", description: "A group or user name.", minLength: 1 },
            permissionSet: permissionSetName,
            account: text(PATTERNS.accountId, 12, 'An account id, 12 digits, quoted: "111111111111".'),
          },
          { minProperties: 1 },
        ),
        "Assignments accessops never touches, for example those a just-in-time access tool makes.",
      ),
    }),
    safety: object("safety", "Limits that make a plan refuse to apply without an explicit override.", {
      maxDeletes: {
        type: "integer",
        description: "Refuse to apply more deletions than this unless deletions are allowed.",
        minimum: 0,
        default: DEFAULT_MAX_DELETES,
      },
      maxDeletePercent: {
        type: "number",
        description: "Refuse to delete more than this percentage of the managed live objects.",
        minimum: 0,
        maximum: 100,
        default: DEFAULT_MAX_DELETE_PERCENT,
      },
      protected: object("protected", "Never deleted or changed, whatever the files say.", {
        principals: list(
          text(
            PATTERNS.principalAddress,
            LIMITS.identityText + "group/".length,
            "group/<name> or user/<name>.",
          ),
          "Principals whose assignments are never removed, for example group/BreakGlass.",
        ),
        permissionSets: list(permissionSetName, "Permission sets never deleted or changed."),
        accounts: list(accountRef, "Accounts (ids or names) where no assignment is ever removed."),
      }),
    }),
  },
);

const user = object(
  "user",
  "A user in the Identity Center directory (only with identitySource: identity-center).",
  {
    userName,
    displayName: text(PATTERNS.identityText, LIMITS.identityText, "The name shown in the access portal."),
    name: object(
      "user's name",
      "The user's given and family name (both required by Identity Center).",
      {
        givenName: text(PATTERNS.identityText, LIMITS.identityText, "Given (first) name."),
        familyName: text(PATTERNS.identityText, LIMITS.identityText, "Family (last) name."),
      },
      { required: ["givenName", "familyName"] },
    ),
    emails: list(
      text(PATTERNS.email, LIMITS.email, "An e-mail address."),
      "The user's e-mail address (Identity Center keeps one).",
      { maxItems: QUOTAS.emails },
    ),
  },
  { required: ["userName", "displayName", "name"] },
);

const group = object(
  "group",
  "A group in the identity store.",
  {
    name: groupName,
    description: text(PATTERNS.identityText, LIMITS.identityText, "What the group is for."),
    members: list(userName, "User names of the members; each must be declared under users."),
    external: {
      type: "boolean",
      description:
        "true: the group exists already (for example synced by SCIM) and is only referenced; accessops never creates, changes or deletes it.",
      default: false,
    },
  },
  { required: ["name"] },
);

const permissionSet = object(
  "permission set",
  "A permission set: the policies a principal gets in an account.",
  {
    name: permissionSetName,
    external: {
      type: "boolean",
      description:
        "true: the permission set exists already (for example made by Control Tower) and is only referenced by assignments; accessops never changes it.",
      default: false,
    },
    description: text(
      PATTERNS.permissionSetDescription,
      LIMITS.permissionSetDescription,
      "Shown in the access portal. Printable Latin-1, at most 700 characters.",
    ),
    sessionDuration: {
      type: "string",
      description: "How long a console or CLI session lasts: an ISO-8601 duration from PT1H to PT12H.",
      pattern: PATTERNS.sessionDuration.source,
      default: DEFAULT_SESSION_DURATION,
      examples: ["PT4H", "PT1H30M"],
    },
    relayState: text(
      PATTERNS.relayState,
      LIMITS.relayState,
      "The console URL users land on, at most 240 characters.",
      { examples: ["https://console.aws.amazon.com/"] },
    ),
    managedPolicies: list(
      text(PATTERNS.managedPolicyArn, LIMITS.managedPolicyArn, "An AWS managed policy ARN."),
      `AWS managed policy ARNs, at most ${QUOTAS.managedPolicies}.`,
      { maxItems: QUOTAS.managedPolicies },
    ),
    customerManagedPolicies: list(
      customerManagedPolicy,
      `Customer managed policies by name and path, at most ${QUOTAS.customerManagedPolicies}.`,
      { maxItems: QUOTAS.customerManagedPolicies },
    ),
    inlinePolicy: {
      type: ["string", "object"],
      description:
        "The inline policy: a path to a JSON file, relative to this YAML file and inside the access directory, or the policy written as a mapping.",
      examples: ["policies/deny-billing.json"],
    },
    permissionsBoundary: object(
      "permissions boundary",
      "The permissions boundary: exactly one of customerManagedPolicy or managedPolicyArn.",
      {
        customerManagedPolicy,
        managedPolicyArn: text(
          PATTERNS.managedPolicyArn,
          LIMITS.managedPolicyArn,
          "An AWS managed policy ARN used as the boundary.",
        ),
      },
      { minProperties: 1, maxProperties: 1 },
    ),
    tags: tagMap(
      "tags",
      `Tags as key: value, at most ${QUOTAS.tags}. Keys starting with aws: are reserved.`,
      { maxProperties: QUOTAS.tags },
    ),
    previously: list(
      permissionSetName,
      "Former names of this permission set. AWS cannot rename, so a live permission set under a former name is replaced by this one and its assignments move.",
    ),
  },
  { required: ["name"] },
);

const accountList = list(accountRef, "Account ids (quoted) or account names.");

const assignment = object(
  "assignment",
  "Grants permission sets to a group or user in the accounts the targets select.",
  {
    principal: object(
      "principal",
      "Who gets the access: exactly one of group or user.",
      {
        group: groupName,
        user: userName,
      },
      { minProperties: 1, maxProperties: 1 },
    ),
    permissionSets: list(permissionSetName, "The permission sets granted; each must be declared."),
    targets: object("targets", "Which accounts: the union of every selector given.", {
      accounts: accountList,
      ous: list(ouPath, "OU paths from the root; accounts in nested OUs are included."),
      tags: tagMap("target tags", "Accounts carrying all these tags (as key: value)."),
      all: { type: "boolean", description: "true: every active account." },
    }),
    exclude: object("exclude", "Accounts removed from the targets.", {
      accounts: accountList,
      ous: list(ouPath, "OU paths from the root; accounts in nested OUs are excluded."),
    }),
    expires: {
      type: "string",
      description:
        "Just-in-time access: an ISO-8601 instant with a zone after which the assignment is removed.",
      pattern: PATTERNS.instant.source,
      examples: ["2027-03-31T18:00:00Z"],
    },
    reason: text(
      PATTERNS.oneLine,
      LIMITS.reason,
      "Why this access exists (a ticket, a justification); shown in plans and reports.",
    ),
  },
  { required: ["principal", "permissionSets", "targets"] },
);

/** The schema of one access file (JSON Schema draft 2020-12). */
export const ACCESS_FILE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "access file",
  description:
    "An accessops access file. Every *.yaml file under the access directory is merged; each top-level key may appear in any file.",
  type: "object",
  additionalProperties: false,
  properties: {
    settings,
    users: { type: "array", description: "Users (only with identitySource: identity-center).", items: user },
    groups: { type: "array", description: "Groups.", items: group },
    permissionSets: { type: "array", description: "Permission sets.", items: permissionSet },
    assignments: { type: "array", description: "Assignment rules.", items: assignment },
  },
} as const;
