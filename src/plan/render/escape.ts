/**
 * Escaping for text that comes from YAML or AWS (names, descriptions, tags, policies) before it
 * goes into GitHub-flavoured markdown: it must not break the layout, inject HTML, or notify
 * anyone. The GitHub Action reuses these helpers for its own comment parts.
 */

/** Zero-width joiner: after `@` it stops GitHub from turning `@team` into a mention. */
const ZERO_WIDTH_JOINER = "\u200d";

/** Characters that start or end inline markdown constructs (emphasis, links, code, tables, strikethrough). */
const INLINE_SPECIAL = /[\\`*_[\]|~#]/g;
const HTML_SPECIAL: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
/** Line breaks and other controls would end a table row or a list item. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/**
 * Untrusted text as inline markdown that renders as itself: markdown punctuation is
 * backslash-escaped, `&`, `<` and `>` become entities (so no HTML and no entity tricks), line
 * breaks become spaces, `@` cannot mention, and a leading `-`, `+`, `=` or `1.` cannot start a
 * block. Safe in paragraphs, list items and table cells.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, " ")
    .replace(/[&<>]/g, (c) => HTML_SPECIAL[c] ?? c)
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    .replace(/@/g, `@${ZERO_WIDTH_JOINER}`)
    .replace(
      /^(\s*)([-+=]|\d+[.)])/,
      (_m, space: string, lead: string) => `${space}${lead.replace(/([-+=.)])$/, "\\$1")}`,
    );
}

/**
 * Line breaks and other control characters as spaces: inside a code block a name with a line
 * break could otherwise forge a line of the diff.
 */
export function flattenControls(text: string): string {
  return text.replace(CONTROL, " ");
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * Untrusted text as an inline code span: delimited by more backticks than any run inside, with
 * line breaks flattened. Mentions and HTML are inert inside code. In a table cell (`inTable`) a
 * `|` is written `\|`, which GitHub reads as a literal pipe inside the cell.
 */
export function codeSpan(text: string, options: { inTable?: boolean } = {}): string {
  let flat = text.replace(CONTROL, " ");
  if (options.inTable) flat = flat.replace(/\|/g, "\\|");
  if (flat === "") return "` `";
  const fence = "`".repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Shortest fence GitHub accepts for a code block. */
const MIN_FENCE = 3;

/** A code fence longer than any backtick run in `text`, so the text cannot close it early. */
export function fenceFor(text: string): string {
  return "`".repeat(Math.max(MIN_FENCE, longestBacktickRun(text) + 1));
}

/** A fenced code block around untrusted text (see `fenceFor`). */
export function fencedBlock(text: string, info = ""): string {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text}\n${fence}`;
}

/** Control, format and line-separator characters: they can forge a line or drive a terminal. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const HEX = 16;
const CODE_UNIT_DIGITS = 4;

/**
 * Untrusted text for a terminal or a log: every control, format (bidirectional overrides, zero
 * widths) and line-separator character written as a visible escape (`\n`, `\u001b`, `\u202e`), so a
 * name from YAML or AWS can neither start a line of its own nor send escape sequences.
 */
export function escapeControls(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => NAMED_ESCAPES[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(HEX).padStart(CODE_UNIT_DIGITS, "0")}`,
  );
}

/**
 * A copy of plain data (a plan, a report) with `escapeControls` applied to every string in it, for
 * the text renderers: they add their own line breaks and colours after.
 */
export function withVisibleControls<T>(value: T): T {
  if (typeof value === "string") return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map((v) => withVisibleControls(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withVisibleControls(v);
    return out as T;
  }
  return value;
}
