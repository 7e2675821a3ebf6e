import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { connect, isLoopback } from "../../src/aws/clients.ts";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { readLive } from "../../src/aws/reader.ts";
import { AwsError, ConfigError } from "../../src/model/errors.ts";
import { config } from "../plan/builders.ts";

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("connect", () => {
  it.each([
    ["http://127.0.0.1:4566", true],
    ["http://127.8.9.10", true],
    ["http://localhost:4566/", true],
    ["http://[::1]:4566", true],
    ["https://sso.us-east-1.amazonaws.com", false],
    ["http://10.0.0.1:4566", false],
  ])("%s is loopback: %s", (url, expected) => {
    expect(isLoopback(new URL(url))).toBe(expected);
  });

  it("signs with fixed local credentials against a loopback endpoint when none were chosen", async () => {
    const ctx = connect({ endpoint: "http://127.0.0.1:4566", env: {} });
    try {
      const credentials = await ctx.ssoAdmin.config.credentials();
      expect(credentials.accessKeyId).toBe("accessops-local");
      expect(await ctx.ssoAdmin.config.region()).toBe("us-east-1");
      expect(ctx.endpoint).toBe("http://127.0.0.1:4566/");
    } finally {
      ctx.close();
    }
  });

  it("takes the endpoint from AWS_ENDPOINT_URL and the region from the option", async () => {
    const ctx = connect({ region: "eu-west-1", env: { AWS_ENDPOINT_URL: "http://localhost:9999" } });
    try {
      expect(ctx.endpoint).toBe("http://localhost:9999/");
      expect(await ctx.identityStore.config.region()).toBe("eu-west-1");
      expect((await ctx.identityStore.config.credentials()).accessKeyId).toBe("accessops-local");
    } finally {
      ctx.close();
    }
  });

  it("talks to AWS's global Organizations endpoint in us-east-1 without an endpoint", async () => {
    const ctx = connect({ region: "eu-central-1", env: {} });
    try {
      expect(ctx.endpoint).toBeNull();
      expect(await ctx.ssoAdmin.config.region()).toBe("eu-central-1");
      expect(await ctx.organizations.config.region()).toBe("us-east-1");
    } finally {
      ctx.close();
    }
  });

  it.each(["not a url", "ftp://127.0.0.1/"])("refuses the endpoint %j", (endpoint) => {
    expect(() => connect({ endpoint, env: {} })).toThrow(ConfigError);
  });

  it("fails at once, naming the endpoint, when nothing listens there", async () => {
    const endpoint = `http://127.0.0.1:${await deadPort()}`;
    const ctx = connect({ endpoint, env: {} });
    try {
      const error = await readLive(ctx, readRequestFor(config(), { refresh: "full" })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AwsError);
      expect(error).toMatchObject({ awsCode: "ECONNREFUSED", operation: "ListInstances" });
      expect((error as AwsError).detail).toContain(`Nothing answers at ${endpoint}/`);
      expect(ctx.limiter.stats().totalRetries).toBe(0);
    } finally {
      ctx.close();
    }
  });
});
