// The pipeline spec: what a model version's `config.pipeline_json` holds. Plain JSON, validated by
// validatePipelineSpec(); docs/preprocessing.md is the reference with examples.

/** The kind of raw item a pipeline takes: encoded image bytes, a UTF-8 string, or a row of named cells. */
export type InputKind = 'image' | 'text' | 'row';

/** Numeric datatypes a pipeline can emit (KServe names). */
export type PipelineDatatype = 'FP32' | 'FP64' | 'FP16' | 'UINT8' | 'INT8' | 'INT32' | 'INT64';

// ---- image steps --------------------------------------------------------------------------------

/** Decodes JPEG/PNG/WebP (sharp) into 8-bit pixels; `color` fixes channel count and order. */
export interface DecodeStep {
  op: 'decode';
  /** Channel order of the result: RGB (default), BGR (OpenCV/PaddleOCR models) or GRAY (one channel). */
  color?: 'RGB' | 'BGR' | 'GRAY';
}

/**
 * Resizes. With width and height and no keepAspect: exactly that size. With keepAspect: scales so the given
 * side matches (height, or width) and the other follows the aspect ratio, rounded up, capped at maxWidth /
 * maxHeight (PaddleOCR's rule: w = min(maxWidth, ceil(height * w0 / h0))).
 */
export interface ResizeStep {
  op: 'resize';
  width?: number;
  height?: number;
  keepAspect?: boolean;
  maxWidth?: number;
  maxHeight?: number;
  /** Interpolation kernel; default linear (OpenCV's INTER_LINEAR, what most models were trained with). */
  interpolation?: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
}

/** Crops a width×height window; left/top default to a centred window. */
export interface CropStep {
  op: 'crop';
  width: number;
  height: number;
  left?: number;
  top?: number;
}

/** Multiplies every value by `factor` (e.g. 1/255); pixels become floats. */
export interface ScaleStep {
  op: 'scale';
  factor: number;
}

/** Per-channel (x - mean[c]) / std[c]; one value applies to every channel. Pixels become floats. */
export interface NormalizeStep {
  op: 'normalize';
  mean: number[];
  std: number[];
}

/**
 * Pads right/bottom (align start) or on both sides (align center) with `value` up to width/height. Width
 * 'batch_max' pads every item to the widest in the batch (at least minWidth): variable-width models.
 */
export interface PadStep {
  op: 'pad';
  width?: number | 'batch_max';
  height?: number;
  minWidth?: number;
  align?: 'start' | 'center';
  value?: number;
}

/** Emits the batch as one tensor [N,C,H,W] (CHW) or [N,H,W,C] (HWC). */
export interface ImageTensorStep {
  op: 'to_tensor';
  name: string;
  layout?: 'CHW' | 'HWC';
  dtype?: PipelineDatatype;
}

/** Every step an image pipeline may use, in the order they may appear. */
export type ImageStep = DecodeStep | ResizeStep | CropStep | ScaleStep | NormalizeStep | PadStep | ImageTensorStep;

// ---- text steps ---------------------------------------------------------------------------------

/**
 * Tokenizes with a tokenizer loaded from a bundle file: `tokenizer.json` (any Hugging Face tokenizer: WordPiece,
 * BPE, ...) or a WordPiece `vocab.txt` (BERT rules: lowercase, strip accents, [CLS] x [SEP]). Truncates to
 * maxLength (keeping the special tokens) and pads to maxLength (or to the longest item with padding 'longest').
 */
export interface TokenizeStep {
  op: 'tokenize';
  /** Bundle file name: *.json (tokenizer.json) or a WordPiece vocab (*.txt). */
  file: string;
  /** For a vocab.txt: lowercase and strip accents (uncased models). Default true. */
  lowercase?: boolean;
  maxLength: number;
  /** Default max_length: every batch has shape [N, maxLength]. */
  padding?: 'max_length' | 'longest';
  /** Default true; false rejects a text longer than maxLength instead of cutting it. */
  truncation?: boolean;
  /** Output tensor names; null leaves that tensor out. Defaults: input_ids, attention_mask, token_type_ids. */
  outputs?: { ids?: string; attentionMask?: string | null; tokenTypeIds?: string | null };
  /** Integer type of the tensors; default INT64 (what BERT exports take). */
  dtype?: 'INT64' | 'INT32';
}

