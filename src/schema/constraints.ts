/**
 * The AWS constraints the access files must meet, taken from the service models in
 * `shared/aws-models/` (sso-admin, identitystore, organizations). Each pattern is a
 * whole-value match written for JavaScript's `u` flag, and carries a hint: the sentence a
 * user reads when a value does not match.
 */

/** A whole-value regular expression (JSON Schema `pattern` source) and how to satisfy it. */
export interface Pattern {
  source: string;
  /** Completes "must ..." in an error message: what a valid value looks like. */
  hint: string;
}

const pattern = (source: string, hint: string): Pattern => ({ source: `^(?:${source})$`, hint });

/** Printable Latin-1, tab and line breaks (sso-admin `PermissionSetDescription`). */
const LATIN1_TEXT = String.raw`[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`;

export const PATTERNS = {
  permissionSetName: pattern(
    String.raw`[\w+=,.@-]+`,
    "be 1-32 characters of letters, digits and + = , . @ _ -",
  ),
  permissionSetDescription: pattern(
    LATIN1_TEXT,
    "use printable Latin-1 characters only, without emoji or other Unicode symbols",
  ),
  /** The ISO-8601 forms `canonicalDuration` understands: hours, minutes and seconds. */
  sessionDuration: pattern(
    String.raw`PT(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?`,
    "be an ISO-8601 duration such as PT1H, PT4H or PT1H30M",
  ),
  relayState: pattern(
    String.raw`[a-zA-Z0-9&$@#\\\/%?=~\-_'"|!:,.;*+\[\] (){}]+`,
    "be a URL of letters, digits and URL punctuation, such as https://console.aws.amazon.com/",
  ),
  managedPolicyArn: pattern(
    "arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy((/[A-Za-z0-9.,+@=_-]+)*)/([A-Za-z0-9.,+=@_-]+)",
    "be the ARN of an AWS managed policy, such as arn:aws:iam::aws:policy/ReadOnlyAccess (attach your own policies under customerManagedPolicies)",
  ),
  managedPolicyName: pattern(
    String.raw`[\w+=,.@-]+`,
    "be 1-128 characters of letters, digits and + = , . @ _ -",
  ),
  managedPolicyPath: pattern(
    "(/[A-Za-z0-9.,+@=_-]+)*/",
    "start and end with / (for example / or /team/), with letters, digits and + = , . @ _ - between",
  ),
  tagKey: pattern(
    String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]+`,
    "be 1-128 characters of letters, digits, spaces and _ . : / = + - @",
  ),
  tagValue: pattern(
    String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`,
    "be at most 256 characters of letters, digits, spaces and _ . : / = + - @",
  ),
  accountId: pattern(String.raw`\d{12}`, "be exactly 12 digits"),
  userName: pattern(
    String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`,
    "be letters, digits, symbols and punctuation, without spaces",
  ),
  groupName: pattern(
    String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00A0]+`,
    "be letters, digits, symbols, punctuation and spaces",
  ),
  /** identitystore `SensitiveStringType`: display names, given and family names, descriptions. */
  identityText: pattern(
    String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00A0\u3000]+`,
    "be letters, digits, symbols, punctuation and spaces (no control characters)",
  ),
  /** Dots delimit the domain's labels, so a failed match takes linear time. */
  email: pattern(
    String.raw`[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+`,
    "be an e-mail address such as alice@example.com",
  ),
  region: pattern(String.raw`[a-z]{2}(-[a-z]+)+-\d{1,2}`, "be an AWS Region code such as us-east-1"),
  instanceArn: pattern(
    "arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}",
    "be an IAM Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-0123456789abcdef",
  ),
  ouPath: pattern(
    String.raw`Root(/[^/\p{Cc}\p{Cf}]+)*`,
    "be an OU path from the root, such as Root/Workloads/Prod (names separated by /, starting with Root)",
  ),
  /** organizations `AccountName`: printable ASCII (an id is 12 of its digits). */
  accountRef: pattern(
    String.raw`[\u0020-\u007E]+`,
    "be a 12-digit account id or an account name of printable ASCII characters, as AWS Organizations shows it",
  ),
  /** Free text shown in plans (a rule's reason): one line, nothing a terminal or a renderer would act on. */
  oneLine: pattern(
    String.raw`[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+`,
    "be one line of text without control characters (no escape sequences, tabs or line breaks)",
  ),
  principalAddress: pattern(
    "(group|user)/.+",
    "be a principal address: group/<group name> or user/<user name>, such as group/BreakGlass",
  ),
  /**
   * An instant with a time and an explicit zone, with each field in range; the day of the
   * month is checked against the calendar by the `expires` rule.
   */
  instant: pattern(
    String.raw`\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)`,
    "be an ISO-8601 instant with a time and a zone, such as 2027-03-31T18:00:00Z",
  ),
} as const satisfies Record<string, Pattern>;

/** Length limits in characters, from the service models. */
export const LIMITS = {
  permissionSetName: 32,
  permissionSetDescription: 700,
  relayState: 240,
  managedPolicyArn: 2048,
  managedPolicyName: 128,
  managedPolicyPath: 512,
  tagKey: 128,
  tagValue: 256,
  userName: 128,
  /** identitystore `GroupDisplayName` and `SensitiveStringType`. */
  identityText: 1024,
  /** organizations `AccountName`. */
  accountName: 128,
  email: 1024,
  /** A rule's `reason`: free text shown in plans; long enough for a ticket and a sentence. */
  reason: 1024,
  /** A regular expression in `ownership`; longer ones are refused (see `regex-guard.ts`). */
  ownershipRegex: 256,
  /** An OU path: organizations OU names are at most 128 characters, and OUs nest 5 deep under the root. */
  ouPath: 1024,
  /** An inline policy file reference. */
  policyPath: 1024,
  /** sso-admin `InstanceArn`. */
  instanceArn: 1224,
  /** Region codes are short (`ap-southeast-2`); this only bounds a hostile value. */
  region: 64,
} as const;

/** Per-permission-set quotas. */
export const QUOTAS = {
  /** AWS managed policies attachable to one permission set. */
  managedPolicies: 20,
  /** Customer managed policy references on one permission set. */
  customerManagedPolicies: 20,
  /**
   * IAM's default quota of managed policies per role: a permission set with more managed and
   * customer managed policies than this provisions only where the IAM quota was raised.
   */
  policiesPerRoleWarning: 10,
  /** Tags on one permission set. */
  tags: 50,
  /** identitystore keeps one e-mail address per user (`Emails` holds 1 item). */
  emails: 1,
  /** Inline policy size in bytes of the canonical JSON text. */
  inlinePolicyBytes: 32_768,
  /** Inline policy characters that are not whitespace. */
  inlinePolicyNonWhitespace: 10_240,
} as const;

/** Session duration range in seconds: 1 hour to 12 hours. */
export const SESSION_DURATION_SECONDS = { min: 3_600, max: 43_200 } as const;

/** identitystore reserves these names for users and groups. */
export const RESERVED_PRINCIPAL_NAMES: readonly string[] = ["Administrator", "AWSAdministrators"];

/** IAM policy language versions. */
export const POLICY_VERSIONS: readonly string[] = ["2012-10-17", "2008-10-17"];

/** Characters an inline policy may contain (sso-admin `PermissionSetPolicyDocument`). */
export const POLICY_TEXT = /^[\t\n\r\u0020-\u00FF]+$/u;

/** Tag keys starting with this are reserved by AWS. */
export const AWS_RESERVED_TAG_PREFIX = "aws:";
