import { describe, expect, it } from "vitest";
import { painter } from "../../src/cli/output.ts";
import type { ConfigError } from "../../src/model/errors.ts";
import type { Entity } from "../../src/model/state.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { diffPlans } from "../../src/plan/checksum.ts";
import { codeSpan, escapeMarkdown, fencedBlock } from "../../src/plan/render/escape.ts";
import { parsePlanJson, renderJson } from "../../src/plan/render/json.ts";
import { lineDiff } from "../../src/plan/render/line-diff.ts";
import { GITHUB_COMMENT_BUDGET_CHARS, renderMarkdown } from "../../src/plan/render/markdown.ts";
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
  standardOrg,
} from "./builders.ts";

const ZWJ = "\u200d";
const HOSTILE_GROUP =
  "@octo-org/admins <script>alert(1)</script> | [x](https://evil.example) `tick` *b* _i_ ~s~ #1";
const FORGING_GROUP = "ops\n+ assignment/000000000000/Admin/GROUP/everyone";
const BACKTICK_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "a````b", Effect: "Deny", Action: "s3:*", Resource: "*" }],
});

function hostilePlan() {
  const c = config({
    settings: settings({ maxDeletes: 0 }),
    users: [decl.user("@hacker <i>")],
    groups: [
      decl.group(HOSTILE_GROUP, { description: "@everyone please </details> look" }),
      decl.group(FORGING_GROUP),
    ],
    permissionSets: [
      decl.permissionSet("Ops@x", {
        description: "<img src=x onerror=alert(1)> | @security",
        inlinePolicy: BACKTICK_POLICY,
        tags: { "team@x": "a|b`c" },
      }),
    ],
    assignments: [
      rule(
        { group: HOSTILE_GROUP },
        ["Ops@x"],
        { accounts: ["dev-1"] },
        { reason: "@oncall <b>now</b> | `x`" },
      ),
      rule({ group: FORGING_GROUP }, ["Ops@x"], { accounts: ["dev-2"] }),
      rule({ user: "@hacker <i>" }, ["Ops@x"], { accounts: ["dev-2"] }),
    ],
  });
  const l = live([
    e.group("@old <b>team</b>"),
    e.permissionSet("Gone`@me"),
    e.assignment(SANDBOX, "Gone`@me", "x"),
  ]);
  return buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });
}

/**
 * The markdown outside fenced blocks and code spans: where markdown and mentions are live. A
 * backslash-escaped backtick is a literal backtick, not the start of a code span (CommonMark).
 */
