import type { AddressInfo } from "node:net";
import { ManualClock } from "./clock.ts";
import { Engine } from "./engine.ts";
import { parseFaultSpec } from "./faults.ts";
import {
  type AsyncStats,
  type CallStats,
  DEFAULT_LIMITS,
  type EmulatorOptions,
  type FaultRule,
  type FaultSpec,
  type PolicyDocument,
  type WriteRecord,
} from "./options.ts";
import { type CompiledPolicy, compilePolicy, readPolicyFile } from "./policy.ts";
import { checkSeed, readSeedFile, type Seed } from "./seed.ts";
import { createEmulatorServer } from "./server.ts";

export type { Engine } from "./engine.ts";
export { SMITHY_ERROR_STATUS } from "./model.ts";
export type {
  AsyncStats,
  CallStats,
  EmulatorLimits,
  EmulatorOptions,
  FaultRule,
  FaultSpec,
  OperationStats,
  PolicyDocument,
  PolicyStatement,
  ServiceName,
  WriteRecord,
} from "./options.ts";
export { DEFAULT_LIMITS } from "./options.ts";
export type { Seed } from "./seed.ts";
export { checkSeed, exportSeed, parseSeed, readSeedFile, seedText } from "./seed.ts";

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_LATENCY_MS = 1000;
const DEFAULT_LATENCY_SIGMA = 0.5;
const DEFAULT_RANDOM_SEED = 1;

/** A started emulator. Everything the control endpoints serve is also available here. */
export interface RunningEmulator {
  /** `http://HOST:PORT`: give it to the SDK clients as `endpoint` (or `AWS_ENDPOINT_URL`). */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** The instance ARN and identity store id of the current state. */
  readonly instanceArn: string;
  readonly identityStoreId: string;
  /** Stops listening, closes connections and cancels pending async work. */
  stop(): Promise<void>;
  /** The current state in the seed format (`GET /_emulator/state`). */
  state(): Seed;
  /** Per-operation counters (`GET /_emulator/calls`). */
  calls(): CallStats;
  /** Every accepted mutating call, in order (`GET /_emulator/writes`). */
  writes(): WriteRecord[];
  /** In-flight statistics of async operations since the last stats reset. */
  asyncStats(): AsyncStats;
  /** Clears counters, the write log and async statistics (`POST /_emulator/stats/reset`). */
  resetStats(): void;
  /** Back to the seed and the configured faults; counters cleared (`POST /_emulator/reset`). */
  reset(): void;
  /** Replaces the random faults. */
  setFaults(spec: string | FaultSpec): void;
  /** Adds targeted fault rules after the existing ones. */
  addFaultRules(...rules: FaultRule[]): void;
  /** Removes every fault and rule. */
  clearFaults(): void;
  /** Replaces the caller's policy; null allows everything. */
  setPolicy(policy: PolicyDocument | null): void;
  /** The emulated clock, epoch ms. */
  now(): number;
  /** Manual clock only: moves time forward, finishing whatever falls due. */
  advance(ms: number): void;
}

/**
 * The emulator without its HTTP server, for in-process use (tests, the benchmark's call-level
 * checks): `engine.handle(target, body)` serves one call. Takes the seed and policy as values
 * (a checked seed, a compiled policy); `startEmulator` reads files first.
 */
export function createEngine(
  options: Omit<EmulatorOptions, "seed" | "policy"> & { seed: Seed; policy: CompiledPolicy | null },
): Engine {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be positive, got ${timeScale}`);
  const latencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
  if (!(latencyMs >= 0)) throw new Error(`latencyMs must not be negative, got ${latencyMs}`);
  return new Engine({
    seed: options.seed,
    latencyMs,
    latencySigma: options.latencySigma ?? DEFAULT_LATENCY_SIGMA,
    timeScale,
    faults: parseFaultSpec(options.faults ?? {}),
    faultRules: options.faultRules ?? [],
    randomSeed: options.randomSeed ?? DEFAULT_RANDOM_SEED,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    policy: options.policy,
    errorStatus: options.errorStatus ?? {},
    clock: options.clock ?? "real",
    startTime: options.startTime,
    checkResponses: options.checkResponses ?? false,
    onInternalError: (error) => {
      process.stderr.write(
        `accessops emulator: internal error: ${(error as Error).stack ?? String(error)}\n`,
      );
    },
  });
}

/**
 * Starts the IAM Identity Center + Organizations emulator on an HTTP port and resolves once it
 * listens. See `EmulatorOptions` for every option and its default; a bad seed or policy
 * rejects with the problem (a `ConfigError` for seeds, listing every problem with its place).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed: Seed =
    typeof options.seed === "string" ? await readSeedFile(options.seed) : checkSeed(options.seed ?? {});
  const policy =
    options.policy === undefined
      ? null
      : typeof options.policy === "string"
        ? await readPolicyFile(options.policy)
        : compilePolicy(options.policy);
  const engine = createEngine({ ...options, seed, policy });
  const server = createEmulatorServer(engine);
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    host,
    port,
    get instanceArn() {
      return engine.store.instance.arn;
    },
    get identityStoreId() {
      return engine.store.instance.identityStoreId;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        engine.clock.cancelAll();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    state: () => engine.exportState(),
    calls: () => engine.calls(),
    writes: () => engine.writes(),
    asyncStats: () => engine.asyncStats(),
    resetStats: () => engine.resetStats(),
    reset: () => engine.reset(),
    setFaults: (spec) => engine.faults.setSpec(parseFaultSpec(spec)),
    addFaultRules: (...rules) => engine.faults.addRules(rules),
    clearFaults: () => engine.faults.clear(),
    setPolicy: (doc) => {
      engine.policy = doc === null ? null : compilePolicy(doc);
    },
    now: () => engine.now(),
    advance: (ms) => {
      if (!(engine.clock instanceof ManualClock))
        throw new Error('advance() needs the manual clock: start with clock: "manual"');
      engine.clock.advance(ms);
    },
  };
}
