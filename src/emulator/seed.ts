import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Ajv, type ErrorObject } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { byCodeUnit, durationSeconds } from "../model/canonical.ts";
import { ConfigError, type Diagnostic } from "../model/errors.ts";
import type { AccountState } from "../model/live.ts";
import type { PrincipalType } from "../model/state.ts";
import { jsonSyntaxError } from "../schema/json-syntax.ts";
import { hashHex, hashUuid } from "./random.ts";
import { SortedMap } from "./sorted-map.ts";
import {
  type AccountRec,
  type BoundaryRec,
  type ExternalIdRec,
  type IdentitySourceMode,
  type PermissionSetRec,
  type PolicyRef,
  policyRefKey,
  Store,
  type UserRec,
  userName,
} from "./state.ts";
import { callerAccountOf, defaultCallerArn } from "./sts.ts";

/**
 * The seed: the emulator's whole state as one JSON document, written by humans (names, not
 * ids: every id is optional and generated deterministically from names when absent) and by
 * `--export` / `GET /_emulator/state` (everything explicit, sorted). Exporting a store loaded
 * from an exported seed gives the same bytes. The JSON Schema is
 * `schema/emulator-seed.schema.json`; docs/emulator.md documents every field with an example.
 *
 * What a seed does not hold: async operations in progress and the request history (a restart
 * forgets them, as a fresh instance would), counters, fault rules and options.
 */
export interface Seed {
  $schema?: string;
  /** The seed format version; 1. */
  formatVersion?: typeof SEED_FORMAT_VERSION;
  instance?: SeedInstance;
  organization?: SeedOrganization;
  /**
   * The account whose credentials call the API (id or name). Defaults to the management
   * account; any other account makes the caller a delegated administrator.
   */
  callerAccountId?: string;
  /**
   * Who the credentials belong to, as STS GetCallerIdentity answers: for an IAM Identity Center
   * user `arn:aws:sts::<account>:assumed-role/AWSReservedSSO_<PermissionSet>_<hash>/<user name>`,
   * for a CI role `arn:aws:sts::<account>:assumed-role/<role>/<session>`. Its account is
   * `callerAccountId` (which may then be left out). Default: `arn:aws:sts::<callerAccountId>:assumed-role/accessops/emulator`.
   */
  callerArn?: string;
  /** `identity-center` by default. */
  identitySource?: IdentitySourceMode;
  ous?: SeedOu[];
  accounts?: SeedAccount[];
  users?: SeedUser[];
  groups?: SeedGroup[];
  memberships?: SeedMembership[];
  permissionSets?: SeedPermissionSet[];
  assignments?: SeedAssignment[];
}

export interface SeedInstance {
  arn?: string;
  identityStoreId?: string;
  /** The management account by default (an organisation instance). */
  ownerAccountId?: string;
  name?: string;
  /** ISO-8601 instant. */
  createdDate?: string;
}

export interface SeedOrganization {
  /** `o-` + 10..32 lowercase alphanumerics. */
  id?: string;
  /** `r-` + 4..32 lowercase alphanumerics. */
  rootId?: string;
  /** Id or name of the management account. */
  managementAccount?: string;
  rootTags?: Record<string, string>;
}

export interface SeedOu {
  /** Path from the root, `Root/Workloads/Prod`; every parent must be listed too. */
  path: string;
  id?: string;
  tags?: Record<string, string>;
}

export interface SeedPolicyRef {
  name: string;
  /** IAM path; `/` when absent. */
  path?: string;
}

export interface SeedAccount {
  /** 12 digits. */
  id: string;
  name: string;
  /** `<name>@example.com` (spaces removed) when absent. */
  email?: string;
  /** `ACTIVE` when absent. */
  state?: AccountState;
  /** Path of the parent OU, `Root` when absent. */
  ou?: string;
  tags?: Record<string, string>;
  joinedMethod?: "INVITED" | "CREATED";
  joinedTimestamp?: string;
  /**
   * The customer-managed IAM policies that exist in the account. When given, provisioning a
   * permission set that references another one there ends FAILED; when absent, every
   * reference is taken to exist.
   */
  iamPolicies?: SeedPolicyRef[];
}

export interface SeedEmail {
  value?: string;
  type?: string;
  primary?: boolean;
}

export interface SeedExternalId {
  issuer: string;
  id: string;
}

/**
 * A user, with the identitystore attribute names in camelCase (`userName`, `name.givenName`,
 * `emails[].value`, ...). An e-mail given as a string is a primary work address.
 */
export interface SeedUser {
  userName: string;
  id?: string;
  displayName?: string;
  name?: {
    formatted?: string;
    familyName?: string;
    givenName?: string;
    middleName?: string;
    honorificPrefix?: string;
    honorificSuffix?: string;
  };
  emails?: (string | SeedEmail)[];
  nickName?: string;
  profileUrl?: string;
  userType?: string;
  title?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  website?: string;
  birthdate?: string;
  addresses?: Record<string, unknown>[];
  phoneNumbers?: Record<string, unknown>[];
  photos?: Record<string, unknown>[];
  roles?: Record<string, unknown>[];
  /** Extension attributes keyed by extension name, as the API takes them. */
  extensions?: Record<string, unknown>;
  /** Generated for `external` and `active-directory` sources when absent. */
  externalIds?: SeedExternalId[];
  createdAt?: string;
  updatedAt?: string;
}

