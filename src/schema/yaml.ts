import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from "yaml";
import type { SourceLocation } from "../model/config.ts";
import type { Diagnostic } from "../model/errors.ts";

/** A step of a path into a document: a mapping key or a sequence index. */
export type Segment = string | number;

/**
 * At most this many alias expansions per file (the `yaml` package's `maxAliasCount`). Access
 * files need anchors rarely; a "billion laughs" file needs thousands.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * At most this many values (scalars, list items, mapping entries) once aliases are expanded:
 * about what a plain file of the maximum size can hold. Without it, a hundred aliases to a
 * long list would multiply the work of every later check by a hundred.
 */
export const MAX_EXPANDED_VALUES = 500_000;

/**
 * Longest string (value or key) accepted. The longest real one, a managed policy ARN, has at
 * most 2,048 characters; the bound keeps every later pattern match and comparison cheap
 * whatever the input.
 */
export const MAX_SCALAR_LENGTH = 4096;

/** Report at most this many syntax errors per file: after a few, the rest are usually echoes. */
export const MAX_SYNTAX_ERRORS_PER_FILE = 20;

/** One parsed YAML (or JSON) file: its plain data and a way back from paths to positions. */
export interface ParsedYaml {
  /** Path relative to the access directory. */
  file: string;
  /**
   * The plain data (objects, arrays, strings, numbers, booleans, null). `undefined` when the
   * file could not be parsed: `diagnostics` then holds at least one error.
   */
  value: unknown;
  diagnostics: Diagnostic[];
  /**
   * Where the node at `path` starts; with `part: "key"`, where the key of that mapping entry
   * starts. Falls back to the nearest ancestor that exists, so it always answers.
   */
  locate(path: readonly Segment[], part?: "key" | "value"): SourceLocation;
  /** The scalar at `path` exactly as written (for example `0123` before YAML read it as 123). */
  sourceText(path: readonly Segment[]): string | null;
}

export interface ParseOptions {
  /** `json` for policy files: only JSON scalars are accepted. */
  schema?: "core" | "json";
}

/**
 * Parses untrusted YAML into plain data. Only the core schema's tags resolve (no custom or
 * YAML 1.1 tags, so nothing but plain data is ever constructed), duplicate keys and
 * non-scalar keys are errors, merge keys are off, and aliases are bounded.
 */
export function parseYaml(file: string, text: string, options: ParseOptions = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: options.schema ?? "core",
    uniqueKeys: true,
    merge: false,
    resolveKnownTags: false,
    prettyErrors: false,
    keepSourceTokens: false,
  });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics = syntaxDiagnostics(doc, text, at);
  const nodeAt = (path: readonly Segment[], part: "key" | "value"): Node | null => walk(doc, path, part);
  const parsed: ParsedYaml = {
    file,
    value: undefined,
    diagnostics,
    locate(path, part = "value") {
      const node = nodeAt(path, part);
      return at(node?.range?.[0] ?? 0);
    },
    sourceText(path) {
      const node = nodeAt(path, "value");
      if (!node || !isScalar(node) || !node.range) return null;
      return text.slice(node.range[0], node.range[1]);
    },
  };
  if (diagnostics.length > 0) return parsed;

  const structural = structureDiagnostics(doc, text, at);
  if (structural.length === 0) structural.push(...expansionDiagnostics(doc, at));
  if (structural.length > 0) {
    diagnostics.push(...structural);
    return parsed;
  }
  try {
    parsed.value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    diagnostics.push({
      ...at(firstAliasOffset(doc)),
      severity: "error",
      code: "yaml-aliases",
      message: `too many YAML alias expansions (the limit is ${MAX_YAML_ALIASES}); write the values out instead of nesting anchors`,
    });
  }
  return parsed;
}

