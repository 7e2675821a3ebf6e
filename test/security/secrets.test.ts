import { readdir, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PolicyDocument, type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { TIME_SCALE, tempDir } from "../apply/scenario.ts";
import { typical } from "../reliability/scenarios.ts";
import { type CliRun, runCli } from "./cli-process.ts";

/**
 * Secrets never reach output. The installed command runs with recognisable fake credentials in its
 * environment (the SDK signs every request with them) and the debug log on, through plan, apply,
 * import and report, and through every error path: nothing listening, AccessDenied, an endpoint
 * that echoes the request back in its error messages the way AWS does for a bad signature (the
 * canonical request, session token included) or an incomplete one (the Authorization header), and
 * one answering garbage (an internal error with a stack trace). The access key id, the secret key
 * and the session token appear in no stdout, stderr, plan.json, journal, report or imported file.
 */

const KEY_ID = "AKIAFAKEFAKEFAKE1234";
const SECRET_MARKER = "SECRETKEYMARKER";
const TOKEN_MARKER = "SESSIONTOKENMARKER";
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: KEY_ID,
  AWS_SECRET_ACCESS_KEY: `wJalrXUtnFEMI/K7MDENG/${SECRET_MARKER}EXAMPLEKEY`,
  AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2VjE${TOKEN_MARKER}${"Zm9vYmFy".repeat(40)}`,
  AWS_REGION: "us-east-1",
  ACCESSOPS_DEBUG: "1",
};
/** What must never be printed or written: the key id, and the parts of the secret key and token a cut would keep. */
const SECRETS = [
  KEY_ID,
  SECRET_MARKER,
  TOKEN_MARKER,
  CREDENTIALS.AWS_SECRET_ACCESS_KEY,
  CREDENTIALS.AWS_SESSION_TOKEN,
];

/** The installed command with the fake credentials and the debug log on. */
const cli = (args: string[]): Promise<CliRun> => runCli(args, CREDENTIALS);

/** Every file under `dir`, as text. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name), "utf8"));
  }
  return out;
}

function expectClean(...texts: string[]): void {
  const all = texts.join("\n");
  for (const secret of SECRETS) expect(all.includes(secret), `${secret.slice(0, 24)}… leaked`).toBe(false);
}

/**
 * An endpoint that answers every request with an error quoting what it received, as AWS does:
 * `signature` the canonical request (headers with the session token), `incomplete` the
 * Authorization header, `garbage` a 200 that is not JSON (the headers in its body), `wrong-shape` a
 * 200 whose list is a mapping holding the headers (accessops fails with an internal error and its
 * stack trace).
 */
type Echo = "signature" | "incomplete" | "garbage" | "wrong-shape";
function echoServer(mode: Echo): Promise<{ server: Server; endpoint: string }> {
  const headerLines = (req: IncomingMessage) =>
    Object.entries(req.headers)
      .map(([k, v]) => `${k}:${String(v)}`)
      .join("\n");
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (mode === "garbage") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(`<html><pre>${headerLines(req)}</pre></html>`);
        return;
      }
      if (mode === "wrong-shape") {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ Instances: { InstanceArn: headerLines(req) } }));
        return;
      }
      const [type, message] =
        mode === "signature"
          ? [
              "InvalidSignatureException",
              `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n\nThe Canonical String for this request should have been\n'POST\n/\n\n${headerLines(req)}'`,
            ]
          : [
              "IncompleteSignatureException",
              `Authorization header requires 'Credential' parameter. Authorization=${String(req.headers.authorization)}`,
            ];
      res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type });
      res.end(JSON.stringify({ __type: type, message }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** What each echoing endpoint makes accessops say. */
const ECHO_ERRORS: Record<Echo, RegExp> = {
  signature: /failed: InvalidSignatureException: The request signature we calculated does not match/,
  incomplete: /failed: IncompleteSignatureException: Authorization header requires 'Credential' parameter/,
  garbage: /failed: SyntaxError: .* is not valid JSON/,
  "wrong-shape": /^internal error: .*\n.*\nTypeError: .*\n {4}at /m,
};

let emu: RunningEmulator;
let dir: string;
beforeAll(async () => {
  const scenario = typical();
  emu = await startEmulator({ seed: scenario.seed, latencyMs: 1_000, timeScale: TIME_SCALE });
  dir = await tempDir(scenario.files);
});
afterAll(async () => {
  await emu?.stop();
});

describe("credentials never reach output", () => {
  it("through plan, apply, import and report, with the debug log on", async () => {
    const work = await tempDir();
    const planFile = join(work, "plan.json");
    const journal = join(work, "journal.jsonl");
    const imported = join(work, "imported");
    const reportFile = join(work, "report.json");
    const plan = await cli([
      "plan",
      dir,
      "--endpoint",
      emu.endpoint,
      "--out",
      planFile,
      "--format",
      "markdown",
    ]);
    expect(plan.code).toBe(0);
    // The debug log ran, and saw the signed requests go by.
    expect(plan.stderr).toMatch(/^debug: sso-admin:ListInstances .* ok/m);
    const apply = await cli([
      "apply",
      dir,
      "--endpoint",
      emu.endpoint,
      "--plan",
      planFile,
      "--journal",
      journal,
      "--time-scale",
      String(TIME_SCALE),
      "--format",
      "markdown",
    ]);
    expect(apply.code).toBe(0);
    const [imp, report] = await Promise.all([
      cli(["import", "--out", imported, "--endpoint", emu.endpoint]),
      cli(["report", dir, "--live", "--endpoint", emu.endpoint, "--out", reportFile]),
    ]);
    expect(imp.code).toBe(0);
    expect(report.code).toBe(0);
    expectClean(
      ...[plan, apply, imp, report].flatMap((r) => [r.stdout, r.stderr]),
      await readFile(planFile, "utf8"),
      await readFile(journal, "utf8"),
      await readFile(reportFile, "utf8"),
      ...(await filesUnder(imported)),
    );
  });

  it.each<[string, () => Promise<{ endpoint: string; done: () => Promise<void> }>, RegExp]>([
    [
      "nothing listening",
      async () => {
        const { server, endpoint } = await echoServer("garbage");
        await new Promise((resolve) => server.close(resolve));
        return { endpoint, done: async () => undefined };
      },
      /Nothing answers at http:\/\/127\.0\.0\.1:\d+\//,
    ],
    [
      "AccessDenied",
      async () => {
        const deny: PolicyDocument = {
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: "sso:*" }],
        };
        const denying = await startEmulator({ seed: typical().seed, latencyMs: 0, policy: deny });
        return { endpoint: denying.endpoint, done: () => denying.stop() };
      },
      /AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/accessops\/emulator is not authorized/,
    ],
    ...(["signature", "incomplete", "garbage", "wrong-shape"] as const).map(
      (mode): [string, () => Promise<{ endpoint: string; done: () => Promise<void> }>, RegExp] => [
        `an endpoint echoing the request (${mode})`,
        async () => {
          const { server, endpoint } = await echoServer(mode);
          return { endpoint, done: () => new Promise<void>((resolve) => server.close(() => resolve())) };
        },
        ECHO_ERRORS[mode],
      ],
    ),
  ])("on an error path: %s", async (_, serve, expected) => {
    const { endpoint, done } = await serve();
    try {
      const work = await tempDir();
      const [plan, apply] = await Promise.all([
        cli(["plan", dir, "--endpoint", endpoint, "--out", join(work, "plan.json")]),
        cli([
          "apply",
          dir,
          "--endpoint",
          endpoint,
          "--auto-approve",
          "--journal",
          join(work, "journal.jsonl"),
        ]),
      ]);
      for (const run of [plan, apply]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(expected);
      }
      expectClean(plan.stdout, plan.stderr, apply.stdout, apply.stderr, ...(await filesUnder(work)));
    } finally {
      await done();
    }
  });
});