export interface SeedGroup {
  /** The group's `DisplayName`. */
  name: string;
  id?: string;
  description?: string;
  /** Generated for `external` and `active-directory` sources when absent. */
  externalIds?: SeedExternalId[];
  createdAt?: string;
  updatedAt?: string;
}

export interface SeedMembership {
  /** Group name. */
  group: string;
  /** User name. */
  user: string;
  id?: string;
  createdAt?: string;
}

export type SeedBoundary = { managedPolicyArn: string } | { customerManagedPolicy: SeedPolicyRef };

export interface SeedPermissionSet {
  name: string;
  arn?: string;
  description?: string;
  sessionDuration?: string;
  relayState?: string;
  createdDate?: string;
  managedPolicies?: string[];
  customerManagedPolicies?: SeedPolicyRef[];
  /** The exact policy text, or an object stored as compact JSON. */
  inlinePolicy?: string | Record<string, unknown>;
  permissionsBoundary?: SeedBoundary;
  tags?: Record<string, string>;
  /** Accounts (ids or names) holding a copy; accounts with an assignment are added. */
  provisionedTo?: string[];
  /** Accounts whose copy is stale (`LATEST_PERMISSION_SET_NOT_PROVISIONED`). */
  stale?: string[];
}

/** Exactly one of `group`, `user`, or `principalId` with `principalType`. */
export interface SeedAssignment {
  /** Account id or name. */
  account: string;
  /** Permission set name. */
  permissionSet: string;
  group?: string;
  user?: string;
  /** With `principalId`: a principal missing from the identity store (an orphan). */
  principalType?: PrincipalType;
  principalId?: string;
}

export const SEED_FORMAT_VERSION = 1;
/** The management account of the default organisation (no seed, or a seed without accounts). */
export const DEFAULT_MANAGEMENT_ACCOUNT_ID = "111111111111";
export const DEFAULT_MANAGEMENT_ACCOUNT_NAME = "management";
/** Timestamps a seed leaves out: fixed, so that loading the same seed twice gives the same state. */
export const SEED_EPOCH = "2024-01-01T00:00:00.000Z";
const SEED_EPOCH_MS = Date.parse(SEED_EPOCH);
const ROOT_NAME = "Root";
const RESERVED_PRINCIPAL_NAMES = new Set(["Administrator", "AWSAdministrators"]);
/** The service range of a permission set's session duration: 1 to 12 hours. */
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;
/** The region written into generated Active Directory and SCIM issuers. */
const SEED_REGION = "us-east-1";

const SCHEMA_URL = new URL("../../schema/emulator-seed.schema.json", import.meta.url);
let compiled: ReturnType<Ajv["compile"]> | null = null;

function schemaValidator(): ReturnType<Ajv["compile"]> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as object);
  }
  return compiled;
}

/** Where a seed came from, for messages. */
interface SeedSource {
  file: string;
  text: string | null;
  locator?: Locator;
}

/**
 * Reads, parses and validates a seed file. Throws a `ConfigError` listing every problem
 * (file, line, column, JSON path, what is wrong) when the file is not a valid seed.
 */
export async function readSeedFile(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read the emulator seed ${path}`,
      [
        diag(
          { file: path, text: null },
          [],
          `cannot read the file: ${(error as Error).message}`,
          "seed-unreadable",
        ),
      ],
      "Check the --seed path and run again.",
      { cause: error },
    );
  }
  return parseSeed(text, path);
}

/** Parses and validates seed text (JSON). */
export function parseSeed(text: string, file = "<seed>"): Seed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The strict scanner says where and what in one line; V8's message may quote the text itself.
    const found = jsonSyntaxError(text);
    const pos = found
      ? new LineCounterAt(text).at(found.offset)
      : jsonErrorPosition(text, (error as Error).message);
    throw new ConfigError(
      `the emulator seed ${file} is not valid JSON`,
      [
        {
          severity: "error",
          file,
          line: pos?.line ?? 0,
          column: pos?.col ?? 0,
          message: `not valid JSON: ${found?.message ?? (error as Error).message.split("\n")[0]}`,
          code: "seed-json",
        },
      ],
      "Fix the seed (its format is in docs/emulator.md and schema/emulator-seed.schema.json) and start the emulator again.",
      { cause: error },
    );
  }
  return checkSeed(value, { file, text });
}

/** Line and column (1-based) of offsets in a text. */
class LineCounterAt {
  readonly #counter = new LineCounter();

  constructor(text: string) {
    this.#counter.addNewLine(0);
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.#counter.addNewLine(i + 1);
  }

  at(offset: number): { line: number; col: number } {
    return this.#counter.linePos(offset);
  }
}

/**
 * Where JSON text stops being valid: YAML (a superset of JSON) finds most syntax errors with a
 * position; the rest (a trailing comma, which YAML accepts) carry an offset in V8's message.
 */
function jsonErrorPosition(text: string, message: string): { line: number; col: number } | undefined {
  const lineCounter = new LineCounter();
  const yamlPos = parseDocument(text, { lineCounter }).errors[0]?.linePos?.[0];
  if (yamlPos) return yamlPos;
  const offset = /position (\d+)/.exec(message)?.[1];
  return offset === undefined ? undefined : lineCounter.linePos(Number(offset));
}

/** Validates an in-memory seed (schema and references); returns it typed or throws a `ConfigError`. */
export function checkSeed(value: unknown, source: SeedSource = { file: "<seed>", text: null }): Seed {
  const validate = schemaValidator();
  const diagnostics: Diagnostic[] = [];
  if (!validate(value)) {
    for (const e of validate.errors ?? []) diagnostics.push(schemaDiagnostic(source, e));
  } else {
    for (const p of referenceProblems(value as Seed)) {
      diagnostics.push(diag(source, p.path, p.message, p.code));
    }
  }
  if (diagnostics.length > 0) {
    throw new ConfigError(
      `the emulator seed ${source.file} is invalid: ${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"}`,
      diagnostics,
      "Fix the seed (its format is in docs/emulator.md and schema/emulator-seed.schema.json) and start the emulator again.",
    );
  }
  return value as Seed;
}

