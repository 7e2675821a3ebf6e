import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { applyCli } from "../apply/cli-io.ts";
import { drawPoints, journalLines, KILL_SEED, killAndResume, killPoints } from "../apply/kill.ts";
import { duplicateWrites, emulator, planNow, tempDir } from "../apply/scenario.ts";
import { bootstrap, forbiddenWrites, untouchableIds } from "./scenarios.ts";

/**
 * Kill anywhere: a bootstrap apply (users, groups, memberships, permission sets, assignments, and
 * the deletion of an owned permission set no file declares) by the installed CLI is killed with
 * SIGKILL at random points — while it reads, between its writes, with asynchronous requests in
 * flight — and run again with the same reviewed plan. Each time the second run finishes: the
 * emulator holds the desired state (no change lost), no write was issued twice, and nothing
 * protected or unmanaged was written.
 *
 * A few points by default; 20 with ACCESSOPS_LONG=1 (or any number with ACCESSOPS_KILL_POINTS).
 * ACCESSOPS_KILL_SEED replays a sequence: the seed is in the test names.
 */

const LONG_KILL_POINTS = 20;
const DEFAULT_KILL_POINTS = 3;
const scenario = bootstrap();

describe("killing a bootstrap apply anywhere and running it again", () => {
  let emu: RunningEmulator;
  let dir: string;
  let forbidden: Set<string>;
  /** Journal lines a whole uninterrupted run writes: the range the kill points are drawn from. */
  let fullRunLines: number;

  beforeAll(async () => {
    emu = await emulator({ seed: scenario.seed });
    forbidden = untouchableIds(emu.state());
    dir = await tempDir(scenario.files);
    const journal = join(await tempDir(), "journal.jsonl");
    const reference = await applyCli(dir, emu.endpoint, { journal, autoApprove: true });
    expect(reference.code).toBe(0);
    fullRunLines = await journalLines(journal);
    expect(fullRunLines).toBeGreaterThan(60);
  });

  afterAll(async () => {
    await emu?.stop();
  });

  const count = killPoints(process.env.ACCESSOPS_LONG === "1" ? LONG_KILL_POINTS : DEFAULT_KILL_POINTS);
  it.each(drawPoints(count))(
    `converges, nothing lost or repeated (seed ${KILL_SEED}, point $i)`,
    async ({ i, draw }) => {
      // Point 0 dies while reading; the others after a random number of journal lines.
      const killAfterLines = i === 0 ? 0 : 1 + Math.floor(draw * (fullRunLines - 2));
      const { killed, second, report } = await killAndResume(emu, dir, killAfterLines, draw);
      expect(killed.signal).toBe("SIGKILL");
      expect(second.stderr).not.toContain("error:");
      expect(second.code).toBe(0);
      expect(report.totals.failed + report.totals.skipped).toBe(0);
      expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
      expect(duplicateWrites(emu)).toEqual([]);
      expect(forbiddenWrites(emu, forbidden)).toEqual([]);
    },
  );
});
