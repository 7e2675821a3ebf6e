import {
  type AccountAssignment,
  type AccountAssignmentForPrincipal,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
} from "@aws-sdk/client-sso-admin";
import { permissionSetAddress } from "../model/address.ts";
import { AwsError } from "../model/errors.ts";
import type { PrincipalType } from "../model/state.ts";
import { type CallSite, readAll } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import { required } from "./normalise.ts";
import { PAGE_SIZE } from "./read-identity.ts";
import type { CatalogEntry } from "./read-permission-sets.ts";

/** One assignment as AWS lists it: ids only. */
export interface AssignmentRow {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

/** A principal to read assignments for. */
export interface PrincipalTarget {
  type: PrincipalType;
  id: string;
  /** `group/<name>` or `user/<name>`. */
  address: string;
}

const ssoSite = (operation: string, address: string | null): CallSite => ({
  service: "sso-admin",
  operation,
  address,
});

const principalTypeOf = (value: string | undefined, operation: string): PrincipalType => {
  const type = required(value, "PrincipalType", operation);
  if (type !== "USER" && type !== "GROUP") {
    throw new AwsError({
      operation,
      message: `${operation} answered an unknown principal type ${JSON.stringify(type)}`,
      detail:
        "AWS sent a principal type accessops does not know. Upgrade accessops; if it persists, report it.",
    });
  }
  return type;
};

function row(a: AccountAssignment | AccountAssignmentForPrincipal, operation: string): AssignmentRow {
  return {
    accountId: required(a.AccountId, "AccountId", operation),
    permissionSetArn: required(a.PermissionSetArn, "PermissionSetArn", operation),
    principalType: principalTypeOf(a.PrincipalType, operation),
    principalId: required(a.PrincipalId, "PrincipalId", operation),
  };
}

/**
 * Every assignment of one principal, in every account, to every permission set: one
 * ListAccountAssignmentsForPrincipal per 100 assignments. Only the management account may
 * call it; a delegated administrator gets AccessDeniedException (the caller falls back).
 */
export async function readForPrincipal(
  ctx: AwsContext,
  instanceArn: string,
  principal: PrincipalTarget,
): Promise<AssignmentRow[]> {
  const operation = "ListAccountAssignmentsForPrincipal";
  const items = await readAll(ctx, ssoSite(operation, principal.address), async (NextToken) => {
    const out = await ctx.ssoAdmin.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn,
        PrincipalId: principal.id,
        PrincipalType: principal.type,
        MaxResults: PAGE_SIZE,
        NextToken,
      }),
    );
    return { items: out.AccountAssignments, next: out.NextToken };
  });
  return items.map((a) => row(a, operation));
}

/**
 * Every assignment of one permission set in one account (a provisioned pair), to any
 * principal: one ListAccountAssignments per 100 principals. Allowed to delegated
 * administrators too.
 */
export async function readForPair(
  ctx: AwsContext,
  instanceArn: string,
  accountId: string,
  entry: CatalogEntry,
): Promise<AssignmentRow[]> {
  const operation = "ListAccountAssignments";
  const address = `${permissionSetAddress(entry.name)} in ${accountId}`;
  const items = await readAll(ctx, ssoSite(operation, address), async (NextToken) => {
    const out = await ctx.ssoAdmin.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: instanceArn,
        AccountId: accountId,
        PermissionSetArn: entry.arn,
        MaxResults: PAGE_SIZE,
        NextToken,
      }),
    );
    return { items: out.AccountAssignments, next: out.NextToken };
  });
  return items.map((a) => row(a, operation));
}
