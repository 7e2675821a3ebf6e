import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { Diagnostic } from "../model/errors.ts";
import { ACCESS_FILE_SCHEMA } from "./access-schema.ts";
import { LIMITS, PATTERNS } from "./constraints.ts";
import { didYouMean, nearest } from "./suggest.ts";
import { codePoint, show } from "./text.ts";
import type { ParsedYaml, Segment } from "./yaml.ts";

let compiled: ValidateFunction | undefined;

/**
 * The schema validator, compiled on first use (compiling takes a noticeable fraction of a
 * second, which commands that never load access files should not pay) and kept for the process.
 */
function validator(): ValidateFunction {
  compiled ??= new Ajv2020({
    allErrors: true,
    // `verbose` puts the failing value and its schema on each error: messages quote both.
    verbose: true,
    strict: true,
    // `inlinePolicy` is a path or a mapping.
    allowUnionTypes: true,
  }).compile(ACCESS_FILE_SCHEMA);
  return compiled;
}

/** What schema validation of one file found. */
export interface ShapeResult {
  diagnostics: Diagnostic[];
  /** Paths (as segments) of every value that failed; entries containing one are not used further. */
  invalid: Segment[][];
}

/**
 * Validates one parsed file against the access file schema and turns each ajv error into a
 * sentence at the line and column of the offending key or value.
 */
export function checkShape(parsed: ParsedYaml): ShapeResult {
  const validateFile = validator();
  if (validateFile(parsed.value)) return { diagnostics: [], invalid: [] };
  const errors = validateFile.errors ?? [];
  const suggested = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const invalid: Segment[][] = [];
  for (const error of errors) {
    if (error.keyword === "additionalProperties") {
      const suggestion = unknownKeySuggestion(error);
      if (suggestion) suggested.add(`${error.instancePath}/${suggestion}`);
    }
  }
  for (const error of errors) {
    const path = segmentsOf(error.instancePath);
    // A misspelt required key is reported once, as the unknown key with its suggestion.
    if (error.keyword === "required" && suggested.has(`${error.instancePath}/${requiredKey(error)}`))
      continue;
    const described = describe(error, path, parsed);
    // An unknown key spoils only itself, not the mapping that holds it.
    invalid.push(described?.at ?? path);
    if (!described) continue;
    diagnostics.push({
      ...parsed.locate(described.at ?? path, described.part ?? "value"),
      severity: "error",
      code: described.code,
      message: described.message,
    });
  }
  return { diagnostics, invalid };
}

interface Described {
  code: string;
  message: string;
  /** Where to point, when not at the failing value itself. */
  at?: Segment[];
  part?: "key" | "value";
}

function describe(error: ErrorObject, path: Segment[], parsed: ParsedYaml): Described | null {
  const label = labelOf(path);
  const title = schemaTitle(error.parentSchema);
  const params = error.params as Record<string, unknown>;
  // A key failing `propertyNames` is reported once, by the `propertyNames` error itself.
  if (error.propertyName !== undefined && error.keyword !== "propertyNames") return null;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(error);
      const at = [...path, key];
      if (key === "<<") {
        return {
          code: "unknown-key",
          at,
          part: "key",
          message: "merge keys (<<) are not supported; write the keys out",
        };
      }
      return {
        code: "unknown-key",
        at,
        part: "key",
        message: `unknown key "${key}" in ${title}${didYouMean(key, allowed)}; allowed keys: ${allowed.join(", ")}`,
      };
    }
    case "required":
      return {
        code: "missing-key",
        message: `${title} is missing the required key "${requiredKey(error)}"`,
      };
    case "type":
      return {
        code: "wrong-type",
        message: typeMessage(label, String(params.type), error.data, path, parsed),
      };
    case "pattern":
      // An empty value is reported once, by minLength.
      if (error.data === "") return null;
      return {
        code: "invalid-value",
        message: `${label} ${show(error.data)} must ${hintFor(String(params.pattern), error.parentSchema)}${unusualCharacter(String(error.data))}`,
      };
    case "propertyNames": {
      const key = String(params.propertyName);
      return {
        code: "invalid-key",
        at: [...path, key],
        part: "key",
        message: `tag key ${show(key)} must ${key === "" ? "not be empty" : PATTERNS.tagKey.hint}`,
      };
    }
    case "minLength":
      return { code: "empty-value", message: `${label} must not be empty` };
    case "maxLength":
      return {
        code: "too-long",
        message: `${label} is ${String(error.data).length} characters long; the limit is ${String(params.limit)}`,
      };
    case "maxItems":
      return {
        code: "too-many",
        message:
          path.at(-1) === "emails"
            ? "emails lists more than one address; Identity Center keeps one e-mail address per user"
            : `${label} lists ${(error.data as unknown[]).length} entries; at most ${String(params.limit)} are allowed`,
      };
    case "uniqueItems": {
      const index = Math.max(Number(params.i), Number(params.j));
      return {
        code: "duplicate-item",
        at: [...path, index],
        message: `${label} lists ${show((error.data as unknown[])[index])} twice; remove one`,
      };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const value = String(error.data);
      return {
        code: "invalid-value",
        message: `${label} must be one of ${allowed.join(", ")}, not ${show(error.data)}${didYouMean(value, allowed)}`,
      };
    }
    case "minimum":
      return {
        code: "out-of-range",
        message: `${label} must be at least ${String(params.limit)}, not ${show(error.data)}`,
      };
    case "maximum":
      return {
        code: "out-of-range",
        message: `${label} must be at most ${String(params.limit)}, not ${show(error.data)}`,
      };
    case "minProperties":
    case "maxProperties":
      return { code: "invalid-value", message: propertiesMessage(title, error) };
    default:
      return { code: "invalid-value", message: `${label} ${error.message ?? "is not valid"}` };
  }
}

