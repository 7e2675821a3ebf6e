import { createRng, type Rng } from "../src/emulator/random.ts";
import {
  assignmentKey,
  type BenchAccount,
  type BenchAssignment,
  type BenchOrg,
  type BenchOu,
  type BenchRule,
  OrgIndex,
  type Principal,
  resolveRules,
  type Targets,
} from "./org.ts";

/**
 * The synthetic organisation of ecosystem-performance §2.5 and §2.8, generated from a fixed
 * random seed: business units of teams whose accounts sit in nested OUs with tags, permission
 * sets with real-sized policies, groups with a Zipf-like (Pareto) spread of assignments, a few
 * platform groups in every account, and a few (account, permission set) pairs holding more
 * principals than one page. Assignments are written as a team would write them: OU and tag
 * rules where they fit, account lists elsewhere. `emit.ts` turns the result into access files
 * and emulator seeds; `variants.ts` derives the benchmark's variants.
 */

export type Scale = "small" | "full";

export interface OrgShape {
  businessUnits: number;
  teamsPerUnit: number;
  /** Accounts under Root/Infrastructure; the first `hotAccounts` are the shared-services ones. */
  infrastructureAccounts: number;
  securityAccounts: number;
  sandboxAccounts: number;
  /** Suspended accounts under Root/Suspended (never a target). */
  suspendedAccounts: number;
  /** Permission sets in all, global ones included. */
  permissionSets: number;
  /** Permission sets shared by the whole organisation (the first ones of GLOBAL_PERMISSION_SETS). */
  globalPermissionSets: number;
  /** Groups in all, the platform groups included. */
  groups: number;
  users: number;
  /** The number of resolved assignments to aim at (the generator lands within 1 %). */
  assignments: number;
  /** Accounts where the shared-services permission set holds `hotGroups` groups and `hotUsers` users. */
  hotAccounts: number;
  /**
   * Groups on each hot (account, permission set) pair. AWS allows 100 groups per permission set
   * per account (the emulator enforces it), so pages beyond the first come from the users.
   */
  hotGroups: number;
  hotUsers: number;
}

/** §2.5: 1,000 accounts, 200 permission sets, 2,000 groups, 20,000 assignments; small is a tenth. */
export const SHAPES: Readonly<Record<Scale, OrgShape>> = {
  full: {
    businessUnits: 10,
    teamsPerUnit: 10,
    infrastructureAccounts: 12,
    securityAccounts: 8,
    sandboxAccounts: 69,
    suspendedAccounts: 10,
    permissionSets: 200,
    globalPermissionSets: 20,
    groups: 2000,
    users: 200,
    assignments: 20_000,
    hotAccounts: 3,
    hotGroups: 100,
    hotUsers: 60,
  },
  small: {
    businessUnits: 2,
    teamsPerUnit: 5,
    infrastructureAccounts: 3,
    securityAccounts: 2,
    sandboxAccounts: 3,
    suspendedAccounts: 1,
    permissionSets: 20,
    globalPermissionSets: 8,
    groups: 200,
    users: 20,
    assignments: 2_000,
    hotAccounts: 1,
    hotGroups: 100,
    hotUsers: 10,
  },
};

/** The fixed random seed of the benchmark's organisation. */
export const DEFAULT_RANDOM_SEED = 20_260_807;

/** A team's nine accounts: three in production (two in the EU), two in staging, four in development. */
const TEAM_LAYOUT = [
  { env: "prod", ou: "Prod/EU", region: "eu" },
  { env: "prod", ou: "Prod/EU", region: "eu" },
  { env: "prod", ou: "Prod/US", region: "us" },
  { env: "staging", ou: "Staging", region: "eu" },
  { env: "staging", ou: "Staging", region: "us" },
  { env: "dev", ou: "Dev", region: "eu" },
  { env: "dev", ou: "Dev", region: "eu" },
  { env: "dev", ou: "Dev", region: "us" },
  { env: "dev", ou: "Dev", region: "us" },
] as const;

