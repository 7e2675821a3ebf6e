import {
  type AttachedManagedPolicy,
  type CustomerManagedPolicyReference,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  type PermissionSet,
  type PermissionsBoundary,
  type Tag,
} from "@aws-sdk/client-sso-admin";
import { permissionSetAddress } from "../model/address.ts";
import { byCodeUnit, sortedUnique } from "../model/canonical.ts";
import { AwsError } from "../model/errors.ts";
import type { ProvisioningState } from "../model/live.ts";
import { type CallSite, call, readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import type { PermissionSetParts } from "./normalise.ts";
import { required } from "./normalise.ts";
import { PAGE_SIZE } from "./read-identity.ts";

const ssoSite = (operation: string, address: string | null): CallSite => ({
  service: "sso-admin",
  operation,
  address,
});

/** A permission set as listed and described; `tags` null until read. */
export interface CatalogEntry {
  arn: string;
  name: string;
  described: PermissionSet;
  tags: Tag[] | null;
}

/**
 * The instance's permission sets: every ARN listed, and those described so far by name.
 * `complete` once every one was described. An ARN met later (in an assignment) that was
 * not described yet is described on demand, once.
 */
export class Catalog {
  readonly arns: readonly string[];
  readonly #ctx: AwsContext;
  readonly #instanceArn: string;
  readonly #byName = new Map<string, CatalogEntry>();
  readonly #byArn = new Map<string, Promise<CatalogEntry>>();
  #described = 0;

  constructor(ctx: AwsContext, instanceArn: string, arns: readonly string[]) {
    this.#ctx = ctx;
    this.#instanceArn = instanceArn;
    this.arns = arns;
  }

  get complete(): boolean {
    return this.#described === this.arns.length;
  }

  byName(name: string): CatalogEntry | undefined {
    return this.#byName.get(name);
  }

  /** Every described entry, sorted by name. */
  entries(): CatalogEntry[] {
    return [...this.#byName.values()].sort((a, b) => byCodeUnit(a.name, b.name));
  }

  /** Describes the permission set (DescribePermissionSet), once however many ask. */
  describe(arn: string): Promise<CatalogEntry> {
    let pending = this.#byArn.get(arn);
    if (!pending) {
      pending = call(this.#ctx, ssoSite("DescribePermissionSet", arn), () =>
        this.#ctx.ssoAdmin.send(
          new DescribePermissionSetCommand({ InstanceArn: this.#instanceArn, PermissionSetArn: arn }),
        ),
      ).then((out) => {
        const described = required(out.PermissionSet, "PermissionSet", "DescribePermissionSet");
        const entry = {
          arn,
          name: required(described.Name, "Name", "DescribePermissionSet"),
          described,
          tags: null,
        };
        this.#byName.set(entry.name, entry);
        this.#described++;
        return entry;
      });
      this.#byArn.set(arn, pending);
    }
    return pending;
  }

  /** Reads the entry's tags (ListTagsForResource), once. */
  async readTags(entry: CatalogEntry): Promise<void> {
    if (entry.tags !== null) return;
    entry.tags = await readAll(
      this.#ctx,
      ssoSite("ListTagsForResource", permissionSetAddress(entry.name)),
      async (NextToken) => {
        const out = await this.#ctx.ssoAdmin.send(
          new ListTagsForResourceCommand({
            InstanceArn: this.#instanceArn,
            ResourceArn: entry.arn,
            NextToken,
          }),
        );
        return { items: out.Tags, next: out.NextToken };
      },
    );
  }

  /**
   * Describes every permission set and reads its tags (ownership is decided by the tag),
   * handing each to `then` as soon as it is known, so that work on the first ones overlaps
   * the description of the others. Resolves to `then`'s results, in listing order.
   */
  describeAll<R>(then: (entry: CatalogEntry) => Promise<R>): Promise<R[]> {
    return Promise.all(
      this.arns.map(async (arn) => {
        const entry = await this.describe(arn);
        await this.readTags(entry);
        return then(entry);
      }),
    );
  }

  /**
   * Describes permission sets until every wanted name is found (there is no lookup by name),
   * with `workers` calls at a time, so at most `workers - 1` calls are spent past the last
   * one found. A wanted name that does not exist costs describing them all. Reads the tags of
   * the wanted ones found.
   */
  async describeUntilFound(wanted: readonly string[], workers: number): Promise<void> {
    const missing = new Set(wanted);
    const queue = [...this.arns];
    const worker = async (): Promise<void> => {
      for (let arn = queue.shift(); arn !== undefined && missing.size > 0; arn = queue.shift()) {
        const entry = await this.describe(arn);
        missing.delete(entry.name);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
    await Promise.all(
      wanted.flatMap((name) => {
        const entry = this.#byName.get(name);
        return entry ? [this.readTags(entry)] : [];
      }),
    );
  }
}

/** Lists the instance's permission set ARNs (ListPermissionSets). */
export async function readCatalog(ctx: AwsContext, instanceArn: string): Promise<Catalog> {
  const arns = await readAll(ctx, ssoSite("ListPermissionSets", "permission sets"), async (NextToken) => {
    const out = await ctx.ssoAdmin.send(
      new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: PAGE_SIZE, NextToken }),
    );
    return { items: out.PermissionSets, next: out.NextToken };
  });
  return new Catalog(ctx, instanceArn, [...new Set(arns)]);
}

/**
 * Accounts where the permission set is provisioned (ListAccountsForProvisionedPermissionSet),
 * or, with `stale`, those holding an out-of-date copy (LATEST_PERMISSION_SET_NOT_PROVISIONED).
 * Sorted.
 */
export async function readProvisionedAccounts(
  ctx: AwsContext,
  instanceArn: string,
  entry: CatalogEntry,
  stale = false,
): Promise<string[]> {
  const accounts = await readAll(
    ctx,
    ssoSite("ListAccountsForProvisionedPermissionSet", permissionSetAddress(entry.name)),
    async (NextToken) => {
      const out = await ctx.ssoAdmin.send(
        new ListAccountsForProvisionedPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: entry.arn,
          MaxResults: PAGE_SIZE,
          NextToken,
          ...(stale ? { ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED" as const } : {}),
        }),
      );
      return { items: out.AccountIds, next: out.NextToken };
    },
  );
  return sortedUnique(accounts);
}

/** Everything about one permission set beyond its description: 6 calls (more with pages). */
export interface PermissionSetDetails {
  details: NonNullable<PermissionSetParts["details"]>;
  provisioning: ProvisioningState;
}

export async function readDetails(
  ctx: AwsContext,
  instanceArn: string,
  entry: CatalogEntry,
): Promise<PermissionSetDetails> {
  const address = permissionSetAddress(entry.name);
  const ids = { InstanceArn: instanceArn, PermissionSetArn: entry.arn };
  const [managedPolicies, customerManagedPolicies, inlinePolicy, permissionsBoundary, accounts, stale] =
    await Promise.all([
      readAll<AttachedManagedPolicy>(
        ctx,
        ssoSite("ListManagedPoliciesInPermissionSet", address),
        async (NextToken) => {
          const out = await ctx.ssoAdmin.send(
            new ListManagedPoliciesInPermissionSetCommand({ ...ids, MaxResults: PAGE_SIZE, NextToken }),
          );
          return { items: out.AttachedManagedPolicies, next: out.NextToken };
        },
      ),
      readAll<CustomerManagedPolicyReference>(
        ctx,
        ssoSite("ListCustomerManagedPolicyReferencesInPermissionSet", address),
        async (NextToken) => {
          const out = await ctx.ssoAdmin.send(
            new ListCustomerManagedPolicyReferencesInPermissionSetCommand({
              ...ids,
              MaxResults: PAGE_SIZE,
              NextToken,
            }),
          );
          return { items: out.CustomerManagedPolicyReferences, next: out.NextToken };
        },
      ),
      call(ctx, ssoSite("GetInlinePolicyForPermissionSet", address), async () => {
        const out = await ctx.ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand(ids));
        return out.InlinePolicy;
      }),
      readBoundary(ctx, address, ids),
      readProvisionedAccounts(ctx, instanceArn, entry),
      readProvisionedAccounts(ctx, instanceArn, entry, true),
    ]);
  return {
    details: { managedPolicies, customerManagedPolicies, inlinePolicy, permissionsBoundary },
    provisioning: { accounts, stale },
  };
}

/** The boundary, or null: AWS answers ResourceNotFoundException when there is none. */
async function readBoundary(
  ctx: AwsContext,
  address: string,
  ids: { InstanceArn: string; PermissionSetArn: string },
): Promise<PermissionsBoundary | null> {
  try {
    return await call(ctx, ssoSite("GetPermissionsBoundaryForPermissionSet", address), async () => {
      const out = await ctx.ssoAdmin.send(new GetPermissionsBoundaryForPermissionSetCommand(ids));
      return out.PermissionsBoundary ?? null;
    });
  } catch (error) {
    if (error instanceof AwsError && error.awsCode === "ResourceNotFoundException") return null;
    throw error;
  }
}
