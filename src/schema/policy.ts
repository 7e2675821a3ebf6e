import { posix } from "node:path";
import { canonicalJson } from "../model/canonical.ts";
import type { SourceLocation } from "../model/config.ts";
import type { Diagnostic } from "../model/errors.ts";
import { LIMITS, POLICY_TEXT, POLICY_VERSIONS, QUOTAS } from "./constraints.ts";
import { type Declarations, type Entry, type PermissionSetInput, where } from "./input.ts";
import { scanJson } from "./json-syntax.ts";
import type { LoadedPolicy } from "./normalise.ts";
import { didYouMean } from "./suggest.ts";
import { codePoint, show } from "./text.ts";
import { MAX_SCALAR_LENGTH, type ParsedYaml, parseYaml, type Segment } from "./yaml.ts";

/** The top-level elements of an IAM policy document. */
const POLICY_ELEMENTS = ["Version", "Id", "Statement"];

/**
 * The elements of a statement in an identity-based policy (IAM's policy grammar; `Principal` and
 * `NotPrincipal` belong to resource-based policies, which IAM refuses here).
 */
const STATEMENT_ELEMENTS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"];
/** IAM's two effects, spelled exactly so: IAM refuses `allow`. */
const EFFECTS = ["Allow", "Deny"];

/** A checked inline policy: its canonical text when valid, and what was wrong otherwise. */
export interface PolicyCheck {
  canonical: string | null;
  diagnostics: Diagnostic[];
}

/**
 * Checks an inline policy document (from YAML or a JSON file): a JSON object with a known
 * `Version` and a `Statement`, within IAM's size quotas measured on the canonical text, and
 * only the characters the sso-admin model allows.
 *
 * `at` maps a path inside the policy to its position in the file it was written in.
 */
export function checkPolicyDocument(value: unknown, at: (path: Segment[]) => SourceLocation): PolicyCheck {
  const errors: Diagnostic[] = [];
  const error = (path: Segment[], code: string, message: string) =>
    errors.push({ ...at(path), severity: "error", code, message });

  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    error(
      [],
      "invalid-policy",
      `the inline policy must be a JSON object with Version and Statement, not ${show(value)}`,
    );
    return { canonical: null, diagnostics: errors };
  }
  const policy = value as Record<string, unknown>;
  for (const key of Object.keys(policy)) {
    if (!POLICY_ELEMENTS.includes(key)) {
      error(
        [key],
        "invalid-policy",
        `"${key}" is not a policy element${didYouMean(key, POLICY_ELEMENTS)}; allowed: ${POLICY_ELEMENTS.join(", ")}`,
      );
    }
  }
  if (!("Version" in policy)) {
    error([], "invalid-policy", `the inline policy has no Version; add "Version": "${POLICY_VERSIONS[0]}"`);
  } else if (typeof policy.Version !== "string" || !POLICY_VERSIONS.includes(policy.Version)) {
    error(
      ["Version"],
      "invalid-policy",
      `Version must be "${POLICY_VERSIONS[0]}", not ${show(policy.Version)}`,
    );
  }
  if (!("Statement" in policy)) {
    error(
      [],
      "invalid-policy",
      "the inline policy has no Statement; add the list of statements it grants or denies",
    );
  } else if (!isStatementList(policy.Statement)) {
    error(
      ["Statement"],
      "invalid-policy",
      "Statement must be a statement (a mapping) or a non-empty list of them",
    );
  }

  const prototypeKey = findPrototypeKey(policy);
  if (prototypeKey) {
    // `canonicalJson` would drop the key silently (assigning it sets a prototype instead).
    error(prototypeKey, "invalid-policy", '"__proto__" is not a policy element; remove it');
    return { canonical: null, diagnostics: errors };
  }
  if (isStatementList(policy.Statement)) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const [i, statement] of (statements as Record<string, unknown>[]).entries()) {
      const base: Segment[] = Array.isArray(policy.Statement) ? ["Statement", i] : ["Statement"];
      checkStatement(statement, (path, message) => error([...base, ...path], "invalid-policy", message));
    }
  }
  const canonical = canonicalJson(policy);
  const bytes = Buffer.byteLength(canonical, "utf8");
  if (bytes > QUOTAS.inlinePolicyBytes) {
    error(
      [],
      "policy-too-large",
      `the inline policy is ${bytes} bytes without formatting; the limit is ${QUOTAS.inlinePolicyBytes}: split it or move statements to a customer managed policy`,
    );
  }
  const nonWhitespace = canonical.replace(/\s/gu, "").length;
  if (nonWhitespace > QUOTAS.inlinePolicyNonWhitespace) {
    error(
      [],
      "policy-too-large",
      `the inline policy has ${nonWhitespace} characters that are not whitespace; the limit is ${QUOTAS.inlinePolicyNonWhitespace}: shorten it or move statements to a customer managed policy`,
    );
  }
  if (!POLICY_TEXT.test(canonical)) {
    const bad = [...canonical].find((ch) => !POLICY_TEXT.test(ch)) ?? "";
    error(
      [],
      "invalid-policy",
      `the inline policy contains ${codePoint(bad)}; policies may hold Latin-1 characters only`,
    );
  }
  return { canonical: errors.length === 0 ? canonical : null, diagnostics: errors };
}

