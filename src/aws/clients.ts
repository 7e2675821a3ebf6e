import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { STSClient } from "@aws-sdk/client-sts";
import { ConfigError } from "../model/errors.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { type DebugLog, debugLogFrom, describeFailure } from "./debug.ts";
import { type LimiterOptions, RateLimiter, type ServiceName } from "./limiter.ts";
import { classifyError, networkErrorCode, READ_RETRY_POLICY, type RetryPolicy } from "./retry.ts";

export interface ConnectionOptions {
  /** `--region`, else `settings.region`; null lets the SDK find it (AWS_REGION, the profile). */
  region?: string | null;
  /** A named profile of the shared AWS config files (`--profile`); null: the default chain. */
  profile?: string | null;
  /** `--endpoint`; null falls back to `AWS_ENDPOINT_URL`, then to AWS itself. */
  endpoint?: string | null;
  /** A ceiling on every pacing bucket, calls per second (see `LimiterOptions.maxRate`). */
  maxRate?: number | null;
  /** Other pacing settings; the defaults follow AWS's published quotas. */
  limits?: Partial<Omit<LimiterOptions, "maxRate">>;
  /** Overrides of the read retry policy (tests shorten the deadline). */
  retry?: Partial<RetryPolicy>;
  /** The environment to read `AWS_*` variables from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  /**
   * Where debug lines go (one per HTTP attempt and per retry, redacted); by default stderr when
   * `ACCESSOPS_DEBUG` is set in `env`, else nowhere. Null turns the debug log off.
   */
  debug?: DebugLog | null;
}

/**
 * A connection: the three SDK clients, one pacing limiter shared by everything that calls
 * through them (reader and writer), and the read retry policy. Create one per command run.
 */
export interface AwsContext {
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
  organizations: OrganizationsClient;
  /** For GetCallerIdentity only: who runs accessops. */
  sts: STSClient;
  limiter: RateLimiter;
  /** The reader's retry policy; the writer derives its own from it (adding conflicts). */
  retry: RetryPolicy;
  /** The custom endpoint in use, or null against AWS. For messages. */
  endpoint: string | null;
  /**
   * When aborted, calls not yet sent fail at once instead of reaching AWS. The reader derives a
   * context with its own signal and aborts the rest of a read after its first failure.
   */
  signal?: AbortSignal;
  /** The debug log (`ACCESSOPS_DEBUG`), or null; every line it receives is redacted. */
  debug?: DebugLog | null;
  /** Closes the clients' sockets. */
  close(): void;
}

/**
 * Organizations is a global service: against AWS its endpoint lives in us-east-1 and requests
 * are signed for that region, whatever region Identity Center lives in.
 */
const ORGANIZATIONS_REGION = "us-east-1";
/** Any region works against a local endpoint; this one is AWS's default, so messages look familiar. */
const LOCAL_REGION = "us-east-1";
/**
 * Signing needs some credentials, and an emulator checks none: these let
 * `accessops plan --endpoint http://127.0.0.1:4566` run on a machine with no AWS set-up.
 */
const LOCAL_CREDENTIALS = { accessKeyId: "accessops-local", secretAccessKey: "accessops-local" } as const;
/** Time to open a connection before the attempt counts as a network error (and is retried). */
const CONNECTION_TIMEOUT_MS = 5_000;
/** A socket idle this long mid-request is a network error (and is retried). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Environment variables by which the user picks credentials explicitly. Against a loopback
 * endpoint these are honoured; otherwise the local dummy credentials are used, so a stale
 * default profile (an expired SSO login) never blocks a run against the emulator.
 */
const EXPLICIT_CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
] as const;

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]", "::1"]);

/** Whether an endpoint URL points at this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(endpoint: URL): boolean {
  const host = endpoint.hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseEndpoint(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // reported below
  }
  throw new ConfigError(
    `endpoint ${JSON.stringify(text)} is not an http(s) URL`,
    [],
    "Pass --endpoint (or AWS_ENDPOINT_URL) as a URL such as http://127.0.0.1:4566.",
  );
}

/** Strips the SDK's `Command` suffix from `context.commandName` (a literal, safe under bundling). */
const operationOf = (commandName: string | undefined): string =>
  (commandName ?? "Unknown").replace(/Command$/, "");

