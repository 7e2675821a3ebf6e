import { durationSeconds } from "../model/canonical.ts";
import type { IdentitySource, SourceLocation } from "../model/config.ts";
import { DEFAULT_OWNERSHIP_TAG } from "../model/config.ts";
import type { Diagnostic } from "../model/errors.ts";
import {
  AWS_RESERVED_TAG_PREFIX,
  PATTERNS,
  QUOTAS,
  RESERVED_PRINCIPAL_NAMES,
  SESSION_DURATION_SECONDS,
} from "./constraints.ts";
import {
  type AssignmentInput,
  type Declarations,
  type Entry,
  formatLocation,
  type GroupInput,
  keyWhere,
  type PermissionSetInput,
  where,
} from "./input.ts";
import { lookalikeProblem, skeleton } from "./lookalike.ts";
import { checkOwnershipRegex } from "./regex-guard.ts";
import { budgetedSuggestions, type Suggest } from "./suggest.ts";
import { codePoint, show } from "./text.ts";

/**
 * The semantic rules: what the schema cannot say because it spans files or fields. Each
 * rule is a named function over every declaration that passed the schema, returns its
 * findings as data, and has its own passing and failing test in `test/schema/rules.test.ts`.
 */

export interface RuleContext {
  /** The current time, injected: `expires` is compared with it. */
  now: Date;
  /** Suggests a declared name close to an unknown one, within one budget per load. */
  didYouMean: Suggest;
}

/** The context of one load's rules. */
export const ruleContext = (now: Date): RuleContext => ({ now, didYouMean: budgetedSuggestions() });

export type Rule = (d: Declarations, context: RuleContext) => Diagnostic[];

const error = (at: SourceLocation, code: string, message: string): Diagnostic => ({
  ...at,
  severity: "error",
  code,
  message,
});

const warning = (at: SourceLocation, code: string, message: string): Diagnostic => ({
  ...at,
  severity: "warning",
  code,
  message,
});

/**
 * The identity source in effect: the declared one, the default when no file has settings,
 * or null when the settings block is broken (rules that depend on it then stay silent).
 */
export function identitySourceOf(d: Declarations): IdentitySource | null {
  const [block] = d.settingsBlocks;
  if (!block) return "identity-center";
  const [settings] = d.settings;
  if (settings?.source !== block.source) return null;
  const written = (block.data as Record<string, unknown>).identitySource;
  if (written !== undefined && settings.data.identitySource === undefined) return null;
  return settings.data.identitySource ?? "identity-center";
}

/** `settings` appears in at most one file. */
export const settingsAtMostOnce: Rule = (d) => {
  const [first, ...rest] = d.settingsBlocks;
  if (!first) return [];
  return rest.map((block) =>
    error(
      keyWhere(block),
      "duplicate-settings",
      `settings are already declared at ${formatLocation(keyWhere(first))}; keep one settings block`,
    ),
  );
};

/** User names, group names and permission set names are unique across files; so are e-mails. */
export const uniqueNames: Rule = (d) => {
  const out: Diagnostic[] = [];
  const check = <T>(
    kind: string,
    kinds: string,
    entries: Entry<T>[],
    field: string,
    nameOf: (t: T) => string[],
  ) => {
    const first = new Map<string, Entry<T>>();
    for (const entry of entries) {
      for (const [i, name] of nameOf(entry.data).entries()) {
        const seen = first.get(name);
        const at = field === "emails" ? where(entry, field, i) : where(entry, field);
        if (seen) {
          const firstAt = field === "emails" ? where(seen, field, 0) : where(seen, field);
          out.push(
            error(
              at,
              "duplicate-name",
              `${kind} "${name}" is already declared at ${formatLocation(firstAt)}; ${kinds} must be unique across files`,
            ),
          );
        } else {
          first.set(name, entry);
        }
      }
    }
  };
  check("user", "user names", d.users, "userName", (u) => [u.userName]);
  check("e-mail address", "e-mail addresses", d.users, "emails", (u) => u.emails ?? []);
  check("group", "group names", d.groups, "name", (g) => [g.name]);
  check("permission set", "permission set names", d.permissionSets, "name", (p) => [p.name]);
  return out;
};