type JsonPath = (string | number)[];

interface Problem {
  path: JsonPath;
  message: string;
  code: string;
}

function schemaDiagnostic(source: SeedSource, e: ErrorObject): Diagnostic {
  const path: JsonPath = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let message = e.message ?? "is invalid";
  if (e.keyword === "additionalProperties") {
    const prop = String((e.params as { additionalProperty: string }).additionalProperty);
    path.push(prop);
    message = `unknown property "${prop}"; remove it or check its spelling`;
  } else if (e.keyword === "required") {
    message = `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
  } else if (e.keyword === "enum") {
    message = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return diag(source, path, message, `seed-schema-${e.keyword}`);
}

function diag(source: SeedSource, path: JsonPath, message: string, code: string): Diagnostic {
  const pointer = path.length === 0 ? "/" : `/${path.join("/")}`;
  if (!source.locator) source.locator = new Locator(source.text);
  const { line, column } = source.locator.locate(path);
  return { severity: "error", file: source.file, line, column, message: `${pointer}: ${message}`, code };
}

/** Finds 1-based line and column of JSON paths in a seed text; parses the text once, lazily. */
class Locator {
  #parsed: { doc: ReturnType<typeof parseDocument>; lines: LineCounter } | null = null;
  readonly text: string | null;

  constructor(text: string | null) {
    this.text = text;
  }

  /** The position of the node at `path` (for a property: its key), or of its nearest existing parent. */
  locate(path: JsonPath): { line: number; column: number } {
    if (this.text === null) return { line: 0, column: 0 };
    if (!this.#parsed) {
      const lines = new LineCounter();
      this.#parsed = { doc: parseDocument(this.text, { lineCounter: lines }), lines };
    }
    const { doc, lines } = this.#parsed;
    for (let n = path.length; n >= 0; n--) {
      const offset = keyOffset(doc, path.slice(0, n)) ?? nodeOffset(doc, path.slice(0, n));
      if (offset !== undefined) {
        const pos = lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 0, column: 0 };
  }
}

function nodeOffset(doc: ReturnType<typeof parseDocument>, path: JsonPath): number | undefined {
  return (doc.getIn(path, true) as { range?: number[] } | undefined)?.range?.[0];
}

function keyOffset(doc: ReturnType<typeof parseDocument>, path: JsonPath): number | undefined {
  const last = path[path.length - 1];
  if (typeof last !== "string") return undefined;
  const parent = doc.getIn(path.slice(0, -1), true) as
    | { items?: { key?: { value?: unknown; range?: number[] } }[] }
    | undefined;
  return parent?.items?.find((pair) => pair.key?.value === last)?.key?.range?.[0];
}

/** Account references by id or name; ambiguous names are reported by the caller. */
class AccountIndex {
  readonly byId = new Map<string, SeedAccount>();
  readonly byName = new Map<string, SeedAccount[]>();

  constructor(accounts: SeedAccount[]) {
    for (const a of accounts) {
      this.byId.set(a.id, a);
      const list = this.byName.get(a.name) ?? [];
      list.push(a);
      this.byName.set(a.name, list);
    }
  }

  /** The account id, or an error message. */
  resolve(ref: string): { id: string } | { error: string } {
    if (this.byId.has(ref)) return { id: ref };
    const named = this.byName.get(ref) ?? [];
    if (named.length === 1) return { id: (named[0] as SeedAccount).id };
    if (named.length > 1) return { error: `account name "${ref}" is ambiguous: use the account id` };
    return { error: `unknown account "${ref}": list it in "accounts" (by id or name)` };
  }
}

/** The accounts of a seed, with the default management account added when none are listed. */
function seedAccounts(seed: Seed): SeedAccount[] {
  if (seed.accounts && seed.accounts.length > 0) return seed.accounts;
  const id = seed.organization?.managementAccount ?? DEFAULT_MANAGEMENT_ACCOUNT_ID;
  return [
    { id: /^\d{12}$/.test(id) ? id : DEFAULT_MANAGEMENT_ACCOUNT_ID, name: DEFAULT_MANAGEMENT_ACCOUNT_NAME },
  ];
}

/** Reference and uniqueness checks the schema cannot express. */
function referenceProblems(seed: Seed): Problem[] {
  const problems: Problem[] = [];
  const add = (path: JsonPath, message: string, code: string) => problems.push({ path, message, code });
  const accounts = seedAccounts(seed);
  const index = new AccountIndex(accounts);
  const resolveAccount = (ref: string, path: JsonPath): string | null => {
    const r = index.resolve(ref);
    if ("error" in r) {
      add(path, r.error, "seed-unknown-account");
      return null;
    }
    return r.id;
  };

  const seenIds = new Set<string>();
  (seed.accounts ?? []).forEach((a, i) => {
    if (seenIds.has(a.id)) add(["accounts", i, "id"], `account ${a.id} is listed twice`, "seed-duplicate");
    seenIds.add(a.id);
  });
  const emails = new Set<string>();
  (seed.accounts ?? []).forEach((a, i) => {
    if (a.email === undefined) return;
    const email = a.email.toLowerCase();
    if (emails.has(email))
      add(["accounts", i, "email"], `e-mail ${a.email} is used by another account`, "seed-duplicate");
    emails.add(email);
  });
  const management =
    seed.organization?.managementAccount !== undefined && seed.accounts && seed.accounts.length > 0
      ? resolveAccount(seed.organization.managementAccount, ["organization", "managementAccount"])
      : (accounts[0]?.id ?? null);
  const inactive = (id: string | null): string | null => {
    const state = id === null ? undefined : index.byId.get(id)?.state;
    return state !== undefined && state !== "ACTIVE" ? state : null;
  };
  const managementState = inactive(management);
  if (managementState !== null) {
    add(
      seed.organization?.managementAccount !== undefined
        ? ["organization", "managementAccount"]
        : ["accounts", 0],
      `the management account ${management} is ${managementState}: a management account is always ACTIVE`,
      "seed-impossible",
    );
  }
  const callerAccount =
    seed.callerAccountId !== undefined ? resolveAccount(seed.callerAccountId, ["callerAccountId"]) : null;
  const callerId =
    callerAccount ?? (seed.callerArn === undefined ? null : callerAccountOf(seed.callerArn)) ?? management;
  const callerState = callerId === management ? null : inactive(callerId);
  if (callerState !== null) {
    add(
      [seed.callerAccountId !== undefined ? "callerAccountId" : "callerArn"],
      `the caller's account ${callerId} is ${callerState}: its credentials could not call any API`,
      "seed-impossible",
    );
  }
  if (seed.callerArn !== undefined) {
    const arnAccount = callerAccountOf(seed.callerArn) ?? "";
    if (callerAccount !== null && arnAccount !== callerAccount) {
      add(
        ["callerArn"],
        `the caller ARN belongs to account ${arnAccount}, but callerAccountId is ${callerAccount}: make them agree, or leave callerAccountId out`,
        "seed-caller",
      );
    } else if (seed.callerAccountId === undefined) {
      resolveAccount(arnAccount, ["callerArn"]);
    }
  }
  if (seed.instance?.ownerAccountId !== undefined) {
    resolveAccount(seed.instance.ownerAccountId, ["instance", "ownerAccountId"]);
  }

  const ouPaths = new Set<string>([ROOT_NAME]);
  const ouIds = new Set<string>();
  (seed.ous ?? []).forEach((ou, i) => {
    if (ouPaths.has(ou.path)) add(["ous", i, "path"], `OU ${ou.path} is listed twice`, "seed-duplicate");
    ouPaths.add(ou.path);
    if (ou.id !== undefined) {
      if (ouIds.has(ou.id)) add(["ous", i, "id"], `OU id ${ou.id} is used twice`, "seed-duplicate");
      ouIds.add(ou.id);
    }
  });
  (seed.ous ?? []).forEach((ou, i) => {
    const parent = parentPath(ou.path);
    if (!ouPaths.has(parent)) {
      add(
        ["ous", i, "path"],
        `parent OU ${parent} is not listed: add { "path": "${parent}" } to "ous"`,
        "seed-unknown-ou",
      );
    }
  });
  accounts.forEach((a, i) => {
    if (a.ou !== undefined && !ouPaths.has(a.ou)) {
      add(["accounts", i, "ou"], `unknown OU ${a.ou}: list it in "ous"`, "seed-unknown-ou");
    }
  });

  const principalIds = new Set<string>();
  const checkPrincipals = (
    list: "users" | "groups",
    entries: { name: string; id?: string }[],
  ): Set<string> => {
    const names = new Set<string>();
    const nameKey = list === "users" ? "userName" : "name";
    entries.forEach((p, i) => {
      if (names.has(p.name)) add([list, i, nameKey], `${p.name} is listed twice`, "seed-duplicate");
      names.add(p.name);
      const control = CONTROL_CHARACTER.exec(p.name);
      if (control) {
        add(
          [list, i, nameKey],
          `${JSON.stringify(p.name)} contains ${codePoint(control[0])}, which the identity store refuses in a name`,
          "seed-name",
        );
      }
      if (RESERVED_PRINCIPAL_NAMES.has(p.name)) {
        add([list, i, nameKey], `"${p.name}" is a reserved name in the identity store`, "seed-reserved");
      }
      if (p.id !== undefined) {
        if (principalIds.has(p.id)) add([list, i, "id"], `id ${p.id} is used twice`, "seed-duplicate");
        principalIds.add(p.id);
      }
    });
    return names;
  };
  const userNames = checkPrincipals(
    "users",
    (seed.users ?? []).map((u) => ({ name: u.userName, id: u.id })),
  );
  const groupNames = checkPrincipals("groups", seed.groups ?? []);
  const memberships = new Set<string>();
  (seed.memberships ?? []).forEach((m, i) => {
    if (!groupNames.has(m.group))
      add(["memberships", i, "group"], `unknown group ${m.group}: list it in "groups"`, "seed-unknown-group");
    if (!userNames.has(m.user))
      add(["memberships", i, "user"], `unknown user ${m.user}: list it in "users"`, "seed-unknown-user");
    const key = `${m.group}\u0000${m.user}`;
    if (memberships.has(key))
      add(["memberships", i], `${m.user} is listed twice as a member of ${m.group}`, "seed-duplicate");
    memberships.add(key);
  });

  const psNames = new Set<string>();
  const psArns = new Set<string>();
  (seed.permissionSets ?? []).forEach((ps, i) => {
    if (psNames.has(ps.name))
      add(["permissionSets", i, "name"], `permission set ${ps.name} is listed twice`, "seed-duplicate");
    psNames.add(ps.name);
    if (ps.arn !== undefined) {
      const instanceId = seed.instance?.arn?.slice(seed.instance.arn.lastIndexOf("/") + 1);
      if (instanceId !== undefined && !ps.arn.includes(`:permissionSet/${instanceId}/`)) {
        add(
          ["permissionSets", i, "arn"],
          `ARN ${ps.arn} belongs to another instance than ${seed.instance?.arn}: a permission set's ARN holds its instance's id`,
          "seed-impossible",
        );
      }
      if (psArns.has(ps.arn))
        add(["permissionSets", i, "arn"], `ARN ${ps.arn} is used twice`, "seed-duplicate");
      psArns.add(ps.arn);
    }
    if (ps.sessionDuration !== undefined) {
      const s = durationSeconds(ps.sessionDuration);
      if (s === null || s < MIN_SESSION_SECONDS || s > MAX_SESSION_SECONDS) {
        add(
          ["permissionSets", i, "sessionDuration"],
          "must be an ISO-8601 duration from PT1H to PT12H",
          "seed-session-duration",
        );
      }
    }
    for (const list of ["provisionedTo", "stale"] as const) {
      (ps[list] ?? []).forEach((ref, j) => {
        resolveAccount(ref, ["permissionSets", i, list, j]);
      });
    }
  });

  const assignments = new Set<string>();
  (seed.assignments ?? []).forEach((a, i) => {
    const path: JsonPath = ["assignments", i];
    resolveAccount(a.account, [...path, "account"]);
    if (!psNames.has(a.permissionSet)) {
      add(
        [...path, "permissionSet"],
        `unknown permission set ${a.permissionSet}: list it in "permissionSets"`,
        "seed-unknown-permission-set",
      );
    }
    const given = [a.group, a.user, a.principalId].filter((v) => v !== undefined).length;
    if (given !== 1 || (a.principalId !== undefined) !== (a.principalType !== undefined)) {
      add(
        path,
        'name the principal with exactly one of "group", "user", or "principalId" with "principalType"',
        "seed-principal",
      );
      return;
    }
    if (a.group !== undefined && !groupNames.has(a.group))
      add([...path, "group"], `unknown group ${a.group}: list it in "groups"`, "seed-unknown-group");
    if (a.user !== undefined && !userNames.has(a.user))
      add([...path, "user"], `unknown user ${a.user}: list it in "users"`, "seed-unknown-user");
    const key = JSON.stringify([index.resolve(a.account), a.permissionSet, a.group, a.user, a.principalId]);
    if (assignments.has(key)) add(path, "this assignment is listed twice", "seed-duplicate");
    assignments.add(key);
  });
  return problems;
}

