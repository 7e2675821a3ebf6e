import { describe, expect, it } from "vitest";
import { painter } from "../../src/cli/output.ts";
import type { Plan } from "../../src/model/plan.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { renderMarkdown } from "../../src/plan/render/markdown.ts";
import { applyCommand } from "../../src/plan/render/summary.ts";
import { renderText } from "../../src/plan/render/text.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  live,
  NOW,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  settings,
} from "./builders.ts";

/**
 * What a reviewer reads: every change says why, names its account, and the suggested apply
 * command re-plans exactly the reviewed plan. Each case renders a planned `Plan` (no I/O).
 */

const text = (plan: Plan, dir?: string): string =>
  renderText(plan, { paint: painter(false), ...(dir === undefined ? {} : { dir }) });

/** One assignment no rule grants, read fully or targeted. */
function devsPlan(refresh: "full" | "targeted"): Plan {
  const c = config({ groups: [decl.group("Devs")], permissionSets: [decl.permissionSet("ReadOnly")] });
  const l = live([e.group("Devs"), e.permissionSet("ReadOnly"), e.assignment(DEV_2, "ReadOnly", "Devs")], {
    coverage: { refresh },
  });
  return buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });
}

/** An expired grant, one expiring soon, a stale copy, an undeclared owned group, a grant no rule makes. */
function reviewPlan(): Plan {
  const c = config({
    settings: settings({ groups: "^team-" }),
    groups: [decl.group("Oncall")],
    permissionSets: [decl.permissionSet("Break")],
    assignments: [
      rule(
        { group: "Oncall" },
        ["Break"],
        { accounts: ["prod-payments"] },
        { id: "jit.yaml#0", expires: "2026-05-31T00:00:00.000Z" },
      ),
      rule(
        { group: "Oncall" },
        ["Break"],
        { accounts: ["prod-web"] },
        { id: "jit.yaml#1", expires: "2026-06-03T00:00:00.000Z" },
      ),
      rule({ group: "Oncall" }, ["Break"], { accounts: ["dev-1"] }, { id: "jit.yaml#2", reason: "INC-7" }),
    ],
  });
  const l = live(
    [
      e.group("Oncall"),
      e.group("team-old"),
      e.permissionSet("Break"),
      e.assignment(PROD_PAYMENTS, "Break", "Oncall"),
      e.assignment(PROD_WEB, "Break", "Oncall"),
      e.assignment(DEV_1, "Break", "Oncall"),
      e.assignment(SANDBOX, "Break", "Oncall"),
    ],
    { provisioning: { Break: { accounts: [DEV_1, PROD_PAYMENTS, PROD_WEB, SANDBOX], stale: [DEV_1] } } },
  );
  return buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });
}

