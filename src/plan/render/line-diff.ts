/** One line of a rendered diff: kept (` `), removed (`-`) or added (`+`). */
export interface LineEdit {
  op: " " | "-" | "+";
  line: string;
}

/**
 * Above this many cells the longest-common-subsequence table is not built and the diff shows all
 * old lines removed and all new lines added. Inline policies are at most 32 KiB, so after the
 * common prefix and suffix are trimmed real edits stay far below it.
 */
const MAX_LCS_CELLS = 4_000_000;

/**
 * A line diff (longest common subsequence), for showing how a policy document changed. Common
 * leading and trailing lines are trimmed first, so the table covers only the edited middle.
 */
export function lineDiff(before: readonly string[], after: readonly string[]): LineEdit[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  const head = before.slice(0, start).map((line): LineEdit => ({ op: " ", line }));
  const tail = before.slice(endB).map((line): LineEdit => ({ op: " ", line }));
  const a = before.slice(start, endB);
  const b = after.slice(start, endA);
  return [...head, ...middle(a, b), ...tail];
}

function middle(a: readonly string[], b: readonly string[]): LineEdit[] {
  const removed = a.map((line): LineEdit => ({ op: "-", line }));
  const added = b.map((line): LineEdit => ({ op: "+", line }));
  if (a.length === 0 || b.length === 0 || (a.length + 1) * (b.length + 1) > MAX_LCS_CELLS) {
    return [...removed, ...added];
  }
  const width = b.length + 1;
  // lcs[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", line: a[i] as string });
      i++;
      j++;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      out.push({ op: "-", line: a[i++] as string });
    } else {
      out.push({ op: "+", line: b[j++] as string });
    }
  }
  while (i < a.length) out.push({ op: "-", line: a[i++] as string });
  while (j < b.length) out.push({ op: "+", line: b[j++] as string });
  return out;
}