/**
 * One statement as IAM reads it: known elements only, `Effect` exactly `Allow` or `Deny`, and
 * exactly one of `Action` and `NotAction`. IAM would refuse anything else at apply time, part way
 * through the changes.
 */
function checkStatement(
  statement: Record<string, unknown>,
  error: (path: Segment[], message: string) => void,
): void {
  for (const key of Object.keys(statement)) {
    if (STATEMENT_ELEMENTS.includes(key)) continue;
    error(
      [key],
      `"${key}" is not a statement element of an identity policy${didYouMean(key, STATEMENT_ELEMENTS)}; allowed: ${STATEMENT_ELEMENTS.join(", ")}`,
    );
  }
  if (!("Effect" in statement)) error([], 'the statement has no Effect; add "Effect": "Allow" or "Deny"');
  else if (typeof statement.Effect !== "string" || !EFFECTS.includes(statement.Effect)) {
    error(
      ["Effect"],
      `Effect must be "Allow" or "Deny" (IAM is case-sensitive), not ${show(statement.Effect)}`,
    );
  }
  if ("Action" in statement === "NotAction" in statement) {
    error([], "the statement needs exactly one of Action and NotAction");
  }
}

/** The path of the first `__proto__` key anywhere in the policy, or null. */
function findPrototypeKey(policy: unknown): Segment[] | null {
  const stack: { value: unknown; path: Segment[] }[] = [{ value: policy, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Segment[] };
    if (value === null || typeof value !== "object") continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, Array.isArray(value) ? Number(key) : key];
      if (key === "__proto__") return childPath;
      stack.push({ value: child, path: childPath });
    }
  }
  return null;
}

function isStatementList(value: unknown): boolean {
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(value)) return value.length > 0 && value.every(isObject);
  return isObject(value);
}

export type PolicyPath = { ok: true; path: string } | { ok: false; message: string };

/**
 * Resolves an `inlinePolicy` file reference written in `yamlFile` (both relative to the
 * access directory) to a normalised path relative to the access directory. Purely lexical:
 * absolute paths, `..` escapes and backslashes are refused here; symlinks are checked by the
 * file reader, which sees the disk.
 */
export function resolvePolicyPath(yamlFile: string, reference: string): PolicyPath {
  if (reference.length > LIMITS.policyPath) {
    return { ok: false, message: `the inline policy path is longer than ${LIMITS.policyPath} characters` };
  }
  if (reference.trimStart().startsWith("{")) {
    return {
      ok: false,
      message:
        "inlinePolicy looks like JSON text; write the policy as a YAML mapping, or put it in a .json file and give its path",
    };
  }
  if (reference.includes("\0") || reference.includes("\\")) {
    return { ok: false, message: `inline policy path ${show(reference)} must use / between folders` };
  }
  if (posix.isAbsolute(reference) || /^[A-Za-z]:/.test(reference)) {
    return {
      ok: false,
      message: `inline policy path ${show(reference)} is absolute; write it relative to this file, inside the access directory`,
    };
  }
  const path = posix.normalize(posix.join(posix.dirname(yamlFile), reference));
  if (path === ".." || path.startsWith("../") || path === ".") {
    return {
      ok: false,
      message: `inline policy path ${show(reference)} leads outside the access directory; keep policy files inside it`,
    };
  }
  return { ok: true, path };
}

export type PolicyFileResult = { ok: true; text: string } | { ok: false; message: string };