/** `previously` names a former name: not a declared name, and claimed by one permission set only. */
export const previousNames: Rule = (d) => {
  const out: Diagnostic[] = [];
  const claimedBy = new Map<string, Entry<PermissionSetInput>>();
  for (const entry of d.permissionSets) {
    for (const [i, former] of (entry.data.previously ?? []).entries()) {
      const at = where(entry, "previously", i);
      if (d.declared.permissionSets.has(former)) {
        out.push(
          error(
            at,
            "previously-declared",
            former === entry.data.name
              ? `"${former}" is this permission set's own name; remove it from previously`
              : `"${former}" is listed in previously but is also a declared permission set; a former name must no longer be declared`,
          ),
        );
        continue;
      }
      const other = claimedBy.get(former);
      if (other) {
        out.push(
          error(
            at,
            "previously-twice",
            `"${former}" is already a former name of permission set "${other.data.name}" (${formatLocation(where(other, "name"))}); only one permission set can replace it`,
          ),
        );
      } else {
        claimedBy.set(former, entry);
      }
    }
  }
  return out;
};

/** The keys an external permission set may not have: accessops never writes them. */
const MANAGED_PERMISSION_SET_KEYS = [
  "description",
  "sessionDuration",
  "relayState",
  "managedPolicies",
  "customerManagedPolicies",
  "inlinePolicy",
  "permissionsBoundary",
  "tags",
  "previously",
] as const satisfies readonly (keyof PermissionSetInput)[];

/** An external permission set is only referenced, so it declares nothing accessops would write. */
export const externalPermissionSets: Rule = (d) =>
  d.permissionSets
    .filter((entry) => entry.data.external === true)
    .flatMap((entry) =>
      MANAGED_PERMISSION_SET_KEYS.filter((key) => entry.data[key] !== undefined).map((key) =>
        error(
          keyWhere(entry, key),
          "external-with-settings",
          `permission set "${entry.data.name}" is external, so accessops never changes it: remove ${key}, or remove external: true to manage it`,
        ),
      ),
    );

/** An external group's members and description belong to the identity provider. */
export const externalGroups: Rule = (d) =>
  d.groups
    .filter((entry) => entry.data.external === true)
    .flatMap((entry) =>
      (["members", "description"] as const)
        .filter((key) => entry.data[key] !== undefined)
        .map((key) =>
          error(
            keyWhere(entry, key),
            "external-with-settings",
            `group "${entry.data.name}" is external, so its ${key} ${key === "members" ? "are" : "is"} not managed here: remove ${key}, or remove external: true to manage the group`,
          ),
        ),
    );

/** Members of a managed group are declared users (with identitySource: identity-center). */
export const membersDeclared: Rule = (d, { didYouMean }) => {
  if (identitySourceOf(d) !== "identity-center") return [];
  return d.groups
    .filter((entry) => entry.data.external !== true)
    .flatMap((entry) =>
      (entry.data.members ?? []).flatMap((member, i) =>
        d.declared.users.has(member)
          ? []
          : [
              error(
                where(entry, "members", i),
                "unknown-member",
                `user "${member}" is not declared${nearName(member, d.declared.users, didYouMean)}; declare it under users or remove it from members`,
              ),
            ],
      ),
    );
};

/** With identitySource: external, users, groups and memberships are read-only. */
export const identitySourceRules: Rule = (d) => {
  if (identitySourceOf(d) !== "external") return [];
  const out: Diagnostic[] = [];
  const files = new Set<string>();
  for (const user of d.users) {
    if (files.has(user.source.file)) continue;
    files.add(user.source.file);
    out.push(
      error(
        user.source.locate(["users"], "key"),
        "users-with-external-source",
        "users can be declared only with identitySource: identity-center; with external, users come from your identity provider: remove this list",
      ),
    );
  }
  for (const group of d.groups) {
    if (group.data.external === true) continue;
    out.push(
      error(
        where(group, "name"),
        "managed-group-with-external-source",
        `group "${group.data.name}" must be marked external: true: with identitySource: external, groups come from your identity provider`,
      ),
    );
  }
  const [settings] = d.settings;
  for (const key of ["groups", "users"] as const) {
    if (settings?.data.ownership?.[key] !== undefined) {
      out.push(
        error(
          keyWhere(settings, "ownership", key),
          "ownership-with-external-source",
          `ownership.${key} deletes undeclared ${key}, which your identity provider owns with identitySource: external; remove it`,
        ),
      );
    }
  }
  return out;
};

