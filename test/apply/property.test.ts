import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXECUTOR_LIMITS, executePlan } from "../../src/apply/execute.ts";
import { ProgressTracker } from "../../src/apply/progress.ts";
import { connect } from "../../src/aws/clients.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import { WRITE_RETRY_POLICY } from "../../src/aws/retry.ts";
import { createWriter } from "../../src/aws/writer.ts";
import { type Seed, startEmulator } from "../../src/emulator/index.ts";
import type { Config } from "../../src/model/config.ts";
import { buildPlan } from "../../src/plan/index.ts";
import { config, decl, NOW, rule, settings } from "../plan/builders.ts";
import { MemoryJournal } from "./helpers.ts";

/**
 * Plan, apply against the emulator, plan again: nothing left. Over random configurations (users,
 * groups and members, permission sets with policies, renames, rules over accounts, OUs and all)
 * and random live states (some of it there already, tagged or not, drifted, stale, assigned).
 * 150 runs pass; the default keeps `npm test` quick.
 */

const TIME_SCALE = 50;
const LATENCY_MS = 500;
/** A modest number by default (a few seconds); ACCESSOPS_PROPERTY_RUNS asks for more. */
const RUNS = Number(process.env.ACCESSOPS_PROPERTY_RUNS ?? 12);

const USERS = ["u1@example.com", "u2@example.com", "u3@example.com"];
const GROUPS = ["team-a", "team-b", "Ops"];
const SETS = ["P1", "P2", "P3"];
const OLD = "Old1";
const ACCOUNTS = ["prod-1", "prod-2", "dev-1", "dev-2", "sandbox"];
const OUS = ["Root/Workloads", "Root/Workloads/Prod", "Root/Workloads/Dev", "Root/Sandbox"];
const POLICIES = [
  "arn:aws:iam::aws:policy/ReadOnlyAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
];
const INLINE = [
  null,
  { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] },
];

const orgSeed: Pick<Seed, "organization" | "ous" | "accounts"> = {
  organization: { managementAccount: "management" },
  ous: [
    { path: "Root/Workloads" },
    { path: "Root/Workloads/Prod" },
    { path: "Root/Workloads/Dev" },
    { path: "Root/Sandbox" },
    { path: "Root/Suspended" },
  ],
  accounts: [
    { id: "100000000000", name: "management" },
    { id: "100000000001", name: "prod-1", ou: "Root/Workloads/Prod" },
    { id: "100000000002", name: "prod-2", ou: "Root/Workloads/Prod" },
    { id: "100000000003", name: "dev-1", ou: "Root/Workloads/Dev" },
    { id: "100000000004", name: "dev-2", ou: "Root/Workloads/Dev" },
    { id: "100000000005", name: "sandbox", ou: "Root/Sandbox" },
    { id: "100000000006", name: "gone", ou: "Root/Suspended", state: "SUSPENDED" },
  ],
};

const attrs = fc.record({
  description: fc.constantFrom(null, "first", "second"),
  sessionDuration: fc.constantFrom("PT1H", "PT4H"),
  managedPolicies: fc.subarray(POLICIES),
  inline: fc.constantFrom(...INLINE),
  tags: fc.constantFrom<Record<string, string>>({}, { team: "x" }, { team: "y" }),
});

const userSeed = (u: string) => ({
  userName: u,
  displayName: u,
  name: { givenName: u.slice(0, 2), familyName: "Example" },
  emails: [u],
});

