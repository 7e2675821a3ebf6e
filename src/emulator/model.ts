import { readFileSync } from "node:fs";
import type { ServiceName } from "./options.ts";

/**
 * The official AWS models (botocore `service-2.json`, `paginators-1.json`, vendored verbatim in
 * `data/aws-models/`) loaded at run time. Input validation and the optional response check are
 * driven from them, so every constraint the emulator enforces on a request member is the
 * model's: required members, string lengths, whole-value patterns, enums, integer ranges and
 * list sizes.
 */

/** A botocore shape (only the fields the emulator reads). */
export interface Shape {
  type:
    | "structure"
    | "list"
    | "map"
    | "string"
    | "integer"
    | "long"
    | "boolean"
    | "timestamp"
    | "double"
    | "float"
    | "blob";
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  union?: boolean;
  document?: boolean;
  exception?: boolean;
  fault?: boolean;
}

export interface OperationModel {
  name: string;
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
}

export interface Paginator {
  input_token: string;
  output_token: string;
  limit_key?: string;
  result_key: string;
}

export interface ServiceModel {
  service: ServiceName;
  /** `X-Amz-Target` prefix. */
  targetPrefix: string;
  /** IAM action prefix: `sso`, `identitystore`, `organizations`. */
  actionPrefix: string;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
  paginators: Record<string, Paginator>;
}

const DIRECTORY: Record<ServiceName, string> = {
  "sso-admin": "sso-admin",
  identitystore: "identitystore",
  organizations: "organizations",
};
const ACTION_PREFIX: Record<ServiceName, string> = {
  "sso-admin": "sso",
  identitystore: "identitystore",
  organizations: "organizations",
};

let cache: Record<ServiceName, ServiceModel> | null = null;

/** The three models, read once. */
export function serviceModels(): Record<ServiceName, ServiceModel> {
  if (!cache) {
    const load = (service: ServiceName): ServiceModel => {
      const read = (file: string) =>
        JSON.parse(
          readFileSync(
            new URL(`../../data/aws-models/${DIRECTORY[service]}/${file}`, import.meta.url),
            "utf8",
          ),
        ) as Record<string, unknown>;
      const model = read("service-2.json") as {
        metadata: { targetPrefix: string };
        operations: Record<string, OperationModel>;
        shapes: Record<string, Shape>;
      };
      const paginators = (read("paginators-1.json") as { pagination: Record<string, Paginator> }).pagination;
      return {
        service,
        targetPrefix: model.metadata.targetPrefix,
        actionPrefix: ACTION_PREFIX[service],
        operations: model.operations,
        shapes: model.shapes,
        paginators,
      };
    };
    cache = {
      "sso-admin": load("sso-admin"),
      identitystore: load("identitystore"),
      organizations: load("organizations"),
    };
  }
  return cache;
}

export type ViolationKind =
  | "required"
  | "min-length"
  | "max-length"
  | "pattern"
  | "enum"
  | "min-value"
  | "max-value"
  | "type"
  | "union";

/** One constraint a request member fails. */
export interface Violation {
  kind: ViolationKind;
  /** Coral's member path: lowerCamelCase names joined by `.`, list items as `.N.member` (1-based). */
  path: string;
  value: unknown;
  sensitive: boolean;
  /** Coral's constraint text, for example `Member must have length less than or equal to 32`. */
  constraint: string;
}

const regexCache = new Map<string, RegExp>();

/**
 * The model's Java-flavoured pattern as a whole-value JavaScript regular expression (`u` flag,
 * wrapped as `^(?:...)$`). Java accepts an escaped punctuation character anywhere; with the
 * `u` flag JavaScript accepts only escaped syntax characters (and `\-` in a class), so other
 * escaped punctuation (`\ `, `\_`, `\-` outside a class) is unescaped first: same meaning.
 */