/** Control and format characters (tab and line breaks aside): the identity store's name patterns exclude them. */
const CONTROL_CHARACTER = /(?![\t\n\r])[\p{Cc}\p{Cf}]/u;

const codePoint = (c: string): string =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

const msOf = (iso: string | undefined): number => (iso === undefined ? SEED_EPOCH_MS : Date.parse(iso));
const isoOf = (ms: number): string => new Date(ms).toISOString();
const tagMap = (tags: Record<string, string> | undefined): Map<string, string> =>
  new Map(Object.entries(tags ?? {}));
const policyRef = (r: SeedPolicyRef): PolicyRef => ({ name: r.name, path: r.path ?? "/" });

/** The account ids of a permission-set copy list, resolved against the seed's accounts. */
function resolveAll(index: AccountIndex, refs: string[] | undefined): string[] {
  return (refs ?? []).map((r) => {
    const resolved = index.resolve(r);
    return "id" in resolved ? resolved.id : r;
  });
}

/** Builds the store a validated seed describes. */
export function buildStore(seed: Seed): Store {
  const store = new Store();
  const accounts = seedAccounts(seed);
  const index = new AccountIndex(accounts);
  const idOf = (ref: string): string => {
    const r = index.resolve(ref);
    return "id" in r ? r.id : ref;
  };
  const managementAccountId =
    seed.organization?.managementAccount !== undefined
      ? idOf(seed.organization.managementAccount)
      : ((accounts[0] as SeedAccount).id ?? DEFAULT_MANAGEMENT_ACCOUNT_ID);

  const orgId = seed.organization?.id ?? `o-${hashHex(10, "organization", managementAccountId)}`;
  const rootId = seed.organization?.rootId ?? `r-${hashHex(4, "root", orgId)}`;
  store.organization = {
    id: orgId,
    rootId,
    rootName: ROOT_NAME,
    managementAccountId,
    rootTags: tagMap(seed.organization?.rootTags),
  };
  const arnAccount = seed.callerArn === undefined ? null : callerAccountOf(seed.callerArn);
  store.callerAccountId =
    seed.callerAccountId !== undefined ? idOf(seed.callerAccountId) : (arnAccount ?? managementAccountId);
  store.callerArn = seed.callerArn ?? defaultCallerArn(store.callerAccountId);
  store.identitySource = seed.identitySource ?? "identity-center";

  const ownerAccountId =
    seed.instance?.ownerAccountId !== undefined ? idOf(seed.instance.ownerAccountId) : managementAccountId;
  const instanceArn =
    seed.instance?.arn ?? `arn:aws:sso:::instance/ssoins-${hashHex(16, "instance", ownerAccountId)}`;
  store.instance = {
    arn: instanceArn,
    id: instanceArn.slice(instanceArn.lastIndexOf("/") + 1),
    identityStoreId: seed.instance?.identityStoreId ?? `d-${hashHex(10, "identity-store", instanceArn)}`,
    ownerAccountId,
    name: seed.instance?.name ?? null,
    createdMs: msOf(seed.instance?.createdDate),
  };

  const rootSuffix = rootId.slice(2);
  const ouIdByPath = new Map<string, string>([[ROOT_NAME, rootId]]);
  const ous = [...(seed.ous ?? [])].sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (const ou of ous) {
    const id = ou.id ?? `ou-${rootSuffix}-${hashHex(8, "ou", ou.path)}`;
    ouIdByPath.set(ou.path, id);
    store.addOu({
      id,
      name: ou.path.slice(ou.path.lastIndexOf("/") + 1),
      parentId: ouIdByPath.get(parentPath(ou.path)) ?? rootId,
      tags: tagMap(ou.tags),
    });
  }
  for (const a of accounts) {
    store.addAccount({
      id: a.id,
      name: a.name,
      email: a.email ?? `${a.name.replace(/\s+/g, "")}@example.com`,
      state: a.state ?? "ACTIVE",
      parentId: ouIdByPath.get(a.ou ?? ROOT_NAME) ?? rootId,
      tags: tagMap(a.tags),
      joinedMethod: a.joinedMethod ?? "CREATED",
      joinedMs: msOf(a.joinedTimestamp),
      iamPolicies: a.iamPolicies ? new Set(a.iamPolicies.map((p) => policyRefKey(policyRef(p)))) : null,
    });
  }

  const generatedExternalId = (kind: string, name: string): ExternalIdRec[] => {
    if (store.identitySource === "identity-center") return [];
    const issuer =
      store.identitySource === "active-directory"
        ? `arn:aws:ds:${SEED_REGION}:${managementAccountId}:directory/d-${hashHex(10, "directory", orgId)}`
        : `https://scim.${SEED_REGION}.amazonaws.com/${hashHex(12, "scim", orgId)}/scim/v2`;
    return [{ issuer, id: hashUuid("external", kind, name) }];
  };
  const externalIds = (given: SeedExternalId[] | undefined, kind: string, name: string): ExternalIdRec[] =>
    given ? given.map((e) => ({ issuer: e.issuer, id: e.id })) : generatedExternalId(kind, name);

  for (const u of seed.users ?? []) {
    store.addUser({
      id: u.id ?? hashUuid("user", u.userName),
      attributes: userAttributesFromSeed(u),
      externalIds: externalIds(u.externalIds, "user", u.userName),
      createdMs: msOf(u.createdAt),
      updatedMs: msOf(u.updatedAt ?? u.createdAt),
    });
  }
  for (const g of seed.groups ?? []) {
    store.addGroup({
      id: g.id ?? hashUuid("group", g.name),
      displayName: g.name,
      description: g.description ?? null,
      externalIds: externalIds(g.externalIds, "group", g.name),
      createdMs: msOf(g.createdAt),
      updatedMs: msOf(g.updatedAt ?? g.createdAt),
    });
  }
  for (const m of seed.memberships ?? []) {
    const group = store.groupsByName.get(m.group);
    const user = store.usersByName.get(m.user);
    if (!group || !user) continue;
    store.addMembership({
      id: m.id ?? hashUuid("membership", m.group, m.user),
      groupId: group.id,
      userId: user.id,
      createdMs: msOf(m.createdAt),
      updatedMs: msOf(m.createdAt),
    });
  }

  for (const s of seed.permissionSets ?? []) {
    const arn =
      s.arn ?? `arn:aws:sso:::permissionSet/${store.instance.id}/ps-${hashHex(16, "permission-set", s.name)}`;
    const ps: PermissionSetRec = {
      arn,
      id: arn.slice(arn.lastIndexOf("/") + 1),
      name: s.name,
      description: s.description ?? null,
      sessionDuration: s.sessionDuration ?? null,
      relayState: s.relayState ?? null,
      createdMs: msOf(s.createdDate),
      managedPolicies: new Map((s.managedPolicies ?? []).map((p) => [p, p.slice(p.lastIndexOf("/") + 1)])),
      customerPolicies: new Map(
        (s.customerManagedPolicies ?? []).map((r) => [policyRefKey(policyRef(r)), policyRef(r)]),
      ),
      inlinePolicy:
        s.inlinePolicy === undefined
          ? null
          : typeof s.inlinePolicy === "string"
            ? s.inlinePolicy
            : JSON.stringify(s.inlinePolicy),
      boundary: s.permissionsBoundary ? boundaryFromSeed(s.permissionsBoundary) : null,
      tags: tagMap(s.tags),
      version: 2,
      provisioned: new SortedMap(),
    };
    store.addPermissionSet(ps);
    const stale = new Set(resolveAll(index, s.stale));
    for (const accountId of [...resolveAll(index, s.provisionedTo), ...stale]) {
      store.setProvisioned(ps, accountId, stale.has(accountId) ? ps.version - 1 : ps.version);
    }
  }

  for (const a of seed.assignments ?? []) {
    const ps = store.permissionSetsByName.get(a.permissionSet);
    if (!ps) continue;
    const accountId = idOf(a.account);
    let principalType: PrincipalType;
    let principalId: string;
    if (a.group !== undefined) {
      principalType = "GROUP";
      principalId = store.groupsByName.get(a.group)?.id ?? "";
    } else if (a.user !== undefined) {
      principalType = "USER";
      principalId = store.usersByName.get(a.user)?.id ?? "";
    } else {
      principalType = a.principalType as PrincipalType;
      principalId = a.principalId as string;
    }
    store.addAssignment({
      accountId,
      permissionSetArn: ps.arn,
      principalType,
      principalId,
      visibleFromMs: 0,
    });
    if (!ps.provisioned.has(accountId)) store.setProvisioned(ps, accountId, ps.version);
  }
  return store;
}

