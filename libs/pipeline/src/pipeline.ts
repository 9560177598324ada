import { loadTokenizer, type Tokenizer } from './text/tokenizer';
import type { Tensor } from '@maas/tensor';
import { InvalidArgumentError } from '@maas/errors';
import { describePipeline, resultsToTensors, type PipelineDescription } from './describe';
import { readLines, referencedFiles, requireFile, type PipelineFiles } from './files';
import { runImagePipeline } from './image/image-pipeline';
import { ItemError } from './item-error';
import { runPostPipeline, type ItemResult, type PostResources } from './post/post-pipeline';
import type { ImageStep, PipelineSpec, TabularStep, TokenizeStep } from './spec';
import type { StepObserver } from './step-timer';
import { runTabularPipeline, type DroppedItem, type Row } from './tabular/tabular-pipeline';
import { runTextPipeline } from './text/text-pipeline';
import { validatePipelineSpec } from './validate';

/** One raw item of a request: encoded image bytes, a text, or a row of named cells. */
export type RawItem = { image: Uint8Array } | { text: string } | { row: Row };

/** Tensors for the model (dim 0 = kept items), which request items they are, and which were dropped. */
export interface PreprocessResult {
  tensors: Tensor[];
  /** Request indices of the tensors' rows, in order (all items unless a row pipeline dropped some). */
  keptItems: number[];
  dropped: DroppedItem[];
}

function itemsOf<K extends 'image' | 'text' | 'row'>(items: readonly RawItem[], kind: K): Array<Extract<RawItem, Record<K, unknown>>[K]> {
  if (items.length === 0) throw new ItemError(-1, 'items', 'empty_batch', 'no items: expected at least one');
  return items.map((item, i) => {
    if (!(kind in item)) {
      const got = Object.keys(item)[0] ?? 'nothing';
      throw new ItemError(i, kind, 'wrong_kind', `this model's pipeline takes ${kind === 'row' ? 'a row' : `an ${kind === 'image' ? 'image' : 'text'}`} per item, got ${got}`);
    }
    return (item as unknown as Record<K, never>)[kind];
  });
}

/**
 * A pipeline ready to run: a validated spec with its bundle files loaded (tokenizer built, labels and CTC
 * dictionaries read). Stateless per call and safe to share between concurrent requests.
 */
export class Pipeline {
  private readonly tokenizer: Tokenizer | undefined;
  private readonly resources: PostResources;
  /** Loaded by loadPostOnly: no tokenizer, preprocess() refuses. */
  private readonly postOnly: boolean;

  /** Use loadPipeline(). */
  private constructor(
    readonly spec: PipelineSpec,
    files: PipelineFiles,
    postOnly: boolean,
  ) {
    this.postOnly = postOnly;
    const tokenize = postOnly ? undefined : spec.preprocess.find((s): s is TokenizeStep => s.op === 'tokenize');
    this.tokenizer = tokenize && loadTokenizer(files, tokenize.file, tokenize.lowercase ?? true, 'preprocess[0] (tokenize)');
    const labels = new Map<number, readonly string[]>();
    const dictionaries = new Map<number, readonly string[]>();
    spec.postprocess.forEach((step, i) => {
      const where = `postprocess[${i}] (${step.op})`;
      if (step.op === 'top_k' && step.labels !== undefined) {
        labels.set(i, typeof step.labels === 'string' ? readLines(requireFile(files, step.labels, where)) : step.labels);
      }
      if (step.op === 'ctc_decode') {
        const characters = readLines(requireFile(files, step.dictionary, where));
        dictionaries.set(i, step.appendSpace ? [...characters, ' '] : characters);
      }
    });
    this.resources = { labels, dictionaries };
  }

  /** Builds a pipeline from a spec (validated here when given as JSON) and its bundle files. */
  static load(spec: PipelineSpec | string, files: PipelineFiles = new Map()): Pipeline {
    return new Pipeline(typeof spec === 'string' ? validatePipelineSpec(spec) : spec, files, false);
  }