/** A policy reader over in-memory files (keyed by path relative to the access directory). */
export function memoryPolicyReader(files: Readonly<Record<string, string>>): PolicyFileReader {
  return async (path) =>
    Object.hasOwn(files, path)
      ? { ok: true, text: files[path] as string }
      : { ok: false, message: "no such file" };
}

/**
 * Reads an inline policy file. `path` is relative to the access directory, normalised, and
 * never leads outside it lexically; the reader refuses what leads outside through symlinks.
 */
export type PolicyFileReader = (path: string) => Promise<PolicyFileResult>;

/** Every managed permission set's checked inline policy, and what was wrong with the others. */
export interface Policies {
  loaded: Map<Entry<PermissionSetInput>, LoadedPolicy>;
  diagnostics: Diagnostic[];
}

/** A policy file: unreadable (reported where the YAML names it), or read and checked. */
type PolicyFile =
  | { read: false; message: string }
  | { read: true; canonical: string | null; diagnostics: Diagnostic[] };

/**
 * Loads and checks the inline policy of every managed permission set: from the YAML mapping,
 * or from its JSON file (each file read and reported once, however many sets share it).
 */
export async function loadPolicies(d: Declarations, readPolicyFile: PolicyFileReader): Promise<Policies> {
  const loaded = new Map<Entry<PermissionSetInput>, LoadedPolicy>();
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, PolicyFile>();
  const problem = (entry: Entry<PermissionSetInput>, code: string, message: string): Diagnostic => ({
    ...where(entry, "inlinePolicy"),
    severity: "error",
    code,
    message,
  });
  for (const entry of d.permissionSets) {
    const inline = entry.data.inlinePolicy;
    if (inline === undefined || entry.data.external === true) continue;
    if (typeof inline !== "string") {
      const check = checkPolicyDocument(inline, (path) => where(entry, "inlinePolicy", ...path));
      diagnostics.push(...check.diagnostics);
      if (check.canonical !== null) loaded.set(entry, { canonical: check.canonical, file: null });
      continue;
    }
    const resolved = resolvePolicyPath(entry.source.file, inline);
    if (!resolved.ok) {
      diagnostics.push(problem(entry, "invalid-policy-path", resolved.message));
      continue;
    }
    let file = files.get(resolved.path);
    if (!file) {
      file = await loadPolicyFile(resolved.path, readPolicyFile);
      files.set(resolved.path, file);
      if (!file.read)
        diagnostics.push(
          problem(entry, "unreadable-policy", `inline policy file ${resolved.path}: ${file.message}`),
        );
      else diagnostics.push(...file.diagnostics);
    }
    if (file.read && file.canonical !== null)
      loaded.set(entry, { canonical: file.canonical, file: resolved.path });
  }
  return { loaded, diagnostics };
}

/** Reads a policy file, requires strict JSON, and checks the policy with positions inside the file. */
async function loadPolicyFile(path: string, readPolicyFile: PolicyFileReader): Promise<PolicyFile> {
  const read = await readPolicyFile(path);
  if (!read.ok) return { read: false, message: read.message };
  const scan = scanJson(read.text, MAX_SCALAR_LENGTH);
  const syntax = scan.error;
  if (syntax) {
    const before = read.text.slice(0, syntax.offset).split("\n");
    const diagnostic: Diagnostic = {
      severity: "error",
      file: path,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      code: "json-syntax",
      message: `invalid JSON: ${syntax.message}`,
    };
    return { read: true, canonical: null, diagnostics: [diagnostic] };
  }
  if (scan.simple) {
    // Nothing the YAML parser would refuse: JSON.parse reads it exactly, and far faster. The
    // positions it lacks are needed only for a diagnostic, so the file is parsed again with
    // positions only then.
    let located: ParsedYaml | null = null;
    const locate = (p: Segment[]) => {
      located ??= parseYaml(path, read.text, { schema: "json" });
      return located.locate(p);
    };
    return { read: true, ...checkPolicyDocument(JSON.parse(read.text), locate) };
  }
  // Well-formed JSON: the YAML parser adds positions and refuses duplicate keys.
  const parsed = parseYaml(path, read.text, { schema: "json" });
  if (parsed.value === undefined) return { read: true, canonical: null, diagnostics: parsed.diagnostics };
  return { read: true, ...checkPolicyDocument(parsed.value, (p) => parsed.locate(p)) };
}