/** Organisation-wide permission sets, in the order they are taken. */
export const GLOBAL_PERMISSION_SETS = [
  "PlatformAdmin",
  "SecurityAudit",
  "ReadOnly",
  "BreakGlassAdmin",
  "SharedServicesAccess",
  "SandboxDeveloper",
  "ViewOnly",
  "NetworkAdmin",
  "ObservabilityRead",
  "Billing",
  "IncidentResponder",
  "SupportUser",
  "LogReader",
  "DnsAdmin",
  "BackupOperator",
  "SandboxAdmin",
  "CostExplorer",
  "DataPlatformRead",
  "CiCdDeployer",
  "KmsAdmin",
] as const;

/** Global permission sets granted by platform rules, shared services or sandbox rules only. */
const RESERVED_GLOBALS = new Set<string>(GLOBAL_PERMISSION_SETS.slice(0, 6));
export const HOT_PERMISSION_SET = "SharedServicesAccess";
const SANDBOX_PERMISSION_SET = "SandboxDeveloper";

/** The groups in every account, each with its permission set (the first four globals). */
export const PLATFORM_GROUPS = [
  { name: "Platform-Admins", permissionSet: "PlatformAdmin", description: "Platform engineering on-call" },
  { name: "Security-Auditors", permissionSet: "SecurityAudit", description: "Security audit, read-only" },
  { name: "Cloud-Viewers", permissionSet: "ReadOnly", description: "Everyone who reads dashboards" },
  { name: "Platform-BreakGlass", permissionSet: "BreakGlassAdmin", description: "Emergency access" },
] as const;

const UNIT_ROLES = [
  "Admin",
  "Developer",
  "Deployer",
  "ReadOnly",
  "OnCall",
  "DataEngineer",
  "DataAnalyst",
  "DatabaseAdmin",
  "NetworkOps",
  "SecurityOps",
  "Support",
  "Billing",
  "QA",
  "Release",
  "MLEngineer",
  "Observability",
  "Incident",
  "PowerUser",
] as const;

const GROUP_ROLES = [
  "developers",
  "admins",
  "readers",
  "oncall",
  "data",
  "release",
  "qa",
  "contractors",
  "support",
  "analysts",
  "leads",
  "sre",
  "security",
  "finance",
  "ml",
  "dba",
  "network",
  "observers",
  "interns",
] as const;

const INFRASTRUCTURE_NAMES = [
  "shared-tooling",
  "artifacts",
  "ci-cd",
  "shared-network",
  "dns",
  "log-archive",
  "backup",
  "monitoring",
  "identity",
  "data-lake",
  "transit",
  "service-catalog",
];
const SECURITY_NAMES = [
  "audit",
  "security-tooling",
  "guardduty-admin",
  "forensics",
  "key-management",
  "siem",
  "vulnerability-scans",
  "security-sandbox",
];

const GIVEN_NAMES = [
  "Ada",
  "Alan",
  "Barbara",
  "Claude",
  "Dennis",
  "Donald",
  "Edsger",
  "Frances",
  "Grace",
  "John",
];
const FAMILY_NAMES = [
  "Allen",
  "Backus",
  "Hopper",
  "Kay",
  "Knuth",
  "Lamport",
  "Liskov",
  "Ritchie",
  "Shannon",
  "Turing",
];
const MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/ReadOnlyAccess",
  "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/SecurityAudit",
  "arn:aws:iam::aws:policy/AWSSupportAccess",
  "arn:aws:iam::aws:policy/job-function/Billing",
  "arn:aws:iam::aws:policy/job-function/DatabaseAdministrator",
  "arn:aws:iam::aws:policy/job-function/NetworkAdministrator",
  "arn:aws:iam::aws:policy/job-function/DataScientist",
  "arn:aws:iam::aws:policy/job-function/SystemAdministrator",
  "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
  "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess",
  "arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess",
];
const SESSION_DURATIONS = ["PT1H", "PT2H", "PT4H", "PT8H", "PT12H"];
const SERVICES = ["s3", "ec2", "dynamodb", "lambda", "kms", "sqs", "sns", "logs", "rds", "ecs", "iam", "ssm"];
const VERBS = ["Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag"];
const NOUNS = [
  "Object",
  "Bucket",
  "Table",
  "Function",
  "Key",
  "Queue",
  "Topic",
  "Stream",
  "Instance",
  "Parameter",
];

