import type { SafetyViolation } from "./plan.ts";

/**
 * Errors are data until the edge. Each typed error carries a one-line `title` and a
 * full-sentence `detail` naming the next action; only the CLI and the Action map them to
 * exit codes (see `exitCodeFor`). Keep the cause chain: pass `{ cause }` when wrapping.
 */

export type Severity = "error" | "warning";

/** One validation finding, located in a file of the access directory. */
export interface Diagnostic {
  severity: Severity;
  /** Path relative to the access directory (or to the current directory when outside it). */
  file: string;
  /** 1-based; 0 when the problem has no position (for example an unreadable directory). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** What is wrong and how to fix it, in one or two sentences. */
  message: string;
  /** A stable identifier of the rule that fired, for example `unknown-permission-set`. */
  code: string;
}

/** `path/to/file.yaml:LINE:COLUMN: message` (the position is left out when unknown). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return `${where}: ${d.severity === "warning" ? "warning: " : ""}${d.message}`;
}

export type ErrorKind = "config" | "unsafe-plan" | "stale-plan" | "aws" | "internal";

export abstract class AccessopsError extends Error {
  abstract readonly kind: ErrorKind;
  /** Full sentences: what happened and what to do next. */
  readonly detail: string;

  constructor(title: string, detail: string, options?: { cause?: unknown }) {
    super(title, options);
    this.detail = detail;
  }
}

/** The user must fix the access files (or the command's arguments). */
export class ConfigError extends AccessopsError {
  readonly kind = "config";
  override readonly name = "ConfigError";
  readonly diagnostics: Diagnostic[];

  constructor(
    title: string,
    diagnostics: Diagnostic[],
    detail = "Fix the files listed above and run again.",
    options?: { cause?: unknown },
  ) {
    super(title, detail, options);
    this.diagnostics = diagnostics;
  }
}

/** A safety rail tripped; the plan needs an explicit override. */
export class UnsafePlanError extends AccessopsError {
  readonly kind = "unsafe-plan";
  override readonly name = "UnsafePlanError";
  readonly violations: SafetyViolation[];

  constructor(violations: SafetyViolation[]) {
    super(
      `plan is unsafe: ${violations.length} safety rail${violations.length === 1 ? "" : "s"} tripped`,
      violations.map((v) => v.message).join("\n"),
    );
    this.violations = violations;
  }
}

/** The reviewed plan no longer matches what planning now produces. */
export class StalePlanError extends AccessopsError {
  readonly kind = "stale-plan";
  override readonly name = "StalePlanError";
  readonly expectedChecksum: string;
  readonly actualChecksum: string;

  constructor(expectedChecksum: string, actualChecksum: string, whatChanged: string) {
    super(
      `stale plan: the reviewed plan ${expectedChecksum.slice(0, 12)} no longer matches the current plan ${actualChecksum.slice(0, 12)}`,
      `${whatChanged}\nRun plan again, review it, and apply the new plan.`,
    );
    this.expectedChecksum = expectedChecksum;
    this.actualChecksum = actualChecksum;
  }
}

/** An AWS call failed in a way retries did not fix. */
export class AwsError extends AccessopsError {
  readonly kind = "aws";
  override readonly name = "AwsError";
  /** The API operation, for example `ListAccountAssignmentsForPrincipal`. */
  readonly operation: string;
  /** The address being read or written, when there is one. */
  readonly address: string | null;
  /** AWS's error name, for example `AccessDeniedException`. */
  readonly awsCode: string | null;
  readonly requestId: string | null;

  constructor(
    args: {
      operation: string;
      address?: string | null;
      awsCode?: string | null;
      requestId?: string | null;
      message: string;
      detail: string;
    },
    options?: { cause?: unknown },
  ) {
    super(args.message, args.detail, options);
    this.operation = args.operation;
    this.address = args.address ?? null;
    this.awsCode = args.awsCode ?? null;
    this.requestId = args.requestId ?? null;
  }
}

/** A bug in accessops. */
export class InternalError extends AccessopsError {
  readonly kind = "internal";
  override readonly name = "InternalError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "This is a bug in accessops; please report it with the command you ran.", options);
  }
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
/** `plan --detailed-exitcode`: the plan has changes. */
export const EXIT_CHANGES = 2;
/** Refused: a stale plan or a safety rail. */
export const EXIT_REFUSED = 3;

export function exitCodeFor(error: unknown): number {
  if (error instanceof AccessopsError && (error.kind === "unsafe-plan" || error.kind === "stale-plan")) {
    return EXIT_REFUSED;
  }
  return EXIT_ERROR;
}