function boundaryFromSeed(b: SeedBoundary): BoundaryRec {
  return "managedPolicyArn" in b
    ? { kind: "managed", arn: b.managedPolicyArn }
    : { kind: "customer", ref: policyRef(b.customerManagedPolicy) };
}

/** Seed keys (camelCase) of the user attributes, mapped to identitystore member names. */
const USER_ATTRIBUTES: Record<string, string> = {
  userName: "UserName",
  displayName: "DisplayName",
  name: "Name",
  emails: "Emails",
  nickName: "NickName",
  profileUrl: "ProfileUrl",
  userType: "UserType",
  title: "Title",
  preferredLanguage: "PreferredLanguage",
  locale: "Locale",
  timezone: "Timezone",
  website: "Website",
  birthdate: "Birthdate",
  addresses: "Addresses",
  phoneNumbers: "PhoneNumbers",
  photos: "Photos",
  roles: "Roles",
  extensions: "Extensions",
};
const SEED_KEY_OF: Record<string, string> = Object.fromEntries(
  Object.entries(USER_ATTRIBUTES).map(([seedKey, member]) => [member, seedKey]),
);

/** The identitystore member names a seed user can carry (for `UpdateUser` and `CreateUser`). */
export const USER_ATTRIBUTE_MEMBERS: readonly string[] = Object.values(USER_ATTRIBUTES);

