import type { Diagnostic } from "../model/errors.ts";
import type { Declarations, Entry, SettingsInput } from "./input.ts";
import type { SourceDocument } from "./load.ts";
import { checkShape } from "./shape.ts";
import { type ParsedYaml, parseYaml, type Segment } from "./yaml.ts";

/** The list-valued top-level keys of an access file, in the order `Declarations` holds them. */
const LISTS = ["users", "groups", "permissionSets", "assignments"] as const;

/** The key naming each kind of declaration (what must be unique, and what references use). */
const NAME_KEY = { users: "userName", groups: "name", permissionSets: "name" } as const;

/**
 * Parses each document, checks it against the schema, and merges what passed into one set
 * of declarations (documents in the order given). The diagnostics are the parse and schema
 * findings; the semantic rules run on the result.
 */
export function collectDeclarations(documents: readonly SourceDocument[]): {
  declarations: Declarations;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const declarations = emptyDeclarations();
  for (const document of documents) {
    const parsed = parseYaml(document.path, document.text);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) continue;
    if (parsed.value === null) {
      diagnostics.push({
        severity: "warning",
        file: document.path,
        line: 1,
        column: 1,
        code: "empty-file",
        message:
          "the file is empty; add settings, users, groups, permissionSets or assignments, or delete it",
      });
      continue;
    }
    const shape = checkShape(parsed);
    diagnostics.push(...shape.diagnostics);
    addDeclarations(declarations, parsed, shape.invalid);
  }
  return { declarations, diagnostics };
}

function emptyDeclarations(): Declarations {
  return {
    settingsBlocks: [],
    settings: [],
    users: [],
    groups: [],
    permissionSets: [],
    assignments: [],
    declared: { users: new Set(), groups: new Set(), permissionSets: new Set() },
  };
}

/**
 * Adds the declarations of one parsed file. `invalid` holds the paths the schema rejected:
 * an entry containing one is left out of the semantic rules and the `Config`, but its name
 * still counts as declared.
 */
function addDeclarations(into: Declarations, parsed: ParsedYaml, invalid: readonly Segment[][]): void {
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  // Indexed, so that a file with thousands of bad entries is not checked in quadratic time.
  const spoiledLists = new Set(invalid.filter((p) => p.length <= 1).map((p) => String(p[0] ?? "")));
  const spoiledItems = new Set(invalid.filter((p) => p.length >= 2).map((p) => `${p[0]}/${p[1]}`));
  const spoils = (key: string, index: number) =>
    spoiledLists.has("") || spoiledLists.has(key) || spoiledItems.has(`${key}/${index}`);

  if ("settings" in record) {
    const entry: Entry<unknown> = { data: record.settings, source: parsed, path: ["settings"], index: 0 };
    into.settingsBlocks.push(entry);
    const pruned = pruneSettings(record.settings, invalid);
    if (pruned !== null) into.settings.push({ ...entry, data: pruned });
  }
  for (const key of LISTS) {
    const items = record[key];
    if (!Array.isArray(items)) continue;
    for (const [index, data] of items.entries()) {
      const path: Segment[] = [key, index];
      if (key !== "assignments") {
        const name = (data as Record<string, unknown> | null)?.[NAME_KEY[key]];
        if (typeof name === "string") into.declared[key].add(name);
      }
      if (!spoils(key, index)) (into[key] as Entry<unknown>[]).push({ data, source: parsed, path, index });
    }
  }
}

/**
 * Settings hold no required key, so a bad value spoils only itself: the settings are kept
 * without it (its default applies in the rules; the load fails anyway). A bad identitySource
 * is kept out entirely, so that rules depending on it stay silent rather than guess.
 * Null when the block itself is not a mapping.
 */
function pruneSettings(settings: unknown, invalid: readonly Segment[][]): SettingsInput | null {
  const paths = invalid.filter((p) => p.length === 0 || p[0] === "settings");
  if (paths.some((p) => p.length <= 1) || settings === null || typeof settings !== "object") return null;
  const copy: Record<string, unknown> = { ...(settings as Record<string, unknown>) };
  for (const [, key, sub] of paths) {
    const section = copy[key as string];
    if (sub === undefined || section === null || typeof section !== "object" || Array.isArray(section)) {
      delete copy[key as string];
    } else {
      const rest: Record<string, unknown> = { ...(section as Record<string, unknown>) };
      delete rest[sub as string];
      copy[key as string] = rest;
    }
  }
  return copy as SettingsInput;
}