/** Management account, then infrastructure, security, workloads, sandbox and suspended ones. */
const FIRST_ACCOUNT_ID = 210_000_000_000;
/** Inline policies are 0.5-8 KB of compact JSON (§2.8). */
const INLINE_MIN_BYTES = 512;
const INLINE_MAX_BYTES = 8192;
/** Three permission sets in ten have a permissions boundary (§2.8). */
const BOUNDARY_SHARE = 0.3;
/** Nine permission sets in ten have an inline policy. */
const INLINE_SHARE = 0.9;
const MAX_TAGS = 5;
/**
 * Pareto shape of the per-group assignment count: most groups get 1-20 assignments, a few get
 * hundreds (§2.8's "Zipf-like" spread).
 */
const PARETO_SHAPE = 1.3;
/** A group writes a second rule (often read access somewhere else) with this probability. */
const SECOND_RULE_SHARE = 0.3;
/** A rule grants two permission sets rather than one with this probability. */
const TWO_SETS_SHARE = 0.25;
/** Account lists name accounts by id rather than by name with this probability. */
const ID_REFERENCE_SHARE = 0.2;
/** Maximum users per group membership list draw. */
const MAX_GROUPS_PER_USER = 4;
/** How close to `shape.assignments` the calibration must land. */
const ASSIGNMENT_TOLERANCE = 0.01;
const CALIBRATION_STEPS = 40;
/** The Pareto scales the calibration searches between, and where it starts. */
const CALIBRATION_RANGE = [0.1, 50] as const;
const CALIBRATION_START = 2;
/** AWS's quota of groups per permission set per account. */
export const GROUPS_PER_PAIR_LIMIT = 100;

export interface BenchUser {
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface BenchGroup {
  name: string;
  description: string;
  /** User names, sorted. */
  members: string[];
  /** The access file that declares it. */
  file: string;
}

export type BenchBoundary =
  | { managedPolicyArn: string }
  | { customerManagedPolicy: { name: string; path: string } };

export interface BenchPermissionSet {
  name: string;
  description: string;
  sessionDuration: string;
  relayState: string | null;
  managedPolicies: string[];
  customerManagedPolicies: { name: string; path: string }[];
  /** The inline policy document, or null. */
  inlinePolicy: Record<string, unknown> | null;
  /** Where the policy document lives, relative to the access directory. */
  policyFile: string | null;
  permissionsBoundary: BenchBoundary | null;
  tags: Record<string, string>;
  file: string;
}

/** The organisation and the access configuration that manages it. */
export interface GeneratedOrg {
  scale: Scale | null;
  shape: OrgShape;
  randomSeed: number;
  org: BenchOrg;
  users: BenchUser[];
  groups: BenchGroup[];
  permissionSets: BenchPermissionSet[];
  rules: BenchRule[];
  /** What the rules resolve to, by `assignmentKey`. */
  desired: Map<string, BenchAssignment & { rules: number }>;
  index: OrgIndex;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Draws from one named stream of the fixed seed; streams are independent. */
export class Draw {
  readonly #rng: Rng;

  constructor(seed: number, stream: string) {
    this.#rng = createRng(seed, stream);
  }

  next(): number {
    return this.#rng.next();
  }