  /**
   * A pipeline that only postprocesses (answer/postprocess/describe): it needs the files the post steps name
   * (postFiles()), not the tokenizer; preprocess() on it throws.
   */
  static loadPostOnly(spec: PipelineSpec | string, files: PipelineFiles = new Map()): Pipeline {
    return new Pipeline(typeof spec === 'string' ? validatePipelineSpec(spec) : spec, files, true);
  }

  /** The side files the post steps read (label lists, CTC dictionaries). */
  static postFiles(spec: PipelineSpec): string[] {
    return referencedFiles({ preprocess: [], postprocess: spec.postprocess }).required;
  }

  /** Raw inputs, model inputs and final outputs (see describePipeline). */
  describe(): PipelineDescription {
    return describePipeline(this.spec);
  }

  /** Turns N raw items into the model's input tensors (a batch of N, or of the kept rows). */
  async preprocess(items: readonly RawItem[], observe?: StepObserver): Promise<PreprocessResult> {
    if (this.postOnly) throw new Error('this pipeline was loaded for postprocessing only');
    const all = items.map((_, i) => i);
    switch (this.spec.input.kind) {
      case 'image': {
        const tensors = await runImagePipeline(itemsOf(items, 'image'), this.spec.preprocess as ImageStep[], observe);
        return { tensors, keptItems: all, dropped: [] };
      }
      case 'text': {
        const step = this.spec.preprocess[0] as TokenizeStep;
        if (this.tokenizer === undefined) throw new Error('text pipeline without a tokenizer');
        return { tensors: await runTextPipeline(itemsOf(items, 'text'), this.tokenizer, step, observe), keptItems: all, dropped: [] };
      }
      case 'row':
        return runTabularPipeline(itemsOf(items, 'row'), this.spec.preprocess as TabularStep[], observe);
    }
  }

  /** Turns the model's outputs for `itemCount` rows into one result per row (same order as the outputs). */
  postprocess(outputs: readonly Tensor[], itemCount: number, observe?: StepObserver): Promise<ItemResult[]> {
    return runPostPipeline(outputs, itemCount, this.spec.postprocess, this.resources, observe);
  }

  /**
   * The whole answer to a request of `itemCount` items of which `keptItems` reached the model (the model's
   * output rows, in order): each result at its request position, and the output tensors describe() lists,
   * with dropped items' reasons in their rows.
   */
  async answer(outputs: readonly Tensor[], keptItems: readonly number[], itemCount: number, dropped: readonly DroppedItem[], observe?: StepObserver): Promise<{ placed: Array<ItemResult | undefined>; tensors: Tensor[] }> {
    const results = await this.postprocess(outputs, keptItems.length, observe);
    const placed = scatterResults(results, keptItems, itemCount);
    return { placed, tensors: resultsToTensors(this.spec, placed.map((r) => r ?? {}), dropped) };
  }
}

/**
 * Places the results of the kept rows back at their request positions: keptItems[i] is the request index of
 * result i; the rest are dropped items. Throws INVALID_ARGUMENT when the lists do not fit together.
 */
export function scatterResults(results: readonly ItemResult[], keptItems: readonly number[], itemCount: number): Array<ItemResult | undefined> {
  if (keptItems.length !== results.length || keptItems.some((k) => k >= itemCount)) {
    throw new InvalidArgumentError(`kept_items: expected ${results.length} indices below item_count ${itemCount}, got [${keptItems.join(',')}]`);
  }
  const out: Array<ItemResult | undefined> = Array.from({ length: itemCount }, () => undefined);
  keptItems.forEach((item, i) => (out[item] = results[i]));
  return out;
}

/** Loads a pipeline: validates the spec (JSON or already validated) and reads what it needs from the files. */
export function loadPipeline(spec: PipelineSpec | string, files: PipelineFiles = new Map()): Pipeline {
  return Pipeline.load(spec, files);
}