/** The member name of a user attribute path's first segment (`name` -> `Name`), case-insensitively. */
export function userAttributeMember(segment: string): string | undefined {
  const lower = segment.toLowerCase();
  return Object.entries(USER_ATTRIBUTES).find(([seedKey]) => seedKey.toLowerCase() === lower)?.[1];
}

function userAttributesFromSeed(u: SeedUser): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [seedKey, member] of Object.entries(USER_ATTRIBUTES)) {
    const value = (u as unknown as Record<string, unknown>)[seedKey];
    if (value === undefined) continue;
    if (seedKey === "emails") {
      out[member] = (value as (string | SeedEmail)[]).map((e) =>
        typeof e === "string" ? { Value: e, Type: "work", Primary: true } : changeKeys(e, upperFirst),
      );
    } else if (seedKey === "extensions") {
      out[member] = value;
    } else {
      out[member] = changeKeys(value, upperFirst);
    }
  }
  return out;
}

function userToSeed(u: UserRec): SeedUser {
  const out: Record<string, unknown> = { userName: userName(u) ?? "", id: u.id };
  for (const member of USER_ATTRIBUTE_MEMBERS) {
    const value = u.attributes[member];
    if (value === undefined || member === "UserName") continue;
    out[SEED_KEY_OF[member] as string] = member === "Extensions" ? value : changeKeys(value, lowerFirst);
  }
  if (u.externalIds.length > 0) out.externalIds = u.externalIds.map((e) => ({ issuer: e.issuer, id: e.id }));
  out.createdAt = isoOf(u.createdMs);
  out.updatedAt = isoOf(u.updatedMs);
  return out as unknown as SeedUser;
}