/** A live state: some users and groups, permission sets (tagged or not, drifted, stale), assignments. */
const seedArb = fc
  .record({
    users: fc.subarray(USERS),
    groups: fc.subarray(GROUPS),
    sets: fc.array(
      fc.record({
        name: fc.constantFrom(...SETS, OLD),
        tagged: fc.boolean(),
        attrs,
        assigned: fc.array(fc.tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...GROUPS)), {
          maxLength: 4,
        }),
        stale: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    members: fc.array(fc.tuple(fc.constantFrom(...GROUPS), fc.constantFrom(...USERS)), { maxLength: 4 }),
  })
  .map((s): Seed => {
    const sets = new Map(s.sets.map((p) => [p.name, p]));
    const assignments = [...sets.values()].flatMap((p) =>
      [...new Set(p.assigned.map(([a, g]) => `${a}|${g}`))]
        .map((k) => k.split("|") as [string, string])
        .filter(([, g]) => s.groups.includes(g))
        .map(([account, group]) => ({ account, permissionSet: p.name, group })),
    );
    return {
      formatVersion: 1,
      ...orgSeed,
      users: s.users.map(userSeed),
      groups: s.groups.map((name) => ({ name })),
      memberships: [...new Set(s.members.map(([g, u]) => `${g}|${u}`))]
        .map((k) => k.split("|") as [string, string])
        .filter(([g, u]) => s.groups.includes(g) && s.users.includes(u))
        .map(([group, user]) => ({ group, user })),
      permissionSets: [...sets.values()].map((p) => {
        const accounts = assignments.filter((a) => a.permissionSet === p.name).map((a) => a.account);
        return {
          name: p.name,
          ...(p.attrs.description === null ? {} : { description: p.attrs.description }),
          sessionDuration: p.attrs.sessionDuration,
          managedPolicies: p.attrs.managedPolicies,
          ...(p.attrs.inline === null ? {} : { inlinePolicy: p.attrs.inline }),
          tags: { ...p.attrs.tags, ...(p.tagged ? { "managed-by": "accessops" } : {}) },
          ...(p.stale && accounts.length > 0 ? { stale: [...new Set(accounts)] } : {}),
        };
      }),
      assignments,
    };
  });

/** Access files: declared users, groups with members, permission sets, rules. */
const configArb = fc
  .record({
    users: fc.subarray(USERS, { minLength: 1 }),
    groups: fc.subarray(GROUPS, { minLength: 1 }),
    sets: fc.uniqueArray(fc.record({ name: fc.constantFrom(...SETS), attrs, renamed: fc.boolean() }), {
      selector: (p) => p.name,
      minLength: 1,
      maxLength: 3,
    }),
    rules: fc.array(
      fc.record({
        group: fc.nat(),
        sets: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
        target: fc.oneof(
          fc.constant({ all: true }),
          fc.record({ ous: fc.subarray(OUS, { minLength: 1, maxLength: 2 }) }),
          fc.record({ accounts: fc.subarray(ACCOUNTS, { minLength: 1, maxLength: 3 }) }),
        ),
      }),
      { maxLength: 4 },
    ),
    members: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
  })
  .map((c): Config => {
    const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
    const members = (g: string) =>
      [
        ...new Set(c.members.filter(([gi]) => pick(c.groups, gi) === g).map(([, ui]) => pick(c.users, ui))),
      ].sort();
    const setNames = c.sets.map((p) => p.name);
    return config({
      settings: settings({ groups: "^team-" }),
      users: c.users.map((u) =>
        decl.user(u, { displayName: u, givenName: u.slice(0, 2), familyName: "Example" }),
      ),
      groups: c.groups.map((g) => decl.group(g, { members: members(g) })),
      permissionSets: c.sets.map((p, i) =>
        decl.permissionSet(p.name, {
          description: p.attrs.description,
          sessionDuration: p.attrs.sessionDuration,
          managedPolicies: [...p.attrs.managedPolicies].sort(),
          inlinePolicy: p.attrs.inline === null ? null : JSON.stringify(p.attrs.inline),
          tags: p.attrs.tags,
          previously: i === 0 && p.renamed ? [OLD] : [],
        }),
      ),
      assignments: c.rules.map((r) =>
        rule(
          { group: pick(c.groups, r.group) },
          [...new Set(r.sets.map((i) => pick(setNames, i)))],
          r.target,
        ),
      ),
    });
  });

describe("plan, apply, plan again", () => {
  it("leaves nothing to do, from any live state, for any configuration", async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, configArb, async (seed, cfg) => {
        const emu = await startEmulator({ seed, latencyMs: LATENCY_MS, timeScale: TIME_SCALE });
        const ctx = connect({
          endpoint: emu.endpoint,
          env: {},
          limits: {
            ssoAdminRate: 20 * TIME_SCALE,
            identityStoreRate: 20 * TIME_SCALE,
            organizationsRate: 10 * TIME_SCALE,
          },
        });
        try {
          const request = readRequestFor(cfg, { refresh: "full" });
          const { live } = await readLive(ctx, request);
          const plan = buildPlan({ config: cfg, live, now: NOW, allowDeletes: true });
          const entries = await executePlan({
            changes: plan.changes,
            live,
            writer: createWriter(ctx, live.instance),
            retry: {
              ...WRITE_RETRY_POLICY,
              baseDelayMs: 2,
              throttlingBaseDelayMs: 10,
              maxDelayMs: 200,
              deadlineMs: 20_000,
            },
            clock: systemClock,
            polling: { firstMs: 20, minMs: 20, maxMs: 100, factor: 1.5, timeoutMs: 30_000 },
            limits: DEFAULT_EXECUTOR_LIMITS,
            journal: new MemoryJournal(),
            runId: "property",
            progress: new ProgressTracker(plan.changes.length, systemClock),
            now: () => NOW,
          });
          const problems = entries.filter((x) => x.outcome === "failed" || x.outcome === "skipped");
          expect(problems).toEqual([]);
          const again = buildPlan({
            config: cfg,
            live: (await readLive(ctx, request)).live,
            now: NOW,
            allowDeletes: true,
          });
          expect(again.changes.map((c) => `${c.action} ${c.address}`)).toEqual([]);
        } finally {
          ctx.close();
          await emu.stop();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
