import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/model/errors.ts";
import * as rules from "../../src/schema/rules.ts";
import { RULES, type Rule } from "../../src/schema/rules.ts";
import { declarationsOf, type Files, NOW, yaml } from "./helpers.ts";

const identity = yaml`
  users:
    - userName: alice@example.com
      displayName: Alice Liddell
      name: { givenName: Alice, familyName: Liddell }
      emails: [alice@example.com]
  groups:
    - name: Platform-Admins
      members: [alice@example.com]
`;

const permissionSets = yaml`
  permissionSets:
    - name: ReadOnly
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

const assignment = (body: string): string => `assignments:\n${body}`;

/** A valid directory: every rule passes it. */
const base: Files = {
  "identity.yaml": identity,
  "permission-sets.yaml": permissionSets,
  "assignments.yaml": assignment(yaml`
    - principal: { group: Platform-Admins }
      permissionSets: [ReadOnly]
      targets: { ous: [Root/Workloads] }
      exclude: { accounts: [legacy-sandbox] }
      expires: 2027-01-01T00:00:00Z
  `),
};

interface Case {
  rule: Rule;
  /** Files (over `base`) the rule accepts: a near miss of `fail`. */
  pass: Files;
  /** Files (over `base`) the rule rejects. */
  fail: Files;
  expected: string[];
}

const cases: Record<string, Case> = {
  settingsAtMostOnce: {
    rule: rules.settingsAtMostOnce,
    pass: { "settings.yaml": "settings:\n  region: us-east-1\n" },
    fail: { "a.yaml": "settings:\n  region: us-east-1\n", "b.yaml": "settings: {}\n" },
    expected: ["b.yaml:1:1: settings are already declared at a.yaml:1:1; keep one settings block"],
  },
  uniqueNames: {
    rule: rules.uniqueNames,
    pass: { "more.yaml": "groups:\n  - name: Developers\npermissionSets:\n  - name: Admin\n" },
    fail: { "more.yaml": "groups:\n  - name: Platform-Admins\npermissionSets:\n  - name: ReadOnly\n" },
    expected: [
      'more.yaml:2:11: group "Platform-Admins" is already declared at identity.yaml:7:11; group names must be unique across files',
      'more.yaml:4:11: permission set "ReadOnly" is already declared at permission-sets.yaml:2:11; permission set names must be unique across files',
    ],
  },
  previousNames: {
    rule: rules.previousNames,
    pass: { "more.yaml": "permissionSets:\n  - name: Admin\n    previously: [OldAdmin]\n" },
    fail: { "more.yaml": "permissionSets:\n  - name: Admin\n    previously: [ReadOnly]\n" },
    expected: [
      'more.yaml:3:18: "ReadOnly" is listed in previously but is also a declared permission set; a former name must no longer be declared',
    ],
  },
  externalPermissionSets: {
    rule: rules.externalPermissionSets,
    pass: { "more.yaml": "permissionSets:\n  - name: AWSAdministratorAccess\n    external: true\n" },
    fail: {
      "more.yaml":
        "permissionSets:\n  - name: AWSAdministratorAccess\n    external: true\n    tags: { a: b }\n",
    },
    expected: [
      'more.yaml:4:5: permission set "AWSAdministratorAccess" is external, so accessops never changes it: remove tags, or remove external: true to manage it',
    ],
  },
  externalGroups: {
    rule: rules.externalGroups,
    pass: { "more.yaml": "groups:\n  - name: Okta-Engineering\n    external: true\n" },
    fail: { "more.yaml": "groups:\n  - name: Okta-Engineering\n    external: true\n    members: []\n" },
    expected: [
      'more.yaml:4:5: group "Okta-Engineering" is external, so its members are not managed here: remove members, or remove external: true to manage the group',
    ],
  },
  identitySourceRules: {
    rule: rules.identitySourceRules,
    pass: {
      "identity.yaml": "groups:\n  - name: Platform-Admins\n    external: true\n",
      "settings.yaml": "settings:\n  identitySource: external\n",
    },
    fail: {
      "identity.yaml": "groups:\n  - name: Platform-Admins\n",
      "settings.yaml": "settings:\n  identitySource: external\n  ownership: { users: x }\n",
    },
    expected: [
      'identity.yaml:2:11: group "Platform-Admins" must be marked external: true: with identitySource: external, groups come from your identity provider',
      "settings.yaml:3:16: ownership.users deletes undeclared users, which your identity provider owns with identitySource: external; remove it",
    ],
  },
  membersDeclared: {
    rule: rules.membersDeclared,
    pass: { "more.yaml": "groups:\n  - name: Developers\n    members: [alice@example.com]\n" },
    fail: { "more.yaml": "groups:\n  - name: Developers\n    members: [alice@example.org]\n" },
    expected: [
      'more.yaml:3:15: user "alice@example.org" is not declared (did you mean "alice@example.com"?); declare it under users or remove it from members',
    ],
  },
  assignmentReferences: {
    rule: rules.assignmentReferences,
    pass: {
      "more.yaml": assignment(
        "  - principal: { user: alice@example.com }\n    permissionSets: [ReadOnly]\n    targets: { all: true }\n",
      ),
    },
    fail: {
      "more.yaml": assignment(
        "  - principal: { group: Developers }\n    permissionSets: [ReadOnyl]\n    targets: { all: true }\n",
      ),
    },
    expected: [
      'more.yaml:2:25: group "Developers" is not declared; declare it under groups (with external: true if your identity provider owns it)',
      'more.yaml:3:22: permission set "ReadOnyl" is not declared (did you mean "ReadOnly"?); declare it under permissionSets or mark it external: true',
    ],
  },
  permissionSetsNotEmpty: {
    rule: rules.permissionSetsNotEmpty,
    pass: {},
    fail: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: []\n    targets: { all: true }\n",
      ),
    },
    expected: ["more.yaml:3:21: permissionSets is empty; list the permission sets this assignment grants"],
  },
  targetsNotEmpty: {
    rule: rules.targetsNotEmpty,
    pass: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { tags: { env: prod } }\n",
      ),
    },
    fail: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { tags: {} }\n",
      ),
    },
    expected: ["more.yaml:4:14: targets selects no account; give accounts, ous, tags or all: true"],
  },
  exclusionsNarrowTargets: {
    rule: rules.exclusionsNarrowTargets,
    pass: {},
    fail: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { accounts: [a] }\n    exclude: { ous: [Root/Sandbox] }\n",
      ),
    },
    expected: [
      "more.yaml:5:5: exclude narrows ous, tags or all: true, and this assignment has none; remove the excluded accounts from targets instead",
    ],
  },
  accountIds: {
    rule: rules.accountIds,
    pass: {
      "more.yaml": assignment(
        '  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { accounts: ["012345678901", prod-web] }\n',
      ),
    },
    fail: {
      "more.yaml": assignment(
        '  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { accounts: ["12345678901"] }\n',
      ),
    },
    expected: [
      'more.yaml:4:27: account id "12345678901" has 11 digits; account ids have exactly 12 (keep leading zeros, and quote the id)',
    ],
  },
  ownershipRegexes: {
    rule: rules.ownershipRegexes,
    pass: { "settings.yaml": 'settings:\n  ownership: { groups: "^(team|squad)-[a-z]+$" }\n' },
    fail: { "settings.yaml": 'settings:\n  ownership: { groups: "^(team-[a-z]+)*$" }\n' },
    expected: [
      'settings.yaml:2:24: ownership.groups "^(team-[a-z]+)*$" repeats a group that itself repeats or alternates, which can take exponential time on some names; simplify it, for example to ^team-',
    ],
  },
  protectedPrincipals: {
    rule: rules.protectedPrincipals,
    pass: {
      "settings.yaml":
        "settings:\n  safety: { protected: { principals: [group/Break Glass, user/root@example.com] } }\n",
    },
    fail: { "settings.yaml": "settings:\n  safety: { protected: { principals: [user/root example] } }\n" },
    expected: [
      'settings.yaml:2:39: protected principal "user/root example": a user name must be letters, digits, symbols and punctuation, without spaces',
    ],
  },
  lookalikeNames: {
    rule: rules.lookalikeNames,
    pass: {
      "more.yaml":
        "groups:\n  - name: Администраторы\n    external: true\n  - name: Développeurs\n    external: true\n",
    },
    fail: {
      "more.yaml":
        "groups:\n  - name: Plаtform-Admins\n    external: true\n  - name: Dev\u00a0Team\n    external: true\n",
    },
    expected: [
      'more.yaml:2:11: group "Plаtform-Admins" reads the same as group "Platform-Admins" (identity.yaml:7:11) but is another name: it has U+0430 "а" where "Platform-Admins" has U+0061 "a"; give one a distinct name',
      'more.yaml:4:11: group name "Dev\u00a0Team" contains U+00A0 "\u00a0", which looks like a space or a line break; use a plain space',
    ],
  },
  relayStateScheme: {
    rule: rules.relayStateScheme,
    pass: {
      "more.yaml": "permissionSets:\n  - name: Dev\n    relayState: https://console.aws.amazon.com/s3/\n",
    },
    fail: { "more.yaml": "permissionSets:\n  - name: Dev\n    relayState: http://phish.example/\n" },
    expected: [
      'more.yaml:3:17: relayState "http://phish.example/" must be an https:// address, such as https://console.aws.amazon.com/; users are sent there after signing in',
    ],
  },
  policyCount: {
    rule: rules.policyCount,
    pass: {
      "permission-sets.yaml": `permissionSets:\n  - name: ReadOnly\n    managedPolicies: [${Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join(", ")}]\n`,
    },
    fail: {
      "permission-sets.yaml": `permissionSets:\n  - name: ReadOnly\n    managedPolicies: [${Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`).join(", ")}]\n    customerManagedPolicies: [{ name: Extra }]\n`,
    },
    expected: [
      'permission-sets.yaml:2:11: warning: permission set "ReadOnly" attaches 11 managed and customer managed policies; IAM allows 10 per role unless the quota "Managed policies attached to an IAM role" was raised in every target account',
    ],
  },
  policyReferencesUnique: {
    rule: rules.policyReferencesUnique,
    pass: {
      "more.yaml":
        "permissionSets:\n  - name: Dev\n    customerManagedPolicies: [{ name: X }, { name: X, path: /team/ }]\n",
    },
    fail: {
      "more.yaml":
        "permissionSets:\n  - name: Dev\n    customerManagedPolicies: [{ name: X }, { name: X, path: / }]\n",
    },
    expected: ['more.yaml:3:44: customer managed policy "X" with path / is listed twice; remove one'],
  },
  sessionDurationRange: {
    rule: rules.sessionDurationRange,
    pass: { "more.yaml": "permissionSets:\n  - name: Dev\n    sessionDuration: PT720M\n" },
    fail: { "more.yaml": "permissionSets:\n  - name: Dev\n    sessionDuration: PT59M59S\n" },
    expected: [
      "more.yaml:3:22: sessionDuration PT59M59S is outside the range IAM Identity Center allows; use PT1H to PT12H",
    ],
  },
  tagKeys: {
    rule: rules.tagKeys,
    pass: {
      "settings.yaml": "settings:\n  ownership: { tag: { key: owner, value: accessops } }\n",
      "more.yaml": "permissionSets:\n  - name: Dev\n    tags: { managed-by: team-x }\n",
    },
    fail: {
      "settings.yaml": "settings:\n  ownership: { tag: { key: owner, value: accessops } }\n",
      "more.yaml": "permissionSets:\n  - name: Dev\n    tags: { owner: team-x, AWS:x: y, __proto__: z }\n",
    },
    expected: [
      'more.yaml:3:13: tag "owner" is the ownership tag, which accessops sets itself; remove it from tags',
      'more.yaml:3:28: tag key "AWS:x" is reserved by AWS; choose another key',
      'more.yaml:3:38: tag key "__proto__" cannot be shown faithfully in plans (JavaScript objects drop it) while AWS would receive it; choose another key',
    ],
  },
  reservedPrincipalNames: {
    rule: rules.reservedPrincipalNames,
    pass: { "more.yaml": "groups:\n  - name: Administrators\n" },
    fail: { "more.yaml": "groups:\n  - name: Administrator\n" },
    expected: [
      'more.yaml:2:11: "Administrator" is reserved by IAM Identity Center; choose another group name',
    ],
  },
  expiryDates: {
    rule: rules.expiryDates,
    pass: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { all: true }\n    expires: 2028-02-29T12:00:00+02:00\n",
      ),
    },
    fail: {
      "more.yaml": assignment(
        "  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { all: true }\n    expires: 2026-06-01T01:59:59+02:00\n  - principal: { group: Platform-Admins }\n    permissionSets: [ReadOnly]\n    targets: { all: true }\n    expires: 2027-02-29T00:00:00Z\n",
      ),
    },
    expected: [
      "more.yaml:5:14: warning: this assignment expired at 2026-05-31T23:59:59.000Z; the next apply removes it: delete the rule or extend expires",
      "more.yaml:9:14: expires 2027-02-29T00:00:00Z is not a date: that month has 28 days",
    ],
  },
};

describe("semantic rules", () => {
  const context = rules.ruleContext(NOW);

  it("the shared base passes every rule", () => {
    expect(rules.checkRules(declarationsOf(base), context)).toEqual([]);
  });

  it("every exported rule has a case here and runs in RULES", () => {
    const exported = Object.entries(rules).filter(
      ([name, value]) =>
        typeof value === "function" && !["checkRules", "identitySourceOf", "ruleContext"].includes(name),
    );
    expect(exported.map(([name]) => name).sort()).toEqual(Object.keys(cases).sort());
    for (const [, rule] of exported) expect(RULES).toContain(rule);
  });

  describe.each(Object.entries(cases))("%s", (_name, c) => {
    it("accepts the passing case", () => {
      expect(c.rule(declarationsOf({ ...base, ...c.pass }), context)).toEqual([]);
    });

    it("reports the failing case, located", () => {
      const found = c.rule(declarationsOf({ ...base, ...c.fail }), context);
      expect(found.map(formatDiagnostic)).toEqual(c.expected);
    });
  });
});
