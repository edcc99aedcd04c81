/**
 * "Did you mean …?" for manifest errors: the candidate closest to a misspelt key or id by edit distance,
 * when it is close enough to be a plausible typo. Pure.
 */

/** The candidate nearest to `word`, if within a third of its length (at least one edit); ties go to the first. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edit distance where an insertion, deletion, substitution or swap of two neighbours each cost one. */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i += 1) {
    for (let j = 0; j <= b.length; j += 1) {
      table[i * width + j] = i === 0 || j === 0 ? i + j : cell({ a, b, at }, i, j);
    }
  }
  return at(a.length, b.length);
}

interface Grid {
  readonly a: string;
  readonly b: string;
  readonly at: (i: number, j: number) => number;
}

function cell({ a, b, at }: Grid, i: number, j: number): number {
  const cost = a[i - 1] === b[j - 1] ? 0 : 1;
  const best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
  const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
  return swapped ? Math.min(best, at(i - 2, j - 2) + 1) : best;
}
