/**
 * A strict JSON (RFC 8259) syntax check that says where the first error is. `JSON.parse`
 * rejects the same texts, but its messages often carry no position; the YAML parser gives
 * positions but accepts more than JSON (comments, trailing commas, single quotes).
 */

/** Deeper nesting is refused: IAM policies nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/** How far ahead a literal (number, true, false, null) is looked for; no real one is longer. */
const MAX_LITERAL_LENGTH = 400;

export interface JsonSyntaxError {
  /** Offset in code units where the problem is. */
  offset: number;
  message: string;
}

/** Thrown inside the parser to stop at the first error; never escapes `jsonSyntaxError`. */
class Stop extends Error {
  readonly offset: number;

  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

/** The first syntax error in `text`, or null when it is one well-formed JSON value. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  return scanJson(text, Number.POSITIVE_INFINITY).error;
}

/** What one pass over a JSON text found. */
export interface JsonScan {
  /** The first syntax error, or null when the text is one well-formed JSON value. */
  error: JsonSyntaxError | null;
  /**
   * True when `JSON.parse` reads the text exactly as a careful parser would: no mapping repeats a
   * key (`JSON.parse` would keep the last one silently), no key holds an escape (which could
   * make two different spellings the same key), and no string is longer than `maxString`
   * code units as written. False says nothing is wrong, only that the text needs the careful parser.
   */
  simple: boolean;
}

/** Checks the syntax of `text` (as `jsonSyntaxError`) and whether `JSON.parse` alone reads it exactly. */
export function scanJson(text: string, maxString: number): JsonScan {
  let simple = true;
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const describe = (at: number) => (at >= text.length ? "the end of the file" : JSON.stringify(text[at]));

  const readString = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text[i] as string;
      if (c < " ")
        fail("strings cannot hold control characters or line breaks; write them as \\n or \\uXXXX");
      if (c === "\\") {
        const escaped = text[i + 1] ?? "";
        if ('"\\/bfnrt'.includes(escaped) && escaped !== "") i += 2;
        else if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail(`invalid escape \\${escaped} in a string`);
      } else {
        i++;
      }
    }
    if (i >= text.length) fail("this string has no closing quote", start);
    i++;
    if (i - start - 2 > maxString) simple = false;
  };

  const value = (depth: number): void => {
    if (depth > MAX_JSON_DEPTH) fail(`the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    skipSpace();
    const c = text[i];
    const literal = LITERAL.exec(text.slice(i, i + MAX_LITERAL_LENGTH));
    if (c === "{") container(depth, "}", true);
    else if (c === "[") container(depth, "]", false);
    else if (c === '"') readString();
    else if (literal) i += literal[0].length;
    else if (c === "'") fail("strings take double quotes in JSON");
    else fail(`expected a value, found ${describe(i)}`);
  };

  const container = (depth: number, close: "}" | "]", isObject: boolean): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    const keys = isObject ? new Set<string>() : null;
    for (;;) {
      skipSpace();
      if (keys) {
        if (text[i] !== '"') fail(`expected a key in double quotes, found ${describe(i)}`);
        const keyStart = i;
        readString();
        const key = text.slice(keyStart + 1, i - 1);
        if (key.includes("\\") || keys.has(key)) simple = false;
        keys.add(key);
        skipSpace();
        if (text[i] !== ":") fail(`expected : after the key, found ${describe(i)}`);
        i++;
      }
      value(depth + 1);
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ",") fail(`expected , or ${close}, found ${describe(i)}`);
      const comma = i;
      i++;
      skipSpace();
      if (text[i] === close) fail("remove this trailing comma: JSON allows none", comma);
    }
  };

  try {
    value(0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return { error: null, simple };
  } catch (error) {
    if (error instanceof Stop)
      return { error: { offset: error.offset, message: error.message }, simple: false };
    throw error;
  }
}
