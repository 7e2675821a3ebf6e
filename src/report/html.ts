import { createHash } from "node:crypto";
import { sortedUnique } from "../model/canonical.ts";
import type { Provenance } from "../model/plan.ts";
import { describeReasons, describeRules, type Report, viewTitle } from "./report.ts";

/**
 * The access report as one self-contained HTML file: a summary and a virtualised matrix of
 * accounts by principals. Nothing is fetched: CSS and script are inline and pinned by a Content
 * Security Policy that allows no network access at all. Data travels as a JSON block and is put
 * on the page with `textContent` only, so no name can become markup or script.
 */

/**
 * The embedded data, in compact form (arrays and indexes instead of repeated strings) so that
 * 1,000 accounts by 2,000 groups stay a few megabytes:
 * - `accounts`: `[id, name, ouIndex, state]`, `ous`: OU paths;
 * - `principals`: `[type ("G" or "U"), name, members (null: not read)]`;
 * - `sets`: `[name, admin (1 or 0)]`;
 * - `rules`: `[description, reasons]` of each distinct set of granting rules;
 * - `grants`: `[accountIndex, principalIndex, setIndex, expires (ISO or null), ruleIndex (-1: none)]`.
 */
export interface HtmlData {
  title: string;
  view: Report["view"];
  now: string;
  expiringWithinDays: number;
  filter: Report["filter"];
  summary: Report["summary"];
  notes: string[];
  ous: string[];
  accounts: [string, string, number, string][];
  principals: ["G" | "U", string, string[] | null][];
  sets: [string, 0 | 1][];
  rules: [string, string][];
  grants: [number, number, number, string | null, number][];
  /** With `--diff`: `[accountIndex, principalIndex, setIndex, "+" or "-"]` per differing grant. */
  diff: [number, number, number, "+" | "-"][] | null;
}

/** The embedded data of a report (exported for tests of the page's contract). */
export function htmlData(report: Report): HtmlData {
  const access = report.access;
  const ous = sortedUnique(["Root", ...access.accounts.map((a) => a.ouPath)]);
  // Every ancestor OU too, so the OU filter can select a parent with no account of its own.
  for (const path of [...ous]) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) ous.push(parts.slice(0, i).join("/"));
  }
  const ouList = sortedUnique(ous);
  const ouIndex = new Map(ouList.map((p, i) => [p, i]));
  const accountIndex = new Map(access.accounts.map((a, i) => [a.id, i]));
  const principalIndex = new Map(access.principals.map((p, i) => [`${p.type}\u0000${p.name}`, i]));
  const grants = report.diff ? [...access.grants, ...report.diff.grants.map((c) => c.item)] : access.grants;
  const setNames = sortedUnique(grants.map((g) => g.permissionSet));
  const setIndex = new Map(setNames.map((n, i) => [n, i]));
  const admin = new Map<string, boolean>();
  for (const g of grants) admin.set(g.permissionSet, (admin.get(g.permissionSet) ?? false) || g.admin);

  const principals = [...access.principals];
  const principalOf = (type: string, name: string): number => {
    const key = `${type}\u0000${name}`;
    let i = principalIndex.get(key);
    if (i === undefined) {
      i = principals.length;
      principals.push({
        type: type === "GROUP" ? "GROUP" : "USER",
        name,
        members: type === "GROUP" ? null : [],
      });
      principalIndex.set(key, i);
    }
    return i;
  };
  const rules: [string, string][] = [];
  const ruleIndex = new Map<string, number>();
  const ruleOf = (provenance: Provenance[]): number => {
    if (provenance.length === 0) return -1;
    const text = describeRules(provenance);
    const reasons = describeReasons(provenance);
    const key = `${text}\u0000${reasons}`;
    let i = ruleIndex.get(key);
    if (i === undefined) {
      i = rules.length;
      rules.push([text, reasons]);
      ruleIndex.set(key, i);
    }
    return i;
  };
  const at = (accountId: string): number => accountIndex.get(accountId) ?? -1;
  // Before the principals are listed: a grant only live holds may add its principal.
  const grantRows: HtmlData["grants"] = access.grants.map((g) => [
    at(g.accountId),
    principalOf(g.principalType, g.principalName),
    setIndex.get(g.permissionSet) ?? 0,
    g.expires,
    ruleOf(g.rules),
  ]);
  const diffRows: HtmlData["diff"] = report.diff
    ? report.diff.grants.map((c) => [
        at(c.item.accountId),
        principalOf(c.item.principalType, c.item.principalName),
        setIndex.get(c.item.permissionSet) ?? 0,
        c.change,
      ])
    : null;

  return {
    title: viewTitle(report),
    view: report.view,
    now: access.now,
    expiringWithinDays: access.expiringWithinDays,
    filter: report.filter,
    summary: report.summary,
    notes: report.notes,
    ous: ouList,
    accounts: access.accounts.map((a) => [a.id, a.name, ouIndex.get(a.ouPath) ?? 0, a.state]),
    principals: principals.map((p) => [p.type === "GROUP" ? "G" : "U", p.name, p.members]),
    sets: setNames.map((n) => [n, admin.get(n) ? 1 : 0]),
    rules,
    grants: grantRows,
    diff: diffRows,
  };
}