/** Where the pacing middleware sits: in the build step, before signing (a wait never stales a signature). */
const PACING_STEP = { step: "build", name: "accessopsPacing", override: true } as const;

/**
 * Builds the clients. Region from the option, else the SDK's chain (a local endpoint falls
 * back to us-east-1); credentials from the profile or the default chain, or fixed dummy ones
 * for a loopback endpoint when none were chosen explicitly. SDK retries are off
 * (`maxAttempts: 1`): `src/aws/retry.ts` is the one retry layer (see there why).
 */
export function connect(options: ConnectionOptions = {}): AwsContext {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const env = options.env ?? process.env;
  const endpointText = options.endpoint ?? env.AWS_ENDPOINT_URL ?? null;
  const endpoint = endpointText === null || endpointText === "" ? null : parseEndpoint(endpointText);
  const local = endpoint !== null && isLoopback(endpoint);
  const profile = options.profile ?? undefined;
  const explicitCredentials = profile !== undefined || EXPLICIT_CREDENTIAL_VARIABLES.some((v) => !!env[v]);
  const region = options.region ?? (local && !env.AWS_REGION ? LOCAL_REGION : undefined);

  const common = {
    ...(endpoint ? { endpoint: endpoint.href } : {}),
    ...(profile ? { profile } : {}),
    ...(local && !explicitCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
  const clock = options.clock ?? systemClock;
  const limiter = new RateLimiter({ ...options.limits, maxRate: options.maxRate ?? null }, clock);
  const ssoAdmin = new SSOAdminClient({ ...common, region });
  const identityStore = new IdentitystoreClient({ ...common, region });
  const organizations = new OrganizationsClient({
    ...common,
    region: endpoint ? region : ORGANIZATIONS_REGION,
  });
  const sts = new STSClient({ ...common, region });
  const debug = options.debug !== undefined ? options.debug : debugLogFrom(env);
  // Every HTTP attempt goes through the limiter, which paces and counts it (and, with the debug
  // log on, says how long it took and how it ended).
  const through = <T>(service: ServiceName, commandName: string | undefined, send: () => Promise<T>) => {
    const operation = operationOf(commandName);
    return limiter.schedule(
      service,
      operation,
      debug ? () => logged(debug, clock, `${service}:${operation}`, send) : send,
    );
  };
  ssoAdmin.middlewareStack.add(
    (next, context) => (args) => through("sso-admin", context.commandName, () => next(args)),
    PACING_STEP,
  );
  identityStore.middlewareStack.add(
    (next, context) => (args) => through("identitystore", context.commandName, () => next(args)),
    PACING_STEP,
  );
  organizations.middlewareStack.add(
    (next, context) => (args) => through("organizations", context.commandName, () => next(args)),
    PACING_STEP,
  );
  sts.middlewareStack.add(
    (next, context) => (args) => through("sts", context.commandName, () => next(args)),
    PACING_STEP,
  );

  // Nothing listening on this machine is not going to change by waiting: fail at once.
  const classify = (error: unknown) =>
    local && networkErrorCode(error) === "ECONNREFUSED" ? null : classifyError(error);
  return {
    ssoAdmin,
    identityStore,
    organizations,
    sts,
    limiter,
    retry: { ...READ_RETRY_POLICY, classify, clock, ...options.retry },
    endpoint: endpoint?.href ?? null,
    debug,
    close() {
      ssoAdmin.destroy();
      identityStore.destroy();
      organizations.destroy();
      sts.destroy();
    },
  };
}

const MS_DECIMALS = 1;

/** Runs one HTTP attempt and writes its duration and outcome to the debug log. */
async function logged<T>(debug: DebugLog, clock: Clock, key: string, send: () => Promise<T>): Promise<T> {
  const started = clock.now();
  const took = () => `${(clock.now() - started).toFixed(MS_DECIMALS)} ms`;
  try {
    const result = await send();
    const requestId = (result as { response?: unknown; output?: { $metadata?: { requestId?: unknown } } })
      .output?.$metadata?.requestId;
    debug(`${key} ${took()} ok${typeof requestId === "string" ? ` (request ${requestId})` : ""}`);
    return result;
  } catch (error) {
    debug(`${key} ${took()} ${describeFailure(error)}`);
    throw error;
  }
}