  chance(p: number): boolean {
    return this.#rng.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#rng.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("generator bug: pick from an empty list");
    return items[Math.floor(this.#rng.next() * items.length)] as T;
  }

  /** `n` distinct items, in a random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) {
      const i = Math.floor(this.#rng.next() * pool.length);
      out.push(pool[i] as T);
      pool[i] = pool[pool.length - 1] as T;
      pool.pop();
    }
    return out;
  }
}

/** A Pareto draw with minimum `scale` and shape `shape` (heavy tail for small shapes). */
export function pareto(u: number, scale: number, shape: number): number {
  return scale * (1 - u) ** (-1 / shape);
}

export function generateOrganisation(
  shape: OrgShape,
  randomSeed = DEFAULT_RANDOM_SEED,
  scale: Scale | null = null,
): GeneratedOrg {
  const org = buildOrg(shape);
  const index = new OrgIndex(org);
  const users = buildUsers(shape);
  const permissionSets = buildPermissionSets(shape, randomSeed);
  const homes = buildHomes(shape, index);
  const groups = buildGroups(shape, homes, users, randomSeed);

  const fixed = [...platformRules(), ...hotRules(shape, groups, users, index, randomSeed)];
  const fixedCount = resolveRules(index, fixed).size;
  const budget = shape.assignments - fixedCount;
  const teamRules = calibrate(
    budget,
    (factor) => groupRules(groups, homes, permissionSets, index, factor, randomSeed),
    index,
  );
  const rules = [...fixed, ...teamRules];
  const desired = resolveRules(index, rules);
  checkPairLimit(desired);
  return { scale, shape, randomSeed, org, users, groups, permissionSets, rules, desired, index };
}

function buildOrg(shape: OrgShape): BenchOrg {
  const ous: BenchOu[] = [
    { path: "Root/Infrastructure" },
    { path: "Root/Security", tags: { sensitivity: "high" } },
    { path: "Root/Workloads" },
    { path: "Root/Sandbox" },
    { path: "Root/Suspended" },
  ];
  const accounts: BenchAccount[] = [];
  let next = FIRST_ACCOUNT_ID;
  const add = (
    name: string,
    ou: string,
    tags: Record<string, string>,
    state: BenchAccount["state"] = "ACTIVE",
  ) => {
    const account = { id: String(next++), name, ou, tags, state };
    accounts.push(account);
    return account;
  };
  const management = add("management", "Root", { env: "management" });
  for (let i = 0; i < shape.infrastructureAccounts; i++) {
    add(INFRASTRUCTURE_NAMES[i] ?? `infrastructure-${pad(i)}`, "Root/Infrastructure", {
      env: "shared",
      team: "platform",
    });
  }
  for (let i = 0; i < shape.securityAccounts; i++) {
    add(SECURITY_NAMES[i] ?? `security-${pad(i)}`, "Root/Security", { env: "security", team: "security" });
  }
  for (let b = 0; b < shape.businessUnits; b++) {
    const unit = unitName(b);
    const base = `Root/Workloads/${unit.toUpperCase()}`;
    ous.push(
      { path: base, tags: { bu: unit } },
      { path: `${base}/Prod` },
      { path: `${base}/Prod/EU` },
      { path: `${base}/Prod/US` },
      { path: `${base}/Staging` },
      { path: `${base}/Dev` },
    );
    for (let t = 0; t < shape.teamsPerUnit; t++) {
      const team = teamName(b, t);
      const seen = new Map<string, number>();
      for (const slot of TEAM_LAYOUT) {
        const n = (seen.get(slot.env) ?? 0) + 1;
        seen.set(slot.env, n);
        add(`${team}-${slot.env}-${n}`, `${base}/${slot.ou}`, {
          env: slot.env,
          team,
          bu: unit,
          region: slot.region,
          "cost-center": String(4000 + b * 100 + t),
        });
      }
    }
  }
  for (let i = 0; i < shape.sandboxAccounts; i++) {
    add(`sandbox-${pad(i + 1, 3)}`, "Root/Sandbox", { env: "sandbox" });
  }
  for (let i = 0; i < shape.suspendedAccounts; i++) {
    add(`closed-${pad(i + 1, 3)}`, "Root/Suspended", { env: "closed" }, "SUSPENDED");
  }
  return { ous, accounts, management };
}

export const unitName = (b: number) => `bu${pad(b)}`;
export const teamName = (b: number, t: number) => `${unitName(b)}-team${pad(t)}`;

function buildUsers(shape: OrgShape): BenchUser[] {
  return Array.from({ length: shape.users }, (_, i) => {
    const given = GIVEN_NAMES[i % GIVEN_NAMES.length] as string;
    const family = FAMILY_NAMES[Math.floor(i / GIVEN_NAMES.length) % FAMILY_NAMES.length] as string;
    const round = Math.floor(i / (GIVEN_NAMES.length * FAMILY_NAMES.length));
    const suffix = round === 0 ? "" : String(round + 1);
    const email = `${given}.${family}${suffix}@example.com`.toLowerCase();
    return {
      userName: email,
      displayName: `${given} ${family}${suffix}`,
      givenName: given,
      familyName: family,
      email,
    };
  });
}

/** The permission sets a unit's rules grant, by unit; the globals a cross-unit rule may grant. */
interface PermissionSetPools {
  byUnit: Map<string, string[]>;
  general: string[];
  sandbox: string[];
}

function buildPermissionSets(shape: OrgShape, seed: number): BenchPermissionSet[] {
  const draw = new Draw(seed, "permission-sets");
  const globals = GLOBAL_PERMISSION_SETS.slice(0, shape.globalPermissionSets);
  const perUnit = Math.floor((shape.permissionSets - globals.length) / shape.businessUnits);
  if (
    globals.length + perUnit * shape.businessUnits !== shape.permissionSets ||
    perUnit > UNIT_ROLES.length
  ) {
    throw new Error("shape: permission sets must split evenly between global ones and units");
  }
  const out: BenchPermissionSet[] = [];
  for (const name of globals) out.push(permissionSet(name, "platform", "permission-sets/global.yaml", draw));
  for (let b = 0; b < shape.businessUnits; b++) {
    const unit = unitName(b);
    for (const role of UNIT_ROLES.slice(0, perUnit)) {
      out.push(permissionSet(`${unit.toUpperCase()}-${role}`, unit, `permission-sets/${unit}.yaml`, draw));
    }
  }
  return out;
}

function permissionSet(name: string, owner: string, file: string, draw: Draw): BenchPermissionSet {
  const managed = draw.sample(MANAGED_POLICIES, draw.int(1, 3)).sort();
  const customer = Array.from({ length: draw.int(0, 2) }, (_, i) => ({
    name: `${name}-Extras${i + 1}`,
    path: i === 0 ? "/accessops/" : "/",
  }));
  const hasInline = draw.chance(INLINE_SHARE);
  const boundary: BenchBoundary | null = !draw.chance(BOUNDARY_SHARE)
    ? null
    : draw.chance(0.5)
      ? { managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }
      : { customerManagedPolicy: { name: "DeveloperBoundary", path: "/boundaries/" } };
  const tagPool: [string, string][] = [
    ["team", owner],
    ["cost-center", String(draw.int(4000, 4999))],
    ["sensitivity", draw.pick(["low", "medium", "high"])],
    ["tier", draw.pick(["gold", "silver", "bronze"])],
    ["review", draw.pick(["2026-q1", "2026-q2", "2026-q3"])],
  ];
  const tags = Object.fromEntries(tagPool.slice(0, draw.int(0, MAX_TAGS)));
  const size = INLINE_MIN_BYTES * (INLINE_MAX_BYTES / INLINE_MIN_BYTES) ** draw.next();
  return {
    name,
    description: `${name} access, owned by ${owner}`,
    sessionDuration: draw.pick(SESSION_DURATIONS),
    relayState: draw.chance(0.2) ? "https://console.aws.amazon.com/console/home" : null,
    managedPolicies: managed,
    customerManagedPolicies: customer,
    inlinePolicy: hasInline ? inlinePolicy(name, size, draw) : null,
    policyFile: hasInline ? `policies/${name}.json` : null,
    permissionsBoundary: boundary,
    tags,
    file,
  };
}

/** A policy of about `bytes` bytes of compact JSON, of statements a team would write. */
export function inlinePolicy(name: string, bytes: number, draw: Draw): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  const policy = { Version: "2012-10-17", Statement: statements };
  let length = JSON.stringify(policy).length;
  for (let i = 1; length < bytes; i++) {
    const service = draw.pick(SERVICES);
    const actions = Array.from(
      new Set(
        Array.from({ length: draw.int(2, 8) }, () => `${service}:${draw.pick(VERBS)}${draw.pick(NOUNS)}`),
      ),
    ).sort();
    const resources = Array.from(
      { length: draw.int(1, 3) },
      (_, r) => `arn:aws:${service}:*:*:${name.toLowerCase()}-${service}-${i}-${r}/*`,
    );
    const statement = {
      Sid: `${name.replace(/[^A-Za-z0-9]/g, "")}${i}`,
      Effect: draw.chance(0.15) ? "Deny" : "Allow",
      Action: actions,
      Resource: resources,
    };
    statements.push(statement);
    length += JSON.stringify(statement).length + 1;
  }
  return policy;
}

/** Where a group belongs and the target selectors its rules choose from. */
interface Home {
  prefix: string;
  file: string;
  unit: string | null;
  /**
   * Candidate selectors and how many accounts each resolves to. A `broad` one reaches beyond the
   * home's unit, so its rules grant organisation-wide permission sets.
   */
  selectors: { targets: Targets; exclude?: BenchRule["exclude"]; size: number; broad: boolean }[];
  /** Accounts account-list rules pick from (names). */
  accounts: string[];
  /** Permission sets its rules grant. */
  permissionSets: "unit" | "general" | "sandbox";
}

function buildHomes(shape: OrgShape, index: OrgIndex): Home[] {
  const selector = (targets: Targets, exclude?: BenchRule["exclude"], broad = false) => ({
    targets,
    ...(exclude ? { exclude } : {}),
    size: index.resolve({ targets, ...(exclude ? { exclude } : {}) }).length,
    broad,
  });
  const broad = [
    selector({ ous: ["Root/Workloads"] }, undefined, true),
    selector({ tags: { env: "prod" } }, undefined, true),
    selector({ tags: { env: "dev" } }, undefined, true),
  ];
  const homes: Home[] = [];
  for (let b = 0; b < shape.businessUnits; b++) {
    const unit = unitName(b);
    const base = `Root/Workloads/${unit.toUpperCase()}`;
    const unitSelectors = [
      selector({ ous: [`${base}/Prod/EU`] }),
      selector({ ous: [`${base}/Prod/US`] }),
      selector({ ous: [`${base}/Prod`] }),
      selector({ ous: [`${base}/Staging`] }),
      selector({ ous: [`${base}/Dev`] }),
      selector({ ous: [base] }),
      selector({ ous: [base] }, { ous: [`${base}/Prod`] }),
      selector({ tags: { bu: unit, env: "prod" } }),
      selector({ ous: [`${base}/Staging`, `${base}/Dev`] }),
      ...broad,
    ];
    const unitAccounts = index.ou(base).map((a) => a.name);
    for (let t = 0; t < shape.teamsPerUnit; t++) {
      const team = teamName(b, t);
      homes.push({
        prefix: team,
        file: `assignments/${unit}.yaml`,
        unit,
        selectors: [
          selector({ tags: { team, env: "dev" } }),
          selector({ tags: { team, env: "prod" } }),
          selector({ tags: { team, env: "staging" } }),
          selector({ tags: { team } }),
          ...unitSelectors,
        ],
        accounts: unitAccounts.filter((name) => name.startsWith(`${team}-`)),
        permissionSets: "unit",
      });
    }
    homes.push({
      prefix: unit,
      file: `assignments/${unit}.yaml`,
      unit,
      selectors: unitSelectors,
      accounts: unitAccounts,
      permissionSets: "unit",
    });
  }
  homes.push({
    prefix: "sandbox",
    file: "assignments/sandbox.yaml",
    unit: null,
    selectors: [selector({ ous: ["Root/Sandbox"] })],
    accounts: index.ou("Root/Sandbox").map((a) => a.name),
    permissionSets: "sandbox",
  });
  homes.push({
    prefix: "infra",
    file: "assignments/infrastructure.yaml",
    unit: null,
    selectors: [
      selector({ ous: ["Root/Infrastructure"] }),
      selector({ ous: ["Root/Security"] }),
      selector({ ous: ["Root/Infrastructure", "Root/Security"] }),
      ...broad,
    ],
    accounts: [...index.ou("Root/Infrastructure"), ...index.ou("Root/Security")].map((a) => a.name),
    permissionSets: "general",
  });
  return homes;
}

interface GroupWithHome extends BenchGroup {
  home: Home;
}

function buildGroups(shape: OrgShape, homes: Home[], users: BenchUser[], seed: number): GroupWithHome[] {
  const draw = new Draw(seed, "groups");
  const groups: GroupWithHome[] = [];
  const platformHome = homes[homes.length - 1] as Home;
  for (const p of PLATFORM_GROUPS) {
    groups.push({
      name: p.name,
      description: p.description,
      members: [],
      file: "identity/platform.yaml",
      home: platformHome,
    });
  }
  const perHome = new Map<Home, number>();
  for (let i = 0; groups.length < shape.groups; i++) {
    const home = homes[i % homes.length] as Home;
    const k = perHome.get(home) ?? 0;
    perHome.set(home, k + 1);
    const role = GROUP_ROLES[k % GROUP_ROLES.length] as string;
    const round = Math.floor(k / GROUP_ROLES.length);
    const name = `${home.prefix}-${role}${round === 0 ? "" : round + 1}`;
    groups.push({
      name,
      description: `${home.prefix} ${role}`,
      members: [],
      file: home.unit === null ? "identity/shared.yaml" : `identity/${home.unit}.yaml`,
      home,
    });
  }
  const members = new Map<string, Set<string>>();
  for (const user of users) {
    for (const g of draw.sample(groups, draw.int(1, MAX_GROUPS_PER_USER))) {
      const set = members.get(g.name) ?? new Set<string>();
      set.add(user.userName);
      members.set(g.name, set);
    }
  }
  for (const g of groups) g.members = [...(members.get(g.name) ?? [])].sort();
  return groups;
}

function platformRules(): BenchRule[] {
  return PLATFORM_GROUPS.map((p) => ({
    file: "assignments/platform.yaml",
    principal: { group: p.name },
    permissionSets: [p.permissionSet],
    targets: { all: true },
    exclude: { ous: ["Root/Suspended"] },
    reason: `${p.description}: every account`,
  }));
}

/**
 * The shared-services accounts: `hotGroups` groups (AWS's maximum per permission set and
 * account) and `hotUsers` users hold the shared-services permission set there, so listing one
 * of those pairs takes more than one page.
 */
function hotRules(
  shape: OrgShape,
  groups: GroupWithHome[],
  users: BenchUser[],
  index: OrgIndex,
  seed: number,
) {
  const draw = new Draw(seed, "hot");
  const accounts = index
    .ou("Root/Infrastructure")
    .slice(0, shape.hotAccounts)
    .map((a) => a.name);
  const candidates = groups.filter((g) => !PLATFORM_GROUPS.some((p) => p.name === g.name));
  const rules: BenchRule[] = [];
  for (const g of draw.sample(candidates, shape.hotGroups).sort((a, b) => a.name.localeCompare(b.name))) {
    rules.push({
      file: "assignments/shared-services.yaml",
      principal: { group: g.name },
      permissionSets: [HOT_PERMISSION_SET],
      targets: { accounts },
    });
  }
  for (const u of users.slice(0, shape.hotUsers)) {
    rules.push({
      file: "assignments/shared-services.yaml",
      principal: { user: u.userName },
      permissionSets: [HOT_PERMISSION_SET],
      targets: { accounts },
      reason: "Release managers publish to the shared services",
    });
  }
  return rules;
}

function pools(sets: readonly BenchPermissionSet[]): PermissionSetPools {
  const byUnit = new Map<string, string[]>();
  for (const ps of sets) {
    const unit = ps.file.match(/permission-sets\/(bu\d+)\.yaml$/)?.[1];
    if (unit) byUnit.set(unit, [...(byUnit.get(unit) ?? []), ps.name]);
  }
  const globals = sets.filter((ps) => ps.file.endsWith("global.yaml")).map((ps) => ps.name);
  const general = globals.filter((n) => !RESERVED_GLOBALS.has(n));
  const sandbox = globals.filter((n) => n === SANDBOX_PERMISSION_SET || n === "SandboxAdmin");
  return { byUnit, general: general.length > 0 ? general : ["ReadOnly"], sandbox };
}

/**
 * Every non-platform group's rules, with assignment counts drawn from a Pareto spread scaled by
 * `factor`. Each group draws from its own stream, so a new factor changes sizes, not who gets what.
 */
function groupRules(
  groups: readonly GroupWithHome[],
  homes: readonly Home[],
  sets: readonly BenchPermissionSet[],
  index: OrgIndex,
  factor: number,
  seed: number,
): BenchRule[] {
  const pool = pools(sets);
  const rules: BenchRule[] = [];
  const largest = Math.max(...homes.flatMap((h) => h.selectors.map((s) => s.size)));
  for (const group of groups) {
    if (PLATFORM_GROUPS.some((p) => p.name === group.name)) continue;
    const draw = new Draw(seed, `group:${group.name}`);
    const total = Math.min(largest, Math.max(1, Math.round(pareto(draw.next(), factor, PARETO_SHAPE))));
    const split = total >= 4 && draw.chance(SECOND_RULE_SHARE);
    const shares = split ? [Math.round(total * 0.7), total - Math.round(total * 0.7)] : [total];
    for (const share of shares) rules.push(rule(group, share, pool, index, draw));
  }
  return rules;
}

function rule(
  group: GroupWithHome,
  share: number,
  pool: PermissionSetPools,
  index: OrgIndex,
  draw: Draw,
): BenchRule {
  const { home } = group;
  const setCount = share >= 2 && draw.chance(TWO_SETS_SHARE) ? 2 : 1;
  const want = Math.max(1, Math.round(share / setCount));
  const principal: Principal = { group: group.name };
  let targets: Targets;
  let exclude: BenchRule["exclude"];
  let broad = false;
  const listMax = Math.min(4, home.accounts.length);
  if (want <= listMax) {
    targets = {
      accounts: draw
        .sample(home.accounts, want)
        .map((name) => (draw.chance(ID_REFERENCE_SHARE) ? index.account(name).id : name)),
    };
  } else {
    const distance = (n: number) => Math.abs(Math.log(n) - Math.log(want));
    const best = Math.min(...home.selectors.filter((s) => s.size > 0).map((s) => distance(s.size)));
    const choice = draw.pick(home.selectors.filter((s) => s.size > 0 && distance(s.size) === best));
    targets = choice.targets;
    exclude = choice.exclude;
    broad = choice.broad;
  }
  const candidates =
    home.permissionSets === "sandbox"
      ? pool.sandbox
      : home.permissionSets === "general" || broad
        ? pool.general
        : (pool.byUnit.get(home.unit ?? "") ?? pool.general);
  return {
    file: home.file,
    principal,
    permissionSets: draw.sample(candidates, setCount).sort(),
    targets,
    ...(exclude ? { exclude } : {}),
  };
}

/**
 * Finds the Pareto scale whose rules resolve to `budget` assignments (within the tolerance):
 * bisection over the scale, each try regenerating the rules from the same streams.
 */
function calibrate(budget: number, make: (factor: number) => BenchRule[], index: OrgIndex): BenchRule[] {
  let low: number = CALIBRATION_RANGE[0];
  let high: number = CALIBRATION_RANGE[1];
  let factor = CALIBRATION_START;
  let best: { rules: BenchRule[]; error: number } | null = null;
  for (let step = 0; step < CALIBRATION_STEPS; step++) {
    const rules = make(factor);
    const count = resolveRules(index, rules).size;
    const error = Math.abs(count - budget) / budget;
    if (best === null || error < best.error) best = { rules, error };
    if (error <= ASSIGNMENT_TOLERANCE / 2) break;
    if (count > budget) high = factor;
    else low = factor;
    // The count grows about in proportion to the scale: aim there, inside what is known.
    const aimed = (factor * budget) / Math.max(count, 1);
    factor = aimed > low && aimed < high ? aimed : (low + high) / 2;
  }
  if (best === null || best.error > ASSIGNMENT_TOLERANCE) {
    throw new Error(
      `generator: could not reach ${budget} assignments within ${ASSIGNMENT_TOLERANCE * 100} %`,
    );
  }
  return best.rules;
}

/** AWS refuses a 101st group on one permission set in one account: the organisation must respect that. */
function checkPairLimit(desired: Map<string, BenchAssignment>): void {
  const groupsPerPair = new Map<string, number>();
  for (const a of desired.values()) {
    if (!("group" in a.principal)) continue;
    const pair = `${a.accountId}/${a.permissionSet}`;
    const n = (groupsPerPair.get(pair) ?? 0) + 1;
    if (n > GROUPS_PER_PAIR_LIMIT)
      throw new Error(`generator: ${pair} holds more than ${GROUPS_PER_PAIR_LIMIT} groups`);
    groupsPerPair.set(pair, n);
  }
}

/** Counts per principal and per (account, permission set) pair of a set of assignments. */
export function assignmentCounts(assignments: Iterable<BenchAssignment>): {
  perPrincipal: Map<string, number>;
  perPair: Map<string, number>;
} {
  const perPrincipal = new Map<string, number>();
  const perPair = new Map<string, number>();
  for (const a of assignments) {
    const principal = "group" in a.principal ? `GROUP/${a.principal.group}` : `USER/${a.principal.user}`;
    perPrincipal.set(principal, (perPrincipal.get(principal) ?? 0) + 1);
    const pair = `${a.accountId}/${a.permissionSet}`;
    perPair.set(pair, (perPair.get(pair) ?? 0) + 1);
  }
  return { perPrincipal, perPair };
}

export { assignmentKey };
