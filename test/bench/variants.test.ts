import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateOrganisation, SHAPES } from "../../bench/generate.ts";
import { tfDiff, tfResources } from "../../bench/terraform-model.ts";
import { buildVariants, DRIFT_SHARE, TYPICAL_PR, VARIANTS } from "../../bench/variants.ts";
import { connect } from "../../src/aws/clients.ts";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { buildPlan } from "../../src/plan/index.ts";
import { loadFiles, NOW } from "./helpers.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Fast enough that quotas never slow the test; the reader paces itself under the same numbers. */
const FAST = 1000;
const QUOTA = 20;

const gen = generateOrganisation(SHAPES.small, undefined, "small");
const variants = buildVariants(gen);

describe("each variant, read by accessops from the emulator, plans exactly the changes it was built with", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 0, timeScale: FAST });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  test.each(VARIANTS)("%s", async (name) => {
    const variant = variants[name];
    await emulator.stop();
    emulator = await startEmulator({ seed: variant.seed, latencyMs: 0, timeScale: FAST });
    const loaded = await loadFiles(variant.files);
    if (!loaded.ok) throw new Error("the variant's files do not load");
    const ctx = connect({
      endpoint: emulator.endpoint,
      limits: {
        ssoAdminRate: QUOTA * FAST,
        identityStoreRate: QUOTA * FAST,
        organizationsRate: QUOTA * FAST,
      },
    });
    try {
      const { live, stats } = await readLive(ctx, readRequestFor(loaded.config, { refresh: "full" }));
      const plan = buildPlan({ config: loaded.config, live, now: NOW, allowDeletes: false });
      const { create, update, delete: deletes, provision } = plan.summary;
      expect({ create, update, delete: deletes, provision }).toEqual(variant.expected);
      expect(plan.safety.ok).toBe(true);
      expect(stats.totalThrottled).toBe(0);
    } finally {
      ctx.close();
    }
  });
});

describe("the variants' sizes", () => {
  test("drift changes 1 % of the assignments, half removed and half added", () => {
    const changed = variants.drift.expected.create + variants.drift.expected.delete;
    expect(changed).toBe(Math.round(gen.desired.size * DRIFT_SHARE));
  });

  test("the typical pull request adds and removes what it says", () => {
    expect(variants["typical-pr"].declared.assignments.length).toBe(
      gen.desired.size + TYPICAL_PR.adds - TYPICAL_PR.removes,
    );
  });
});

describe("the Terraform-like baseline's view", () => {
  const state = tfResources(gen, { assignments: gen.desired.values() });

  test("of the typical pull request: its assignments and the edited inline policies", () => {
    const pr = variants["typical-pr"];
    const diff = tfDiff(tfResources(gen, pr.declared), state);
    expect(diff.create.map((r) => r.type)).toEqual(Array(TYPICAL_PR.adds).fill("account_assignment"));
    expect(diff.delete.map((r) => r.type)).toEqual(Array(TYPICAL_PR.removes).fill("account_assignment"));
    expect(diff.update.map((r) => r.type)).toEqual(Array(TYPICAL_PR.policyEdits).fill("inline_policy"));
  });

  test("of drift: only what went missing from its state; out-of-band grants and the stale copy are invisible", () => {
    const live = new Set(
      (variants.drift.seed.assignments ?? []).map(
        (a) => `${a.account}/${a.permissionSet}/${a.group ?? a.user}`,
      ),
    );
    const refreshed = state.filter(
      (r) =>
        r.type !== "account_assignment" || live.has(`${r.accountId}/${r.permissionSet}/${r.principalName}`),
    );
    const diff = tfDiff(tfResources(gen, variants.drift.declared), refreshed);
    expect([diff.create.length, diff.update.length, diff.delete.length]).toEqual([
      variants.drift.expected.create,
      0,
      0,
    ]);
  });

  test("of an empty instance: everything is created", () => {
    const diff = tfDiff(tfResources(gen, variants.bootstrap.declared), []);
    expect(diff.create.length).toBe(state.length);
  });
});
