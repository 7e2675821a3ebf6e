import { AwsError } from "../model/errors.ts";
import type { AwsContext } from "./clients.ts";
import { type ServiceName, statsKey } from "./limiter.ts";
import { redactSecrets } from "./redact.ts";
import { networkErrorCode, RetriesExhaustedError, type RetryPolicy, withRetry } from "./retry.ts";

/** Which call, and on what: for retries, counters and error messages. */
export interface CallSite {
  service: ServiceName;
  operation: string;
  /** The address being read or written (`group/Admins`, `permission-set/ReadOnly`), or what else. */
  address: string | null;
}

const MS_PER_SECOND = 1000;

/** The prefix of each service's actions in IAM policies (sso-admin's are `sso:`). */
const IAM_PREFIX: Record<ServiceName, string> = {
  "sso-admin": "sso",
  identitystore: "identitystore",
  organizations: "organizations",
  sts: "sts",
};

/** The IAM action a call needs, as the role policies in docs/iam/ name it: `sso:ListPermissionSets`. */
export function iamAction(site: CallSite): string {
  return `${IAM_PREFIX[site.service]}:${site.operation}`;
}

interface SdkErrorFields {
  name?: unknown;
  message?: unknown;
  Reason?: unknown;
  $metadata?: { requestId?: unknown };
}

const fieldsOf = (error: unknown): SdkErrorFields =>
  error !== null && typeof error === "object" ? (error as SdkErrorFields) : {};

const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied"]);
const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidClientTokenId",
  "MissingAuthenticationTokenException",
]);

/** What to do next, by what went wrong; full sentences for the user. */
function advice(
  ctx: AwsContext,
  site: CallSite,
  code: string,
  message: string,
  reason: unknown,
  exhausted: RetriesExhaustedError | null,
): string {
  const action = iamAction(site);
  if (exhausted?.reason === "throttling") {
    return (
      `AWS kept throttling ${site.operation} for ${Math.round(exhausted.elapsedMs / MS_PER_SECOND)} s although accessops paces its calls under the quota; ` +
      "another tool is probably using the same quota. Run again, or lower accessops's pace with --max-rate."
    );
  }
  if (code === "ECONNREFUSED" && ctx.endpoint) {
    return `Nothing answers at ${ctx.endpoint}. Start the emulator (accessops emulator) or correct --endpoint / AWS_ENDPOINT_URL.`;
  }
  if (exhausted) {
    return `AWS kept failing (${code}) for ${Math.round(exhausted.elapsedMs / MS_PER_SECOND)} s. Run again in a few minutes; nothing was changed.`;
  }
  if (ACCESS_DENIED.has(code)) {
    return `The credentials in use may not call ${action}. Grant the role that runs accessops the read-only actions of docs/iam/plan-role-policy.json, then run again.`;
  }
  if (BAD_CREDENTIALS.has(code)) {
    return "AWS rejected the credentials. Refresh them (for example aws sso login), or pick others with --profile or AWS_PROFILE, then run again.";
  }
  if (code === "CredentialsProviderError") {
    return "No AWS credentials were found. Log in (for example aws sso login), set AWS_PROFILE or pass --profile, then run again.";
  }
  if (/region is missing/i.test(message)) {
    return "No AWS region is set. Set settings.region in the access files, pass --region, or set AWS_REGION.";
  }
  if (/next ?token/i.test(message) || reason === "INVALID_NEXT_TOKEN") {
    return "AWS rejected a page token: the list changed during the read, or the token expired. Run again.";
  }
  if (code === "ResourceNotFoundException") {
    return `${site.operation} found nothing${site.address ? ` at ${site.address}` : ""}; it was probably deleted while accessops was reading. Run again.`;
  }
  return `Run again; if ${site.operation} fails the same way, check the service in the AWS console and report the request id.`;
}

/**
 * Wraps any failure of an AWS call into an `AwsError` naming the operation, the address and
 * the next step, keeping the original as `cause`. An `AwsError` passes through unchanged. AWS's
 * message is redacted (`redactSecrets`): a signature error can echo the session token.
 */
export function toAwsError(ctx: AwsContext, site: CallSite, error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const exhausted = error instanceof RetriesExhaustedError ? error : null;
  const inner = exhausted ? exhausted.cause : error;
  const f = fieldsOf(inner);
  const code =
    networkErrorCode(inner) ?? (typeof f.name === "string" && f.name !== "Error" ? f.name : "Error");
  const text = redactSecrets(typeof f.message === "string" && f.message !== "" ? f.message : String(inner));
  const requestId = typeof f.$metadata?.requestId === "string" ? f.$metadata.requestId : null;
  return new AwsError(
    {
      operation: site.operation,
      address: site.address,
      awsCode: code,
      requestId,
      message: `${site.operation}${site.address ? ` (${site.address})` : ""} failed: ${code}: ${text}`,
      detail: advice(ctx, site, code, text, f.Reason, exhausted),
    },
    { cause: error },
  );
}

/** Runs one AWS call under the connection's retry policy (or `policy`); failures become `AwsError`. */
export async function call<T>(
  ctx: AwsContext,
  site: CallSite,
  fn: () => Promise<T>,
  policy: RetryPolicy = ctx.retry,
): Promise<T> {
  const key = statsKey(site.service, site.operation);
  const attempt = () => {
    ctx.signal?.throwIfAborted();
    return fn();
  };
  try {
    return await withRetry(attempt, policy, (event) => {
      ctx.limiter.counter.retry(key);
      ctx.debug?.(`${key} retry ${event.attempt} in ${Math.round(event.delayMs)} ms (${event.reason})`);
    });
  } catch (error) {
    throw toAwsError(ctx, site, error);
  }
}

/** One page of a list call: its items (AWS omits an empty list) and the next token. */
export interface Page<T> {
  items: readonly T[] | undefined;
  next: string | undefined | null;
}

/**
 * The pages of a list call, one call each, in order; `last` marks the final one. A missing
 * list is an empty page; a missing, null or empty token ends the listing; a token seen before
 * is a page loop and an error (never a partial list presented as complete). Stopping early
 * and resuming later is fine: the cursor holds the next token.
 */
export async function* pages<T>(
  ctx: AwsContext,
  site: CallSite,
  page: (token: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<{ items: readonly T[]; last: boolean }, void, undefined> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const current = token;
    const result = await call(ctx, site, () => page(current));
    const next = result.next ?? "";
    yield { items: result.items ?? [], last: next === "" };
    if (next === "") return;
    if (seen.has(next)) {
      throw new AwsError({
        operation: site.operation,
        address: site.address,
        message: `${site.operation}${site.address ? ` (${site.address})` : ""} returned a page token it had already returned`,
        detail:
          "AWS's paging went round in a loop, so the list cannot be read completely. Run again; if it persists, report it.",
      });
    }
    seen.add(next);
    token = next;
  }
}

/** Every item of a list call, all pages (see `pages`). */
export async function readAll<T>(
  ctx: AwsContext,
  site: CallSite,
  page: (token: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const p of pages(ctx, site, page)) items.push(...p.items);
  return items;
}
