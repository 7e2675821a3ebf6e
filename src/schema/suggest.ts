/** A typo changes at most about one character in this many (and always at least one). */
const TYPO_FRACTION = 4;

/** Longer words get no suggestion: comparing them costs length squared, and typos are short. */
const MAX_SUGGESTABLE_LENGTH = 64;

/**
 * Comparisons one load may spend suggesting declared names for unknown ones. A real
 * directory needs a few thousand; without a bound, a hostile one with tens of thousands of
 * unknown references against as many names would cost their product.
 */
export const SUGGESTION_COMPARISONS = 200_000;

/**
 * The candidate closest to `word` by edit distance, ignoring case, when it is close enough to
 * be a likely typo; otherwise null. Ties go to the first candidate in code-unit order, so
 * answers are stable.
 */
export function nearest(word: string, candidates: Iterable<string>): string | null {
  if (word.length > MAX_SUGGESTABLE_LENGTH) return null;
  const budget = Math.max(1, Math.floor(word.length / TYPO_FRACTION));
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word || Math.abs(candidate.length - word.length) > budget) continue;
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== null && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= budget ? best : null;
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (so `gruop` is one edit from `group`).
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (rows[i - 1]?.[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (rows[i - 1]?.[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/** ` (did you mean "y"?)` when a candidate is close to `word`, otherwise the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = nearest(word, candidates);
  return match === null ? "" : ` (did you mean "${match}"?)`;
}

/** `didYouMean` over a set of declared names. */
export type Suggest = (word: string, candidates: ReadonlySet<string>) => string;

/**
 * A `didYouMean` that shares one budget of comparisons across calls: once it is spent, the
 * remaining messages come without a suggestion (still correct, only shorter).
 */
export function budgetedSuggestions(comparisons = SUGGESTION_COMPARISONS): Suggest {
  let remaining = comparisons;
  return (word, candidates) => {
    remaining -= candidates.size;
    return remaining >= 0 ? didYouMean(word, candidates) : "";
  };
}
