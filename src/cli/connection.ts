import { type Command, InvalidArgumentError, Option } from "commander";
import type { SessionOptions } from "../pipeline.ts";

/** The connection flags every command that talks to AWS shares (plan, apply, import, report --live). */
export interface ConnectionFlags {
  endpoint?: string;
  region?: string;
  profile?: string;
  instanceArn?: string;
  maxRate?: number;
}

/** Commander's parser of a positive number (`--max-rate`, `--time-scale`). */
export function positiveNumberArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  }
  return n;
}

/** Adds `--endpoint`, `--region`, `--profile`, `--instance-arn` and `--max-rate` to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--endpoint <url>", "AWS endpoint, for example the emulator's http://127.0.0.1:4566").env(
        "AWS_ENDPOINT_URL",
      ),
    )
    .option("--region <region>", "AWS region of the Identity Center instance (default: settings.region)")
    .option("--profile <name>", "named profile of the shared AWS config files")
    .option("--instance-arn <arn>", "Identity Center instance ARN (default: settings.instanceArn)")
    .option(
      "--max-rate <calls-per-second>",
      "ceiling on API calls per second, for teams sharing the quota with other tools",
      positiveNumberArg,
    );
}

/**
 * `--time-scale K` of plan and apply: for an emulator started with the same `--time-scale`, every
 * pace multiplied and every wait divided by K. Leave it at 1 against AWS.
 */
export function timeScaleOption(): Option {
  return new Option(
    "--time-scale <k>",
    "emulator only: divide every wait and multiply every pace by k, as the emulator's --time-scale",
  )
    .argParser(positiveNumberArg)
    .default(1);
}

/** Turns parsed flags into the pipeline's session options. */
export function sessionOptions(dir: string, flags: ConnectionFlags, now: Date): SessionOptions {
  return {
    dir,
    now,
    instanceArn: flags.instanceArn ?? null,
    connection: {
      endpoint: flags.endpoint ?? null,
      region: flags.region ?? null,
      profile: flags.profile ?? null,
      maxRate: flags.maxRate ?? null,
    },
  };
}
