/** How values appear inside messages. */

/** `U+20AC "€"`: a character by its code point, and itself when it is printable. */
export function codePoint(ch: string): string {
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return /\p{C}/u.test(ch) ? code : `${code} ${JSON.stringify(ch)}`;
}

/** Longest quoted value in a message; longer ones are cut with an ellipsis. */
const MAX_SHOWN_VALUE = 80;

/** A value as a message shows it: JSON-quoted (so control characters are visible), cut short. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 1)}…` : text;
}
