import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ManualClock } from "./clock.ts";
import type { Engine } from "./engine.ts";
import { checkFaultRule, parseFaultSpec } from "./faults.ts";
import type { FaultRule } from "./options.ts";
import { compilePolicy } from "./policy.ts";

/** Largest request body accepted (AWS's request limit is far lower; this only bounds memory). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const CONTROL_PREFIX = "/_emulator/";
const JSON_TYPE = "application/json";

/**
 * The HTTP front of the emulator: `POST /` with `X-Amz-Target` goes to the engine (any path, as
 * SDKs may add one); a form-encoded `POST /` is STS (awsQuery, answered in XML as STS does);
 * `/_emulator/*` are the control endpoints for tests and benchmarks. Every other answer is JSON,
 * never HTML, and every request gets one.
 */
export function createEmulatorServer(engine: Engine): Server {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        if (body === null) {
          send(
            res,
            413,
            { "content-type": JSON_TYPE },
            JSON.stringify({ __type: "SerializationException", Message: "Request body too large." }),
          );
          return;
        }
        const url = new URL(req.url ?? "/", "http://emulator");
        if (url.pathname.startsWith(CONTROL_PREFIX)) {
          control(engine, req.method ?? "GET", url.pathname.slice(CONTROL_PREFIX.length), body, res);
          return;
        }
        const target = headerValue(req, "x-amz-target");
        const attempt = /attempt=(\d+)/.exec(headerValue(req, "amz-sdk-request") ?? "")?.[1];
        const attemptNumber = attempt === undefined ? 1 : Number(attempt);
        if (req.method === "POST" && target === undefined && isFormEncoded(req)) {
          const answer = engine.handleQuery(body, attemptNumber);
          send(res, answer.status, answer.headers, answer.body);
          return;
        }
        if (req.method !== "POST" && target === undefined) {
          send(
            res,
            404,
            { "content-type": JSON_TYPE },
            JSON.stringify({
              __type: "UnknownOperationException",
              Message: `No route for ${req.method} ${url.pathname}: AWS APIs are POST / with X-Amz-Target.`,
            }),
          );
          return;
        }
        const answer = engine.handle(target, body, attemptNumber);
        send(res, answer.status, answer.headers, answer.body);
      })
      .catch((error: unknown) => {
        engine.config.onInternalError(error);
        if (!res.headersSent) {
          send(
            res,
            500,
            { "content-type": JSON_TYPE },
            JSON.stringify({
              __type: "InternalServerException",
              Message: `emulator bug: ${(error as Error).message}`,
            }),
          );
        }
      });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

/** STS speaks awsQuery: a form-encoded body instead of JSON with an X-Amz-Target header. */
function isFormEncoded(req: IncomingMessage): boolean {
  return (headerValue(req, "content-type") ?? "").startsWith("application/x-www-form-urlencoded");
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The body as text, or null when it is larger than `MAX_BODY_BYTES`. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function control(engine: Engine, method: string, route: string, body: string, res: ServerResponse): void {
  const ok = (value: unknown) => send(res, 200, { "content-type": JSON_TYPE }, JSON.stringify(value));
  const bad = (status: number, message: string) =>
    send(res, status, { "content-type": JSON_TYPE }, JSON.stringify({ error: message }));
  let parsed: unknown = null;
  try {
    parsed = body.trim() === "" ? null : JSON.parse(body);
  } catch (error) {
    bad(400, `the body is not JSON: ${(error as Error).message}`);
    return;
  }
  try {
    switch (`${method} ${route}`) {
      case "GET state":
        ok(engine.exportState());
        return;
      case "POST reset":
        engine.reset();
        ok({});
        return;
      case "GET calls":
        ok(engine.calls());
        return;
      case "GET writes":
        ok(engine.writes());
        return;
      case "GET stats":
        ok({ async: engine.asyncStats(), calls: engine.calls() });
        return;
      case "POST stats/reset":
        engine.resetStats();
        ok({});
        return;
      case "GET faults":
        ok({ spec: engine.faults.spec, rules: engine.faults.rules });
        return;
      case "POST faults":
        applyFaults(engine, parsed);
        ok({ spec: engine.faults.spec, rules: engine.faults.rules });
        return;
      case "DELETE faults":
        engine.faults.clear();
        ok({});
        return;
      case "PUT policy":
        engine.policy = parsed === null ? null : compilePolicy(parsed);
        ok({});
        return;
      case "POST advance": {
        const ms = (parsed as { ms?: unknown } | null)?.ms;
        if (!(engine.clock instanceof ManualClock)) {
          bad(409, "the clock is real: start the emulator with clock: manual");
        } else if (typeof ms !== "number" || ms < 0) {
          bad(400, 'give {"ms": <non-negative number>}');
        } else {
          engine.clock.advance(ms);
          ok({ now: engine.now() });
        }
        return;
      }
      default:
        bad(404, `unknown control endpoint ${method} /_emulator/${route}`);
        return;
    }
  } catch (error) {
    bad(400, (error as Error).message);
  }
}

/**
 * `POST /_emulator/faults`: a rule (`{operation, error, ...}`), a list of rules, or
 * `{ spec?: "throttle=0.1" | {...}, rules?: [...] }`. A spec replaces the random faults; rules
 * are added after the existing ones.
 */
function applyFaults(engine: Engine, body: unknown): void {
  if (Array.isArray(body)) {
    engine.faults.addRules(body.map(checkFaultRule));
    return;
  }
  if (body === null || typeof body !== "object")
    throw new Error("give a fault rule, a list of rules, or { spec, rules }");
  const b = body as { operation?: unknown; spec?: unknown; rules?: unknown };
  if (b.operation !== undefined) {
    engine.faults.addRules([checkFaultRule(body)]);
    return;
  }
  if (b.spec !== undefined) engine.faults.setSpec(parseFaultSpec(b.spec as string));
  if (b.rules !== undefined) {
    if (!Array.isArray(b.rules)) throw new Error('"rules" must be a list');
    engine.faults.addRules((b.rules as unknown[]).map(checkFaultRule) as FaultRule[]);
  }
}
