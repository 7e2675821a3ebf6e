import { describe, expect, it } from "vitest";
import { scaledSession } from "../../src/apply/run.ts";
import { connect } from "../../src/aws/clients.ts";
import { reportError } from "../../src/cli.ts";
import { type FaultRule, type FaultSpec, type Seed, startEmulator } from "../../src/emulator/index.ts";
import { exitCodeFor } from "../../src/model/errors.ts";
import type { Plan } from "../../src/model/plan.ts";
import { planWith } from "../../src/pipeline.ts";
import { Capture } from "../apply/cli-io.ts";
import { TIME_SCALE } from "../apply/scenario.ts";
import { generateOrg } from "../aws/generated-org.ts";

/**
 * A partial read is never an empty read. For every call the reader lists with (and the describes
 * it cannot do without), an AccessDenied, a server error that outlasts the retry deadline, or a
 * page token AWS rejects, injected in the middle of reading: the plan fails with exit 1 and an
 * error naming the operation and what to do, and no plan — so no deletion — comes out of it.
 *
 * The organisation is large enough that each listing takes several calls (101 groups, users and
 * permission sets: two pages each; a group of 101 members) and holds deletions a plan would make
 * (owned permission sets no longer declared), so a read that lost items could plan more.
 */

const { seed, config } = generateOrg({
  accounts: 25,
  ous: 2,
  groups: 101,
  users: 101,
  permissionSets: 101,
  declaredSets: 5,
  ownedUndeclaredSets: 2,
  managedGroups: 3,
  bigGroupMembers: 101,
  assignmentsPerGroup: 1,
});
/** The same organisation read by a delegated administrator: assignments per provisioned pair. */
const delegated: Seed = { ...seed, callerAccountId: "account-001" };
/** Server errors are retried; this ends the retries quickly (scaled, like every wait). */
const RETRY_DEADLINE_MS = 400;
const NOW = new Date("2026-06-01T00:00:00Z");

interface Outcome {
  code: number;
  stderr: string;
  plan: Plan | null;
  served: { ok: number; errors: number };
}

/** Plans the generated configuration against `seed` with `rules`, as `accessops plan` would, and reports what came out. */
async function plan(s: Seed, rules: FaultRule[], faults: FaultSpec = {}, operation = ""): Promise<Outcome> {
  const emu = await startEmulator({
    seed: s,
    latencyMs: 0,
    timeScale: TIME_SCALE,
    faultRules: rules,
    faults,
  });
  const options = scaledSession(
    {
      dir: config.dir,
      now: NOW,
      connection: { endpoint: emu.endpoint, env: {}, retry: { deadlineMs: RETRY_DEADLINE_MS } },
    },
    TIME_SCALE,
  );
  const ctx = connect({ ...options.connection, region: "us-east-1" });
  const stderr = new Capture();
  try {
    const run = await planWith(
      { config, warnings: [], ctx, now: NOW },
      { refresh: "full", allowDeletes: false },
    );
    return { code: 0, stderr: "", plan: run.plan, served: served(emu.calls(), operation) };
  } catch (error) {
    reportError(error, stderr);
    return {
      code: exitCodeFor(error),
      stderr: stderr.text,
      plan: null,
      served: served(emu.calls(), operation),
    };
  } finally {
    ctx.close();
    await emu.stop();
  }
}

function served(calls: ReturnType<Awaited<ReturnType<typeof startEmulator>>["calls"]>, operation: string) {
  const found = Object.entries(calls).filter(([key]) => key.endsWith(`:${operation}`));
  return {
    ok: found.reduce((n, [, s]) => n + s.ok, 0),
    errors: found.reduce((n, [, s]) => n + s.errors, 0),
  };
}

const deletions = (p: Plan | null): string[] =>
  (p?.changes ?? []).filter((c) => c.action === "delete").map((c) => c.address);

type Failure = "access denied" | "server error" | "invalid page token";

