import { redactSecrets } from "./redact.ts";

/**
 * The debug log: with `ACCESSOPS_DEBUG=1`, one line on stderr per HTTP attempt of every AWS call
 * (service and operation, duration, outcome with AWS's error code and request id) and per retry
 * decision (reason and wait). Each line goes through `redactSecrets`: no credential, session
 * token or signature is ever printed, even when AWS echoes one in an error message.
 */

/** Receives one debug line (without the `debug: ` prefix or a line break). */
export type DebugLog = (line: string) => void;

export const DEBUG_VARIABLE = "ACCESSOPS_DEBUG";

/**
 * Longest debug line: enough to recognise an error message (AWS's canonical-request dumps run to
 * kilobytes). Lines are cut after redaction, so a cut never leaves part of a secret unrecognised.
 */
const MAX_LINE_CHARS = 1_000;

/**
 * The debug sink the environment asks for: stderr when `ACCESSOPS_DEBUG` is set to anything but
 * empty or `0`, otherwise null (no debug log).
 */
export function debugLogFrom(
  env: Readonly<Record<string, string | undefined>>,
  write: (text: string) => void = (text) => process.stderr.write(text),
): DebugLog | null {
  const flag = env[DEBUG_VARIABLE];
  if (flag === undefined || flag === "" || flag === "0") return null;
  return (line) => {
    const clean = redactSecrets(line.replace(/\s+/g, " ").trim(), env);
    write(`debug: ${clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}…` : clean}\n`);
  };
}

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** An error as one debug phrase: `ThrottlingException (HTTP 400, request 1f2e…): Rate exceeded`. */
export function describeFailure(error: unknown): string {
  const e: ErrorFields = error !== null && typeof error === "object" ? (error as ErrorFields) : {};
  const name = typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : "Error";
  const facts = [
    typeof e.$metadata?.httpStatusCode === "number" ? `HTTP ${e.$metadata.httpStatusCode}` : null,
    typeof e.$metadata?.requestId === "string" ? `request ${e.$metadata.requestId}` : null,
  ].filter((f): f is string => f !== null);
  const message = typeof e.message === "string" ? e.message : String(error);
  return `${name}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}: ${message}`;
}
