import { loadTokenizer, type Tokenizer } from './text/tokenizer';
import type { Tensor } from '@maas/tensor';
import { describePipeline, type PipelineDescription } from './describe';
import { readLines, requireFile, type PipelineFiles } from './files';
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

  /** Use loadPipeline(). */
  private constructor(
    readonly spec: PipelineSpec,
    files: PipelineFiles,
  ) {
    const tokenize = spec.preprocess.find((s): s is TokenizeStep => s.op === 'tokenize');
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
    return new Pipeline(typeof spec === 'string' ? validatePipelineSpec(spec) : spec, files);
  }

  /** Raw inputs, model inputs and final outputs (see describePipeline). */
  describe(): PipelineDescription {
    return describePipeline(this.spec);
  }

  /** Turns N raw items into the model's input tensors (a batch of N, or of the kept rows). */
  async preprocess(items: readonly RawItem[], observe?: StepObserver): Promise<PreprocessResult> {
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
}

/** Loads a pipeline: validates the spec (JSON or already validated) and reads what it needs from the files. */
export function loadPipeline(spec: PipelineSpec | string, files: PipelineFiles = new Map()): Pipeline {
  return Pipeline.load(spec, files);
}