describe("reasons and account names", () => {
  const plan = reviewPlan();
  const md = renderMarkdown(plan);
  const plain = text(plan);

  it("says in the access summary why access is lost, each distinct reason once", () => {
    expect(md).toContain(
      "| group `Oncall` | `Break` | — | prod-payments, sandbox | expired at 2026-05-31T00:00:00.000Z (rule jit.yaml\\#0); no rule grants it |",
    );
  });

  it("names the account and the reason of every deletion in the full diff", () => {
    expect(md).toContain(
      [
        `- assignment/${PROD_PAYMENTS}/Break/GROUP/Oncall (prod-payments)`,
        "    # expired at 2026-05-31T00:00:00.000Z (rule jit.yaml#0)",
        `- assignment/${SANDBOX}/Break/GROUP/Oncall (sandbox)`,
        "    # no rule grants it",
      ].join("\n"),
    );
    expect(md).toContain('- group/team-old\n    # not declared and matches ownership.groups "^team-"');
    expect(md).toContain('- 🔴 delete group `team-old`: not declared and matches ownership.groups "^team-"');
  });

  it("says a re-provision replaces an outdated copy, in which account", () => {
    expect(md).toContain(
      "| `Break` | 🔁 re-provision | dev-1 holds an outdated copy of Break: its latest version was never provisioned there |",
    );
    expect(plain).toContain("dev-1 holds an outdated copy of Break");
  });

  it("names who, what and which account expires soon", () => {
    const line = `group Oncall → Break in ${PROD_WEB} prod-web expires 2026-06-03T00:00:00.000Z (rule jit.yaml#1)`;
    expect(md).toContain(`- ${line.replace("#", "\\#")}`);
    expect(plain).toContain(`  ${line}`);
    expect(plan.accountNames[PROD_WEB]).toBe("prod-web");
  });

  it("gives the text the reasons of a group of changes even when they differ", () => {
    expect(plain).toContain(
      [
        "  - group Oncall → Break: prod-payments, sandbox",
        "      expired at 2026-05-31T00:00:00.000Z (rule jit.yaml#0); no rule grants it",
      ].join("\n"),
    );
  });

  it("spells out at most three reasons of a group, then says how many more", () => {
    const accounts = ["dev-1", "dev-2", "prod-payments", "prod-web"];
    const c = config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("P")],
      assignments: accounts.map((a, i) =>
        rule({ group: "Ops" }, ["P"], { accounts: [a] }, { id: `r.yaml#${i}` }),
      ),
    });
    const p = buildPlan({
      config: c,
      live: live([e.group("Ops"), e.permissionSet("P")]),
      now: NOW,
      allowDeletes: false,
    });
    expect(text(p)).toContain(
      "      granted by rule r.yaml#2 via account prod-payments; rule r.yaml#3 via account prod-web; rule r.yaml#0 via account dev-1 +1 more\n",
    );
  });

  it("carries the rule's own reason into the grant", () => {
    const c = config({
      groups: [decl.group("Ops")],
      permissionSets: [decl.permissionSet("P")],
      assignments: [
        rule({ group: "Ops" }, ["P"], { accounts: ["dev-1"] }, { id: "a.yaml#0", reason: "INC-7" }),
      ],
    });
    const p = buildPlan({
      config: c,
      live: live([e.group("Ops"), e.permissionSet("P")]),
      now: NOW,
      allowDeletes: false,
    });
    expect(p.changes[0]?.reason).toBe("granted by rule a.yaml#0 via account dev-1 (INC-7)");
    expect(renderMarkdown(p)).toContain("| granted by rule a.yaml\\#0 via account dev-1 (INC-7) |");
  });
});

describe("the suggested apply command", () => {
  const base = {
    checksum: "c0ffee",
    refresh: "full" as const,
    safety: { ok: true, deletesAllowed: false, violations: [] },
  };
  const overridden = {
    ...base,
    safety: {
      ok: true,
      deletesAllowed: true,
      violations: [{ rule: "max-deletes" as const, message: "m", addresses: [], overridable: true }],
    },
  };

  it.each([
    {
      name: "the default directory, full read",
      plan: base,
      options: {},
      command: "accessops apply --checksum c0ffee",
    },
    {
      name: "another directory",
      plan: base,
      options: { dir: "teams/payments/access" },
      command: "accessops apply teams/payments/access --checksum c0ffee",
    },
    {
      name: "a targeted read",
      plan: { ...base, refresh: "targeted" as const },
      options: { dir: "access-prod" },
      command: "accessops apply access-prod --refresh targeted --checksum c0ffee",
    },
    {
      name: "an overridden rail",
      plan: overridden,
      options: {},
      command: "accessops apply --allow-deletes --checksum c0ffee",
    },
    {
      name: "--allow-deletes that overrode nothing is not repeated",
      plan: { ...base, safety: { ...base.safety, deletesAllowed: true } },
      options: {},
      command: "accessops apply --checksum c0ffee",
    },
    {
      name: "a directory the shell would split",
      plan: base,
      options: { dir: "my access/it's" },
      command: "accessops apply 'my access/it'\\''s' --checksum c0ffee",
    },
    {
      name: "a directory that looks like an option",
      plan: base,
      options: { dir: "-access" },
      command: "accessops apply ./-access --checksum c0ffee",
    },
    {
      name: "the plan file written by --out",
      plan: { ...overridden, refresh: "targeted" as const },
      options: { dir: "a", planFile: "out/plan.json" },
      command: "accessops apply a --refresh targeted --allow-deletes --plan out/plan.json",
    },
  ])("$name", ({ plan, options, command }) => {
    expect(applyCommand(plan, options)).toBe(command);
  });

  it("is what the text and markdown suggest for a plan of another directory, read targeted", () => {
    const plan = devsPlan("targeted");
    const command = `accessops apply teams/a --refresh targeted --checksum ${plan.checksum}`;
    expect(text(plan, "teams/a")).toContain(`Run \`${command}\` to apply exactly this plan.`);
    expect(renderMarkdown(plan, { dir: "teams/a" })).toContain(`apply exactly this plan with \`${command}\``);
  });
});

