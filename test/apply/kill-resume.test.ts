import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { applyCli } from "./cli-io.ts";
import { drawPoints, journalLines, KILL_SEED, killAndResume, killPoints } from "./kill.ts";
import { accessFiles, duplicateWrites, emulator, planNow, tempDir } from "./scenario.ts";

/**
 * Kill and resume: the installed CLI (`node bin/accessops.js`, the compiled build/, which
 * `npm test` builds first) applies a reviewed plan and is killed with SIGKILL at random points —
 * while it reads, while its writes and operations are in flight — then run again with the same
 * plan. The second run must finish the reviewed plan, the emulator must end in the desired state,
 * and its write log must show no write issued twice for the same change.
 *
 * ACCESSOPS_KILL_POINTS sets how many kill points (3 by default); ACCESSOPS_KILL_SEED replays a
 * failing sequence (the seed is printed in the test name). The machinery is in kill.ts.
 */

const DEFAULT_KILL_POINTS = 3;

describe("killing apply at any instant and running it again", () => {
  let emu: RunningEmulator;
  let dir: string;
  /** Journal lines a whole uninterrupted run writes: the range the kill points are drawn from. */
  let fullRunLines: number;

  beforeAll(async () => {
    emu = await emulator();
    dir = await tempDir(accessFiles({ editOps: true, extraGroups: 2 }));
    const work = await tempDir();
    const reference = await applyCli(dir, emu.endpoint, {
      journal: join(work, "journal.jsonl"),
      autoApprove: true,
    });
    expect(reference.code).toBe(0);
    fullRunLines = await journalLines(join(work, "journal.jsonl"));
    expect(fullRunLines).toBeGreaterThan(40);
  });

  afterAll(async () => {
    await emu?.stop();
  });

  it.each(drawPoints(killPoints(DEFAULT_KILL_POINTS)))(
    `converges with no duplicate write (seed ${KILL_SEED}, point $i)`,
    async ({ i, draw }) => {
      // Point 0 is killed while it reads and plans (no journal line yet); the others after a random
      // number of journal lines, that is somewhere among the writes.
      const killAfterLines = i === 0 ? 0 : 1 + Math.floor(draw * (fullRunLines - 2));
      const { killed, writesBeforeKill, second, report } = await killAndResume(
        emu,
        dir,
        killAfterLines,
        draw,
      );
      expect(killed.signal).toBe("SIGKILL");
      expect(second.stderr).not.toContain("error:");
      expect(second.code).toBe(0);
      // A run killed after some writes leaves part of the reviewed plan, which the second run
      // accepts as such; killed before any, the plan is the reviewed one unchanged.
      if (writesBeforeKill > 0 && report.totals.total > 0) expect(second.stderr).toContain("resuming:");
      if (writesBeforeKill === 0) expect(report.resumed).toBeNull();
      expect((await planNow(dir, emu.endpoint)).changes).toEqual([]);
      expect(duplicateWrites(emu)).toEqual([]);
    },
  );
});
