import { describe, expect, it } from "vitest";
import { connect } from "../../src/aws/clients.ts";
import { debugLogFrom } from "../../src/aws/debug.ts";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import { REDACTED, redactSecrets } from "../../src/aws/redact.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { withEmulator } from "./harness.ts";
import { smallConfig, smallSeed } from "./small-org.ts";

const KEY_ID = "AKIAFAKEFAKEFAKE1234";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETMARKER";
const TOKEN = `IQoJb3JpZ2luX2VjEFAKE${"TOKENMARKER".repeat(20)}`;
const ENV = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN };
const SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

/** What AWS answers a signature mismatch with: the canonical request it expected, headers included. */
const CANONICAL_ECHO = [
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
  "",
  "The Canonical String for this request should have been",
  "'POST",
  "/",
  "",
  "content-type:application/x-amz-json-1.1",
  "host:sso.us-east-1.amazonaws.com",
  "x-amz-date:20260601T000000Z",
  `x-amz-security-token:${TOKEN}`,
  "x-amz-target:SWBExternalService.ListInstances",
  "",
  "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
  "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'",
].join("\n");

describe("redactSecrets", () => {
  it.each<[string, string, string[]]>([
    ["AWS's canonical-request echo", CANONICAL_ECHO, [TOKEN, "TOKENMARKER"]],
    [
      "an Authorization header echoed by an incomplete-signature error",
      `Authorization=AWS4-HMAC-SHA256 Credential=${KEY_ID}/20260601/us-east-1/sso/aws4_request, SignedHeaders=host, Signature=${SIGNATURE}`,
      [KEY_ID, SIGNATURE],
    ],
    [
      "a presigned URL",
      `https://x/?X-Amz-Credential=${KEY_ID}%2F20260601&X-Amz-Security-Token=${encodeURIComponent(TOKEN)}&X-Amz-Signature=${SIGNATURE}`,
      [KEY_ID, SIGNATURE, "TOKENMARKER"],
    ],
    [
      "a shared credentials file",
      `aws_secret_access_key = ${SECRET}\naws_session_token=${TOKEN}`,
      [SECRET, TOKEN],
    ],
    [
      "JSON credentials",
      `{"accessKeyId":"${KEY_ID}","secretAccessKey":"${SECRET}","sessionToken":"${TOKEN}"}`,
      [KEY_ID, SECRET, TOKEN],
    ],
    ["a secret value anywhere, by value", `failed for ${SECRET}!`, [SECRET]],
    ["a temporary key id", "key ASIAFAKEFAKEFAKE5678 expired", ["ASIAFAKEFAKEFAKE5678"]],
    [
      "a GitHub token",
      `token ghs_${"a".repeat(36)} and github_pat_${"B".repeat(30)}`,
      ["ghs_", "github_pat_"],
    ],
    ["a bearer token", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", ["eyJhbGciOiJIUzI1NiJ9"]],
  ])("removes %s", (_, text, secrets) => {
    const out = redactSecrets(text, ENV);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it("keeps what is no secret: names, ARNs, request ids, error codes, the dummy local credentials", () => {
    const text =
      "ListAccountAssignments (assignment/222222222222/Admin/GROUP/Platform-Admins) failed: AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com is not authorized (request 1f2e3d4c-0000-4000-8000-000000000000)";
    expect(redactSecrets(text, { AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x" })).toBe(text);
  });
});

describe("the debug log", () => {
  it("is off unless ACCESSOPS_DEBUG asks for it", () => {
    expect(debugLogFrom({})).toBeNull();
    expect(debugLogFrom({ ACCESSOPS_DEBUG: "0" })).toBeNull();
    expect(debugLogFrom({ ACCESSOPS_DEBUG: "1" })).not.toBeNull();
  });

  it("says each call's operation, duration, outcome and retries, and never a secret AWS echoes", async () => {
    const lines: string[] = [];
    const debug = debugLogFrom({ ACCESSOPS_DEBUG: "1", ...ENV }, (text) => lines.push(text));
    await withEmulator(
      smallSeed,
      async ({ ctx }) => {
        await readLive(ctx, readRequestFor(smallConfig, { refresh: "full" }));
      },
      {
        connection: { debug },
        emulator: {
          faultRules: [
            { operation: "ListGroups", error: "ThrottlingException" },
            { operation: "ListUsers", error: "InternalServerException", message: CANONICAL_ECHO },
          ],
        },
      },
    );
    const log = lines.join("");
    expect(log).toMatch(/^debug: sso-admin:ListInstances \d+\.\d ms ok \(request [0-9a-f-]{36}\)$/m);
    expect(log).toMatch(/^debug: sts:GetCallerIdentity \d+\.\d ms ok/m);
    expect(log).toMatch(
      /^debug: identitystore:ListGroups \d+\.\d ms ThrottlingException \(HTTP 400, request [0-9a-f-]{36}\): Rate exceeded$/m,
    );
    expect(log).toMatch(/^debug: identitystore:ListGroups retry 1 in \d+ ms \(throttling\)$/m);
    expect(log).toMatch(/^debug: identitystore:ListUsers \d+\.\d ms InternalServerException \(HTTP 500/m);
    expect(log).toMatch(/^debug: identitystore:ListUsers retry 1 in \d+ ms \(transient\)$/m);
    expect(log).toContain(`x-amz-security-token:${REDACTED}`);
    for (const secret of [TOKEN, "TOKENMARKER", KEY_ID, SECRET]) expect(log).not.toContain(secret);
  });

  it("reaches stderr through connect when the environment asks", async () => {
    const emu = await startEmulator({ latencyMs: 0 });
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const ctx = connect({ endpoint: emu.endpoint, env: { ACCESSOPS_DEBUG: "1" } });
      await readLive(ctx, readRequestFor(smallConfig, { refresh: "targeted" })).catch(() => undefined);
      ctx.close();
    } finally {
      process.stderr.write = write;
      await emu.stop();
    }
    expect(written.join("")).toMatch(/^debug: sso-admin:ListInstances /m);
  });
});
