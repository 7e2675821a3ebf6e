import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressOf } from "../../src/model/address.ts";
import type {
  AssignmentRule,
  Config,
  GroupDecl,
  PermissionSetDecl,
  UserDecl,
} from "../../src/model/config.ts";
import type { Live } from "../../src/model/live.ts";
import type { Entity, PermissionSetEntity } from "../../src/model/state.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { renderJson } from "../../src/plan/render/json.ts";
import { resolveDesired } from "../../src/plan/resolve.ts";
import { applyPlan, provision } from "./apply-memory.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  LEGACY,
  live,
  MANAGEMENT,
  NOW,
  OWNED,
  PROD_PAYMENTS,
  SANDBOX,
  settings,
} from "./builders.ts";

const USERS = ["u1@example.com", "u2@example.com", "u3@example.com"];
const GROUPS = ["Admins", "Devs", "team-a", "team-b"];
const SETS = ["P1", "P2", "P3"];
const OLD_SETS = ["Old1", "Old2"];
const ACCOUNT_IDS = [MANAGEMENT, PROD_PAYMENTS, DEV_1, DEV_2, LEGACY, SANDBOX];
const ACCOUNT_REFS = ["management", PROD_PAYMENTS, "dev-1", DEV_2, "legacy", "sandbox"];
const OUS = ["Root", "Root/Workloads", "Root/Workloads/Prod", "Root/Sandbox", "Root/Suspended"];
const POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/ReadOnlyAccess",
  "arn:aws:iam::aws:policy/job-function/Billing",
];
const INLINE = [
  null,
  '{"Statement":[{"Action":"s3:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}',
  '{"Statement":[{"Action":"ec2:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
];
const EXPIRIES = [null, "2026-05-01T00:00:00.000Z", "2026-06-03T00:00:00.000Z", "2027-01-01T00:00:00.000Z"];

const attrs = fc.record({
  description: fc.constantFrom(null, "first", "second"),
  sessionDuration: fc.constantFrom("PT1H", "PT4H"),
  managedPolicies: fc.subarray(POLICIES),
  inlinePolicy: fc.constantFrom(...INLINE),
  tags: fc.constantFrom<Record<string, string>>({}, { team: "x" }, { team: "y" }),
});

const configArb = fc
  .record({
    users: fc.subarray(USERS),
    groups: fc.subarray(GROUPS).chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            external: fc.boolean(),
            description: fc.constantFrom(null, "on-call"),
            members: fc.subarray(USERS),
          }),
        ),
      ),
    ),
    sets: fc.subarray(SETS).chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            external: fc.boolean(),
            attrs,
            previously: fc.subarray(OLD_SETS, { maxLength: 1 }),
          }),
        ),
      ),
    ),
    rules: fc.array(
      fc.record({
        principal: fc.nat(),
        sets: fc.subarray(SETS, { minLength: 1 }),
        accounts: fc.subarray(ACCOUNT_REFS, { maxLength: 2 }),
        ous: fc.subarray(OUS, { maxLength: 1 }),
        tags: fc.constantFrom(null, { env: "prod" }, { env: "dev" }),
        all: fc.boolean(),
        excludeAccounts: fc.subarray(ACCOUNT_REFS, { maxLength: 1 }),
        expires: fc.constantFrom(...EXPIRIES),
      }),
      { maxLength: 4 },
    ),
    groupsPattern: fc.constantFrom(null, "^team-"),
    ignoreUsers: fc.boolean(),
    protectedPrincipals: fc.subarray(["group/Admins", "user/u1@example.com"]),
    protectedSets: fc.subarray(["P2", "Old2"]),
    protectedAccounts: fc.subarray(["sandbox"]),
  })
  .map((g): Config => {
    const users: UserDecl[] = g.users.map((u) => decl.user(u));
    const groups: GroupDecl[] = g.groups.map((x) =>
      decl.group(x.name, { ...x, members: x.external ? [] : x.members }),
    );
    const permissionSets: PermissionSetDecl[] = g.sets.map((x) =>
      decl.permissionSet(x.name, {
        ...x.attrs,
        external: x.external,
        previously: x.external ? [] : x.previously,
      }),
    );
    const principals = [
      ...groups.map((x) => ({ group: x.name }) as const),
      ...users.map((x) => ({ user: x.userName }) as const),
    ];
    const declaredSets = new Set(permissionSets.map((p) => p.name));
    const assignments: AssignmentRule[] = [];
    g.rules.forEach((r, i) => {
      const principal = principals[r.principal % Math.max(principals.length, 1)];
      const sets = r.sets.filter((s) => declaredSets.has(s));
      if (!principal || sets.length === 0) return;
      assignments.push({
        ...rulePart(principal, sets, r, i),
      });
    });
    return config({
      settings: settings({
        groups: g.groupsPattern,
        ignore: g.ignoreUsers ? [{ principalType: "USER" }] : [],
        protected: {
          principals: g.protectedPrincipals,
          permissionSets: g.protectedSets,
          accounts: g.protectedAccounts,
        },
      }),
      users,
      groups,
      permissionSets,
      assignments,
    });
  });