/**
 * What an unknown name is near: a declared name that reads the same (look-alike characters, case)
 * named with the character that differs, else a likely typo (`didYouMean`).
 */
function nearName(name: string, declared: ReadonlySet<string>, didYouMean: Suggest): string {
  const other = bySkeleton(declared)
    .get(skeleton(name))
    ?.find((candidate) => candidate.toLowerCase() !== name.toLowerCase());
  if (other !== undefined) return ` (it reads like "${other}" but is another name${difference(name, other)})`;
  return didYouMean(name, declared);
}

/** Declared names by their skeleton, in declaration order; built once per set, however many lookups. */
const skeletonIndexes = new WeakMap<ReadonlySet<string>, ReadonlyMap<string, readonly string[]>>();

function bySkeleton(declared: ReadonlySet<string>): ReadonlyMap<string, readonly string[]> {
  let index = skeletonIndexes.get(declared);
  if (index === undefined) {
    const built = new Map<string, string[]>();
    for (const other of declared) {
      const key = skeleton(other);
      const list = built.get(key) ?? [];
      list.push(other);
      built.set(key, list);
    }
    index = built;
    skeletonIndexes.set(declared, index);
  }
  return index;
}

/** `: it has U+0430 "а" where "Platform-Admins" has U+0061 "a"`, for names of the same length; else nothing. */
function difference(name: string, other: string): string {
  const mine = [...name];
  const theirs = [...other];
  const i = mine.findIndex((ch, j) => ch !== theirs[j]);
  return mine.length === theirs.length && i >= 0
    ? `: it has ${codePoint(mine[i] ?? "")} where "${other}" has ${codePoint(theirs[i] ?? "")}`
    : "";
}

/** Assignments name declared permission sets and principals. */
export const assignmentReferences: Rule = (d, { didYouMean }) => {
  const out: Diagnostic[] = [];
  const renamedTo = new Map<string, string>();
  for (const ps of d.permissionSets)
    for (const former of ps.data.previously ?? []) renamedTo.set(former, ps.data.name);
  const source = identitySourceOf(d);
  for (const entry of d.assignments) {
    const { group, user } = entry.data.principal;
    if (group !== undefined && !d.declared.groups.has(group)) {
      out.push(
        error(
          where(entry, "principal", "group"),
          "unknown-group",
          `group "${group}" is not declared${nearName(group, d.declared.groups, didYouMean)}; declare it under groups (with external: true if your identity provider owns it)`,
        ),
      );
    }
    if (user !== undefined && source === "identity-center" && !d.declared.users.has(user)) {
      out.push(
        error(
          where(entry, "principal", "user"),
          "unknown-user",
          `user "${user}" is not declared${nearName(user, d.declared.users, didYouMean)}; declare it under users`,
        ),
      );
    }
    for (const [i, name] of entry.data.permissionSets.entries()) {
      if (d.declared.permissionSets.has(name)) continue;
      const renamed = renamedTo.get(name);
      out.push(
        error(
          where(entry, "permissionSets", i),
          "unknown-permission-set",
          renamed
            ? `permission set "${name}" was renamed to "${renamed}" (see its previously list); use "${renamed}"`
            : `permission set "${name}" is not declared${didYouMean(name, d.declared.permissionSets)}; declare it under permissionSets or mark it external: true`,
        ),
      );
    }
  }
  return out;
};

/** An assignment grants at least one permission set. */
export const permissionSetsNotEmpty: Rule = (d) =>
  d.assignments
    .filter((entry) => entry.data.permissionSets.length === 0)
    .map((entry) =>
      error(
        where(entry, "permissionSets"),
        "empty-permission-sets",
        "permissionSets is empty; list the permission sets this assignment grants",
      ),
    );

const selectsSomething = (t: AssignmentInput["targets"]): boolean =>
  (t.accounts?.length ?? 0) > 0 ||
  (t.ous?.length ?? 0) > 0 ||
  Object.keys(t.tags ?? {}).length > 0 ||
  t.all === true;

/** An assignment's targets select at least one account, OU, tag set or all. */
export const targetsNotEmpty: Rule = (d) =>
  d.assignments
    .filter((entry) => !selectsSomething(entry.data.targets))
    .map((entry) =>
      error(
        where(entry, "targets"),
        "empty-targets",
        "targets selects no account; give accounts, ous, tags or all: true",
      ),
    );

