import { rename, unlink, writeFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import { ConfigError } from "../model/errors.ts";

/**
 * Colour only on a terminal, never when NO_COLOR is set (no-color.org), never for TERM=dumb.
 * FORCE_COLOR (non-empty, not "0") turns it on, as in the Action whose logs render ANSI.
 */
export function colourEnabled(stream: Writable & { isTTY?: boolean }, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export type Paint = (style: Style, text: string) => string;

/** A painter that applies ANSI styles when `enabled`, and is the identity otherwise. */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m`;
}

/**
 * Writes `text` to `file` (given by `flag`) through a temporary file in the same directory and a
 * rename, so a reader never sees half a file and a failed write leaves no stray file.
 */
export async function writeFileAtomic(file: string, text: string, flag: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, file);
  } catch (error) {
    // The temporary file may never have been created; the write error is the one to report.
    await unlink(temporary).catch(() => undefined);
    throw new ConfigError(
      `cannot write ${file}: ${(error as Error).message}`,
      [],
      `Pass a ${flag} path in a writable directory that exists.`,
      { cause: error },
    );
  }
}
