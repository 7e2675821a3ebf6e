import { randomUUID } from "node:crypto";
import { AsyncOperations } from "./async-ops.ts";
import { type CallContext, type HandlerTable, INJECTED_FAILURE_REASON, invalidToken } from "./call.ts";
import { type Clock, ManualClock, RealClock } from "./clock.ts";
import { FaultInjector } from "./faults.ts";
import { identityStoreHandlers } from "./identitystore.ts";
import {
  checkOutput,
  coralMessage,
  defaultErrorStatus,
  type ServiceModel,
  serviceModels,
  validateInput,
} from "./model.ts";
import type {
  AsyncStats,
  CallStats,
  EmulatorLimits,
  FaultRule,
  FaultSpec,
  OperationStats,
  ServiceName,
  WriteRecord,
} from "./options.ts";
import { organizationsHandlers } from "./organizations.ts";
import { PageTokens } from "./page-token.ts";
import { type CompiledPolicy, decide } from "./policy.ts";
import { createRng, type Rng, randomHex, randomUuid } from "./random.ts";
import { buildStore, exportSeed, type Seed } from "./seed.ts";
import { RATE_EXCEEDED, ServiceError } from "./service-error.ts";
import type { SortedMap } from "./sorted-map.ts";
import { ssoAdminHandlers } from "./sso-admin.ts";
import type { Store } from "./state.ts";
import {
  callerIdentity,
  GET_CALLER_IDENTITY,
  identityResponse,
  queryAction,
  queryErrorResponse,
  STS_SERVER_ERROR,
  STS_THROTTLED,
} from "./sts.ts";
import { TokenBucket } from "./token-bucket.ts";

/** An HTTP answer of the emulated services. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Options the engine runs with, defaults applied. */
export interface EngineConfig {
  seed: Seed;
  latencyMs: number;
  latencySigma: number;
  timeScale: number;
  faults: FaultSpec;
  faultRules: FaultRule[];
  randomSeed: number;
  limits: EmulatorLimits;
  policy: CompiledPolicy | null;
  errorStatus: Record<string, number>;
  clock: "real" | "manual";
  startTime: number | undefined;
  checkResponses: boolean;
  /** Where bugs of the emulator itself are reported (they also answer a 500). */
  onInternalError: (error: unknown) => void;
}

const CONTENT_TYPE = "application/x-amz-json-1.1";
const TOKEN_SECRET_HEX_DIGITS = 32;
/** Default page size when a list call gives no MaxResults: the model's maximum. */
const FALLBACK_PAGE_SIZE = 100;

const HANDLERS: Readonly<Record<ServiceName, HandlerTable>> = {
  "sso-admin": ssoAdminHandlers,
  identitystore: identityStoreHandlers,
  organizations: organizationsHandlers,
};

/** The operations each service serves, by name: the emulator's surface. */
export function servedOperations(): Record<ServiceName, string[]> {
  return {
    "sso-admin": Object.keys(ssoAdminHandlers),
    identitystore: Object.keys(identityStoreHandlers),
    organizations: Object.keys(organizationsHandlers),
  };
}

const MUTATING = /^(Create|Delete|Update|Put|Attach|Detach|Tag|Untag|Provision)/;

/** Messages of errors a fault rule raises without giving one. */
const DEFAULT_FAULT_MESSAGES: Record<string, string> = {
  AccessDeniedException: "User is not authorized to perform this action.",
  InternalServerException: "An internal error occurred. Try again.",
  ServiceException:
    "AWS Organizations can't complete your request because of an internal service error. Try again later.",
  ThrottlingException: RATE_EXCEEDED,
  ConflictException: "There is a conflicting operation in process.",
  ResourceNotFoundException: "The requested resource was not found.",
  ValidationException: "The request is not valid.",
  TooManyRequestsException:
    "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.",
};

/**
 * The emulator without its HTTP server: state, time, quotas, faults, policy, counters and the
 * dispatch of one call. Every call is served synchronously; async operations finish on clock
 * timers, so the event loop stays free.
 */
export class Engine {
  readonly config: EngineConfig;
  readonly models: Record<ServiceName, ServiceModel>;
  readonly clock: Clock;
  store!: Store;
  faults!: FaultInjector;
  operations!: AsyncOperations;
  policy: CompiledPolicy | null;
  pageTokens!: PageTokens;
  /** Generated resource ids (permission sets, principals, memberships, async request ids). */
  idRng!: Rng;
  latencyRng!: Rng;
  #buckets = new Map<string, TokenBucket>();
  #stats = new Map<string, OperationStats>();
  #writes: WriteRecord[] = [];
  #writeSeq = 0;

