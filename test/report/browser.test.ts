/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page callbacks below run in the browser, where `document` exists.
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessFromFiles,
  accessFromLive,
  buildReport,
  diffAccess,
  type EffectiveAccess,
  filesProvenance,
  type Grant,
  type ReportPrincipal,
  renderHtml,
} from "../../src/report/index.ts";
import { decl, rule } from "../plan/builders.ts";
import { fixtureConfig, fixtureLive, NOW, OKTA_MEMBERS, SANDBOX, standardOrg } from "./fixture.ts";

/** Where the browser test expects Chromium (Debian's `apt-get install chromium`). */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const available = existsSync(CHROMIUM);
const SKIP_REASON = `Chromium is not installed at ${CHROMIUM}: the HTML report was NOT tested in a browser. Install it with "apt-get update && apt-get install -y chromium" (.ci/run does).`;

const HOSTILE = "</script><img src=x onerror=alert(1)>";

/** The fixture plus a group whose name tries to inject markup (the page must show it as text). */
function fixtureHtml(): string {
  const cfg = fixtureConfig();
  cfg.groups.push(decl.group(HOSTILE, { members: ["alice@example.com"] }));
  cfg.assignments.push(rule({ group: HOSTILE }, ["ReadOnly"], { accounts: [SANDBOX] }));
  const access = accessFromFiles({
    config: cfg,
    org: standardOrg(),
    externalMembers: OKTA_MEMBERS,
    now: NOW,
  });
  return renderHtml(buildReport("files", access, {}, null, ["A note with <b>markup</b> shown as text."]));
}

/**
 * 1,000 accounts by 2,000 groups: each group holds one or two permission sets in 20 accounts,
 * so every account and every group appears; about 50,000 grants.
 */
function largeAccess(): EffectiveAccess {
  const ACCOUNTS = 1000;
  const GROUPS = 2000;
  const PER_GROUP = 20;
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: String(600_000_000_000 + i),
    name: `account-${String(i).padStart(4, "0")}`,
    ouPath: `Root/Unit-${i % 10}/${i % 2 === 0 ? "Prod" : "Dev"}`,
    state: "ACTIVE",
  }));
  const principals: ReportPrincipal[] = Array.from({ length: GROUPS }, (_, g) => ({
    type: "GROUP",
    name: `team-${String(g).padStart(4, "0")}`,
    members: [`user-${g}@example.com`, `user-${g + 1}@example.com`],
  }));
  const grants: Grant[] = [];
  for (let g = 0; g < GROUPS; g++) {
    for (let k = 0; k < PER_GROUP; k++) {
      const account = accounts[(g * 7 + k * 50) % ACCOUNTS];
      if (!account) continue;
      const sets = g % 3 === 0 ? ["Admin", "ReadOnly"] : [`PS-${g % 40}`];
      for (const permissionSet of sets) {
        grants.push({
          principalType: "GROUP",
          principalName: principals[g]?.name ?? "",
          accountId: account.id,
          permissionSet,
          admin: permissionSet === "Admin",
          expires: k === 0 && g % 50 === 0 ? "2026-06-03T00:00:00.000Z" : null,
          rules: [],
        });
      }
    }
  }
  return { source: "files", now: NOW.toISOString(), expiringWithinDays: 7, accounts, principals, grants };
}

