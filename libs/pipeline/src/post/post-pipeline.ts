import { float16BitsToNumber, isBytesData, type Tensor } from '@maas/tensor';
import { ItemError } from '../item-error';
import type { PostStep } from '../spec';
import { timed, type StepObserver } from '../step-timer';
import { sigmoidInPlace, softmaxInPlace } from './activations';
import { ctcGreedyDecode } from './ctc';
import { topK, type ClassScore } from './top-k';

/** The answer for one item. Which fields are set depends on the post steps (top_k: label, score, classIndex, topK; ctc_decode: text, score). */
export interface ItemResult {
  label?: string;
  score?: number;
  classIndex?: number;
  topK?: ClassScore[];
  text?: string;
}

/** What the post steps read besides the outputs: label lists and CTC dictionaries, loaded from the bundle. */
export interface PostResources {
  /** Labels per top_k step index (undefined: none, classes are named by index). */
  labels: ReadonlyMap<number, readonly string[]>;
  /** Characters per ctc_decode step index (already with ' ' appended when appendSpace). */
  dictionaries: ReadonlyMap<number, readonly string[]>;
}

interface Scores {
  values: Float64Array;
  /** Values per item. */
  perItem: number;
  /** Size of the last axis. */
  classes: number;
  shape: number[];
}

function readScores(outputs: readonly Tensor[], name: string | undefined, itemCount: number): Scores {
  const tensor = name === undefined ? outputs[0] : outputs.find((t) => t.name === name);
  if (tensor === undefined) {
    const have = outputs.map((t) => t.name).join(', ') || 'none';
    throw new ItemError(-1, `output '${name ?? '(first)'}'`, 'bad_output', `the model gave no such output (outputs: ${have})`);
  }
  const { data, shape } = tensor;
  if (isBytesData(data)) throw new ItemError(-1, `output '${tensor.name}'`, 'bad_output', 'expected numbers, got BYTES');
  const values = new Float64Array(data.length);
  if (tensor.datatype === 'FP16') (data as Uint16Array).forEach((bits, i) => (values[i] = float16BitsToNumber(bits)));
  else for (let i = 0; i < data.length; i++) values[i] = Number(data[i]);
  if (shape[0] !== itemCount || shape.length < 2) {
    throw new ItemError(-1, `output '${tensor.name}'`, 'bad_output', `expected shape [${itemCount}, ...] (one row per item), got [${shape.join(',')}]`);
  }
  return { values, perItem: values.length / Math.max(1, itemCount), classes: shape[shape.length - 1] ?? 1, shape };
}

/**
 * Turns model outputs for `itemCount` items into one result per item by running the post steps in order.
 * Softmax/sigmoid change the scores later steps read; top_k and ctc_decode write results; threshold rewrites
 * the top label when its score is too low. An output that does not fit is an ItemError (bad_output) naming it.
 */
export async function runPostPipeline(outputs: readonly Tensor[], itemCount: number, steps: readonly PostStep[], resources: PostResources, observe?: StepObserver): Promise<ItemResult[]> {
  const results: ItemResult[] = Array.from({ length: itemCount }, () => ({}));
  const cache = new Map<string, Scores>();
  const scores = (name: string | undefined): Scores => {
    const key = name ?? outputs[0]?.name ?? '';
    let s = cache.get(key);
    if (s === undefined) {
      s = readScores(outputs, name, itemCount);
      cache.set(key, s);
    }
    return s;
  };
  for (const [index, step] of steps.entries()) {
    await timed(step.op, observe, () => {
      switch (step.op) {
        case 'softmax': {
          const s = scores(step.tensor);
          softmaxInPlace(s.values, s.classes);
          return;
        }
        case 'sigmoid':
          sigmoidInPlace(scores(step.tensor).values);
          return;
        case 'top_k': {
          const s = scores(step.tensor);
          const labels = resources.labels.get(index);
          if (labels !== undefined && labels.length !== s.perItem) {
            throw new ItemError(-1, `output '${step.tensor ?? outputs[0]?.name}'`, 'bad_output', `has ${s.perItem} classes per item but the labels list ${labels.length}`);
          }
          results.forEach((r, i) => {
            const best = topK(s.values.subarray(i * s.perItem, (i + 1) * s.perItem), step.k ?? 1, labels);
            r.topK = best;
            r.label = best[0]?.label;
            r.score = best[0]?.score;
            r.classIndex = best[0]?.index;
          });
          return;
        }
        case 'threshold':
          for (const r of results) {
            if ((r.score ?? 0) < step.minScore) {
              r.label = step.label ?? 'unknown';
              r.classIndex = -1;
            }
          }
          return;
        case 'ctc_decode': {
          const s = scores(step.tensor);
          const characters = resources.dictionaries.get(index) ?? [];
          if (s.shape.length !== 3 || s.classes !== characters.length + 1) {
            throw new ItemError(-1, `output '${step.tensor ?? outputs[0]?.name}'`, 'bad_output', `expected [N, T, ${characters.length + 1}] (blank + ${characters.length} dictionary characters), got [${s.shape.join(',')}]`);
          }
          const steps = s.shape[1] ?? 0;
          results.forEach((r, i) => {
            const decoded = ctcGreedyDecode(s.values.subarray(i * s.perItem, (i + 1) * s.perItem), steps, s.classes, characters);
            r.text = decoded.text;
            r.score = decoded.score;
          });
          return;
        }
      }
    });
  }
  return results;
}