function typeMessage(
  label: string,
  expected: string,
  data: unknown,
  path: Segment[],
  parsed: ParsedYaml,
): string {
  if (data === null) return `${label} has no value; write one or remove the key`;
  switch (expected) {
    case "array":
      return `${label} must be a list: one "- item" per line, or [a, b]`;
    case "object":
      return `${label} must be a mapping of keys to values, not ${show(data)}`;
    case "boolean":
      return `${label} must be true or false, not ${show(data)}`;
    case "integer":
      return `${label} must be a whole number, not ${show(data)}`;
    case "number":
      return `${label} must be a number, not ${show(data)}`;
    case "string,object":
      return `${label} must be a path to a JSON file or a mapping, not ${show(data)}`;
    default: {
      const written = parsed.sourceText(path) ?? String(data);
      if (typeof data === "number" && isAccountPath(path)) {
        return `account id ${written} must be quoted, as in "${written}": YAML reads unquoted digits as a number`;
      }
      if (typeof data === "number" || typeof data === "boolean") {
        return `${label} must be a string: quote it, as in "${written}"`;
      }
      return `${label} must be a string, not ${show(data)}`;
    }
  }
}

function propertiesMessage(title: string, error: ErrorObject): string {
  switch (title) {
    case "principal":
      return "principal must name exactly one of group or user, as in { group: Platform-Admins }";
    case "permissions boundary":
      return "permissionsBoundary must set exactly one of customerManagedPolicy or managedPolicyArn";
    case "ignore rule":
      return "an ignore rule must set at least one of principalType, principal, permissionSet or account";
    default:
      return `${title} has ${Object.keys(error.data as object).length} entries; at most ${String((error.params as { limit: number }).limit)} are allowed`;
  }
}

/** A short name for the value at `path`: its key, `tag "env"`, or `members entry`. */
export function labelOf(path: readonly Segment[]): string {
  const last = path.at(-1);
  const parent = path.at(-2);
  if (last === undefined) return "the file";
  if (typeof last === "number") return `${typeof parent === "string" ? parent : "list"} entry`;
  if (parent === "tags") return `tag "${last}" value`;
  return last;
}

function isAccountPath(path: readonly Segment[]): boolean {
  const last = path.at(-1);
  return last === "account" || (typeof last === "number" && path.at(-2) === "accounts");
}

const schemaTitle = (schema: unknown): string =>
  typeof schema === "object" && schema !== null && "title" in schema ? String(schema.title) : "mapping";

const requiredKey = (error: ErrorObject): string =>
  String((error.params as { missingProperty: string }).missingProperty);

/** The keys the mapping that failed `additionalProperties` may hold. */
const allowedKeys = (error: ErrorObject): string[] =>
  Object.keys((error.parentSchema?.properties as Record<string, unknown>) ?? {});

function unknownKeySuggestion(error: ErrorObject): string | null {
  return nearest(
    String((error.params as { additionalProperty: string }).additionalProperty),
    allowedKeys(error),
  );
}

/**
 * The hint of a known pattern, or the schema's description for any other. Permission-set and
 * customer-managed policy names share a pattern: the schema's `maxLength` tells them apart.
 */
function hintFor(source: string, schema: unknown): string {
  const maxLength =
    typeof schema === "object" && schema !== null && "maxLength" in schema ? schema.maxLength : null;
  const same = (Object.keys(PATTERNS) as (keyof typeof PATTERNS)[]).filter(
    (k) => PATTERNS[k].source === source,
  );
  const known = same.find((k) => k in LIMITS && LIMITS[k as keyof typeof LIMITS] === maxLength) ?? same[0];
  if (known !== undefined) return PATTERNS[known].hint;
  const description =
    typeof schema === "object" && schema !== null && "description" in schema
      ? String(schema.description)
      : "";
  return `match ${source}${description ? ` (${description})` : ""}`;
}

/**
 * ` (it contains U+0410 "А")`: the first control or format character, or else the first
 * character outside printable ASCII. Both are invisible or look-alikes in the quoted value.
 */
function unusualCharacter(value: string): string {
  const characters = [...value];
  const ch = characters.find((c) => /\p{C}/u.test(c)) ?? characters.find((c) => c < " " || c > "~");
  return ch === undefined ? "" : ` (it contains ${codePoint(ch)})`;
}

/** JSON pointer (as ajv writes `instancePath`) to segments; array indexes become numbers. */
export function segmentsOf(pointer: string): Segment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
