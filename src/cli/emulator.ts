import type { Writable } from "node:stream";
import { type Command, InvalidArgumentError } from "commander";
import { parseFaultSpec } from "../emulator/faults.ts";
import { type EmulatorOptions, type RunningEmulator, seedText, startEmulator } from "../emulator/index.ts";
import { ConfigError } from "../model/errors.ts";
import { positiveNumberArg } from "./connection.ts";
import { writeFileAtomic } from "./output.ts";

const DEFAULT_PORT = 4566;
const DEFAULT_LATENCY_MS = 1000;

interface EmulatorCliOptions {
  host: string;
  port: number;
  seed?: string;
  export?: string;
  latencyMs: number;
  timeScale: number;
  faults?: string;
  randomSeed: number;
  policy?: string;
}

/** Where the command writes and which signals stop it. Injected by tests. */
export interface EmulatorIo {
  stdout: Writable;
  stderr: Writable;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  stopSignal(): Promise<string>;
}

function numberArg(min: number, integer: boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(
        `expected ${integer ? "an integer" : "a number"} >= ${min}, got "${value}"`,
      );
    }
    return n;
  };
}

export function registerEmulator(program: Command): void {
  program
    .command("emulator")
    .description(
      "run a local IAM Identity Center + Organizations emulator (sso-admin, identitystore, organizations)",
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "TCP port; 0 picks a free one", numberArg(0, true), DEFAULT_PORT)
    .option("--seed <file>", "JSON seed with the initial state (format: docs/emulator.md)")
    .option("--export <file>", "write the state to this file (seed format) when stopped")
    .option(
      "--latency-ms <n>",
      "median latency of async operations, ms",
      numberArg(0, false),
      DEFAULT_LATENCY_MS,
    )
    .option("--time-scale <k>", "multiply every rate and divide every latency by k", positiveNumberArg, 1)
    .option(
      "--faults <spec>",
      "random faults, e.g. throttle=0.05,server=0.01,failed=0.02,shortpage=0.1,spike=0.05,lag=2000",
    )
    .option("--random-seed <n>", "seed of every random draw (faults, latencies, ids)", numberArg(0, true), 1)
    .option("--policy <file>", "IAM-style policy JSON the caller's calls are checked against")
    .addHelpText(
      "after",
      "\nPoint any AWS SDK or the AWS CLI at it with AWS_ENDPOINT_URL=http://HOST:PORT and any credentials.\nStops on SIGINT/SIGTERM (writing --export). Control endpoints: GET /_emulator/state, /_emulator/calls, /_emulator/writes.",
    )
    .action(async (options: EmulatorCliOptions) => {
      process.exitCode = await runEmulator(options, {
        stdout: process.stdout,
        stderr: process.stderr,
        stopSignal: () =>
          new Promise((resolve) => {
            const stop = (signal: string) => {
              process.off("SIGINT", stop);
              process.off("SIGTERM", stop);
              resolve(signal);
            };
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
          }),
      });
    });
}

/** Runs the emulator until a stop signal; returns the exit code. Start-up problems throw `ConfigError`. */
export async function runEmulator(options: EmulatorCliOptions, io: EmulatorIo): Promise<number> {
  let faults: EmulatorOptions["faults"];
  try {
    faults = options.faults === undefined ? undefined : parseFaultSpec(options.faults);
  } catch (error) {
    throw new ConfigError(
      `invalid --faults: ${(error as Error).message}`,
      [],
      "Fix --faults and run again.",
      { cause: error },
    );
  }
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      host: options.host,
      port: options.port,
      seed: options.seed,
      latencyMs: options.latencyMs,
      timeScale: options.timeScale,
      faults,
      randomSeed: options.randomSeed,
      policy: options.policy,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new ConfigError(
        `port ${options.port} on ${options.host} is in use`,
        [],
        "Stop what listens there or pick another port with --port.",
        { cause: error },
      );
    }
    throw error;
  }
  io.stdout.write(`listening on ${emulator.endpoint}\n`);
  const signal = await io.stopSignal();
  const state = emulator.state();
  await emulator.stop();
  if (options.export !== undefined) {
    await writeFileAtomic(options.export, seedText(state), "--export");
    io.stderr.write(`stopped (${signal}); state written to ${options.export}\n`);
  } else {
    io.stderr.write(`stopped (${signal})\n`);
  }
  return 0;
}