/** service, operation, how many calls to serve before breaking one, and the seed that exercises it. */
const OPERATIONS: [Service, string, number, Seed][] = [
  ["sso-admin", "ListInstances", 0, seed],
  ["sso-admin", "ListPermissionSets", 1, seed],
  ["sso-admin", "DescribePermissionSet", 1, seed],
  ["sso-admin", "ListTagsForResource", 1, seed],
  ["sso-admin", "ListManagedPoliciesInPermissionSet", 1, seed],
  ["sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet", 1, seed],
  ["sso-admin", "GetInlinePolicyForPermissionSet", 1, seed],
  ["sso-admin", "ListAccountsForProvisionedPermissionSet", 1, seed],
  ["sso-admin", "ListAccountAssignmentsForPrincipal", 1, seed],
  ["sso-admin", "ListAccountAssignments", 1, delegated],
  ["identitystore", "ListGroups", 1, seed],
  ["identitystore", "ListUsers", 1, seed],
  ["identitystore", "ListGroupMemberships", 1, seed],
  ["organizations", "DescribeOrganization", 0, seed],
  ["organizations", "ListRoots", 0, seed],
  ["organizations", "ListOrganizationalUnitsForParent", 1, seed],
  ["organizations", "ListAccountsForParent", 1, seed],
  ["organizations", "ListTagsForResource", 1, seed],
  ["sts", "GetCallerIdentity", 0, seed],
];

/** The operations whose second call continues the same listing, where a token can be refused. */
const SINGLE_LISTINGS = new Set(["ListPermissionSets", "ListGroups", "ListUsers"]);

type Service = NonNullable<FaultRule["service"]>;

const SERVER_ERROR: Record<Service, string> = {
  "sso-admin": "InternalServerException",
  identitystore: "InternalServerException",
  organizations: "ServiceException",
  sts: "InternalFailure",
};

function ruleFor(service: Service, operation: string, afterCalls: number, failure: Failure): FaultRule {
  const target = { service, operation, afterCalls };
  switch (failure) {
    case "access denied":
      return { ...target, error: service === "sts" ? "AccessDenied" : "AccessDeniedException", times: 1 };
    case "server error":
      return { ...target, error: SERVER_ERROR[service], times: 0 };
    case "invalid page token":
      return { ...target, error: "InvalidNextToken", times: 1 };
  }
}

const rows = OPERATIONS.flatMap(([service, operation, afterCalls, s]) =>
  (["access denied", "server error", "invalid page token"] as const)
    .filter((failure) => failure !== "invalid page token" || SINGLE_LISTINGS.has(operation))
    // A denied probe is how a delegated administrator is recognised: tested below, on its own.
    .filter(
      (failure) =>
        failure !== "access denied" || operation !== "ListAccountAssignmentsForPrincipal" || afterCalls > 0,
    )
    .map((failure) => ({
      service,
      operation,
      failure,
      rule: ruleFor(service, operation, afterCalls, failure),
      s,
    })),
);

describe("a read that breaks part way", () => {
  it.concurrent.each(rows)(
    "$operation, $failure: plan fails with exit 1, naming it, and plans nothing",
    async ({ service, operation, failure, rule, s }) => {
      const out = await plan(s, [rule], {}, operation);
      expect(out.served.errors, "the fault was not reached").toBeGreaterThan(0);
      if ((rule.afterCalls ?? 0) > 0)
        expect(out.served.ok, "the fault was not in the middle").toBeGreaterThan(0);
      expect(out.plan).toBeNull();
      expect(out.code).toBe(1);
      const [title = "", ...detail] = out.stderr.trim().split("\n");
      expect(title).toMatch(new RegExp(`^error: ${operation}( \\(.+\\))? failed: `));
      const advice: Record<Failure, RegExp> = {
        "access denied": new RegExp(
          `may not call ${service === "sso-admin" ? "sso" : service}:${operation}.*plan-role-policy\\.json|rejected the credentials`,
        ),
        "server error": /kept failing .* Run again in a few minutes; nothing was changed\./,
        "invalid page token": /rejected a page token.*Run again\./,
      };
      expect(detail.join("\n")).toMatch(advice[failure]);
    },
  );
});

describe("what a partial read is not", () => {
  it("a listing of short and empty pages is read to its end: the same plan as a clean read", async () => {
    const [clean, short] = await Promise.all([plan(seed, []), plan(seed, [], { shortpage: 1 })]);
    expect(clean.plan?.changes.length).toBeGreaterThan(0);
    expect(deletions(clean.plan).length).toBeGreaterThan(0);
    expect(short.plan?.checksum).toBe(clean.plan?.checksum);
  });

  it("a denied ListAccountAssignmentsForPrincipal is a delegated administrator's read, never fewer assignments: no deletion beyond a clean read's", async () => {
    const [clean, denied] = await Promise.all([
      plan(seed, []),
      plan(seed, [
        { operation: "ListAccountAssignmentsForPrincipal", error: "AccessDeniedException", times: 0 },
      ]),
    ]);
    expect(denied.code).toBe(0);
    for (const address of deletions(denied.plan)) expect(deletions(clean.plan)).toContain(address);
  });
});