function syntaxDiagnostics(
  doc: Document,
  text: string,
  at: (offset: number) => SourceLocation,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  let exhausted = false;
  const all = [...doc.errors, ...doc.warnings];
  // Out of stack, the parser's other findings depend on where it ran out: report that alone.
  const exhaustion = all.find((e) => e.code === "RESOURCE_EXHAUSTION");
  for (const e of exhaustion ? [exhaustion] : all) {
    let offset = e.pos[0];
    if (e.code === "RESOURCE_EXHAUSTION") {
      // The parser reports running out of stack once per open level; one line says it all.
      if (exhausted) continue;
      exhausted = true;
      // Where the stack ran out depends on how deep the caller's stack already was: point at the
      // top-level entry holding it instead, the same whichever command reads the file.
      offset = topLevelLineStart(text, offset);
    }
    out.push({ ...at(offset), severity: "error", ...describeYamlError(e, text) });
    if (out.length >= MAX_SYNTAX_ERRORS_PER_FILE) break;
  }
  return out;
}

/** The start of the last line at or before `offset` that begins a top-level entry (no indentation). */
function topLevelLineStart(text: string, offset: number): number {
  for (let start = text.lastIndexOf("\n", offset - 1) + 1; ; ) {
    const first = text[start];
    if (start === 0 || (first !== undefined && !/[\s#-]/.test(first))) return start;
    // The line before starts after the newline before `start - 1`; on the second line that is 0
    // (lastIndexOf with a negative position would look at index 0 again, for ever).
    start = start < 2 ? 0 : text.lastIndexOf("\n", start - 2) + 1;
  }
}

function describeYamlError(e: YAMLError, text: string): { code: string; message: string } {
  const source = text.slice(e.pos[0], e.pos[1]);
  switch (e.code) {
    case "DUPLICATE_KEY":
      return {
        code: "duplicate-key",
        message: `key ${JSON.stringify(keyTextAt(text, e.pos[0]))} appears twice in the same mapping; keep one`,
      };
    case "MULTIPLE_DOCS":
      return {
        code: "yaml-multiple-documents",
        message: "a file holds one YAML document; remove the --- line or move the rest to its own file",
      };
    case "TAG_RESOLVE_FAILED":
      if (e.message.startsWith("Unresolved plain scalar")) {
        return { code: "json-syntax", message: `${source} is not a JSON value; quote strings` };
      }
      return {
        code: "yaml-tag",
        message: `${source ? `tag ${source.split(/\s/)[0]}` : "this value"} is not allowed: access files hold plain data (strings, numbers, true/false, lists, mappings); remove the tag`,
      };
    case "TAB_AS_INDENT":
      return { code: "yaml-syntax", message: "indent with spaces, not tabs" };
    case "RESOURCE_EXHAUSTION":
      return {
        code: "yaml-too-deep",
        message: "the YAML nests too deeply to read; access files need only a few levels",
      };
    default:
      return { code: "yaml-syntax", message: `invalid YAML: ${lowerFirst(firstLine(e.message))}` };
  }
}

/** Every value node of the document (not following aliases), without recursion. */
function* valueNodes(doc: Document): Generator<unknown> {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    yield node;
    if (isMap(node)) for (const pair of node.items) stack.push(pair.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
}

/**
 * Non-scalar keys, undefined aliases, overlong strings: YAML the `yaml` package accepts but
 * access files cannot hold.
 */
function structureDiagnostics(
  doc: Document,
  text: string,
  at: (offset: number) => SourceLocation,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tooLong = (node: unknown) => {
    if (!isScalar(node) || typeof node.value !== "string" || node.value.length <= MAX_SCALAR_LENGTH) return;
    out.push({
      ...at(node.range?.[0] ?? 0),
      severity: "error",
      code: "too-long",
      message: `this string is ${node.value.length} characters long; no value in an access file needs more than ${MAX_SCALAR_LENGTH}`,
    });
  };
  for (const node of valueNodes(doc)) {
    tooLong(node);
    if (isAlias(node) && !node.resolve(doc)) {
      out.push({
        ...at(node.range?.[0] ?? 0),
        severity: "error",
        code: "yaml-alias",
        message: `alias *${node.source} has no anchor &${node.source} before it; define the anchor first`,
      });
    }
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      tooLong(pair.key);
      if (pair.key === null || isScalar(pair.key)) continue;
      const range = (pair.key as Node).range;
      const start = range?.[0] ?? 0;
      out.push({
        ...at(start),
        severity: "error",
        code: "yaml-complex-key",
        message: `a key must be a plain word, not a ${isSeq(pair.key) ? "list" : "mapping"} (${firstLine(text.slice(start, range?.[1] ?? start)).slice(0, MAX_KEY_SHOWN)})`,
      });
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * An alias inside the node it refers to (a cycle plain data cannot hold), or aliases that
 * expand the document beyond `MAX_EXPANDED_VALUES`.
 */
function expansionDiagnostics(doc: Document, at: (offset: number) => SourceLocation): Diagnostic[] {
  const sizes = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  let cycle: Alias | null = null;
  const size = (node: unknown, via: Alias | null): number => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    const alias = isAlias(node) ? node : via;
    if (inProgress.has(target)) {
      cycle ??= alias;
      return MAX_EXPANDED_VALUES + 1;
    }
    const known = sizes.get(target);
    if (known !== undefined) return known;
    inProgress.add(target);
    let total = 1;
    const children = isMap(target)
      ? target.items.map((pair) => pair.value)
      : isSeq(target)
        ? target.items
        : [];
    for (const child of children) {
      total += size(child, null);
      if (total > MAX_EXPANDED_VALUES) break;
    }
    inProgress.delete(target);
    sizes.set(target, total);
    return total;
  };
  const total = size(doc.contents, null);
  const found = cycle as Alias | null;
  if (found) {
    return [
      {
        ...at(found.range?.[0] ?? 0),
        severity: "error",
        code: "yaml-alias",
        message: `alias *${found.source} is inside the value it refers to; plain data cannot hold a cycle`,
      },
    ];
  }
  if (total <= MAX_EXPANDED_VALUES) return [];
  return [
    {
      ...at(firstAliasOffset(doc)),
      severity: "error",
      code: "yaml-aliases",
      message: `the aliases expand this file to more than ${MAX_EXPANDED_VALUES} values; write the values out, or use fewer aliases`,
    },
  ];
}

function firstAliasOffset(doc: Document): number {
  let first = Number.POSITIVE_INFINITY;
  for (const node of valueNodes(doc)) if (isAlias(node)) first = Math.min(first, node.range?.[0] ?? first);
  return Number.isFinite(first) ? first : 0;
}

/** The node at `path` (or the deepest existing ancestor), following aliases. */
function walk(doc: Document, path: readonly Segment[], part: "key" | "value"): Node | null {
  let node: unknown = doc.contents;
  let last: Node | null = isNode(node) ? node : null;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return last;
      const key = isNode(pair.key) ? pair.key : null;
      if (isLast && part === "key") return key ?? last;
      const value = pair.value;
      // `key:` with nothing after it: point at the key, where the user will look.
      node = isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1] ? key : value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
    } else {
      return last;
    }
    if (isNode(node)) last = node;
    else return last;
  }
  return last;
}

const isNode = (value: unknown): value is Node => isScalar(value) || isCollection(value) || isAlias(value);

/** Keys longer than this are cut in messages. */
const MAX_KEY_SHOWN = 200;

/** A double-quoted string `JSON.parse` accepts (YAML allows more escapes than JSON). */
const JSON_STRING = /^"(?:[^"\\\p{Cc}]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/u;

/** The key written at `offset` (the parser marks only its first character), unquoted when it can be. */
function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + MAX_KEY_SHOWN);
  const quoted = /^"(?:[^"\\\n]|\\.)*"|^'(?:[^'\n]|'')*'/.exec(rest)?.[0];
  if (quoted?.startsWith("'")) return quoted.slice(1, -1).replaceAll("''", "'");
  if (quoted) return JSON_STRING.test(quoted) ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
  return /^[^\n]*?(?=\s*:(?:\s|$))/.exec(rest)?.[0] ?? rest.charAt(0);
}

const firstLine = (s: string): string => s.split("\n")[0] ?? s;
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