describe.skipIf(!available)("the HTML report in headless Chromium", () => {
  let work: string;
  let context: BrowserContext;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "accessops-report-browser-"));
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 900 },
    });
  });
  afterAll(async () => {
    await context?.close();
    // ACCESSOPS_KEEP_BROWSER_ARTIFACTS=1 keeps the pages and screenshots to look at.
    if (process.env.ACCESSOPS_KEEP_BROWSER_ARTIFACTS) process.stdout.write(`kept ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  });

  /** Opens a page on `file`, recording console errors, page errors, dialogs and every request. */
  async function open(file: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-ready=true]");
    return { page, problems, requests };
  }

  const status = (page: Page) => page.textContent("#status");
  const rowNames = (page: Page) =>
    page.$$eval(".rh:not([hidden])", (els) => els.map((e) => e.textContent ?? ""));
  /** Types into the search box and waits for the matrix to show `expected` in the status line. */
  async function search(page: Page, text: string, expected: string): Promise<void> {
    await page.fill("#search", text);
    await page.waitForFunction((want) => document.getElementById("status")?.textContent === want, expected);
  }

  it("loads with no console error and no request, shows names as text, searches, filters, sorts", async () => {
    const file = join(work, "report.html");
    await writeFile(file, fixtureHtml());
    const { page, problems, requests } = await open(file);

    expect(await status(page)).toBe("6 of 7 accounts × 5 of 5 principals · 9 grants");
    expect(await page.textContent("#summary")).toContain("2admin-class grants");
    expect(await page.textContent("#notes")).toBe("A note with <b>markup</b> shown as text.");
    const headers = await page.$$eval(".ch:not([hidden])", (els) =>
      els.map((e) => e.firstChild?.textContent),
    );
    expect(headers).toContain(HOSTILE);
    expect(await page.$$("img")).toHaveLength(0);

    await search(page, "prod-payments", "1 of 7 accounts × 2 of 5 principals · 2 grants");
    expect(await rowNames(page)).toEqual(["prod-payments"]);
    await search(page, "readonly", "5 of 7 accounts × 3 of 5 principals · 6 grants");
    expect(await rowNames(page)).toEqual(["dev-1", "dev-2", "prod-payments", "prod-web", "sandbox"]);
    // A user name finds the groups they are in: carol is a Developer.
    await search(page, "carol", "1 of 7 accounts × 1 of 5 principals · 1 grants");
    expect(await rowNames(page)).toEqual(["dev-1"]);
    await search(page, "", "6 of 7 accounts × 5 of 5 principals · 9 grants");

    await page.selectOption("#rowsort", "id");
    await page.waitForFunction(() => document.querySelector(".rh")?.textContent === "management");
    expect(await rowNames(page)).toEqual([
      "management",
      "prod-payments",
      "prod-web",
      "dev-1",
      "dev-2",
      "sandbox",
    ]);
    // Most grants first, ties by name: dev-1, prod-payments and sandbox hold two each.
    await page.selectOption("#rowsort", "count");
    await page.waitForFunction(() => document.querySelector(".rh")?.textContent === "dev-1");
    expect(await rowNames(page)).toEqual([
      "dev-1",
      "prod-payments",
      "sandbox",
      "dev-2",
      "management",
      "prod-web",
    ]);
    await page.selectOption("#rowsort", "name");

    await page.selectOption("#ou", "Root/Workloads/Prod");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("2 of 7"));
    expect(await rowNames(page)).toEqual(["prod-payments", "prod-web"]);
    await page.selectOption("#ou", "");
    await page.selectOption("#type", "U");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.endsWith("· 1 grants"));
    expect(await rowNames(page)).toEqual(["sandbox"]);
    await page.selectOption("#type", "");
    await page.check("#admin");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.endsWith("· 2 grants"));
    await page.uncheck("#admin");
    await page.check("#expiring");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.endsWith("· 1 grants"));
    expect(await page.$$(".c.exp:not([hidden])")).toHaveLength(1);
    await page.uncheck("#expiring");

    // A cell's details name the rules behind it.
    await search(page, "prod-payments", "1 of 7 accounts × 2 of 5 principals · 2 grants");
    await page.click(".c:not([hidden]) >> text=ReadOnly >> nth=1");
    const details = (await page.textContent("#details")) ?? "";
    expect(details).toContain("prod-payments (111111111111)");
    expect(details).toContain(
      "granted by platform.yaml:7 via OU Root/Workloads; platform.yaml:12 via account 111111111111",
    );
    expect(details).toContain("reason: PCI review");
    await search(page, "", "6 of 7 accounts × 5 of 5 principals · 9 grants");

    const shot = join(work, "report.png");
    await page.screenshot({ path: shot });
    expect((await stat(shot)).size).toBeGreaterThan(0);
    process.stdout.write(`HTML report screenshot: ${shot}\n`);

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it("shows a --diff report: what only the files grant and what only live holds", async () => {
    const l = fixtureLive();
    const files = accessFromFiles({
      config: fixtureConfig(),
      org: standardOrg(),
      externalMembers: OKTA_MEMBERS,
      now: NOW,
    });
    const live = accessFromLive(l, { now: NOW, provenance: filesProvenance(fixtureConfig(), l.org, NOW) });
    const file = join(work, "diff.html");
    await writeFile(file, renderHtml(buildReport("diff", files, {}, diffAccess(files, live), [])));
    const { page, problems, requests } = await open(file);
    expect(await status(page)).toBe("6 of 7 accounts × 5 of 5 principals · 9 grants");
    expect(await page.$$eval(".c.gain:not([hidden])", (els) => els.map((e) => e.textContent))).toEqual([
      "Developer",
    ]);
    expect(await page.$$eval(".c.lose:not([hidden])", (els) => els.map((e) => e.textContent))).toEqual([
      "ReadOnly",
    ]);
    await page.selectOption("#diff", "-");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.endsWith("· 1 grants"));
    expect(await rowNames(page)).toEqual(["prod-web"]);
    await page.click(".c:not([hidden])");
    expect(await page.textContent("#details")).toContain("only live");
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it("renders 1,000 accounts by 2,000 groups virtualised, and reports how long the first view took", async () => {
    const access = largeAccess();
    const html = renderHtml(buildReport("files", access, {}, null, []));
    const file = join(work, "large.html");
    await writeFile(file, html);
    const started = Date.now();
    const { page, problems, requests } = await open(file);
    const firstViewMs = Date.now() - started;
    const inPageMs = await page.evaluate(() => performance.now());

    expect(await status(page)).toBe(
      `1000 of 1000 accounts × 2000 of 2000 principals · ${access.grants.length} grants`,
    );
    // Only what is in view is in the DOM: a few hundred elements, not two million cells.
    const drawn = await page.$$eval("#layer > div", (els) => els.length);
    expect(drawn).toBeLessThan(1000);

    // Scrolled to the far corner, the last account and group are drawn.
    await page.$eval("#grid", (g) => g.scrollTo(g.scrollWidth, g.scrollHeight));
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".rh:not([hidden])")].some((e) => e.textContent === "account-0999"),
    );
    const lastColumn = await page.$$eval(".ch:not([hidden])", (els) =>
      els.map((e) => e.firstChild?.textContent),
    );
    expect(lastColumn).toContain("team-1999");

    const searchStarted = Date.now();
    await search(page, "team-0042", `20 of 1000 accounts × 1 of 2000 principals · 40 grants`);
    const searchMs = Date.now() - searchStarted;
    // The new selection is drawn from the top left, wherever the grid was scrolled.
    expect(await rowNames(page)).toHaveLength(20);
    const shot = join(work, "large.png");
    await page.screenshot({ path: shot });

    process.stdout.write(
      `HTML report, 1,000 accounts × 2,000 groups (${access.grants.length} grants, ${(html.length / 1e6).toFixed(1)} MB): first view ${firstViewMs} ms (page clock ${Math.round(inPageMs)} ms), search re-render ${searchMs} ms (includes the ${120} ms typing delay); screenshot ${shot}\n`,
    );
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });
});

describe.runIf(!available)("the HTML report in headless Chromium", () => {
  it("is skipped: Chromium is missing", (ctx) => {
    process.stderr.write(`\n!!! SKIPPED browser test: ${SKIP_REASON}\n\n`);
    ctx.skip(SKIP_REASON);
  });
});
