import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.ts";
import type { FaultRule, FaultSpec, RunningEmulator } from "../../src/emulator/index.ts";
import { applyCli } from "../apply/cli-io.ts";
import { duplicateWrites, emulator, planNow, tempDir } from "../apply/scenario.ts";
import {
  bootstrap,
  failedRequests,
  forbiddenWrites,
  type Scenario,
  typical,
  untouchableIds,
} from "./scenarios.ts";

/**
 * The fault matrix: apply of a typical pull request and of a bootstrap against the emulator with
 * each of AWS's misbehaviours alone, then all together — 20 % throttling, 5 % server errors, 2 %
 * asynchronous requests ending FAILED, short and empty pages, latency spikes, and List calls that
 * lag behind writes. After the run, and after one re-run when it reported failures, the emulator
 * holds the desired state; no write touched a protected or unmanaged object; every request that
 * ended FAILED is in the report with its address and AWS's reason; the exit codes say so (1 with
 * failures, 0 after the converging re-run).
 *
 * The re-run keeps every fault but `failed`: a request AWS fails (an IAM quota, a missing policy)
 * fails again until someone fixes its cause, which is what the re-run stands for. The FAILED cases
 * also fail one assignment creation on purpose, so the failure path runs whatever the random draws.
 *
 * `ACCESSOPS_LONG=1` runs the long matrix: three random seeds per cell and larger scenarios.
 */

const LONG = process.env.ACCESSOPS_LONG === "1";
const SEEDS = LONG ? [11, 23, 37] : [11];
const EXTRA_GROUPS = LONG ? 8 : 2;

/** Reads after writes trail them by two seconds of emulated time. */
const LAG_MS = 2_000;
const FAULTS: Record<string, FaultSpec> = {
  throttling: { throttle: 0.2 },
  "server errors": { server: 0.05 },
  "FAILED requests": { failed: 0.02 },
  "short pages": { shortpage: 0.3 },
  "latency spikes": { spike: 0.05, spikeFactor: 10 },
  "read-after-write lag": { lag: LAG_MS },
  "all together": {
    throttle: 0.2,
    server: 0.05,
    failed: 0.02,
    shortpage: 0.3,
    spike: 0.05,
    spikeFactor: 10,
    lag: LAG_MS,
  },
};
const SURE_FAILURE: FaultRule = {
  operation: "CreateAccountAssignment",
  error: "FAILED",
  afterCalls: 2,
  failureReason:
    "Received a 404 status error: Policy arn:aws:iam::aws:policy/Missing does not exist or is not attachable.",
};

const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((e) => e.stop()));
});

const cells = Object.entries(FAULTS).flatMap(([fault, spec]) =>
  [typical(EXTRA_GROUPS), bootstrap(EXTRA_GROUPS + 1)].flatMap((scenario) =>
    SEEDS.map((randomSeed) => ({ fault, spec, scenario, randomSeed })),
  ),
);

async function applyJson(dir: string, emu: RunningEmulator, journal: string) {
  const run = await applyCli(dir, emu.endpoint, { journal, autoApprove: true, format: "json" });
  expect(run.error, String(run.error)).toBeNull();
  return { ...run, report: JSON.parse(run.stdout) as ApplyReport };
}

describe.concurrent("apply under AWS's faults", () => {
  it.each(cells)(
    "$scenario.name with $fault (random seed $randomSeed) converges, touches nothing it must not, and reports every failure",
    async ({
      spec,
      scenario,
      randomSeed,
    }: {
      fault: string;
      spec: FaultSpec;
      scenario: Scenario;
      randomSeed: number;
    }) => {
      const failing = spec.failed !== undefined;
      const emu = await emulator({
        seed: scenario.seed,
        faults: spec,
        faultRules: failing ? [SURE_FAILURE] : [],
        randomSeed,
      });
      running.push(emu);
      const forbidden = untouchableIds(emu.state());
      expect(forbidden.size).toBe(6);
      const dir = await tempDir(scenario.files);
      const journal = join(await tempDir(), "journal.jsonl");

      const first = await applyJson(dir, emu, journal);
      // The test's own look at the request history goes without faults.
      emu.clearFaults();
      const failed = await failedRequests(emu);
      const { report } = first;
      // Work of every kind: identity-store and permission-set writes, assignments, re-provisioning, deletions.
      expect(report.totals.total).toBeGreaterThan(20);
      if (scenario.name === "typical")
        expect(report.entries.map((x) => x.action)).toEqual(
          expect.arrayContaining(["create", "update", "provision", "delete"]),
        );
      const unsuccessful = report.totals.failed + report.totals.skipped + report.residual.length;
      expect(first.code).toBe(unsuccessful > 0 ? 1 : 0);
      // Alone, the sure failure always lands; with throttling or server errors the call it picks may
      // be refused before it starts, so there the random draws decide.
      if (failing && spec.throttle === undefined && spec.server === undefined)
        expect(failed.length).toBeGreaterThan(0);
      // Every request AWS ended FAILED is a failed entry: its address, its request id, AWS's reason.
      for (const f of failed) {
        const entry = report.entries.find((x) => x.requestId === f.requestId);
        expect(entry, `${f.address} (${f.requestId}) is not in the report`).toBeDefined();
        expect(entry).toMatchObject({ address: f.address, outcome: "failed" });
        expect(entry?.error?.failureReason).toBe(f.failureReason);
      }
      // And every failed entry says what failed and why.
      for (const x of report.entries.filter((e) => e.outcome === "failed")) {
        expect(x.error?.operation).toBeTruthy();
        expect(x.error?.failureReason ?? x.error?.message).toBeTruthy();
      }

      if (unsuccessful > 0) {
        emu.setFaults({ ...spec, failed: 0 });
        const again = await applyJson(dir, emu, journal);
        expect(again.report.totals.failed + again.report.totals.skipped).toBe(0);
        expect(again.code).toBe(0);
      }
      emu.clearFaults();
      expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
      expect(forbiddenWrites(emu, forbidden)).toEqual([]);
      expect(duplicateWrites(emu, new Set(failed.map((f) => f.requestId)))).toEqual([]);
      const names = new Set((emu.state().groups ?? []).map((g) => g.name));
      for (const kept of ["BreakGlass", "Contractors", "CT-Admins"]) expect(names.has(kept)).toBe(true);
    },
  );
});
