import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { CallStats, PolicyDocument, RunningEmulator, Seed } from "../../src/emulator/index.ts";
import { applyCli } from "../apply/cli-io.ts";
import { emulator, planNow, tempDir } from "../apply/scenario.ts";
import { typical } from "../reliability/scenarios.ts";

/**
 * Least privilege, enforced: `plan` runs under docs/iam/plan-role-policy.json and `apply` under
 * docs/iam/apply-role-policy.json, through the emulator's policy check (AccessDeniedException for
 * any action a policy does not allow), on a change that makes every kind of write accessops has:
 * creates, every permission-set edit (attributes, managed and customer-managed policies, inline
 * policy, boundary put and removed, tags added and removed), re-provisioning, user and group updates
 * and deletions, membership removal, assignment and permission-set deletions, and the membership
 * look-up after a conflict. A new API call without a policy update is denied, and fails here.
 *
 * The plan policy's exactness for every kind of read (full, per provisioned pair for a delegated
 * administrator, targeted look-ups) is proven by test/aws/reader-faults.test.ts ("the plan role
 * policy"); here the write side is: the apply policy is the plan policy plus exactly the writes
 * apply makes, and the plan policy holds no write.
 */

const read = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as PolicyDocument;
const actionsOf = (policy: PolicyDocument): string[] =>
  (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
  );
const planPolicy = read("docs/iam/plan-role-policy.json");
const applyPolicy = read("docs/iam/apply-role-policy.json");
const planActions = new Set(actionsOf(planPolicy));
/** IAM's actions are for Identity Center's own role work in the management account; the emulator does not model IAM. */
const applyActions = new Set(actionsOf(applyPolicy).filter((a) => !a.startsWith("iam:")));
/** What a write looks like in IAM's action names. */
const WRITE_VERB = /^[a-z-]+:(Create|Update|Delete|Put|Attach|Detach|Tag|Untag|Provision|Set|Add|Remove)/;

const actionsCalled = (calls: CallStats): string[] =>
  Object.keys(calls).map((k) => k.replace(/^sso-admin:/, "sso:"));

/** typical()'s organisation plus what the edit removes or changes: a richly configured permission set, users and a group to delete. */
function richSeed(): Seed {
  const base = typical().seed;
  return {
    ...base,
    users: [
      ...(base.users ?? []),
      {
        userName: "dave@example.com",
        displayName: "Dave Old",
        name: { givenName: "Dave", familyName: "Old" },
        emails: ["dave@example.com"],
      },
      { userName: "temp-1@example.com", displayName: "Temp", name: { givenName: "T", familyName: "Emp" } },
    ],
    groups: [...(base.groups ?? []), { name: "Doomed-1" }],
    permissionSets: [
      ...(base.permissionSets ?? []),
      {
        name: "Rich",
        description: "before",
        managedPolicies: [
          "arn:aws:iam::aws:policy/ReadOnlyAccess",
          "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ],
        customerManagedPolicies: [{ name: "OrgGuardrails" }],
        inlinePolicy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }],
        },
        permissionsBoundary: { managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
        tags: { "managed-by": "accessops", team: "platform", cost: "42" },
      },
    ],
    assignments: [...(base.assignments ?? []), { account: "dev-a", permissionSet: "Rich", group: "Admins" }],
  };
}

/** typical()'s files edited so that apply makes every kind of write. */
function richFiles(): Record<string, string> {
  const files = typical().files;
  const settings = (files["settings.yaml"] ?? "").replace(
    "  ownership:\n",
    '  ownership:\n    users: "^temp-"\n',
  );
  const identity = (files["identity.yaml"] ?? "")
    .replace("{ name: Admins, description: on call,", "{ name: Admins, description: on call 24/7,")
    .replace(
      "{ name: Devs, members: [bob@example.com, carol@example.com] }",
      "{ name: Devs, members: [carol@example.com] }",
    )
    .replace(
      "users:\n",
      "users:\n  - { userName: dave@example.com, displayName: Dave New, name: { givenName: Dave, familyName: Old }, emails: [dave@example.com] }\n",
    );
  const permissionSets = (files["permission-sets.yaml"] ?? "")
    .replace(
      "    description: Operations\n",
      "    description: Operations\n    customerManagedPolicies: [{ name: OrgGuardrails }]\n    permissionsBoundary: { managedPolicyArn: arn:aws:iam::aws:policy/PowerUserAccess }\n",
    )
    .concat(
      "  - name: Rich\n    description: after\n    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n    tags: { team: platform, owner: alice }\n",
    );
  const assignments = (files["assignments.yaml"] ?? "").concat(
    "  - { principal: { group: Admins }, permissionSets: [Rich], targets: { accounts: [dev-a] } }\n",
  );
  return {
    ...files,
    "settings.yaml": settings,
    "identity.yaml": identity,
    "permission-sets.yaml": permissionSets,
    "assignments.yaml": assignments,
  };
}

const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.stop()));
});

describe("least privilege", () => {
  it("the plan policy holds no write, and the apply policy is the plan policy plus writes", () => {
    expect([...planActions].filter((a) => WRITE_VERB.test(a))).toEqual([]);
    for (const a of planActions) expect(applyActions).toContain(a);
    expect(planActions).toContain("sts:GetCallerIdentity");
  });

  it("plan needs no write: under the apply policy it calls only what the plan policy allows", async () => {
    const emu = await emulator({ seed: richSeed(), policy: applyPolicy });
    running.push(emu);
    const dir = await tempDir(richFiles());
    const plan = await planNow(dir, emu.endpoint);
    expect(plan.changes.length).toBeGreaterThan(20);
    const called = actionsCalled(emu.calls());
    expect(called.filter((a) => !planActions.has(a))).toEqual([]);
    expect(emu.writes()).toEqual([]);
  });

  it("apply, under the apply policy, makes every write the policy grants beyond the plan policy, and no other", async () => {
    const emu = await emulator({ seed: richSeed(), policy: applyPolicy });
    running.push(emu);
    const dir = await tempDir(richFiles());
    // An earlier attempt's membership "went through": apply looks the membership up (GetGroupMembershipId).
    emu.addFaultRules({
      operation: "CreateGroupMembership",
      error: "ConflictException",
      message: "Member already exists",
    });
    const planned = await planNow(dir, emu.endpoint);
    expect(planned.safety.ok).toBe(true);
    const run = await applyCli(dir, emu.endpoint, {
      journal: join(await tempDir(), "j.jsonl"),
      autoApprove: true,
      format: "json",
    });
    expect(run.error).toBeNull();
    const report = JSON.parse(run.stdout) as ApplyReport;
    const failures = report.entries.filter(
      (e) =>
        e.outcome !== "created" &&
        e.outcome !== "updated" &&
        e.outcome !== "deleted" &&
        e.outcome !== "provisioned",
    );
    // The look-up after the simulated conflict finds no membership, so the conflict is retried
    // and the membership created: nothing fails, and nothing was denied.
    expect(failures).toEqual([]);
    expect(emu.calls()["identitystore:GetGroupMembershipId"]?.calls).toBe(1);
    const called = actionsCalled(emu.calls());
    for (const action of called)
      expect(applyActions, `${action} is not in the apply policy`).toContain(action);
    const writes = new Set(called.filter((a) => !planActions.has(a)));
    expect(writes).toEqual(new Set([...applyActions].filter((a) => !planActions.has(a))));
  });
});