  constructor(config: EngineConfig) {
    this.config = config;
    this.models = serviceModels();
    this.clock =
      config.clock === "manual" ? new ManualClock(config.startTime ?? Date.now()) : new RealClock();
    this.policy = config.policy;
    this.reset();
  }

  /** Back to the seed: state, generators, faults as configured, counters, write log, pending operations. */
  reset(): void {
    this.clock.cancelAll();
    const seed = this.config.randomSeed;
    this.store = buildStore(this.config.seed);
    this.idRng = createRng(seed, "ids");
    this.latencyRng = createRng(seed, "latency");
    this.faults = new FaultInjector(createRng(seed, "faults"), this.config.faults, this.config.faultRules);
    this.pageTokens = new PageTokens(randomHex(createRng(seed, "page-tokens"), TOKEN_SECRET_HEX_DIGITS));
    this.#buckets.clear();
    this.operations = new AsyncOperations(this);
    this.resetStats();
  }

  /** Clears counters, the write log and async statistics; the state is kept. */
  resetStats(): void {
    this.#stats.clear();
    this.#writes = [];
    this.#writeSeq = 0;
    this.operations.resetStats();
  }

  now(): number {
    return this.clock.now();
  }

  /** Emulated ms scaled by `timeScale` (latencies and lags shrink as time speeds up). */
  scaled(ms: number): number {
    return ms / this.config.timeScale;
  }

  exportState(): Seed {
    return exportSeed(this.store);
  }

