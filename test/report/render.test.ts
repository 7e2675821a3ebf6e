import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  accessFromFiles,
  accessFromLive,
  buildReport,
  csvField,
  diffAccess,
  filesProvenance,
  filterAccess,
  htmlData,
  renderCsv,
  renderHtml,
  renderJson,
  renderMarkdown,
  scriptJson,
} from "../../src/report/index.ts";
import { decl, rule } from "../plan/builders.ts";
import { fixtureConfig, fixtureLive, NOW, OKTA_MEMBERS, SANDBOX, standardOrg } from "./fixture.ts";

const access = () =>
  accessFromFiles({ config: fixtureConfig(), org: standardOrg(), externalMembers: OKTA_MEMBERS, now: NOW });

describe("CSV fields (RFC 4180) and formula neutralisation", () => {
  const rows: [string, string][] = [
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\r\nlf", '"cr\r\nlf"'],
    ["=1+2", "'=1+2"],
    ["+CMD", "'+CMD"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=x", "'\t=x"],
    ["\r=x", '"\'\r=x"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ["a=b", "a=b"],
    ["2026-06-04T00:00:00.000Z", "2026-06-04T00:00:00.000Z"],
  ];
  it.each(rows)("%j becomes %j", (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe("report formats", () => {
  it("CSV: one row per user access, CRLF line ends, every cell neutralised", () => {
    const report = buildReport("files", filterAccess(access(), { account: "prod-payments" }), {}, null, []);
    expect(renderCsv(report).split("\r\n")).toEqual([
      "user,via_type,via,account_id,account_name,ou,permission_set,admin,expires,rules,reason,note",
      "alice@example.com,group,Platform-Admins,111111111111,prod-payments,Root/Workloads/Prod,ReadOnly,no,,platform.yaml:7 via OU Root/Workloads; platform.yaml:12 via account 111111111111,PCI review,",
      "bob@example.com,group,Platform-Admins,111111111111,prod-payments,Root/Workloads/Prod,ReadOnly,no,,platform.yaml:7 via OU Root/Workloads; platform.yaml:12 via account 111111111111,PCI review,",
      "erin@example.com,group,Okta-Engineering,111111111111,prod-payments,Root/Workloads/Prod,ReadOnly,no,,okta.yaml:2 via account prod-payments,,",
      "",
    ]);
  });

  it("CSV: a hostile group name and reason stay data", () => {
    const cfg = fixtureConfig();
    cfg.groups.push(decl.group('=cmd|"/c calc"!A1', { members: ["@alice"] }));
    cfg.users.push(decl.user("@alice"));
    cfg.assignments.push(
      rule(
        { group: '=cmd|"/c calc"!A1' },
        ["ReadOnly"],
        { accounts: [SANDBOX] },
        { reason: "+1, see -> ticket" },
      ),
    );
    const report = buildReport(
      "files",
      filterAccess(accessFromFiles({ config: cfg, org: standardOrg(), externalMembers: {}, now: NOW }), {
        principal: "@alice",
      }),
      {},
      null,
      [],
    );
    const [, row] = renderCsv(report).split("\r\n");
    expect(row).toMatch(
      /^'@alice,group,"'=cmd\|""\/c calc""!A1",444444444444,sandbox,Root\/Sandbox,ReadOnly,no,,/,
    );
    expect(row).toMatch(/,"'\+1, see -> ticket",$/);
  });

  it("CSV --diff: a change column first", () => {
    const l = fixtureLive();
    const diff = diffAccess(
      access(),
      accessFromLive(l, { now: NOW, provenance: filesProvenance(fixtureConfig(), l.org, NOW) }),
    );
    const lines = renderCsv(buildReport("diff", access(), {}, diff, [])).split("\r\n");
    expect(lines[0]).toMatch(/^change,user,via_type,/);
    expect(lines.slice(1, 3).map((l) => l.split(",").slice(0, 4).join(","))).toEqual([
      "files-only,carol@example.com,group,Developers",
      "live-only,bob@example.com,user,bob@example.com",
    ]);
  });

  it("markdown: summary numbers, notes, and untrusted names escaped", () => {
    const cfg = fixtureConfig();
    cfg.groups.push(
      decl.group("<img src=x onerror=alert(1)> *team* | @here", { members: ["alice@example.com"] }),
    );
    cfg.assignments.push(
      rule({ group: "<img src=x onerror=alert(1)> *team* | @here" }, ["ReadOnly"], { accounts: [SANDBOX] }),
    );
    const a = accessFromFiles({ config: cfg, org: standardOrg(), externalMembers: OKTA_MEMBERS, now: NOW });
    const md = renderMarkdown(buildReport("files", a, {}, null, ["Resolved against a snapshot."]));
    expect(md).toContain("| 5 | 5 | 6 of 7 | 4 | 9 | 2 | 1 |");
    expect(md).toContain("> Resolved against a snapshot.");
    expect(md).not.toContain("<img");
    expect(md).toContain("&lt;img src=x onerror=alert(1)&gt; \\*team\\* \\| @\u200dhere");
  });

  it("JSON: versioned, with summary, grants, access rows and no diff unless asked", () => {
    const doc = JSON.parse(renderJson(buildReport("files", access(), { principal: null }, null, [])));
    expect(Object.keys(doc)).toEqual([
      "formatVersion",
      "kind",
      "view",
      "now",
      "expiringWithinDays",
      "filter",
      "summary",
      "notes",
      "accounts",
      "principals",
      "grants",
      "access",
      "diff",
    ]);
    expect(doc).toMatchObject({
      formatVersion: 1,
      kind: "accessops-access-report",
      view: "files",
      diff: null,
    });
    expect(doc.grants).toHaveLength(8);
    expect(doc.access).toHaveLength(13);
    expect(doc.access[0]).toEqual({
      userName: "alice@example.com",
      via: { type: "GROUP", name: "Platform-Admins" },
      accountId: "000000000000",
      permissionSet: "Admin",
      admin: true,
      expires: null,
      rules: ["platform.yaml#0"],
    });
    expect(renderJson(buildReport("files", access(), {}, null, []))).toBe(
      renderJson(buildReport("files", access(), {}, null, [])),
    );
  });
});

describe("the HTML page", () => {
  const hostile = "</script><script>alert(1)</script><!--";
  const page = () => {
    const cfg = fixtureConfig();
    cfg.groups.push(decl.group(hostile, { members: ["alice@example.com"] }));
    cfg.assignments.push(
      rule({ group: hostile }, ["ReadOnly"], { accounts: [SANDBOX] }, { reason: "\u2028&amp;" }),
    );
    const a = accessFromFiles({ config: cfg, org: standardOrg(), externalMembers: OKTA_MEMBERS, now: NOW });
    const report = buildReport("files", a, {}, null, []);
    return { report, html: renderHtml(report) };
  };

  it("embeds the data so that no name can close the data block, and round-trips it", () => {
    const { report, html } = page();
    const block = html.slice(html.indexOf('<script type="application/json" id="report-data">'));
    const data = block.slice(block.indexOf(">") + 1, block.indexOf("</script>"));
    expect(data).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(data)).toEqual(htmlData(report));
    expect(JSON.parse(data).principals.map((p: unknown[]) => p[1])).toContain(hostile);
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it("allows no network access and only its own script and style (hash-pinned)", () => {
    const { html } = page();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "";
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it("scriptJson escapes what could end a script block or a JavaScript string", () => {
    expect(scriptJson({ a: "</script>&\u2028\u2029" })).toBe(
      '{"a":"\\u003c/script\\u003e\\u0026\\u2028\\u2029"}',
    );
  });
});
