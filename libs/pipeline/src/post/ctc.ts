/** A CTC-decoded text and its confidence. */
export interface CtcText {
  text: string;
  /** Mean of the kept characters' probabilities (PaddleOCR's score); 0 for an empty text. */
  score: number;
}

/**
 * Greedy CTC decoding of one item's [T, C] scores: the best class per time step, repeats merged, the blank
 * (class 0) dropped; class i > 0 is characters[i - 1].
 */
export function ctcGreedyDecode(scores: ArrayLike<number>, steps: number, classes: number, characters: readonly string[]): CtcText {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = scores[t * classes + c] ?? -Infinity;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best - 1] ?? '';
      sum += bestScore;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept > 0 ? sum / kept : 0 };
}
