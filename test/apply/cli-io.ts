import { PassThrough, Writable } from "node:stream";
import { DEFAULT_JOURNAL_PATH } from "../../src/apply/journal.ts";
import { systemClock } from "../../src/aws/clock.ts";
import { type ApplyCliIo, type ApplyCommandOptions, runApplyCommand } from "../../src/cli/apply.ts";
import { exitCodeFor } from "../../src/model/errors.ts";
import { TIME_SCALE } from "./scenario.ts";

/** A stream that keeps what is written to it. */
export class Capture extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  error: unknown;
}

/**
 * Runs `accessops apply` in-process as the CLI would (typed errors mapped to exit codes), without
 * a terminal, against `endpoint`, and returns what it printed.
 */
export async function applyCli(
  dir: string,
  endpoint: string,
  options: Partial<ApplyCommandOptions> & { journal: string },
): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const io: ApplyCliIo = { stdout, stderr, stdin, env: {}, now: () => new Date(), clock: systemClock };
  const flags: ApplyCommandOptions = {
    autoApprove: false,
    allowDeletes: false,
    format: "text",
    refresh: "full",
    timeScale: TIME_SCALE,
    endpoint,
    ...options,
    journal: options.journal ?? DEFAULT_JOURNAL_PATH,
  };
  try {
    const code = await runApplyCommand(dir, flags, io);
    return { code, stdout: stdout.text, stderr: stderr.text, error: null };
  } catch (error) {
    return { code: exitCodeFor(error), stdout: stdout.text, stderr: stderr.text, error };
  }
}