function rulePart(
  principal: { group: string } | { user: string },
  sets: string[],
  r: {
    accounts: string[];
    ous: string[];
    tags: Record<string, string> | null;
    all: boolean;
    excludeAccounts: string[];
    expires: string | null;
  },
  i: number,
): AssignmentRule {
  return {
    id: `rules.yaml#${i}`,
    principal:
      "group" in principal
        ? { type: "GROUP", name: principal.group }
        : { type: "USER", name: principal.user },
    permissionSets: sets,
    targets: { accounts: r.accounts, ous: r.ous, tags: r.tags, all: r.all },
    exclude: { accounts: r.excludeAccounts, ous: [] },
    expires: r.expires,
    reason: null,
    source: { file: "rules.yaml", line: i + 1, column: 3 },
    locations: {},
  };
}

const liveArb = fc
  .record({
    users: fc.subarray([...USERS, "u9@example.com"]),
    groups: fc
      .subarray([...GROUPS, "Foreign"])
      .chain((names) =>
        fc.tuple(
          ...names.map((name) =>
            fc.record({ name: fc.constant(name), description: fc.constantFrom(null, "on-call", "x") }),
          ),
        ),
      ),
    sets: fc
      .subarray([...SETS, ...OLD_SETS, "Foreign"])
      .chain((names) =>
        fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), attrs, tagged: fc.boolean() }))),
      ),
    memberships: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
    assignments: fc.array(fc.tuple(fc.constantFrom(...ACCOUNT_IDS), fc.nat(), fc.nat()), { maxLength: 12 }),
    stale: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ACCOUNT_IDS)), { maxLength: 3 }),
  })
  .map((g): Live => {
    const entities: Entity[] = [];
    const users = g.users.map((u) => e.user(u));
    const groups = g.groups.map((x) => e.group(x.name, x.description));
    const sets = g.sets.map((x) =>
      e.permissionSet(x.name, {
        ...x.attrs,
        tags: x.tagged ? { ...x.attrs.tags, ...OWNED } : x.attrs.tags,
      }),
    );
    entities.push(...users, ...groups, ...sets);
    const principals = [
      ...groups.map((x) => ({ type: "GROUP" as const, name: x.name })),
      ...users.map((x) => ({ type: "USER" as const, name: x.userName })),
    ];
    if (groups.length > 0 && users.length > 0) {
      for (const [gi, ui] of g.memberships) {
        entities.push(e.membership(groups[gi % groups.length]!.name, users[ui % users.length]!.userName));
      }
    }
    const provisioning: Live["provisioning"] = {};
    if (sets.length > 0 && principals.length > 0) {
      for (const [account, si, pi] of g.assignments) {
        const ps = sets[si % sets.length]!.name;
        const p = principals[pi % principals.length]!;
        entities.push(e.assignment(account, ps, p.name, p.type));
        provision(provisioning, ps, account);
      }
      for (const [si, account] of g.stale) {
        const ps = sets[si % sets.length]!.name;
        provision(provisioning, ps, account);
        const state = provisioning[ps]!;
        state.stale = [...new Set([...state.stale, account])].sort();
      }
    }
    return live(entities, { provisioning });
  });

describe("plan, apply, plan again", () => {
  it("gives no changes after the first plan is applied", () => {
    fc.assert(
      fc.property(configArb, liveArb, fc.boolean(), (cfg, before, allowDeletes) => {
        const first = buildPlan({ config: cfg, live: before, now: NOW, allowDeletes });
        const after = applyPlan(before, first);
        const second = buildPlan({ config: cfg, live: after, now: NOW, allowDeletes });
        expect(second.changes.map((c) => `${c.action} ${c.address}`)).toEqual([]);

        // Completeness, judged independently of the planner: everything desired is now live as
        // desired (except what protection kept), nothing managed is stale, nothing unmanaged moved.
        const { desired } = resolveDesired(cfg, before.org, { now: NOW, callerIsManagementAccount: true });
        const kept = new Set(first.warnings.filter((w) => w.code === "protected").map((w) => w.address));
        for (const [address, entity] of desired) {
          if (!kept.has(address)) expect(after.state.get(address), address).toEqual(entity);
        }
        for (const entity of desired.values()) {
          if (entity.kind !== "permissionSet") continue;
          const stale = (after.provisioning[entity.name]?.stale ?? []).filter((a) => a !== LEGACY);
          expect(stale, entity.name).toEqual([]);
        }
        for (const address of first.unmanaged)
          expect(after.state.get(address)).toEqual(before.state.get(address));
        expect(renderJson(buildPlan({ config: cfg, live: before, now: NOW, allowDeletes }))).toBe(
          renderJson(first),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("never plans two changes at one address, and deletes only what it saw", () => {
    fc.assert(
      fc.property(configArb, liveArb, (cfg, before) => {
        const plan = buildPlan({ config: cfg, live: before, now: NOW, allowDeletes: false });
        const addresses = plan.changes.map((c) => c.address);
        expect(new Set(addresses).size).toBe(addresses.length);
        for (const c of plan.changes) {
          if (c.action === "delete") expect(before.state.get(c.address)).toEqual(c.before);
        }
        const liveSets = [...before.state.values()].filter(
          (x): x is PermissionSetEntity => x.kind === "permissionSet",
        );
        for (const ps of liveSets) {
          const untaggedForeign =
            ps.tags["managed-by"] !== "accessops" &&
            !cfg.permissionSets.some((d) => d.name === ps.name || d.previously.includes(ps.name));
          if (untaggedForeign) expect(addresses).not.toContain(addressOf(ps));
        }
      }),
      { numRuns: 200 },
    );
  });
});
