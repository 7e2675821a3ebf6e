import type { Config } from "../../src/model/config.ts";
import type { Live } from "../../src/model/live.ts";
import { ADMINISTRATOR_POLICY_ARN } from "../../src/plan/policies.ts";
import {
  config,
  DEV_1,
  DEV_2,
  decl,
  e,
  live,
  MANAGEMENT,
  NOW,
  PROD_PAYMENTS,
  PROD_WEB,
  rule,
  SANDBOX,
  standardOrg,
} from "../plan/builders.ts";

export { DEV_1, DEV_2, MANAGEMENT, NOW, PROD_PAYMENTS, PROD_WEB, SANDBOX, standardOrg };

/** Three days after NOW: inside the default 7-day look-ahead. */
export const SOON = "2026-06-04T00:00:00.000Z";
/** A day before NOW: that rule grants nothing any more. */
export const PAST = "2026-05-31T00:00:00.000Z";

/**
 * A small organisation whose effective access is computed by hand in the tests
 * (standardOrg: management; Workloads/Prod prod-payments, prod-web; Workloads/Dev dev-1, dev-2;
 * Suspended legacy; Sandbox sandbox).
 *
 * - Platform-Admins (alice, bob): Admin in the management account (#0); ReadOnly in every
 *   Workloads account (#1) and again in prod-payments (#5, "PCI review");
 * - Developers (carol): Developer in Workloads/Dev except dev-2 (#2);
 * - Okta-Engineering (external; members from the identity store): ReadOnly in prod-payments (#3);
 * - dave directly: AWSAdministratorAccess (Control Tower's, external) in the sandbox until SOON
 *   (#4, "INC-1234");
 * - carol directly: Developer in dev-1 until PAST (#6): expired, grants nothing.
 */
const at = (file: string, line: number) => ({ file, line, column: 5 });

export function fixtureConfig(): Config {
  return config({
    users: ["alice", "bob", "carol", "dave"].map((n) => decl.user(`${n}@example.com`)),
    groups: [
      decl.group("Platform-Admins", { members: ["alice@example.com", "bob@example.com"] }),
      decl.group("Developers", { members: ["carol@example.com"] }),
      decl.group("Okta-Engineering", { external: true }),
    ],
    permissionSets: [
      decl.permissionSet("Admin", { managedPolicies: [ADMINISTRATOR_POLICY_ARN] }),
      decl.permissionSet("ReadOnly", { managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }),
      decl.permissionSet("Developer", { managedPolicies: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
      decl.permissionSet("AWSAdministratorAccess", { external: true }),
    ],
    assignments: [
      rule(
        { group: "Platform-Admins" },
        ["Admin"],
        { accounts: [MANAGEMENT] },
        { id: "platform.yaml#0", source: at("platform.yaml", 2) },
      ),
      rule(
        { group: "Platform-Admins" },
        ["ReadOnly"],
        { ous: ["Root/Workloads"] },
        { id: "platform.yaml#1", source: at("platform.yaml", 7) },
      ),
      rule(
        { group: "Developers" },
        ["Developer"],
        { ous: ["Root/Workloads/Dev"] },
        { id: "dev.yaml#0", source: at("dev.yaml", 2), exclude: { accounts: ["dev-2"], ous: [] } },
      ),
      rule(
        { group: "Okta-Engineering" },
        ["ReadOnly"],
        { accounts: ["prod-payments"] },
        { id: "okta.yaml#0", source: at("okta.yaml", 2) },
      ),
      rule(
        { user: "dave@example.com" },
        ["AWSAdministratorAccess"],
        { accounts: [SANDBOX] },
        { id: "jit.yaml#0", source: at("jit.yaml", 2), expires: SOON, reason: "INC-1234" },
      ),
      rule(
        { group: "Platform-Admins" },
        ["ReadOnly"],
        { accounts: [PROD_PAYMENTS] },
        { id: "platform.yaml#2", source: at("platform.yaml", 12), reason: "PCI review" },
      ),
      rule(
        { user: "carol@example.com" },
        ["Developer"],
        { accounts: [DEV_1] },
        { id: "jit.yaml#1", source: at("jit.yaml", 7), expires: PAST },
      ),
    ],
  });
}

/**
 * The live side of the fixture: what the files grant, except that Developers' dev-1 grant is
 * missing and a stale ReadOnly for bob directly in prod-web is still there; Okta-Engineering has
 * erin as member.
 */
export function fixtureLive(): Live {
  const ps = (name: string, managedPolicies: string[] = []) => e.permissionSet(name, { managedPolicies });
  return live(
    [
      ...["alice", "bob", "carol", "dave", "erin"].map((n) => e.user(`${n}@example.com`)),
      e.group("Platform-Admins"),
      e.group("Developers"),
      e.group("Okta-Engineering"),
      e.membership("Platform-Admins", "alice@example.com"),
      e.membership("Platform-Admins", "bob@example.com"),
      e.membership("Developers", "carol@example.com"),
      e.membership("Okta-Engineering", "erin@example.com"),
      ps("Admin", [ADMINISTRATOR_POLICY_ARN]),
      ps("ReadOnly", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
      ps("Developer", ["arn:aws:iam::aws:policy/PowerUserAccess"]),
      e.permissionSet("AWSAdministratorAccess", { managedPolicies: [ADMINISTRATOR_POLICY_ARN], tags: {} }),
      e.assignment(MANAGEMENT, "Admin", "Platform-Admins"),
      e.assignment(PROD_PAYMENTS, "ReadOnly", "Platform-Admins"),
      e.assignment(PROD_WEB, "ReadOnly", "Platform-Admins"),
      e.assignment(DEV_1, "ReadOnly", "Platform-Admins"),
      e.assignment(DEV_2, "ReadOnly", "Platform-Admins"),
      e.assignment(PROD_PAYMENTS, "ReadOnly", "Okta-Engineering"),
      e.assignment(SANDBOX, "AWSAdministratorAccess", "dave@example.com", "USER"),
      e.assignment(PROD_WEB, "ReadOnly", "bob@example.com", "USER"),
    ],
    { idpGroups: ["Okta-Engineering"] },
  );
}

export const OKTA_MEMBERS = { "Okta-Engineering": ["erin@example.com"] };
export { NOW as FIXTURE_NOW };
