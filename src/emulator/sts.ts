import { createHash } from "node:crypto";
import { ServiceError } from "./service-error.ts";

/**
 * STS's `GetCallerIdentity`, the one STS call accessops makes, over STS's own protocol (awsQuery:
 * a form-encoded `POST /` with `Action` and `Version`, an XML answer). It tells accessops who runs
 * it, so the planner can refuse a plan that removes the caller's own access. As on AWS, no policy
 * can deny it ("No permissions are required to perform this operation").
 */

export const STS_API_VERSION = "2011-06-15";
const STS_NAMESPACE = `https://sts.amazonaws.com/doc/${STS_API_VERSION}/`;
export const GET_CALLER_IDENTITY = "GetCallerIdentity";
const XML_TYPE = "text/xml";
/** awsQuery answers a client error with 400 and a server error with 500. */
const HTTP_BAD_REQUEST = 400;
const HTTP_SERVER_ERROR = 500;
/** IAM unique ids of roles start with this prefix (AROA) and hold 17 more characters. */
const ROLE_ID_PREFIX = "AROA";
const ROLE_ID_LENGTH = 17;
const USER_ID_PREFIX = "AIDA";

/**
 * The caller ARN forms a seed may give: an assumed role (an IAM Identity Center user's
 * `AWSReservedSSO_<PermissionSet>_<hash>` role, or a CI role assumed through OIDC), an IAM user,
 * or an account's root.
 */
export const CALLER_ARN =
  /^arn:aws(?:-[a-z]+)*:(?:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})|iam::(\d{12}):(?:user(?:\/[\w+=,.@-]+)+|root))$/;

/** The account of a caller ARN (valid by `CALLER_ARN`). */
export function callerAccountOf(arn: string): string | null {
  const m = CALLER_ARN.exec(arn);
  return m ? (m[1] ?? m[4] ?? null) : null;
}

/** The caller the emulator answers for when the seed names none: a role in the caller's account. */
export const defaultCallerArn = (accountId: string): string =>
  `arn:aws:sts::${accountId}:assumed-role/accessops/emulator`;

export interface CallerIdentity {
  Arn: string;
  Account: string;
  /** `AROA…:<session>` for an assumed role, `AIDA…` for an IAM user, the account id for root. */
  UserId: string;
}

/** A stable, model-shaped unique id for a role or user name (AWS's are random; these are derived). */
function uniqueId(prefix: string, name: string): string {
  const digest = createHash("sha256").update(name).digest("base64");
  return `${prefix}${digest
    .replace(/[^A-Za-z0-9]/g, "")
    .toUpperCase()
    .slice(0, ROLE_ID_LENGTH)}`;
}

export function callerIdentity(arn: string): CallerIdentity {
  const m = CALLER_ARN.exec(arn);
  const account = callerAccountOf(arn) ?? "";
  const [, , role, session] = m ?? [];
  if (role !== undefined && session !== undefined) {
    return { Arn: arn, Account: account, UserId: `${uniqueId(ROLE_ID_PREFIX, role)}:${session}` };
  }
  if (arn.endsWith(":root")) return { Arn: arn, Account: account, UserId: account };
  return { Arn: arn, Account: account, UserId: uniqueId(USER_ID_PREFIX, arn) };
}

/** The `Action` and `Version` of an awsQuery body, or null when it is not one. */
export function queryAction(body: string): { action: string; version: string | null } | null {
  const params = new URLSearchParams(body);
  const action = params.get("Action");
  return action === null ? null : { action, version: params.get("Version") };
}

export interface QueryResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

export function identityResponse(identity: CallerIdentity, requestId: string): QueryResponse {
  const body = [
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">`,
    "  <GetCallerIdentityResult>",
    `    <Arn>${escapeXml(identity.Arn)}</Arn>`,
    `    <UserId>${escapeXml(identity.UserId)}</UserId>`,
    `    <Account>${identity.Account}</Account>`,
    "  </GetCallerIdentityResult>",
    "  <ResponseMetadata>",
    `    <RequestId>${requestId}</RequestId>`,
    "  </ResponseMetadata>",
    "</GetCallerIdentityResponse>",
  ].join("\n");
  return { status: 200, headers: { "content-type": XML_TYPE, "x-amzn-requestid": requestId }, body };
}

/** Error codes STS answers with a 5xx; every other code is the sender's fault. */
const SERVER_CODES = new Set(["InternalFailure", "ServiceUnavailable"]);

/** An awsQuery error document: `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function queryErrorResponse(error: ServiceError, requestId: string): QueryResponse {
  const server = SERVER_CODES.has(error.type);
  const body = [
    `<ErrorResponse xmlns="${STS_NAMESPACE}">`,
    "  <Error>",
    `    <Type>${server ? "Receiver" : "Sender"}</Type>`,
    `    <Code>${escapeXml(error.type)}</Code>`,
    `    <Message>${escapeXml(error.message)}</Message>`,
    "  </Error>",
    `  <RequestId>${requestId}</RequestId>`,
    "</ErrorResponse>",
  ].join("\n");
  return {
    status: server ? HTTP_SERVER_ERROR : HTTP_BAD_REQUEST,
    headers: { "content-type": XML_TYPE, "x-amzn-requestid": requestId },
    body,
  };
}

/** STS's own names for the faults the emulator injects. */
export const STS_THROTTLED = new ServiceError("Throttling", "Rate exceeded");
export const STS_SERVER_ERROR = new ServiceError(
  "InternalFailure",
  "The request processing has failed because of an unknown error, exception or failure.",
);