export function modelRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${javaToJsPattern(pattern)})$`, "u");
    regexCache.set(pattern, re);
  }
  return re;
}

const SYNTAX_CHARACTERS = new Set([..."^$\\.*+?()[]{}|/"]);

function javaToJsPattern(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      i++;
      const keep = /[A-Za-z0-9]/.test(next) || SYNTAX_CHARACTERS.has(next) || (next === "-" && inClass);
      out += keep ? `\\${next}` : next;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return out;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Every constraint `input` fails against the operation's input shape, in member order. */
export function validateInput(
  model: ServiceModel,
  operation: string,
  input: Record<string, unknown>,
): Violation[] {
  const op = model.operations[operation];
  const violations: Violation[] = [];
  if (op?.input) checkValue(model, op.input.shape, input, "", violations, false);
  return violations;
}

/** Every constraint `value` fails against the named shape (for values the service builds from several calls). */
export function validateShape(model: ServiceModel, shapeName: string, value: unknown): Violation[] {
  const violations: Violation[] = [];
  checkValue(model, shapeName, value, "", violations, false);
  return violations;
}

function checkValue(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  out: Violation[],
  inheritedSensitive: boolean,
): void {
  const shape = model.shapes[shapeName];
  if (!shape) return;
  const sensitive = inheritedSensitive || shape.sensitive === true;
  const add = (kind: ViolationKind, constraint: string): void => {
    out.push({ kind, path, value, sensitive, constraint });
  };
  if (shape.document) return;
  switch (shape.type) {
    case "structure": {
      if (!isObject(value)) {
        add("type", "Member must be a structure");
        return;
      }
      const members = shape.members ?? {};
      if (shape.union) {
        const set = Object.keys(members).filter((m) => value[m] !== undefined && value[m] !== null);
        if (set.length !== 1) add("union", "Member must have exactly one member set");
      }
      for (const [name, member] of Object.entries(members)) {
        const memberPath = path === "" ? lowerFirst(name) : `${path}.${lowerFirst(name)}`;
        const v = value[name];
        if (v === undefined || v === null) {
          if (shape.required?.includes(name)) {
            out.push({
              kind: "required",
              path: memberPath,
              value: null,
              sensitive: false,
              constraint: "Member must not be null",
            });
          }
          continue;
        }
        checkValue(model, member.shape, v, memberPath, out, sensitive);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) {
        add("type", "Member must be a list");
        return;
      }
      checkSize(shape, value.length, add);
      value.forEach((item, i) => {
        checkValue(model, shape.member?.shape ?? "", item, `${path}.${i + 1}.member`, out, sensitive);
      });
      return;
    }
    case "map": {
      if (!isObject(value)) {
        add("type", "Member must be a map");
        return;
      }
      checkSize(shape, Object.keys(value).length, add);
      for (const [k, v] of Object.entries(value)) {
        checkValue(model, shape.key?.shape ?? "", k, `${path}.key`, out, sensitive);
        checkValue(model, shape.value?.shape ?? "", v, `${path}.${k}`, out, sensitive);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") {
        add("type", "Member must be a string");
        return;
      }
      if (shape.enum && !shape.enum.includes(value)) {
        add("enum", `Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
        return;
      }
      const before = out.length;
      checkSize(shape, [...value].length, add);
      if (out.length === before && shape.pattern !== undefined && !modelRegex(shape.pattern).test(value)) {
        add("pattern", `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case "integer":
    case "long":
    case "double":
    case "float": {
      if (
        typeof value !== "number" ||
        (shape.type !== "double" && shape.type !== "float" && !Number.isInteger(value))
      ) {
        add(
          "type",
          `Member must be ${shape.type === "integer" || shape.type === "long" ? "an integer" : "a number"}`,
        );
        return;
      }
      if (shape.min !== undefined && value < shape.min) {
        add("min-value", `Member must have value greater than or equal to ${shape.min}`);
      } else if (shape.max !== undefined && value > shape.max) {
        add("max-value", `Member must have value less than or equal to ${shape.max}`);
      }
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") add("type", "Member must be a boolean");
      return;
    case "timestamp":
      if (typeof value !== "number") add("type", "Member must be a timestamp in epoch seconds");
      return;
    default:
      return;
  }
}

function checkSize(shape: Shape, size: number, add: (kind: ViolationKind, constraint: string) => void): void {
  if (shape.min !== undefined && size < shape.min) {
    add("min-length", `Member must have length greater than or equal to ${shape.min}`);
  } else if (shape.max !== undefined && size > shape.max) {
    add("max-length", `Member must have length less than or equal to ${shape.max}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Coral's ValidationException message: `1 validation error detected: Value 'x' at 'name' failed
 * to satisfy constraint: Member must ...`, several joined by `; `. Values of sensitive shapes
 * are not echoed.
 */
export function coralMessage(violations: Violation[]): string {
  const n = violations.length;
  const parts = violations.map((v) => {
    const shown = v.sensitive ? "" : ` ${v.value === null ? "null" : `'${display(v.value)}'`}`;
    return `Value${shown} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
  });
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}