  calls(): CallStats {
    return Object.fromEntries([...this.#stats.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  writes(): WriteRecord[] {
    return this.#writes.map((w) => ({ ...w }));
  }

  asyncStats(): AsyncStats {
    return this.operations.stats();
  }

  /** A fresh id-shaped UUID from the id generator. */
  newUuid(): string {
    return randomUuid(this.idRng);
  }

  /**
   * Serves one call: `target` is the `X-Amz-Target` header, `body` the raw request body,
   * `attempt` the SDK's attempt number (from `amz-sdk-request`) when known.
   */
  handle(target: string | undefined, body: string, attempt = 1): EmulatorResponse {
    const requestId = randomUUID();
    const dot = target?.lastIndexOf(".") ?? -1;
    const prefix = target && dot > 0 ? target.slice(0, dot) : "";
    const operation = target && dot > 0 ? target.slice(dot + 1) : (target ?? "");
    const model = Object.values(this.models).find((m) => m.targetPrefix === prefix) ?? null;
    const handler = model ? HANDLERS[model.service][operation] : undefined;
    if (!model || !handler) {
      const message = model?.operations[operation]
        ? `The emulator does not implement ${operation}.`
        : `Unknown operation: ${target ?? "no X-Amz-Target header"}`;
      return this.errorResponse(null, new ServiceError("UnknownOperationException", message), requestId);
    }
    const stats = this.#statsFor(model.service, operation);
    stats.calls += 1;
    if (attempt > 1) stats.retries += 1;
    const answer = (error: ServiceError): EmulatorResponse => {
      if (error.type === "ThrottlingException" || error.type === "TooManyRequestsException")
        stats.throttled += 1;
      else if (error.type === "ConflictException") stats.conflicts += 1;
      else stats.errors += 1;
      return this.errorResponse(model, error, requestId);
    };
    try {
      const input = parseBody(body);
      const ctx = this.#context(model.service, operation, requestId);
      this.#admit(model, operation, ctx);
      const violations = validateInput(model, operation, input);
      if (violations.length > 0) throw validationError(model.service, violations);
      const output = handler(input, ctx);
      if (this.config.checkResponses) {
        const problems = checkOutput(model, operation, output);
        if (problems.length > 0) {
          throw new ServiceError(
            "InternalServerException",
            `emulator response does not match the model: ${problems.join("; ")}`,
          );
        }
      }
      stats.ok += 1;
      return {
        status: 200,
        headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
        body: JSON.stringify(output),
      };
    } catch (error) {
      if (error instanceof ServiceError) return answer(error);
      this.config.onInternalError(error);
      return answer(new ServiceError("InternalServerException", `emulator bug: ${(error as Error).message}`));
    }
  }

  /**
   * Serves one STS call (awsQuery protocol: a form-encoded body). Only `GetCallerIdentity` exists:
   * no policy can deny it (as on AWS), and no quota bucket paces it (STS's is far above one call
   * per run); fault rules and random throttling and server faults reach it like any call.
   */
  handleQuery(body: string, attempt = 1): EmulatorResponse {
    const requestId = randomUUID();
    const query = queryAction(body);
    if (query?.action !== GET_CALLER_IDENTITY) {
      const what = query === null ? "no Action" : `Action ${query.action}`;
      return queryErrorResponse(
        new ServiceError(
          "InvalidAction",
          `The emulator serves only STS ${GET_CALLER_IDENTITY}, not ${what}.`,
        ),
        requestId,
      );
    }
    const stats = this.#statsFor("sts", GET_CALLER_IDENTITY);
    stats.calls += 1;
    if (attempt > 1) stats.retries += 1;
    try {
      const rule = this.faults.ruleFor(GET_CALLER_IDENTITY, "sts");
      if (rule && rule.error !== "FAILED" && rule.error !== "InvalidNextToken") {
        throw new ServiceError(
          rule.error,
          rule.message ?? DEFAULT_FAULT_MESSAGES[rule.error] ?? `Injected ${rule.error}.`,
        );
      }
      const fault = this.faults.requestFault();
      if (fault === "throttle") throw STS_THROTTLED;
      if (fault === "server") throw STS_SERVER_ERROR;
      stats.ok += 1;
      return identityResponse(callerIdentity(this.store.callerArn), requestId);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      if (error.type === STS_THROTTLED.type) stats.throttled += 1;
      else stats.errors += 1;
      return queryErrorResponse(error, requestId);
    }
  }

  /** The checks before validation, in AWS's order: authorisation, rate limit, injected faults. */
  #admit(model: ServiceModel, operation: string, ctx: CallContext): void {
    const action = `${model.actionPrefix}:${operation}`;
    const decision = decide(this.policy, action);
    if (decision !== "allow") throw accessDeniedFor(model.service, this.store.callerArn, action, decision);
    if (!this.#bucketFor(model.service, operation).take(ctx.now)) throw throttled(model.service);
    const rule = this.faults.ruleFor(operation, model.service);
    if (rule) {
      if (rule.error === "FAILED") {
        ctx.forcedFailure = rule.failureReason ?? INJECTED_FAILURE_REASON;
      } else if (rule.error === "InvalidNextToken") {
        throw invalidToken(model.service);
      } else {
        throw new ServiceError(
          rule.error,
          rule.message ?? DEFAULT_FAULT_MESSAGES[rule.error] ?? `Injected ${rule.error}.`,
          rule.error === "InvalidInputException" ? { Reason: "INVALID_INPUT" } : {},
        );
      }
    }
    const fault = this.faults.requestFault();
    if (fault === "throttle") throw throttled(model.service);
    if (fault === "server") {
      const type = model.service === "organizations" ? "ServiceException" : "InternalServerException";
      throw new ServiceError(type, DEFAULT_FAULT_MESSAGES[type] as string);
    }
  }

  #context(service: ServiceName, operation: string, requestId: string): CallContext {
    const engine = this;
    return {
      service,
      operation,
      requestId,
      now: this.clock.now(),
      engine,
      forcedFailure: null,
      recordWrite(params, operationId) {
        if (!MUTATING.test(operation)) return;
        engine.#writes.push({
          seq: ++engine.#writeSeq,
          time: Math.round(this.now),
          service,
          operation,
          params,
          requestId,
          ...(operationId !== undefined ? { operationId } : {}),
        });
      },
    };
  }

  #statsFor(service: ServiceName | "sts", operation: string): OperationStats {
    const key = `${service}:${operation}`;
    let s = this.#stats.get(key);
    if (!s) {
      s = { calls: 0, ok: 0, throttled: 0, conflicts: 0, errors: 0, retries: 0 };
      this.#stats.set(key, s);
    }
    return s;
  }

  #bucketFor(service: ServiceName, operation: string): TokenBucket {
    const key = service === "identitystore" ? `${service}:${operation}` : service;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      const l = this.config.limits;
      const [rate, burst] =
        service === "sso-admin"
          ? [l.ssoAdminRatePerSecond, l.ssoAdminBurst]
          : service === "identitystore"
            ? [l.identityStoreRatePerSecond, l.identityStoreBurst]
            : [l.organizationsRatePerSecond, l.organizationsBurst];
      bucket = new TokenBucket(rate * this.config.timeScale, burst, this.clock.now());
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  errorResponse(model: ServiceModel | null, error: ServiceError, requestId: string): EmulatorResponse {
    const body: Record<string, unknown> = { __type: error.type, Message: error.message, ...error.fields };
    if (model?.service === "identitystore") body.RequestId = requestId;
    const status = this.config.errorStatus[error.type] ?? defaultErrorStatus(model, error.type);
    return {
      status,
      headers: {
        "content-type": CONTENT_TYPE,
        "x-amzn-requestid": requestId,
        "x-amzn-errortype": error.type,
      },
      body: JSON.stringify(body),
    };
  }

  /**
   * One page of `map` for a list call: reads `MaxResults` and `NextToken` from `input`, checks
   * the token against this operation and query (`fingerprint`: the other request members),
   * applies the short-page fault, and returns the items and the next token (absent on the
   * last page).
   */
  page<V>(
    ctx: CallContext,
    input: Record<string, unknown>,
    map: SortedMap<V> | undefined,
    fingerprint: unknown,
    accept?: (value: V) => boolean,
  ): { items: V[]; nextToken: string | undefined } {
    const model = this.models[ctx.service];
    const paginator = model.paginators[ctx.operation];
    const limitShape = paginator?.limit_key
      ? model.shapes[model.operations[ctx.operation]?.input?.shape ?? ""]?.members?.[paginator.limit_key]
          ?.shape
      : undefined;
    const maxPage = (limitShape ? model.shapes[limitShape]?.max : undefined) ?? FALLBACK_PAGE_SIZE;
    const asked = paginator?.limit_key ? input[paginator.limit_key] : undefined;
    const limit = typeof asked === "number" ? asked : maxPage;
    const fp = JSON.stringify(fingerprint ?? null);
    let cursor: string | undefined;
    const token = input.NextToken;
    if (typeof token === "string" && token !== "") {
      const decoded = this.pageTokens.decode(token, ctx.operation, fp);
      if (!decoded) throw invalidToken(ctx.service);
      cursor = decoded.cursor;
    }
    if (!map) return { items: [], nextToken: undefined };
    const short = this.faults.shortPage(limit);
    const page = map.page(cursor, short ?? limit, accept);
    const next = page.more ? this.pageTokens.encode(ctx.operation, fp, page.lastKey ?? cursor) : undefined;
    return { items: page.items, nextToken: next };
  }
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new ServiceError(
      "SerializationException",
      `Unable to parse the request body as JSON: ${(error as Error).message}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ServiceError("SerializationException", "The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

const ORGANIZATIONS_REASON: Partial<Record<string, string>> = {
  required: "INPUT_REQUIRED",
  "min-length": "MIN_LENGTH_EXCEEDED",
  "max-length": "MAX_LENGTH_EXCEEDED",
  pattern: "INVALID_PATTERN",
  enum: "INVALID_ENUM",
  "min-value": "MIN_VALUE_EXCEEDED",
  "max-value": "MAX_VALUE_EXCEEDED",
};

function validationError(service: ServiceName, violations: ReturnType<typeof validateInput>): ServiceError {
  const first = violations[0];
  if (first?.kind === "type") {
    return new ServiceError(
      "SerializationException",
      `Unexpected value type at '${first.path}': ${first.constraint}`,
    );
  }
  const message = coralMessage(violations);
  if (service === "organizations") {
    return new ServiceError("InvalidInputException", message, {
      Reason: ORGANIZATIONS_REASON[first?.kind ?? ""] ?? "INVALID_INPUT",
    });
  }
  return new ServiceError("ValidationException", message);
}

function throttled(service: ServiceName): ServiceError {
  if (service === "organizations") {
    return new ServiceError(
      "TooManyRequestsException",
      DEFAULT_FAULT_MESSAGES.TooManyRequestsException as string,
    );
  }
  return new ServiceError("ThrottlingException", RATE_EXCEEDED);
}

function accessDeniedFor(
  service: ServiceName,
  callerArn: string,
  action: string,
  decision: "implicit-deny" | "explicit-deny",
): ServiceError {
  if (service === "organizations") {
    return new ServiceError("AccessDeniedException", "You don't have permissions to access this resource.");
  }
  const why =
    decision === "explicit-deny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${action} action`;
  return new ServiceError(
    "AccessDeniedException",
    `User: ${callerArn} is not authorized to perform: ${action} ${why}`,
  );
}