function liveMarkdown(md: string): string {
  const withoutFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");
  return withoutFences.replace(/(?<!\\)(`+)[\s\S]*?\1/g, "");
}

describe("escapeMarkdown", () => {
  it.each([
    ["plain-name", "plain-name"],
    ["@team", `@${ZWJ}team`],
    ["a|b", "a\\|b"],
    ["<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"],
    ["[x](y)", "\\[x\\](y)"],
    ["`code`", "\\`code\\`"],
    ["line\nbreak", "line break"],
    ["- item", "\\- item"],
    ["1. first", "1\\. first"],
    ["&#64;team", "&amp;\\#64;team"],
    ["a*b_c~d", "a\\*b\\_c\\~d"],
  ])("%j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe("codeSpan and fencedBlock", () => {
  it("delimits with more backticks than any run inside", () => {
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`edge`")).toBe("`` `edge` ``");
    expect(codeSpan("a|b", { inTable: true })).toBe("`a\\|b`");
    expect(fencedBlock("x ```` y", "diff")).toBe("`````diff\nx ```` y\n`````");
  });
});

describe("renderMarkdown with hostile strings", () => {
  const md = renderMarkdown(hostilePlan());

  it("injects no HTML", () => {
    expect(liveMarkdown(md)).not.toMatch(/<script|<img|<b>/i);
    expect(liveMarkdown(md)).toContain("@\u200dhacker &lt;i&gt;");
    const text = liveMarkdown(md);
    expect(text.match(/<details/g)?.length).toBe(1);
    expect(text.match(/<\/details>/g)?.length).toBe(1);
  });

  it("mentions nobody outside code", () => {
    const text = liveMarkdown(md);
    expect(text).toContain("@");
    for (const m of text.matchAll(/@/g)) expect(text[(m.index ?? 0) + 1]).toBe(ZWJ);
  });

  it("keeps every table row to its columns", () => {
    const rows = md.split("\n").filter((l) => l.startsWith("|"));
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) {
      const pipes = row.match(/(?<!\\)\|/g)?.length ?? 0;
      expect([4, 6], row).toContain(pipes);
    }
  });

  it("cannot close the diff fence early or forge diff lines", () => {
    const lines = md.split("\n");
    const open = lines.findIndex((l) => /^`{3,}diff$/.test(l));
    const fence = lines[open]?.replace("diff", "") ?? "";
    expect(fence.length).toBeGreaterThan(4);
    const close = lines.findIndex((l, i) => i > open && /^`{3,}$/.test(l) && l.length >= fence.length);
    expect(lines[close]).toBe(fence);
    expect(lines.slice(close + 1, close + 3)).toEqual(["", "</details>"]);
    expect(lines.filter((l) => l.startsWith("+ assignment/000000000000"))).toEqual([]);
  });

  it("starts no heading, list or quote from a name", () => {
    const text = liveMarkdown(md);
    const headings = text.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toHaveLength(1);
    expect(headings[0]).toMatch(/^### IAM Identity Center plan/);
  });
});

/** A plan with 20,000 assignment creates over 1,000 accounts. */
function hugePlan() {
  const org = standardOrg();
  const accounts = Array.from({ length: 1000 }, (_, i) => String(500000000000 + i));
  for (const id of accounts) {
    org.accounts.push({
      id,
      name: `acct-${id}`,
      email: "",
      state: "ACTIVE",
      tags: { fleet: "yes" },
      ouPath: "Root",
    });
  }
  const groups = Array.from({ length: 20 }, (_, i) => `team-${i}`);
  const c = config({
    groups: groups.map((g) => decl.group(g)),
    permissionSets: [decl.permissionSet("ReadOnly")],
    assignments: groups.map((g) => rule({ group: g }, ["ReadOnly"], { tags: { fleet: "yes" } })),
  });
  return buildPlan({ config: c, live: live([], { org }), now: NOW, allowDeletes: false });
}

describe("markdown size budget", () => {
  const plan = hugePlan();

  it.each([GITHUB_COMMENT_BUDGET_CHARS, 5_000])(
    "stays within %i characters and says what was cut",
    (maxChars) => {
      expect(plan.changes.length).toBe(20_021);
      const md = renderMarkdown(plan, { maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(md).toMatch(
        /✂️ \*\*Cut to fit the comment size limit:\*\* [\d,]+ more changes not shown; see the job summary or plan\.json\./,
      );
      expect(md).toContain(plan.checksum);
      expect(md.match(/<details/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
      expect((md.match(/^`{3,}/gm)?.length ?? 0) % 2).toBe(0);
    },
  );

  it("is not cut when it fits", () => {
    const small = renderMarkdown(hostilePlan());
    expect(small).not.toContain("Cut to fit");
    expect(small).toContain("<details><summary>Full diff");
  });
});

describe("determinism", () => {
  const c = config({
    groups: [decl.group("Devs")],
    permissionSets: [decl.permissionSet("ReadOnly", { tags: { a: "1" } })],
    assignments: [rule({ group: "Devs" }, ["ReadOnly"], { ous: ["Root/Workloads"] }, { id: "devs.yaml#0" })],
  });
  function build(shuffle: boolean) {
    const entities: Entity[] = [
      e.group("Devs"),
      e.permissionSet("ReadOnly", { tags: { b: "2", "managed-by": "accessops", a: "1" } }),
      e.permissionSet("Old"),
      ...[PROD_PAYMENTS, PROD_WEB, DEV_1, SANDBOX].map((a) => e.assignment(a, "ReadOnly", "Devs")),
    ];
    const l = live(shuffle ? [...entities].reverse() : entities);
    return buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });
  }

  it("gives byte-identical JSON for identical inputs, whatever the live read order", () => {
    const a = renderJson(build(false));
    const b = renderJson(build(true));
    expect(a).toBe(b);
    expect(JSON.parse(a).changes.length).toBe(4);
  });

  it("writes formatVersion first and reads back what it wrote", () => {
    const plan = build(false);
    const json = renderJson(plan);
    expect(json.startsWith('{\n  "formatVersion": 1,')).toBe(true);
    expect(parsePlanJson(json)).toEqual(JSON.parse(JSON.stringify(plan)));
    const message = (text: string) => {
      try {
        parsePlanJson(text);
      } catch (error) {
        return (error as ConfigError).diagnostics[0]?.message;
      }
      return "parsed";
    };
    expect(message(json.replace('"formatVersion": 1', '"formatVersion": 2'))).toMatch(/formatVersion is 2/);
    expect(message("{")).toMatch(/^it is not JSON/);
  });
});

