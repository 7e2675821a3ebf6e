import { type AwsContext, type ConnectionOptions, connect } from "../../src/aws/clients.ts";
import {
  type EmulatorOptions,
  type RunningEmulator,
  type Seed,
  startEmulator,
} from "../../src/emulator/index.ts";

/**
 * The emulator's quotas and ours, both multiplied by this: AWS's limits, enforced for real,
 * at a pace that keeps the tests short.
 */
export const TIME_SCALE = 25;

/** AWS's quotas (calls per second), as the limiter and the emulator both default to them. */
const SSO_ADMIN_QUOTA = 20;
const IDENTITY_STORE_QUOTA = 20;
const ORGANIZATIONS_QUOTA = 10;

export interface Harness {
  emulator: RunningEmulator;
  ctx: AwsContext;
}

/** Runs `fn` against a fresh emulator holding `seed`, through the real SDK clients of `connect`. */
export async function withEmulator<T>(
  seed: Seed,
  fn: (h: Harness) => Promise<T>,
  options: { emulator?: EmulatorOptions; connection?: ConnectionOptions; timeScale?: number } = {},
): Promise<T> {
  const timeScale = options.timeScale ?? TIME_SCALE;
  const emulator = await startEmulator({ seed, latencyMs: 0, timeScale, ...options.emulator });
  const ctx = connect({
    endpoint: emulator.endpoint,
    env: {},
    ...options.connection,
    limits: {
      ssoAdminRate: SSO_ADMIN_QUOTA * timeScale,
      identityStoreRate: IDENTITY_STORE_QUOTA * timeScale,
      organizationsRate: ORGANIZATIONS_QUOTA * timeScale,
      ...options.connection?.limits,
    },
  });
  try {
    return await fn({ emulator, ctx });
  } finally {
    ctx.close();
    await emulator.stop();
  }
}
