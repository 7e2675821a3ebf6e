import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { CallerIdentity } from "../model/live.ts";
import { call } from "./call.ts";
import type { AwsContext } from "./clients.ts";
import { required } from "./normalise.ts";

/**
 * Who runs accessops: one STS GetCallerIdentity per read. An IAM Identity Center user's session
 * is an assumed role named `AWSReservedSSO_<PermissionSet>_<16 hex digits>` (the permission set's
 * name is kept whole: IAM role names are 64 characters, enough for the prefix, 32 characters of
 * name and the suffix) with the user name as the session name.
 */

const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;
const ASSUMED_ROLE = /^arn:aws(?:-[a-z]+)*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

const SITE = { service: "sts", operation: "GetCallerIdentity", address: "caller" } as const;

/** The caller's identity from its ARN and account (pure). */
export function callerFromArn(arn: string, accountId: string): CallerIdentity {
  const [, , role = "", session = ""] = ASSUMED_ROLE.exec(arn) ?? [];
  const permissionSet = IDENTITY_CENTER_ROLE.exec(role)?.[1];
  if (permissionSet === undefined || session === "") {
    return { arn, accountId, kind: "other", permissionSet: null, userName: null };
  }
  return { arn, accountId, kind: "identity-center-user", permissionSet, userName: session };
}

export async function readCaller(ctx: AwsContext): Promise<CallerIdentity> {
  const out = await call(ctx, SITE, () => ctx.sts.send(new GetCallerIdentityCommand({})));
  return callerFromArn(
    required(out.Arn, "Arn", SITE.operation),
    required(out.Account, "Account", SITE.operation),
  );
}
