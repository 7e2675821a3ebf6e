import type { ReadRequest } from "../aws/read-request.ts";
import { DEFAULT_OWNERSHIP_TAG } from "../model/config.ts";

/**
 * The live read import needs: the whole instance (every permission set's details and
 * provisioning, every assignment, every group's memberships), with no access files to narrow it.
 * Account tags are not read: import never folds into tag targets.
 */
export function wholeInstanceRequest(instanceArn: string | null): ReadRequest {
  return {
    refresh: "full",
    everything: true,
    instanceArn,
    identitySource: "identity-center",
    ownershipTag: { ...DEFAULT_OWNERSHIP_TAG },
    ownershipGroups: null,
    ownershipUsers: null,
    groups: [],
    users: [],
    managedGroups: [],
    permissionSets: [],
    principals: [],
    accountTags: false,
  };
}