/**
 * JSON safe inside a `<script type="application/json">` block: `<`, `>` and `&` are escaped so
 * no value can close the block or open a comment, and U+2028/U+2029 so the text is also valid
 * JavaScript for any tool that treats it so.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

const cspHash = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export function renderHtml(report: Report): string {
  const data = scriptJson(htmlData(report));
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(SCRIPT)}`,
    `style-src ${cspHash(STYLE)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>accessops access report</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<p id="subtitle"></p>
<section id="summary" aria-label="Summary"></section>
<ul id="notes"></ul>
</header>
<nav id="controls" aria-label="Search, filter and sort">
<input id="search" type="search" placeholder="Search accounts, OUs, groups, users, permission sets" aria-label="Search" autocomplete="off">
<label>OU <select id="ou"></select></label>
<label>Permission set <select id="set"></select></label>
<label>Principal <select id="type"><option value="">groups and users</option><option value="G">groups</option><option value="U">users</option></select></label>
<label><input id="admin" type="checkbox"> admin-class only</label>
<label><input id="expiring" type="checkbox"> expiring only</label>
<label id="diff-label" hidden>Change <select id="diff"><option value="">any</option><option value="+">only in the files</option><option value="-">only live</option></select></label>
<label>Rows <select id="rowsort"><option value="name">account name</option><option value="id">account id</option><option value="ou">OU</option><option value="count">most grants</option></select></label>
<label>Columns <select id="colsort"><option value="name">name</option><option value="type">groups first</option><option value="count">most grants</option></select></label>
<span id="status" role="status"></span>
</nav>
<main>
<div id="grid" tabindex="0" aria-label="Accounts by principals"><div id="sizer"><div id="layer"></div></div></div>
<aside id="details" aria-live="polite"><p class="hint">Select a cell to see who holds what there, and why.</p></aside>
</main>
<footer><span class="legend adm">admin-class</span> <span class="legend exp">expires within the look-ahead</span> <span class="legend gain">only in the files</span> <span class="legend lose">only live</span></footer>
<script type="application/json" id="report-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--head:#f6f8fa;--adm:#ffebe9;--adm-line:#cf222e;--exp:#fff8c5;--exp-line:#bf8700;--gain:#dafbe1;--lose:#ffebe9;--sel:#ddf4ff}
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:12px 16px 4px}
h1{font-size:18px;margin:0 0 2px}
#subtitle{margin:0 0 8px;color:var(--muted)}
#summary{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:6px 10px;min-width:110px}
.card b{display:block;font-size:18px}
.card span{color:var(--muted)}
.card.alert b{color:var(--adm-line)}
#notes{margin:6px 0 0;padding-left:18px;color:var(--muted)}
#controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;padding:8px 16px;border-top:1px solid var(--line);border-bottom:1px solid var(--line);background:var(--head)}
#search{flex:1 1 280px;min-width:200px;padding:5px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
select{font:inherit;max-width:220px}
#status{color:var(--muted);margin-left:auto}
main{flex:1;display:flex;min-height:0}
#grid{flex:1;overflow:auto;position:relative;outline:none}
#sizer{position:relative}
#layer{position:absolute;left:0;top:0;overflow:hidden;will-change:transform}
.backdrop{position:absolute;background-image:linear-gradient(to left,var(--line) 1px,transparent 1px),linear-gradient(to top,var(--line) 1px,transparent 1px)}
.c,.rh,.ch,.corner{position:absolute;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;border-right:1px solid var(--line);border-bottom:1px solid var(--line);padding:4px 6px}
.c{cursor:pointer;background:var(--bg)}
.c.adm{background:var(--adm)}
.c.exp{box-shadow:inset 0 0 0 2px var(--exp-line)}
.c.gain{background:var(--gain)}
.c.lose{background:var(--lose);text-decoration:line-through}
.c.sel{outline:2px solid #0969da;outline-offset:-2px}
.rh{background:var(--head);font-weight:600;z-index:1}
.rh small,.ch small{display:block;font-weight:400;color:var(--muted);overflow:hidden;text-overflow:ellipsis}
.ch{background:var(--head);font-weight:600;z-index:1;white-space:normal;cursor:pointer}
.corner{background:var(--head);z-index:2;color:var(--muted);white-space:normal}
#details{width:340px;border-left:1px solid var(--line);padding:10px 14px;overflow:auto}
#details h2{font-size:14px;margin:0 0 6px}
#details dl{margin:0}
#details dt{font-weight:600;margin-top:8px}
#details dd{margin:2px 0 0}
.hint{color:var(--muted)}
.tag{display:inline-block;border-radius:4px;padding:0 4px;margin-right:4px;font-size:11px}
.tag.adm{background:var(--adm);color:var(--adm-line)}
.tag.exp{background:var(--exp);color:#7d4e00}
.tag.gain{background:var(--gain)}
.tag.lose{background:var(--lose)}
footer{padding:4px 16px;border-top:1px solid var(--line);color:var(--muted)}
.legend{display:inline-block;padding:0 6px;margin-right:6px;border-radius:4px}
.legend.adm{background:var(--adm)}
.legend.exp{box-shadow:inset 0 0 0 2px var(--exp-line)}
.legend.gain{background:var(--gain)}
.legend.lose{background:var(--lose)}
`;

/**
 * The page's script. Plain ES2020, no dependencies. It builds the matrix from the data block and
 * renders only the cells in view (a pool of elements repositioned on scroll), so 1,000 accounts
 * by 2,000 principals cost the same to draw as 20 by 10. Every string reaches the page through
 * `textContent` or `title`; nothing is parsed as HTML.
 */