/** Every step a text pipeline may use. */
export type TextStep = TokenizeStep;

// ---- tabular steps ------------------------------------------------------------------------------

/**
 * Picks and orders the feature columns by name. A cell that is absent, null, '' or not a finite number counts as
 * missing (impute fills it) or invalid; `onInvalid` says whether a row with an invalid value is rejected
 * (INVALID_ARGUMENT, default) or dropped from the batch (its result says so).
 */
export interface SelectStep {
  op: 'select';
  columns: string[];
  /** Columns holding category strings (for one_hot); the rest must be numbers. */
  categorical?: string[];
  onInvalid?: 'reject' | 'drop';
}

/** Fills missing cells with a constant per column (e.g. the training mean or the most common category). */
export interface ImputeStep {
  op: 'impute';
  values: Record<string, number | string>;
}

/** (x - mean) / std per column; columns not named pass through. */
export interface StandardizeStep {
  op: 'standardize';
  mean: Record<string, number>;
  std: Record<string, number>;
}

/** (x - min) / (max - min) per column; columns not named pass through. */
export interface MinMaxStep {
  op: 'min_max';
  min: Record<string, number>;
  max: Record<string, number>;
}

/** Replaces a categorical column by one 0/1 column per category, in place. */
export interface OneHotStep {
  op: 'one_hot';
  column: string;
  categories: string[];
  /** An unknown category: reject the row (default) or encode all zeros. */
  unknown?: 'reject' | 'zeros';
}

/** Emits the features as one tensor [N, F]. */
export interface TabularTensorStep {
  op: 'to_tensor';
  name: string;
  dtype?: PipelineDatatype;
}

/** Every step a tabular pipeline may use. */
export type TabularStep = SelectStep | ImputeStep | StandardizeStep | MinMaxStep | OneHotStep | TabularTensorStep;

// ---- post steps ---------------------------------------------------------------------------------

/** Softmax over the last axis of an output (default: the model's first output). */
export interface SoftmaxStep {
  op: 'softmax';
  tensor?: string;
}

/** Sigmoid of every value of an output (multi-label or binary logits). */
export interface SigmoidStep {
  op: 'sigmoid';
  tensor?: string;
}

/**
 * The k best classes of an output [N, C] as label + score (argmax is k = 1). Labels come from a bundle file
 * (one per line), an inline list, or, when absent, the class index as text.
 */
export interface TopKStep {
  op: 'top_k';
  k?: number;
  tensor?: string;
  labels?: string | string[];
}

/** Below `minScore` the best class is replaced by `label` (default "unknown"). Needs top_k before it. */
export interface ThresholdStep {
  op: 'threshold';
  minScore: number;
  label?: string;
}

/**
 * CTC greedy decoding of an output [N, T, C]: argmax per time step, merge repeats, drop the blank. The
 * dictionary file has one character per line; class i is dictionary[i - 1] with the blank at `blankIndex` 0
 * (PaddleOCR). `appendSpace` adds ' ' as the last class (PaddleOCR's use_space_char).
 */
export interface CtcDecodeStep {
  op: 'ctc_decode';
  dictionary: string;
  tensor?: string;
  blankIndex?: 0;
  appendSpace?: boolean;
}

/** Every post step. */
export type PostStep = SoftmaxStep | SigmoidStep | TopKStep | ThresholdStep | CtcDecodeStep;

// ---- the spec -----------------------------------------------------------------------------------

/** Pre-steps for each input kind. */
export interface PreStepsByKind {
  image: ImageStep;
  text: TextStep;
  row: TabularStep;
}

/** Any pre-step. */
export type PreStep = ImageStep | TextStep | TabularStep;

/** A validated pipeline: what the raw input is, how it becomes tensors, how outputs become answers. */
export interface PipelineSpec {
  /** Spec format version; 1. */
  version: 1;
  input: {
    kind: InputKind;
    /** Name clients see in ModelMetadata; defaults to the kind ("image", "text", "row"). */
    name: string;
  };
  preprocess: PreStep[];
  postprocess: PostStep[];
}
