import { type AwsContext, type ConnectionOptions, connect } from "./aws/clients.ts";
import type { ReadStats } from "./aws/limiter.ts";
import { readRequestFor } from "./aws/read-request.ts";
import { readLive } from "./aws/reader.ts";
import type { Config } from "./model/config.ts";
import type { Diagnostic } from "./model/errors.ts";
import type { Live, RefreshMode } from "./model/live.ts";
import type { Plan } from "./model/plan.ts";
import { buildPlan, onlyExpired } from "./plan/index.ts";
import { loadConfigOrThrow } from "./schema/load.ts";

/**
 * The shell around the pure core, shared by the CLI and the GitHub Action:
 * load + validate (no API call before the files are valid) → connect → read live → plan.
 * Apply re-plans through the same `planWith`, so there is one way to get from files to a plan.
 */

export interface SessionOptions {
  /** The access directory. */
  dir: string;
  /** `--region` / `--profile` / `--endpoint` / `--max-rate`; `settings.region` fills a missing region. */
  connection: Omit<ConnectionOptions, "region"> & { region?: string | null };
  /** `--instance-arn`: overrides `settings.instanceArn`. */
  instanceArn?: string | null;
  /** The clock for expiry and the "already past" warning; injected in tests. */
  now: Date;
}

/** A loaded configuration and an open connection. Close it with `session.ctx.close()`. */
export interface Session {
  config: Config;
  /** Validation warnings (they never fail a run). */
  warnings: Diagnostic[];
  ctx: AwsContext;
  now: Date;
}

/** Loads and validates the files (throwing `ConfigError` before any API call), then connects. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const loaded = await loadConfigOrThrow(options.dir, { now: options.now });
  const config: Config =
    options.instanceArn == null
      ? loaded.config
      : { ...loaded.config, settings: { ...loaded.config.settings, instanceArn: options.instanceArn } };
  const ctx = connect({
    ...options.connection,
    region: options.connection.region ?? config.settings.region,
  });
  return { config, warnings: loaded.warnings, ctx, now: options.now };
}

export interface PlanOptions {
  refresh: RefreshMode;
  allowDeletes: boolean;
  /**
   * Reduce the plan to the deletions of expired assignments (`--only-expired`), so a frequent
   * schedule revokes just-in-time access on time without applying anything else.
   */
  onlyExpired?: boolean;
}

export interface PlanRun {
  live: Live;
  plan: Plan;
  /** What reading live state cost (calls per operation, throttling received). */
  stats: ReadStats;
}

/** Reads live state and plans against the session's configuration. */
export async function planWith(session: Session, options: PlanOptions): Promise<PlanRun> {
  const { live, stats } = await readLive(
    session.ctx,
    readRequestFor(session.config, { refresh: options.refresh }),
  );
  const full = buildPlan({
    config: session.config,
    live,
    now: session.now,
    allowDeletes: options.allowDeletes,
  });
  return { live, plan: options.onlyExpired ? onlyExpired(full) : full, stats };
}