/**
 * `exclude` narrows a broad selection (ous, tags or all) and is not empty; an account both
 * targeted by name and excluded is a contradiction.
 */
export const exclusionsNarrowTargets: Rule = (d) => {
  const out: Diagnostic[] = [];
  for (const entry of d.assignments) {
    const { exclude, targets } = entry.data;
    if (exclude === undefined) continue;
    const excluded = [...(exclude.accounts ?? []), ...(exclude.ous ?? [])];
    if (excluded.length === 0) {
      out.push(
        error(
          keyWhere(entry, "exclude"),
          "empty-exclude",
          "exclude is empty; list accounts or ous, or remove it",
        ),
      );
      continue;
    }
    const broad =
      (targets.ous?.length ?? 0) > 0 || Object.keys(targets.tags ?? {}).length > 0 || targets.all === true;
    if (!broad) {
      out.push(
        error(
          keyWhere(entry, "exclude"),
          "exclude-without-broad-targets",
          "exclude narrows ous, tags or all: true, and this assignment has none; remove the excluded accounts from targets instead",
        ),
      );
    }
    for (const [i, account] of (exclude.accounts ?? []).entries()) {
      if (targets.accounts?.includes(account)) {
        out.push(
          error(
            where(entry, "exclude", "accounts", i),
            "conflicting-exclusion",
            `account "${account}" is both targeted and excluded; remove it from one of the two lists`,
          ),
        );
      }
    }
  }
  return out;
};

/** Account references that are all digits are account ids, so they have exactly 12. */
export const accountIds: Rule = (d) => {
  const out: Diagnostic[] = [];
  const check = (entry: Entry<unknown>, accounts: string[] | undefined, ...path: (string | number)[]) => {
    for (const [i, account] of (accounts ?? []).entries()) {
      if (/^\d+$/.test(account) && !new RegExp(PATTERNS.accountId.source).test(account)) {
        out.push(
          error(
            where(entry, ...path, i),
            "invalid-account-id",
            `account id "${account}" has ${account.length} digits; account ids have exactly 12 (keep leading zeros, and quote the id)`,
          ),
        );
      }
    }
  };
  for (const entry of d.assignments) {
    check(entry, entry.data.targets.accounts, "targets", "accounts");
    check(entry, entry.data.exclude?.accounts, "exclude", "accounts");
  }
  for (const entry of d.settings)
    check(entry, entry.data.safety?.protected?.accounts, "safety", "protected", "accounts");
  return out;
};

/** Ownership regexes compile and cannot backtrack exponentially. */
export const ownershipRegexes: Rule = (d) =>
  d.settings.flatMap((entry) =>
    (["groups", "users"] as const).flatMap((key) => {
      const source = entry.data.ownership?.[key];
      if (source === undefined) return [];
      const check = checkOwnershipRegex(source);
      return check.ok
        ? []
        : [
            error(
              where(entry, "ownership", key),
              "invalid-regex",
              `ownership.${key} ${show(source)} ${check.message}`,
            ),
          ];
    }),
  );

/**
 * No declared or protected name can pass for another: no look-alike characters of another script
 * in a Latin name, no invisible or unusual spaces (`lookalikeProblem`), and no two groups or two
 * users that read the same (`skeleton`: case and look-alikes ignored).
 */
export const lookalikeNames: Rule = (d) => {
  const out: Diagnostic[] = [];
  const check = (kind: string, name: string, at: SourceLocation) => {
    const problem = lookalikeProblem(name);
    if (problem !== null) out.push(error(at, "lookalike-name", `${kind} name ${show(name)} ${problem}`));
  };
  const collisions = <T>(kind: string, entries: Entry<T>[], field: string, nameOf: (t: T) => string) => {
    const first = new Map<string, Entry<T>>();
    for (const entry of entries) {
      const name = nameOf(entry.data);
      const looks = skeleton(name);
      const seen = first.get(looks);
      const twin = seen === undefined ? null : nameOf(seen.data);
      if (seen === undefined) first.set(looks, entry);
      if (seen === undefined || twin === name || twin === null) {
        check(kind, name, where(entry, field));
        continue;
      }
      out.push(
        error(
          where(entry, field),
          "lookalike-name",
          `${kind} "${name}" reads the same as ${kind} "${twin}" (${formatLocation(where(seen, field))}) but is another name${difference(name, twin)}; give one a distinct name`,
        ),
      );
    }
  };
  collisions("user", d.users, "userName", (u) => u.userName);
  collisions("group", d.groups, "name", (g) => g.name);
  for (const entry of d.settings) {
    for (const [i, address] of (entry.data.safety?.protected?.principals ?? []).entries()) {
      const slash = address.indexOf("/");
      if (slash > 0)
        check(
          `protected ${address.slice(0, slash)}`,
          address.slice(slash + 1),
          where(entry, "safety", "protected", "principals", i),
        );
    }
  }
  return out;
};

