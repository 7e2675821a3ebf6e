import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/model/config.ts";
import type { OrgAccount, OrgSnapshot } from "../../src/model/live.ts";
import { buildPlan } from "../../src/plan/build.ts";
import { renderMarkdown } from "../../src/plan/render/markdown.ts";
import { loadConfigOrThrow } from "../../src/schema/load.ts";
import { applyPlan } from "./apply-memory.ts";
import { e, live, NOW } from "./builders.ts";

const ACCOUNT_ID = /^\d{12}$/;
const EXAMPLE_DIR = fileURLToPath(new URL("../../access", import.meta.url));

/**
 * An organisation holding exactly what a configuration names: every account (by id or name),
 * one account under every OU path, and one account per tag selector. The first named account id
 * is the management account.
 */
function orgFor(config: Config): OrgSnapshot {
  const refs = new Set<string>(config.settings.safety.protected.accounts);
  const ous = new Set<string>();
  const tags: Record<string, string>[] = [];
  for (const r of config.assignments) {
    for (const ref of [...r.targets.accounts, ...r.exclude.accounts]) refs.add(ref);
    for (const path of [...r.targets.ous, ...r.exclude.ous]) ous.add(path);
    if (r.targets.tags) tags.push(r.targets.tags);
  }
  let next = 900000000000;
  const accounts: OrgAccount[] = [];
  const add = (id: string, name: string, ouPath: string, t: Record<string, string> = {}) =>
    accounts.push({ id, name, email: `${name}@example.com`, state: "ACTIVE", tags: t, ouPath });
  for (const ref of refs)
    add(ACCOUNT_ID.test(ref) ? ref : String(next++), ACCOUNT_ID.test(ref) ? `acct-${ref}` : ref, "Root");
  const paths = new Set<string>();
  for (const path of ous) {
    const parts = path.split("/");
    for (let i = 2; i <= parts.length; i++) paths.add(parts.slice(0, i).join("/"));
    add(String(next++), `in-${path}`, path);
  }
  for (const t of tags) add(String(next++), `tagged-${Object.keys(t).join("-")}`, "Root", t);
  const management = [...refs].find((r) => ACCOUNT_ID.test(r)) ?? accounts[0]?.id ?? "000000000000";
  return {
    rootId: "r-root",
    managementAccountId: management,
    accounts: accounts.sort((a, b) => (a.id < b.id ? -1 : 1)),
    ous: [...paths].sort().map((path, i) => ({
      id: `ou-${i}`,
      name: path.split("/").at(-1) ?? path,
      path,
      parentId: "r-root",
    })),
  };
}

describe("the example access directory, loaded by the real loader", () => {
  it("plans a bootstrap, and nothing once that plan is applied", async () => {
    const { config } = await loadConfigOrThrow(EXAMPLE_DIR, { now: NOW });
    const org = orgFor(config);
    const externals = [
      ...config.groups.filter((g) => g.external).map((g) => e.group(g.name)),
      ...config.permissionSets.filter((p) => p.external).map((p) => e.permissionSet(p.name, { tags: {} })),
    ];
    const empty = live(externals, { org });
    const first = buildPlan({ config, live: empty, now: NOW, allowDeletes: false });
    expect(first.summary.create).toBeGreaterThan(config.permissionSets.length);
    expect(first.summary.delete).toBe(0);
    expect(first.safety.violations).toEqual([]);
    expect(renderMarkdown(first)).toContain("### IAM Identity Center plan");

    const second = buildPlan({ config, live: applyPlan(empty, first), now: NOW, allowDeletes: false });
    expect(second.changes).toEqual([]);
  });
});
