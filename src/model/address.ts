import type { Address, AssignmentEntity, Entity, EntityKind, PrincipalType } from "./state.ts";

/**
 * Address prefixes per kind. Addresses are keys and labels for humans: they appear in plans,
 * logs, errors and comments. They are never parsed back into entities: every consumer that
 * needs the parts reads them from the entity itself.
 */
export const ADDRESS_PREFIX: Record<EntityKind | "provisioning", string> = {
  user: "user",
  group: "group",
  membership: "membership",
  permissionSet: "permission-set",
  assignment: "assignment",
  provisioning: "provisioning",
};

export const userAddress = (userName: string): Address => `user/${userName}`;
export const groupAddress = (name: string): Address => `group/${name}`;
export const membershipAddress = (group: string, userName: string): Address =>
  `membership/${group}/${userName}`;
export const permissionSetAddress = (name: string): Address => `permission-set/${name}`;
/** The address of the re-provisioning of a permission set into the accounts that hold it. */
export const provisioningAddress = (permissionSet: string): Address => `provisioning/${permissionSet}`;

export const principalAddress = (type: PrincipalType, name: string): Address =>
  type === "GROUP" ? groupAddress(name) : userAddress(name);

export const assignmentAddress = (a: Omit<AssignmentEntity, "kind">): Address =>
  `assignment/${a.accountId}/${a.permissionSet}/${a.principalType}/${a.principalName}`;

export function addressOf(entity: Entity): Address {
  switch (entity.kind) {
    case "user":
      return userAddress(entity.userName);
    case "group":
      return groupAddress(entity.name);
    case "membership":
      return membershipAddress(entity.group, entity.userName);
    case "permissionSet":
      return permissionSetAddress(entity.name);
    case "assignment":
      return assignmentAddress(entity);
  }
}