const SCRIPT = `
"use strict";
(() => {
  const ROW_H = 28, COL_W = 150, HEAD_W = 260, HEAD_H = 64, DAY_MS = 86400000, SEARCH_DELAY_MS = 120;
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const $ = (id) => document.getElementById(id);
  const make = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const horizon = Date.parse(data.now) + data.expiringWithinDays * DAY_MS;
  const accounts = data.accounts.map(([id, name, ou, state], i) => {
    const path = data.ous[ou] || "Root";
    return { i, id, name, ou: path, state, key: (id + " " + name + " " + path).toLowerCase() };
  });
  const principals = data.principals.map(([type, name, members], i) => ({
    i, type, name, members,
    key: (name + " " + (members || []).join(" ")).toLowerCase(),
  }));
  const sets = data.sets.map(([name, admin], i) => ({ i, name, admin: admin === 1, key: name.toLowerCase() }));
  const grants = data.grants.map(([a, p, s, e, r]) => ({ a, p, s, e, r, d: "", expiring: e !== null && Date.parse(e) <= horizon }));
  if (data.diff) {
    const index = new Map(grants.map((g, n) => [g.a + "/" + g.p + "/" + g.s, n]));
    for (const [a, p, s, d] of data.diff) {
      const n = index.get(a + "/" + p + "/" + s);
      if (n !== undefined) grants[n].d = d;
      else grants.push({ a, p, s, e: null, r: -1, d, expiring: false });
    }
  }
  const P = principals.length;

  // Header, summary and notes.
  $("title").textContent = data.title;
  const filters = [];
  if (data.filter.principal !== null) filters.push("principal " + data.filter.principal);
  if (data.filter.account !== null) filters.push("account " + data.filter.account);
  $("subtitle").textContent = "As of " + data.now + (filters.length ? " · filtered to " + filters.join(" and ") : "");
  const s = data.summary;
  const cards = [
    [s.principals, "principals", s.groups + " groups"],
    [s.users, "users with access", ""],
    [s.accounts, "accounts reached", "of " + s.organisationAccounts],
    [s.permissionSets, "permission sets", ""],
    [s.grants, "grants", s.accessRows + " user rows"],
    [s.adminGrants, "admin-class grants", "", s.adminGrants > 0],
    [s.expiring, "expiring", "within " + data.expiringWithinDays + " days", s.expiring > 0],
  ];
  for (const [value, label, sub, alert] of cards) {
    const card = make("div", alert ? "card alert" : "card");
    card.append(make("b", "", value), make("span", "", label + (sub ? " · " + sub : "")));
    $("summary").append(card);
  }
  for (const note of data.notes) $("notes").append(make("li", "", note));

  // Filter and sort controls.
  const option = (value, label) => { const o = make("option", "", label); o.value = value; return o; };
  $("ou").append(option("", "any OU"), ...data.ous.map((p) => option(p, p)));
  $("set").append(option("", "any"), ...sets.map((x) => option(String(x.i), x.name)));
  if (data.diff) $("diff-label").hidden = false;
  const state = { q: [], ou: "", set: -1, type: "", admin: false, expiring: false, diff: "", rowSort: "name", colSort: "name" };

  let rows = [], cols = [], cells = new Map(), shown = 0;
  const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  function recompute() {
    cells = new Map();
    const rowCount = new Map(), colCount = new Map();
    shown = 0;
    for (let n = 0; n < grants.length; n++) {
      const g = grants[n], a = accounts[g.a], p = principals[g.p], x = sets[g.s];
      if (!a || !p || !x) continue;
      if (state.ou && a.ou !== state.ou && !a.ou.startsWith(state.ou + "/")) continue;
      if (state.set >= 0 && g.s !== state.set) continue;
      if (state.type && p.type !== state.type) continue;
      if (state.admin && !x.admin) continue;
      if (state.expiring && !g.expiring) continue;
      if (state.diff && g.d !== state.diff) continue;
      if (state.q.length && !state.q.every((t) => a.key.includes(t) || p.key.includes(t) || x.key.includes(t))) continue;
      const key = g.a * P + g.p;
      const list = cells.get(key);
      if (list) list.push(n); else cells.set(key, [n]);
      rowCount.set(g.a, (rowCount.get(g.a) || 0) + 1);
      colCount.set(g.p, (colCount.get(g.p) || 0) + 1);
      shown++;
    }
    rows = [...rowCount.keys()].map((i) => accounts[i]);
    cols = [...colCount.keys()].map((i) => principals[i]);
    const rowKey = { name: (r) => r.name, id: (r) => r.id, ou: (r) => r.ou + "/" + r.name };
    if (state.rowSort === "count") rows.sort((a, b) => rowCount.get(b.i) - rowCount.get(a.i) || byText(a.name, b.name));
    else rows.sort((a, b) => byText(rowKey[state.rowSort](a), rowKey[state.rowSort](b)) || byText(a.id, b.id));
    if (state.colSort === "count") cols.sort((a, b) => colCount.get(b.i) - colCount.get(a.i) || byText(a.name, b.name));
    else if (state.colSort === "type") cols.sort((a, b) => byText(a.type, b.type) || byText(a.name, b.name));
    else cols.sort((a, b) => byText(a.name, b.name) || byText(a.type, b.type));
    $("status").textContent = rows.length + " of " + accounts.length + " accounts × " + cols.length + " of " + P + " principals · " + shown + " grants";
    // A new selection starts at the top left. The layer is moved home first: where it was
    // scrolled to, it would keep the old scroll area alive.
    layer.style.transform = "none";
    $("sizer").style.width = HEAD_W + cols.length * COL_W + "px";
    $("sizer").style.height = HEAD_H + rows.length * ROW_H + "px";
    grid.scrollTo(0, 0);
    render();
  }

  // Virtualised drawing: a pool of elements per kind, repositioned for the cells in view.
  const grid = $("grid"), layer = $("layer");
  const backdrop = make("div", "backdrop");
  backdrop.style.backgroundSize = COL_W + "px 100%, 100% " + ROW_H + "px";
  layer.append(backdrop);
  const pools = { c: [], rh: [], ch: [] };
  function take(kind, n) {
    const pool = pools[kind];
    while (pool.length <= n) { const e = make("div", kind); layer.append(e); pool.push(e); }
    const e = pool[n];
    e.hidden = false;
    return e;
  }
  function hideFrom(kind, n) { for (let k = n; k < pools[kind].length; k++) pools[kind][k].hidden = true; }
  const corner = make("div", "corner", "accounts ↓ · principals →");
  layer.append(corner);
  let selected = null;
  function place(e, x, y, w, h) { e.style.left = x + "px"; e.style.top = y + "px"; e.style.width = w + "px"; e.style.height = h + "px"; }

  function render() {
    const left = grid.scrollLeft, top = grid.scrollTop, width = grid.clientWidth, height = grid.clientHeight;
    layer.style.transform = "translate(" + left + "px," + top + "px)";
    layer.style.width = width + "px";
    layer.style.height = height + "px";
    // Grid lines for empty cells too: a backdrop over the matrix, its lines aligned with the cells.
    place(backdrop, HEAD_W, HEAD_H, Math.max(0, Math.min(cols.length * COL_W - left, width - HEAD_W)), Math.max(0, Math.min(rows.length * ROW_H - top, height - HEAD_H)));
    backdrop.style.backgroundPosition = -(left % COL_W) + "px 0, 0 " + -(top % ROW_H) + "px";
    const r0 = Math.max(0, Math.floor(top / ROW_H)), r1 = Math.min(rows.length, Math.ceil((top + height - HEAD_H) / ROW_H) + 1);
    const c0 = Math.max(0, Math.floor(left / COL_W)), c1 = Math.min(cols.length, Math.ceil((left + width - HEAD_W) / COL_W) + 1);
    let nc = 0, nr = 0, nh = 0;
    for (let r = r0; r < r1; r++) {
      const a = rows[r], y = HEAD_H + r * ROW_H - top;
      const rh = take("rh", nr++);
      place(rh, 0, y, HEAD_W, ROW_H);
      rh.textContent = a.name;
      rh.title = a.name + " (" + a.id + ") · " + a.ou + (a.state !== "ACTIVE" ? " · " + a.state : "");
      rh.dataset.id = a.id;
      for (let c = c0; c < c1; c++) {
        const p = cols[c], list = cells.get(a.i * P + p.i);
        if (!list) continue;
        const e = take("c", nc++);
        place(e, HEAD_W + c * COL_W - left, y, COL_W, ROW_H);
        const names = list.map((n) => sets[grants[n].s].name);
        e.textContent = names.join(", ");
        e.title = a.name + " · " + (p.type === "G" ? "group " : "user ") + p.name + ": " + names.join(", ");
        const adm = list.some((n) => sets[grants[n].s].admin), exp = list.some((n) => grants[n].expiring);
        const gain = list.every((n) => grants[n].d === "+"), lose = list.every((n) => grants[n].d === "-");
        e.className = "c" + (adm ? " adm" : "") + (exp ? " exp" : "") + (gain ? " gain" : lose ? " lose" : "") + (selected === a.i * P + p.i ? " sel" : "");
        e.dataset.key = String(a.i * P + p.i);
      }
    }
    for (let c = c0; c < c1; c++) {
      const p = cols[c], ch = take("ch", nh++);
      place(ch, HEAD_W + c * COL_W - left, 0, COL_W, HEAD_H);
      ch.textContent = p.name;
      const sub = make("small", "", p.type === "G" ? "group · " + (p.members === null ? "members not read" : p.members.length + (p.members.length === 1 ? " member" : " members")) : "user");
      ch.append(sub);
      ch.title = (p.type === "G" ? "group " : "user ") + p.name;
      ch.dataset.principal = String(p.i);
    }
    place(corner, 0, 0, HEAD_W, HEAD_H);
    hideFrom("c", nc); hideFrom("rh", nr); hideFrom("ch", nh);
  }

  // Details of a cell or a principal, built element by element.
  function describe(title, entries) {
    const box = $("details");
    box.replaceChildren();
    box.append(make("h2", "", title));
    const dl = make("dl");
    for (const [term, values] of entries) {
      dl.append(make("dt", "", term));
      for (const v of values) {
        const dd = make("dd");
        if (typeof v === "string") dd.textContent = v; else dd.append(...v);
        dl.append(dd);
      }
    }
    box.append(dl);
  }
  function showCell(key) {
    const list = cells.get(key);
    if (!list) return;
    const a = accounts[Math.floor(key / P)], p = principals[key % P];
    selected = key;
    const entries = [
      ["Account", [a.name + " (" + a.id + ")", a.ou + (a.state !== "ACTIVE" ? " · " + a.state : "")]],
      [p.type === "G" ? "Group" : "User", [p.name]],
    ];
    if (p.type === "G") entries.push(["Members", p.members === null ? ["not read (an external group)"] : p.members.length ? p.members : ["none"]]);
    for (const n of list) {
      const g = grants[n], x = sets[g.s], tags = [];
      if (x.admin) tags.push(make("span", "tag adm", "admin-class"));
      if (g.e) tags.push(make("span", g.expiring ? "tag exp" : "tag", "expires " + g.e));
      if (g.d) tags.push(make("span", g.d === "+" ? "tag gain" : "tag lose", g.d === "+" ? "only in the files" : "only live"));
      const rule = g.r >= 0 ? data.rules[g.r] : null;
      entries.push([x.name, [tags.length ? tags : "", rule ? "granted by " + rule[0] : "no rule of the files grants it"].concat(rule && rule[1] ? ["reason: " + rule[1]] : [])]);
    }
    describe(a.name + " · " + p.name, entries);
    render();
  }
  function showPrincipal(i) {
    const p = principals[i];
    let count = 0;
    for (const [key, list] of cells) if (key % P === i) count += list.length;
    describe((p.type === "G" ? "Group " : "User ") + p.name, [
      ["Grants shown", [String(count)]],
      ...(p.type === "G" ? [["Members", p.members === null ? ["not read (an external group)"] : p.members.length ? p.members : ["none"]]] : []),
    ]);
  }
  layer.addEventListener("click", (event) => {
    const target = event.target.closest(".c, .ch");
    if (!target) return;
    if (target.dataset.key) showCell(Number(target.dataset.key));
    else if (target.dataset.principal) showPrincipal(Number(target.dataset.principal));
  });

  let frame = 0;
  grid.addEventListener("scroll", () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); }, { passive: true });
  window.addEventListener("resize", () => render());
  let timer = 0;
  $("search").addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean); recompute(); }, SEARCH_DELAY_MS);
  });
  const on = (id, apply) => $(id).addEventListener("change", (event) => { apply(event.target); recompute(); });
  on("ou", (t) => { state.ou = t.value; });
  on("set", (t) => { state.set = t.value === "" ? -1 : Number(t.value); });
  on("type", (t) => { state.type = t.value; });
  on("admin", (t) => { state.admin = t.checked; });
  on("expiring", (t) => { state.expiring = t.checked; });
  on("diff", (t) => { state.diff = t.value; });
  on("rowsort", (t) => { state.rowSort = t.value; });
  on("colsort", (t) => { state.colSort = t.value; });
  recompute();
  document.body.dataset.ready = "true";
})();
`;