function display(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(display).join(", ")}]`;
  if (isObject(value)) return JSON.stringify(value);
  return String(value);
}

/**
 * Every way `output` departs from the operation's output shape: missing required members,
 * unknown members, wrong types, enum values and patterns. Empty when it conforms.
 */
export function checkOutput(
  model: ServiceModel,
  operation: string,
  output: Record<string, unknown>,
): string[] {
  const op = model.operations[operation];
  const problems: string[] = [];
  if (!op?.output) {
    if (Object.keys(output).length > 0) problems.push("the operation has no output members");
    return problems;
  }
  walkOutput(model, op.output.shape, output, op.output.shape, problems);
  return problems;
}

function walkOutput(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  out: string[],
): void {
  const shape = model.shapes[shapeName];
  if (!shape || shape.document) return;
  switch (shape.type) {
    case "structure": {
      if (!isObject(value)) {
        out.push(`${path}: not an object`);
        return;
      }
      const members = shape.members ?? {};
      for (const required of shape.required ?? []) {
        if (value[required] === undefined) out.push(`${path}.${required}: required member missing`);
      }
      for (const [k, v] of Object.entries(value)) {
        const member = members[k];
        if (!member) out.push(`${path}.${k}: not a member of ${shapeName}`);
        else walkOutput(model, member.shape, v, `${path}.${k}`, out);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) out.push(`${path}: not a list`);
      else {
        value.forEach((v, i) => {
          walkOutput(model, shape.member?.shape ?? "", v, `${path}[${i}]`, out);
        });
      }
      return;
    case "map":
      if (!isObject(value)) out.push(`${path}: not a map`);
      else
        for (const [k, v] of Object.entries(value))
          walkOutput(model, shape.value?.shape ?? "", v, `${path}.${k}`, out);
      return;
    case "string":
      if (typeof value !== "string") out.push(`${path}: not a string`);
      else if (shape.enum && !shape.enum.includes(value)) out.push(`${path}: ${value} is not in the enum`);
      else if (shape.pattern !== undefined && !modelRegex(shape.pattern).test(value)) {
        out.push(`${path}: '${value}' does not match ${shape.pattern}`);
      } else if (shape.min !== undefined && value.length < shape.min)
        out.push(`${path}: shorter than ${shape.min}`);
      else if (shape.max !== undefined && value.length > shape.max)
        out.push(`${path}: longer than ${shape.max}`);
      return;
    case "integer":
    case "long":
    case "double":
    case "float":
    case "timestamp":
      if (typeof value !== "number") out.push(`${path}: not a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") out.push(`${path}: not a boolean`);
      return;
    default:
      return;
  }
}

/** The HTTP status AWS's API reference gives each error: 400, and 500 for server faults. */
export function defaultErrorStatus(model: ServiceModel | null, errorType: string): number {
  if (
    errorType === "InternalServerException" ||
    errorType === "ServiceException" ||
    errorType === "InternalFailure"
  ) {
    return 500;
  }
  return model?.shapes[errorType]?.fault ? 500 : 400;
}

/**
 * The status codes of the Smithy models' `@httpError` traits, for tests that want them
 * (pass as `errorStatus`). AWS's API reference and the observed wire use 400 instead.
 */
export const SMITHY_ERROR_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
  AWSOrganizationsNotInUseException: 404,
  ParentNotFoundException: 404,
  TargetNotFoundException: 404,
  ChildNotFoundException: 404,
  ConcurrentModificationException: 409,
  InvalidInputException: 400,
  TooManyRequestsException: 429,
  ServiceException: 500,
};
