import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkSeed, type Seed } from "../../src/emulator/index.ts";
import { loadConfigOrThrow } from "../../src/schema/load.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SEED_FILE = `${ROOT}examples/demo-org.json`;
const ACCOUNT_ID = /^\d{12}$/;

describe("examples/demo-org.json", () => {
  const seed = checkSeed(JSON.parse(readFileSync(SEED_FILE, "utf8")), {
    file: SEED_FILE,
    text: null,
  }) as Seed;

  it("is a valid emulator seed with about 40 accounts, a suspended one and nested OUs", () => {
    const accounts = seed.accounts ?? [];
    expect(accounts.length).toBeGreaterThanOrEqual(38);
    expect(accounts.some((a) => a.state === "SUSPENDED")).toBe(true);
    expect((seed.ous ?? []).some((o) => o.path.split("/").length >= 4)).toBe(true);
  });

  it("holds every account, OU, tag, group and permission set access/ refers to", async () => {
    const { config } = await loadConfigOrThrow(`${ROOT}access`, { now: new Date("2026-06-01T00:00:00Z") });
    const accounts = seed.accounts ?? [];
    const byRef = (ref: string) =>
      accounts.find((a) => (ACCOUNT_ID.test(ref) ? a.id === ref : a.name === ref));
    const refs = [
      ...config.settings.safety.protected.accounts,
      ...config.assignments.flatMap((r) => [...r.targets.accounts, ...r.exclude.accounts]),
    ];
    for (const ref of refs) expect(byRef(ref), `account ${ref}`).toBeDefined();
    const paths = new Set((seed.ous ?? []).map((o) => o.path));
    for (const path of config.assignments.flatMap((r) => [...r.targets.ous, ...r.exclude.ous])) {
      expect(paths.has(path), `OU ${path}`).toBe(true);
    }
    for (const tags of config.assignments.flatMap((r) => (r.targets.tags ? [r.targets.tags] : []))) {
      const matching = accounts.filter((a) => Object.entries(tags).every(([k, v]) => a.tags?.[k] === v));
      expect(matching.length, `accounts tagged ${JSON.stringify(tags)}`).toBeGreaterThan(0);
    }
    for (const g of config.groups.filter((g) => g.external)) {
      expect(
        seed.groups?.find((x) => x.name === g.name)?.externalIds?.length,
        `group ${g.name}`,
      ).toBeGreaterThan(0);
    }
    for (const p of config.permissionSets.filter((p) => p.external)) {
      const live = seed.permissionSets?.find((x) => x.name === p.name);
      expect(live, `permission set ${p.name}`).toBeDefined();
      expect(live?.tags ?? {}).toEqual({});
    }
  });
});

describe("accessops demo", () => {
  it("runs the whole loop against its own emulator, whatever AWS_* says", () => {
    const result = spawnSync(process.execPath, ["bin/accessops.js", "demo", "--time-scale", "100"], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        NO_COLOR: "1",
        // Settings that would send an SDK elsewhere: the demo must ignore every one.
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_PROFILE: "does-not-exist",
        AWS_REGION: "eu-west-3",
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "example",
      },
    });
    expect(result.stderr).not.toContain("error");
    expect(result.status).toBe(0);
    const out = result.stdout;
    const steps = [
      "1. accessops plan access/",
      "2. accessops apply access/ --auto-approve",
      "3. accessops plan access/ (again)",
    ];
    let at = 0;
    for (const step of steps) {
      const i = out.indexOf(step, at);
      expect(i, step).toBeGreaterThan(at - 1);
      at = i;
    }
    expect(out).toMatch(/Plan: \d+ to create, 1 to update, 1 to replace, 4 to delete, 1 re-provision\./);
    expect(out).toMatch(/Apply complete: \d+ changes made/);
    expect(out.slice(at)).toContain("No changes: the live state matches the access files.");
    expect(out).toContain("Try next");
  });
});
