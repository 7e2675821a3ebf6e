import { describe, expect, it } from "vitest";
import { compareWithReviewed } from "../../src/apply/resume.ts";
import type { Config } from "../../src/model/config.ts";
import type { Plan } from "../../src/model/plan.ts";
import { config, DEV_1, decl, PROD_PAYMENTS, rule } from "../plan/builders.ts";
import { FakeWriter } from "./fake-writer.ts";
import { applyToFake, executeOnFake, planAgainst } from "./helpers.ts";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

function cfg(over: { policies?: string[]; accounts?: string[] } = {}): Config {
  return config({
    groups: [decl.group("Admins"), decl.group("Devs")],
    permissionSets: [decl.permissionSet("Admin", { managedPolicies: over.policies ?? [ADMIN] })],
    assignments: [
      rule({ group: "Admins" }, ["Admin"], { all: true }),
      rule({ group: "Devs" }, ["Admin"], { accounts: over.accounts ?? [DEV_1] }),
    ],
  });
}

const reviewedOf = (plan: Plan) => ({ checksum: plan.checksum, changes: plan.changes });

describe("compareWithReviewed", () => {
  it("accepts the same plan as is", () => {
    const plan = planAgainst(cfg(), new FakeWriter());
    expect(compareWithReviewed(reviewedOf(plan), plan)).toEqual({ kind: "same" });
  });

  const partial: {
    name: string;
    setup: () => Promise<{ reviewed: Plan; current: Plan }>;
  }[] = [
    {
      name: "the first changes of a bootstrap were applied",
      setup: async () => {
        const fake = new FakeWriter();
        const reviewed = planAgainst(cfg(), fake);
        await executeOnFake({ changes: reviewed.changes.slice(0, 5) }, fake);
        return { reviewed, current: planAgainst(cfg(), fake) };
      },
    },
    {
      name: "a permission set was created but its policies were not attached yet",
      setup: async () => {
        const fake = new FakeWriter();
        const reviewed = planAgainst(cfg(), fake);
        const create = reviewed.changes.find((c) => c.address === "permission-set/Admin");
        if (create?.after?.kind !== "permissionSet") throw new Error("no create");
        await fake.createPermissionSet(create.after);
        const current = planAgainst(cfg(), fake);
        expect(current.changes.find((c) => c.address === "permission-set/Admin")?.action).toBe("update");
        return { reviewed, current };
      },
    },
    {
      name: "a permission set was edited but the run stopped before re-provisioning it",
      setup: async () => {
        const fake = new FakeWriter();
        await applyToFake(cfg(), fake);
        const reviewed = planAgainst(cfg({ policies: [READ_ONLY] }), fake);
        await executeOnFake({ changes: reviewed.changes.filter((c) => c.kind === "permissionSet") }, fake);
        const current = planAgainst(cfg({ policies: [READ_ONLY] }), fake);
        expect(current.changes.map((c) => c.action)).toEqual(["provision"]);
        return { reviewed, current };
      },
    },
  ];

  it.each(partial)("resumes when $name", async ({ setup }) => {
    const { reviewed, current } = await setup();
    expect(current.changes.length).toBeGreaterThan(0);
    expect(current.changes.length).toBeLessThanOrEqual(reviewed.changes.length);
    expect(compareWithReviewed(reviewedOf(reviewed), current)).toEqual({
      kind: "resume",
      remaining: current.changes.length,
      reviewed: reviewed.changes.length,
    });
  });

  const stale: { name: string; reviewed: Config; current: Config; lines: string[] }[] = [
    {
      name: "a change nobody reviewed",
      reviewed: cfg(),
      current: cfg({ accounts: [DEV_1, PROD_PAYMENTS] }),
      lines: [`assignment/${PROD_PAYMENTS}/Admin/GROUP/Devs: create is newly planned`],
    },
    {
      name: "a reviewed change that now ends elsewhere",
      reviewed: cfg(),
      current: cfg({ policies: [READ_ONLY] }),
      lines: ["permission-set/Admin: the create changed (after, reason)"],
    },
  ];

  it.each(stale)("refuses $name, saying what", ({ reviewed, current, lines }) => {
    const fake = new FakeWriter();
    const verdict = compareWithReviewed(reviewedOf(planAgainst(reviewed, fake)), planAgainst(current, fake));
    expect(verdict).toEqual({ kind: "stale", lines });
  });

  it("refuses a re-provisioning of accounts the reviewed one did not reach", async () => {
    const fake = new FakeWriter();
    await applyToFake(cfg(), fake);
    const current = planAgainst(cfg({ policies: [READ_ONLY] }), fake);
    const provision = current.changes.find((c) => c.action === "provision");
    if (provision?.after?.kind !== "provisioning") throw new Error("no provision");
    const narrower = { ...provision, after: { ...provision.after, target: { accounts: [DEV_1] } } };
    const widened = {
      ...provision,
      after: { ...provision.after, target: { accounts: [DEV_1, PROD_PAYMENTS] } },
    };
    const reviewed = { checksum: "r", changes: [narrower] };
    expect(compareWithReviewed(reviewed, { checksum: "c", changes: [widened] }).kind).toBe("stale");
    expect(compareWithReviewed(reviewed, { checksum: "c", changes: [narrower] }).kind).toBe("resume");
  });
});