describe("a targeted plan", () => {
  it("says so, and what it means, in text and markdown", () => {
    const plan = devsPlan("targeted");
    expect(text(plan)).toContain(
      "Targeted plan (--refresh targeted): only what the files name was read, so nothing outside it is deleted",
    );
    expect(renderMarkdown(plan)).toContain(
      "> ℹ️ **Targeted plan** (`--refresh targeted`): only what the files name was read, so nothing outside it is deleted",
    );
  });

  it("a full plan does not", () => {
    const plan = devsPlan("full");
    expect(text(plan)).not.toContain("Targeted plan");
    expect(renderMarkdown(plan)).not.toContain("Targeted plan");
  });
});

describe("an overridden rail", () => {
  const c = config({ settings: settings({ maxDeletes: 1 }), groups: [decl.group("Devs")] });
  const l = live([e.group("Devs"), ...[DEV_1, DEV_2].map((a) => e.assignment(a, "ReadOnly", "Devs"))]);

  it("reads as acknowledged, never as a request to re-run with the flag it has", () => {
    const plan = buildPlan({ config: c, live: l, now: NOW, allowDeletes: true });
    const md = renderMarkdown(plan);
    const plain = text(plan);
    expect(md).toContain(
      "- ⚠️ **max-deletes**: allowed by --allow-deletes: this plan deletes 2 objects (2 assignments); settings.safety.maxDeletes allows 1.",
    );
    expect(plain).toContain(
      "  ! max-deletes: allowed by --allow-deletes: this plan deletes 2 objects (2 assignments); settings.safety.maxDeletes allows 1.",
    );
    for (const out of [md, plain]) expect(out).not.toContain("re-run with --allow-deletes");
  });
});

describe("changes blocked by a missing external group", () => {
  const c = config({
    groups: [decl.group("Okta", { external: true })],
    permissionSets: [decl.permissionSet("ReadOnly")],
    assignments: [
      rule({ group: "Okta" }, ["ReadOnly"], { ous: ["Root/Workloads/Prod"] }, { id: "okta.yaml#0" }),
    ],
  });
  const plan = buildPlan({
    config: c,
    live: live([e.permissionSet("ReadOnly")]),
    now: NOW,
    allowDeletes: false,
  });
  const md = renderMarkdown(plan);
  const plain = text(plan);

  it("are kept in the plan JSON, marked, and counted", () => {
    expect(plan.changes.map((c) => [c.action, c.blockedBy])).toEqual([
      ["create", "group/Okta"],
      ["create", "group/Okta"],
    ]);
    expect(plan.summary).toMatchObject({ create: 2, blocked: 2 });
    expect(plan.access).toEqual([
      expect.objectContaining({ principalName: "Okta", blockedBy: "group/Okta" }),
    ]);
  });

  it("are never presented as access that will be granted", () => {
    expect(md).toContain("🟢 2 to create (⛔ 2 blocked)");
    expect(md).toContain(
      "| group `Okta` | `ReadOnly` | ⛔ blocked: 2 accounts under Root/Workloads/Prod | — | group/Okta does not exist, so rule okta.yaml\\#0 via OU Root/Workloads/Prod cannot grant it |",
    );
    expect(md).not.toMatch(/^\+ assignment\//m);
    expect(md).toContain(
      `  assignment/${PROD_PAYMENTS}/ReadOnly/GROUP/Okta (prod-payments, blocked: group/Okta does not exist)`,
    );
    expect(plain).toContain("Plan: 2 to create (2 blocked), 0 to update, 0 to delete.");
    expect(plain).toContain(
      "  group Okta cannot gain ReadOnly in 2 accounts under Root/Workloads/Prod (blocked: group/Okta does not exist)",
    );
    expect(plain).not.toContain("gains ReadOnly");
    expect(plain).toContain(
      "  ✗ group Okta → ReadOnly: 2 accounts under Root/Workloads/Prod (blocked: group/Okta does not exist)",
    );
    expect(plain).toContain(`    ✗ ${PROD_PAYMENTS} prod-payments`);
    expect(plain).not.toMatch(/^ *\+ /m);
  });
});