describe("renderText", () => {
  const plan = hostilePlan();

  it("uses colour only through the injected painter", () => {
    const plain = renderText(plan, { paint: painter(false) });
    const coloured = renderText(plan, { paint: painter(true) });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
    const ansi = /\u001b\[\d+m/g;
    expect(plain).not.toMatch(ansi);
    expect(coloured).toMatch(ansi);
    expect(coloured.replace(ansi, "")).toBe(plain);
  });

  it("leads with the counts and the access summary, and ends with the checksum", () => {
    const l = live([e.group("Devs"), e.permissionSet("ReadOnly")]);
    const c = config({
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Devs" }, ["ReadOnly"], { ous: ["Root/Workloads/Prod"] })],
    });
    const p = buildPlan({ config: c, live: l, now: NOW, allowDeletes: false });
    const text = renderText(p, { paint: painter(false) });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("Plan: 2 to create, 0 to update, 0 to delete.");
    expect(lines[2]).toBe("Access changes:");
    expect(lines[3]).toBe("  group Devs gains ReadOnly in 2 accounts under Root/Workloads/Prod");
    expect(lines.at(-1)).toBe(`Run \`accessops apply --checksum ${p.checksum}\` to apply exactly this plan.`);
  });

  it("lists accounts of large groups only in verbose mode", () => {
    const big = hugePlan();
    const short = renderText(big, { paint: painter(false) });
    const verbose = renderText(big, { paint: painter(false), verbose: true });
    expect(short).toContain("+ group team-0 → ReadOnly: ");
    expect(short).not.toContain("+ 500000000000 acct-500000000000");
    expect(verbose).toContain("+ 500000000000 acct-500000000000");
    expect(short.length).toBeLessThan(10_000);
  });

  it("shows an inline policy change as a line diff", () => {
    const c = config({
      permissionSets: [
        decl.permissionSet("P", {
          inlinePolicy: '{"Statement":[{"Action":"s3:Get*","Effect":"Allow","Resource":"*"}]}',
        }),
      ],
    });
    const l = live([
      e.permissionSet("P", {
        inlinePolicy: '{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}]}',
      }),
    ]);
    const text = renderText(buildPlan({ config: c, live: l, now: NOW, allowDeletes: false }), {
      paint: painter(false),
    });
    expect(text).toContain('    -         "Action": "s3:*",');
    expect(text).toContain('    +         "Action": "s3:Get*",');
    expect(text).toContain('              "Effect": "Allow",');
  });

  it("says so when nothing changes", () => {
    const p = buildPlan({ config: config(), live: live([]), now: NOW, allowDeletes: false });
    expect(renderText(p, { paint: painter(false) })).toBe(
      "No changes: the live state matches the access files.\n",
    );
    expect(renderMarkdown(p)).toContain("✅ no changes");
  });
});

describe("diffPlans", () => {
  it("names the addresses that appeared, disappeared or changed", () => {
    const c = config({
      groups: [decl.group("Devs")],
      permissionSets: [decl.permissionSet("ReadOnly")],
      assignments: [rule({ group: "Devs" }, ["ReadOnly"], { accounts: ["dev-1"] })],
    });
    const reviewed = buildPlan({ config: c, live: live([]), now: NOW, allowDeletes: false });
    const current = buildPlan({
      config: c,
      live: live([
        e.group("Devs", "edited"),
        e.permissionSet("ReadOnly"),
        e.assignment(DEV_2, "ReadOnly", "Devs"),
      ]),
      now: NOW,
      allowDeletes: false,
    });
    expect(diffPlans(reviewed, current)).toEqual([
      `assignment/${DEV_2}/ReadOnly/GROUP/Devs: delete is newly planned`,
      "group/Devs: now update (was create)",
      "permission-set/ReadOnly: create is no longer planned",
    ]);
    expect(diffPlans(reviewed, reviewed)).toEqual([]);
  });
});

describe("lineDiff", () => {
  it.each([
    { before: ["a", "b", "c"], after: ["a", "x", "c"], expected: [" a", "-b", "+x", " c"] },
    { before: [], after: ["a"], expected: ["+a"] },
    { before: ["a", "b"], after: ["b"], expected: ["-a", " b"] },
    { before: ["1", "2", "3", "4"], after: ["1", "3", "4", "5"], expected: [" 1", "-2", " 3", " 4", "+5"] },
  ])("$before → $after", ({ before, after, expected }) => {
    expect(lineDiff(before, after).map((l) => `${l.op}${l.line}`)).toEqual(expected);
  });
});
