import { LIMITS } from "./constraints.ts";

/**
 * Ownership regexes (`settings.ownership.groups` / `users`) come from a pull request and run
 * against every live group or user name. A backtracking regex such as `(a+)+$` can take
 * exponential time on a crafted name, so before one is accepted it must compile with the `u`
 * flag and must not contain what makes backtracking explode: a quantified group that itself
 * contains a quantifier or an alternation (star height above one), or a backreference.
 */

export type RegexCheck = { ok: true; regex: RegExp } | { ok: false; message: string };

/** The one way ownership regexes are compiled, here and by the planner. */
export function compileOwnershipRegex(source: string): RegExp {
  return new RegExp(source, "u");
}

export function checkOwnershipRegex(source: string): RegexCheck {
  if (source.length > LIMITS.ownershipRegex) {
    return {
      ok: false,
      message: `is ${source.length} characters long; the limit is ${LIMITS.ownershipRegex}`,
    };
  }
  let regex: RegExp;
  try {
    regex = compileOwnershipRegex(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "";
    return { ok: false, message: `is not a valid regular expression (${reason})` };
  }
  const hazard = backtrackingHazard(source);
  return hazard ? { ok: false, message: hazard } : { ok: true, regex };
}

interface Group {
  /** The group contains a quantifier or an alternation. */
  repeats: boolean;
}

/** Why `source` could backtrack exponentially, or null. Assumes `source` compiles with `u`. */
function backtrackingHazard(source: string): string | null {
  const stack: Group[] = [{ repeats: false }];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const top = stack[stack.length - 1] as Group;
    if (c === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") {
        return "uses a backreference, which can take exponential time; match the name without it";
      }
      i += next === "p" || next === "P" ? skipProperty(source, i) : 2;
      continue;
    }
    if (c === "[") {
      i = skipClass(source, i);
      continue;
    }
    if (c === "(") {
      stack.push({ repeats: false });
      i += 1;
      continue;
    }
    if (c === "|") top.repeats = true;
    if (c === ")") {
      const group = stack.pop() as Group;
      const quantifier = quantifierAt(source, i + 1);
      if (quantifier.repeats && group.repeats) {
        return "repeats a group that itself repeats or alternates, which can take exponential time on some names; simplify it, for example to ^team-";
      }
      const parent = stack[stack.length - 1] as Group;
      parent.repeats ||= group.repeats || quantifier.repeats;
      i += 1 + quantifier.length;
      continue;
    }
    const quantifier = quantifierAt(source, i);
    if (quantifier.length > 0) {
      top.repeats ||= quantifier.repeats;
      i += quantifier.length;
      continue;
    }
    i += 1;
  }
  return null;
}

/** The quantifier starting at `i` (with a lazy `?`), and whether it allows more than one match. */
function quantifierAt(source: string, i: number): { length: number; repeats: boolean } {
  const c = source[i];
  let length = 0;
  let repeats = false;
  if (c === "*" || c === "+") {
    length = 1;
    repeats = true;
  } else if (c === "?") {
    length = 1;
  } else if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (m) {
      length = m[0].length;
      const max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
      repeats = max > 1;
    }
  }
  if (length > 0 && source[i + length] === "?") length += 1;
  return { length, repeats };
}

function skipClass(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
  return i + 1;
}

function skipProperty(source: string, start: number): number {
  const close = source.indexOf("}", start);
  return close === -1 ? start + 2 : close + 1;
}