export const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** The same JSON value with every object key renamed by `rename`, recursively. */
export function changeKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => changeKeys(v, rename));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), changeKeys(v, rename)]));
  }
  return value;
}

const sortedTags = (tags: Map<string, string>): Record<string, string> | undefined =>
  tags.size === 0 ? undefined : Object.fromEntries([...tags.entries()].sort(([a], [b]) => byCodeUnit(a, b)));

const seedRef = (r: PolicyRef): SeedPolicyRef => ({ name: r.name, path: r.path });

/**
 * The store as a seed: every id explicit, every list sorted, empty lists and absent values
 * left out. `buildStore(exportSeed(s))` exports to the same bytes.
 */
export function exportSeed(store: Store): Seed {
  const org = store.organization;
  const ouPath = new Map<string, string>([[org.rootId, ROOT_NAME]]);
  const pathOf = (id: string): string => {
    const known = ouPath.get(id);
    if (known !== undefined) return known;
    const ou = store.ous.get(id);
    const path = ou ? `${pathOf(ou.parentId)}/${ou.name}` : ROOT_NAME;
    ouPath.set(id, path);
    return path;
  };
  const groupName = new Map([...store.groups.values()].map((g) => [g.id, g.displayName ?? g.id]));
  const userNameOf = new Map([...store.users.values()].map((u) => [u.id, userName(u) ?? u.id]));

  const seed: Seed = {
    formatVersion: SEED_FORMAT_VERSION,
    instance: {
      arn: store.instance.arn,
      identityStoreId: store.instance.identityStoreId,
      ownerAccountId: store.instance.ownerAccountId,
      ...(store.instance.name !== null ? { name: store.instance.name } : {}),
      createdDate: isoOf(store.instance.createdMs),
    },
    organization: {
      id: org.id,
      rootId: org.rootId,
      managementAccount: org.managementAccountId,
      ...(sortedTags(org.rootTags) ? { rootTags: sortedTags(org.rootTags) } : {}),
    },
    callerAccountId: store.callerAccountId,
    callerArn: store.callerArn,
    identitySource: store.identitySource,
  };
  const ous = [...store.ous.values()]
    .map((ou) => ({ path: pathOf(ou.id), id: ou.id, tags: sortedTags(ou.tags) }))
    .sort((a, b) => byCodeUnit(a.path, b.path))
    .map((ou) => dropUndefined(ou));
  if (ous.length > 0) seed.ous = ous;
  seed.accounts = store.accounts.sortedValues().map((a: AccountRec) =>
    dropUndefined({
      id: a.id,
      name: a.name,
      email: a.email,
      state: a.state,
      ou: pathOf(a.parentId),
      tags: sortedTags(a.tags),
      joinedMethod: a.joinedMethod,
      joinedTimestamp: isoOf(a.joinedMs),
      iamPolicies: a.iamPolicies
        ? [...a.iamPolicies].sort(byCodeUnit).map((key) => {
            const cut = key.lastIndexOf("/") + 1;
            return { name: key.slice(cut), path: key.slice(0, cut) };
          })
        : undefined,
    }),
  );
  const users = [...store.users.values()].map(userToSeed).sort((a, b) => byCodeUnit(a.userName, b.userName));
  if (users.length > 0) seed.users = users;
  const groups = [...store.groups.values()]
    .map((g) =>
      dropUndefined({
        name: g.displayName ?? g.id,
        id: g.id,
        description: g.description ?? undefined,
        externalIds:
          g.externalIds.length > 0 ? g.externalIds.map((e) => ({ issuer: e.issuer, id: e.id })) : undefined,
        createdAt: isoOf(g.createdMs),
        updatedAt: isoOf(g.updatedMs),
      }),
    )
    .sort((a, b) => byCodeUnit(a.name, b.name));
  if (groups.length > 0) seed.groups = groups;
  const memberships = [...store.memberships.values()]
    .map((m) => ({
      group: groupName.get(m.groupId) ?? m.groupId,
      user: userNameOf.get(m.userId) ?? m.userId,
      id: m.id,
      createdAt: isoOf(m.createdMs),
    }))
    .sort((a, b) => byCodeUnit(a.group, b.group) || byCodeUnit(a.user, b.user));
  if (memberships.length > 0) seed.memberships = memberships;

  const psName = new Map<string, string>();
  const permissionSets = [...store.permissionSets.values()]
    .map((ps) => {
      psName.set(ps.arn, ps.name);
      const copies = ps.provisioned.sortedValues();
      const stale = copies.filter((c) => c.version < ps.version).map((c) => c.accountId);
      return dropUndefined({
        name: ps.name,
        arn: ps.arn,
        description: ps.description ?? undefined,
        sessionDuration: ps.sessionDuration ?? undefined,
        relayState: ps.relayState ?? undefined,
        createdDate: isoOf(ps.createdMs),
        managedPolicies: ps.managedPolicies.size > 0 ? [...ps.managedPolicies.keys()] : undefined,
        customerManagedPolicies:
          ps.customerPolicies.size > 0 ? [...ps.customerPolicies.values()].map(seedRef) : undefined,
        inlinePolicy: ps.inlinePolicy ?? undefined,
        permissionsBoundary: ps.boundary
          ? ps.boundary.kind === "managed"
            ? { managedPolicyArn: ps.boundary.arn }
            : { customerManagedPolicy: seedRef(ps.boundary.ref) }
          : undefined,
        tags: sortedTags(ps.tags),
        provisionedTo: copies.length > 0 ? copies.map((c) => c.accountId) : undefined,
        stale: stale.length > 0 ? stale : undefined,
      });
    })
    .sort((a, b) => byCodeUnit(a.name, b.name));
  if (permissionSets.length > 0) seed.permissionSets = permissionSets;

  const assignments = [...store.assignments.values()]
    .map((a): SeedAssignment => {
      const base = {
        account: a.accountId,
        permissionSet: psName.get(a.permissionSetArn) ?? a.permissionSetArn,
      };
      const name = a.principalType === "GROUP" ? groupName.get(a.principalId) : userNameOf.get(a.principalId);
      if (name === undefined) return { ...base, principalType: a.principalType, principalId: a.principalId };
      return a.principalType === "GROUP" ? { ...base, group: name } : { ...base, user: name };
    })
    .sort(
      (a, b) =>
        byCodeUnit(a.account, b.account) ||
        byCodeUnit(a.permissionSet, b.permissionSet) ||
        byCodeUnit(a.group ?? a.user ?? a.principalId ?? "", b.group ?? b.user ?? b.principalId ?? "") ||
        byCodeUnit(a.principalType ?? "", b.principalType ?? ""),
    );
  if (assignments.length > 0) seed.assignments = assignments;
  return seed;
}

/** The seed document as written to a file: two-space indented JSON and a final newline. */
export function seedText(seed: Seed): string {
  return `${JSON.stringify(seed, null, 2)}\n`;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
