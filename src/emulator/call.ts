import type { Engine } from "./engine.ts";
import type { ServiceName } from "./options.ts";
import { ServiceError } from "./service-error.ts";

/** What a handler gets besides its input. */
export interface CallContext {
  service: ServiceName;
  operation: string;
  /** The HTTP request id (`x-amzn-RequestId`). */
  requestId: string;
  /** Emulated epoch ms at the start of the call. */
  now: number;
  engine: Engine;
  /** Set when a fault rule says the async operation this call starts must end FAILED: the reason. */
  forcedFailure: string | null;
  /** Adds the call to the write log (handlers of mutating operations call it once they accepted the call). */
  recordWrite(params: Record<string, unknown>, operationId?: string): void;
}

/** Serves one operation: the validated input in, the output members out; throws `ServiceError`. */
export type Handler = (input: Record<string, unknown>, ctx: CallContext) => Record<string, unknown>;
export type HandlerTable = Readonly<Record<string, Handler>>;

const MS_PER_SECOND = 1000;

/** Epoch seconds, as AWS JSON 1.1 encodes timestamps. */
export const epochSeconds = (ms: number): number => Math.round(ms) / MS_PER_SECOND;

/** The FailureReason of an async operation failed by a fault (an IAM quota, as seen on AWS). */
export const INJECTED_FAILURE_REASON =
  "Received a 409 status error: Cannot exceed quota for RolesPerAccount: 1000";

/** The error a forged or misused NextToken gets from each service. */
/** A list answer: `body`, with `NextToken` when there are more pages (AWS omits it on the last). */
export const withToken = (
  body: Record<string, unknown>,
  nextToken: string | undefined,
): Record<string, unknown> => (nextToken === undefined ? body : { ...body, NextToken: nextToken });

export function invalidToken(service: ServiceName): ServiceError {
  if (service === "organizations") {
    return new ServiceError(
      "InvalidInputException",
      "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.",
      { Reason: "INVALID_NEXT_TOKEN" },
    );
  }
  return new ServiceError("ValidationException", "The NextToken is invalid or expired.");
}

/** A request member known to be a string after model validation (or undefined when absent). */
export const str = (input: Record<string, unknown>, key: string): string | undefined => {
  const v = input[key];
  return typeof v === "string" ? v : undefined;
};

/** A required request member (model validation has already rejected its absence). */
export const req = (input: Record<string, unknown>, key: string): string => str(input, key) ?? "";

/** A structure member of the request, or undefined. */
export const obj = (input: Record<string, unknown>, key: string): Record<string, unknown> | undefined => {
  const v = input[key];
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
};
