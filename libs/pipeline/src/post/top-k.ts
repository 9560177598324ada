/** One class of a top-k answer. */
export interface ClassScore {
  index: number;
  label: string;
  score: number;
}

/**
 * The k highest-scoring classes of one item's scores (ties keep the lower index first). A class without a
 * label is named by its index.
 */
export function topK(scores: ArrayLike<number>, k: number, labels: readonly string[] | undefined): ClassScore[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return order.slice(0, k).map((index) => ({ index, label: labels?.[index] ?? String(index), score: scores[index] ?? 0 }));
}
