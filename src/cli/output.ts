import type { Writable } from "node:stream";

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