/** A relay state is where users land after signing in: an https page, never a script or another scheme. */
export const relayStateScheme: Rule = (d) =>
  d.permissionSets.flatMap((entry) => {
    const relay = entry.data.relayState;
    if (relay === undefined || /^https:\/\/[^/\s]/i.test(relay)) return [];
    return [
      error(
        where(entry, "relayState"),
        "relay-state-scheme",
        `relayState ${show(relay)} must be an https:// address, such as https://console.aws.amazon.com/; users are sent there after signing in`,
      ),
    ];
  });

/** Protected principals name a valid group or user. */
export const protectedPrincipals: Rule = (d) =>
  d.settings.flatMap((entry) =>
    (entry.data.safety?.protected?.principals ?? []).flatMap((address, i) => {
      const slash = address.indexOf("/");
      const kind = address.slice(0, slash);
      const name = address.slice(slash + 1);
      const pattern = kind === "group" ? PATTERNS.groupName : PATTERNS.userName;
      if (new RegExp(pattern.source, "u").test(name)) return [];
      return [
        error(
          where(entry, "safety", "protected", "principals", i),
          "invalid-protected-principal",
          `protected principal ${show(address)}: a ${kind} name must ${pattern.hint}`,
        ),
      ];
    }),
  );

/** More managed and customer managed policies than IAM's default per-role quota only provision where it was raised. */
export const policyCount: Rule = (d) =>
  d.permissionSets.flatMap((entry) => {
    const count =
      (entry.data.managedPolicies?.length ?? 0) + (entry.data.customerManagedPolicies?.length ?? 0);
    if (count <= QUOTAS.policiesPerRoleWarning) return [];
    return [
      warning(
        where(entry, "name"),
        "many-policies",
        `permission set "${entry.data.name}" attaches ${count} managed and customer managed policies; IAM allows ${QUOTAS.policiesPerRoleWarning} per role unless the quota "Managed policies attached to an IAM role" was raised in every target account`,
      ),
    ];
  });

