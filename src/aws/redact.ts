/**
 * Credentials, session tokens and request signatures never leave accessops. They reach no text
 * accessops writes unless AWS (or a misbehaving endpoint) echoes them back: a signature mismatch
 * answers the canonical request AWS expected, `x-amz-security-token` header value included, and
 * an incomplete signature answers the Authorization header (`Credential=AKIA…`, `Signature=…`).
 * Every message built from an AWS or SDK error, and every debug line, goes through
 * `redactSecrets` first.
 */

/** What a redacted value is replaced by. */
export const REDACTED = "[redacted]";

/**
 * Environment variables whose values are secrets (AWS credentials, the GitHub Action's tokens):
 * their exact values are removed wherever they appear, whatever the text around them.
 */
export const SECRET_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "INPUT_GITHUB-TOKEN",
  "INPUT_GITHUB_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
] as const;

/**
 * Values shorter than this are not treated as secrets by value (the emulator's dummy `x`
 * credentials would otherwise blank every `x`); real keys and tokens are far longer.
 */
const MIN_SECRET_LENGTH = 8;

/**
 * Shapes of secrets in text, each with what replaces it. Key ids are kept recognisable as such
 * (so a user can tell which credentials were used) but not readable.
 */
const SHAPES: readonly [RegExp, string][] = [
  // SigV4 Authorization header and presigned-URL parameters.
  [/(Credential=)[^,\s'"&]+/gi, `$1${REDACTED}`],
  [/(Signature=)[0-9a-f]+/gi, `$1${REDACTED}`],
  // The session token as a header (canonical requests echo `x-amz-security-token:<value>`) or a query parameter.
  [/(x-amz-security-token\s*[:=]\s*)[^\s'"&,]+/gi, `$1${REDACTED}`],
  // Credentials written as settings: aws_secret_access_key = …, "sessionToken": "…".
  [
    /((?:aws_)?(?:secret_access_key|session_token|security_token|secretAccessKey|sessionToken)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    `$1${REDACTED}`,
  ],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, `$1${REDACTED}`],
  // Access key ids: long-term (AKIA), temporary (ASIA) and the other key-id prefixes.
  [/\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, `$1${REDACTED}`],
  // GitHub tokens (classic prefixes and fine-grained).
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, REDACTED],
  // An STS session token or any other long run of base64: nothing accessops prints legitimately holds one.
  [/[A-Za-z0-9+/]{120,}={0,2}/g, REDACTED],
];

/** The secret values of `env` (see `SECRET_VARIABLES`), longest first so no part of one survives. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = SECRET_VARIABLES.map((name) => env[name]).filter(
    (v): v is string => typeof v === "string" && v.length >= MIN_SECRET_LENGTH,
  );
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every credential, token and signature replaced by `[redacted]`: the exact values of
 * the secret environment variables, and anything shaped like a key id, a signature, a session
 * token or a GitHub token.
 */
export function redactSecrets(
  text: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  let out = text;
  for (const value of secretValues(env)) out = out.split(value).join(REDACTED);
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}