/** The same customer managed policy (name and path, path defaulting to /) is attached once. */
export const policyReferencesUnique: Rule = (d) =>
  d.permissionSets.flatMap((entry) => {
    const seen = new Set<string>();
    return (entry.data.customerManagedPolicies ?? []).flatMap((ref, i) => {
      const path = ref.path ?? "/";
      const key = `${path}${ref.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        return [];
      }
      return [
        error(
          where(entry, "customerManagedPolicies", i),
          "duplicate-item",
          `customer managed policy "${ref.name}" with path ${path} is listed twice; remove one`,
        ),
      ];
    });
  });

/** A session lasts from one to twelve hours. */
export const sessionDurationRange: Rule = (d) =>
  d.permissionSets.flatMap((entry) => {
    const duration = entry.data.sessionDuration;
    if (duration === undefined) return [];
    const seconds = durationSeconds(duration) ?? 0;
    if (seconds >= SESSION_DURATION_SECONDS.min && seconds <= SESSION_DURATION_SECONDS.max) return [];
    return [
      error(
        where(entry, "sessionDuration"),
        "session-duration-range",
        `sessionDuration ${duration} is outside the range IAM Identity Center allows; use PT1H to PT12H`,
      ),
    ];
  });

/** Tag keys starting with aws: are AWS's, and the ownership tag is set by accessops alone. */
export const tagKeys: Rule = (d) => {
  const ownershipKey = d.settings[0]?.data.ownership?.tag?.key ?? DEFAULT_OWNERSHIP_TAG.key;
  const out: Diagnostic[] = [];
  const prototypeKey = (at: SourceLocation): Diagnostic =>
    error(
      at,
      "prototype-key",
      'tag key "__proto__" cannot be shown faithfully in plans (JavaScript objects drop it) while AWS would receive it; choose another key',
    );
  for (const entry of d.assignments) {
    for (const bucket of ["targets", "exclude"] as const) {
      const tags = (entry.data[bucket] as { tags?: Record<string, string> } | undefined)?.tags;
      if (tags && Object.hasOwn(tags, "__proto__"))
        out.push(prototypeKey(keyWhere(entry, bucket, "tags", "__proto__")));
    }
  }
  for (const entry of d.permissionSets) {
    for (const key of Object.keys(entry.data.tags ?? {})) {
      if (key === "__proto__") {
        out.push(prototypeKey(keyWhere(entry, "tags", key)));
      } else if (key.toLowerCase().startsWith(AWS_RESERVED_TAG_PREFIX)) {
        out.push(
          error(
            keyWhere(entry, "tags", key),
            "reserved-tag",
            `tag key "${key}" is reserved by AWS; choose another key`,
          ),
        );
      } else if (key === ownershipKey) {
        out.push(
          error(
            keyWhere(entry, "tags", key),
            "ownership-tag",
            `tag "${key}" is the ownership tag, which accessops sets itself; remove it from tags`,
          ),
        );
      }
    }
  }
  for (const entry of d.settings) {
    const key = entry.data.ownership?.tag?.key;
    if (key?.toLowerCase().startsWith(AWS_RESERVED_TAG_PREFIX)) {
      out.push(
        error(
          where(entry, "ownership", "tag", "key"),
          "reserved-tag",
          `tag key "${key}" is reserved by AWS; choose another key`,
        ),
      );
    }
  }
  return out;
};

/** The identity store reserves a few names for users and groups. */
export const reservedPrincipalNames: Rule = (d) => {
  const reserved = (kind: string, name: string, at: SourceLocation): Diagnostic[] =>
    RESERVED_PRINCIPAL_NAMES.includes(name)
      ? [
          error(
            at,
            "reserved-name",
            `"${name}" is reserved by IAM Identity Center; choose another ${kind} name`,
          ),
        ]
      : [];
  return [
    ...d.users.flatMap((u) => reserved("user", u.data.userName, where(u, "userName"))),
    ...d.groups
      .filter((g: Entry<GroupInput>) => g.data.external !== true)
      .flatMap((g) => reserved("group", g.data.name, where(g, "name"))),
  ];
};

/** `expires` is a real calendar instant; one already past is a warning (the plan removes it). */
export const expiryDates: Rule = (d, { now }) =>
  d.assignments.flatMap((entry) => {
    const expires = entry.data.expires;
    if (expires === undefined) return [];
    const at = where(entry, "expires");
    const [year, month, day] = expires.slice(0, "YYYY-MM-DD".length).split("-").map(Number);
    const daysInMonth = new Date(Date.UTC(year ?? 0, month ?? 0, 0)).getUTCDate();
    if ((day ?? 0) > daysInMonth) {
      return [
        error(at, "invalid-date", `expires ${expires} is not a date: that month has ${daysInMonth} days`),
      ];
    }
    const instant = new Date(expires);
    if (instant.getTime() <= now.getTime()) {
      return [
        warning(
          at,
          "expired",
          `this assignment expired at ${instant.toISOString()}; the next apply removes it: delete the rule or extend expires`,
        ),
      ];
    }
    return [];
  });

/** Every semantic rule, in the order findings are most useful to read. */
export const RULES: readonly Rule[] = [
  settingsAtMostOnce,
  uniqueNames,
  previousNames,
  externalPermissionSets,
  externalGroups,
  identitySourceRules,
  membersDeclared,
  assignmentReferences,
  permissionSetsNotEmpty,
  targetsNotEmpty,
  exclusionsNarrowTargets,
  accountIds,
  ownershipRegexes,
  protectedPrincipals,
  lookalikeNames,
  relayStateScheme,
  policyCount,
  policyReferencesUnique,
  sessionDurationRange,
  tagKeys,
  reservedPrincipalNames,
  expiryDates,
];

export function checkRules(d: Declarations, context: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => rule(d, context));
}
