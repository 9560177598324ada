import { InvalidArgumentError } from '@maas/errors';
import type {
  ImageStep,
  InputKind,
  PipelineDatatype,
  PipelineSpec,
  PostStep,
  PreStep,
  TabularStep,
  TextStep,
} from './spec';
import {
  isObject,
  onlyKeys,
  optBoolean,
  optEnum,
  optNumber,
  optSize,
  optString,
  reqColumnMap,
  reqFileName,
  reqNumber,
  reqNumberList,
  reqString,
  reqStringList,
  specError,
  type RawObject,
} from './spec-fields';

const INPUT_KINDS: readonly InputKind[] = ['image', 'text', 'row'];
const DATATYPES: readonly PipelineDatatype[] = ['FP32', 'FP64', 'FP16', 'UINT8', 'INT8', 'INT32', 'INT64'];
/** Largest image side a spec may ask for (a resize to more than this is a typo, and a memory risk). */
const MAX_SIDE_PIXELS = 8192;
/** Largest token sequence a tokenize step may ask for. */
const MAX_TOKENS = 8192;

function steps(raw: RawObject, field: 'preprocess' | 'postprocess'): RawObject[] {
  const value = raw[field] ?? [];
  if (!Array.isArray(value)) specError('spec', field, 'expected a list of steps');
  return value.map((step: unknown, i) => {
    if (!isObject(step) || typeof step['op'] !== 'string') specError(`${field}[${i}]`, 'op', 'every step is an object with an "op"');
    return step;
  });
}

function imageStep(raw: RawObject, where: string): ImageStep {
  switch (raw['op']) {
    case 'decode':
      onlyKeys(raw, where, ['op', 'color']);
      return { op: 'decode', color: optEnum(raw, where, 'color', ['RGB', 'BGR', 'GRAY'] as const) ?? 'RGB' };
    case 'resize': {
      onlyKeys(raw, where, ['op', 'width', 'height', 'keepAspect', 'maxWidth', 'maxHeight', 'interpolation']);
      const width = optSize(raw, where, 'width', MAX_SIDE_PIXELS);
      const height = optSize(raw, where, 'height', MAX_SIDE_PIXELS);
      const keepAspect = optBoolean(raw, where, 'keepAspect') ?? false;
      const maxWidth = optSize(raw, where, 'maxWidth', MAX_SIDE_PIXELS);
      const maxHeight = optSize(raw, where, 'maxHeight', MAX_SIDE_PIXELS);
      if (keepAspect && (width === undefined) === (height === undefined)) specError(where, 'keepAspect', 'give exactly one of width or height to keep the aspect ratio');
      if (!keepAspect && (width === undefined || height === undefined)) specError(where, width === undefined ? 'width' : 'height', 'is required (or set keepAspect with one side)');
      const interpolation = optEnum(raw, where, 'interpolation', ['nearest', 'linear', 'cubic', 'lanczos3'] as const) ?? 'linear';
      return { op: 'resize', width, height, keepAspect, maxWidth, maxHeight, interpolation };
    }
    case 'crop':
      onlyKeys(raw, where, ['op', 'width', 'height', 'left', 'top']);
      return {
        op: 'crop',
        width: reqNumber(raw, where, 'width', { min: 1, max: MAX_SIDE_PIXELS, integer: true }),
        height: reqNumber(raw, where, 'height', { min: 1, max: MAX_SIDE_PIXELS, integer: true }),
        left: optNumber(raw, where, 'left', { min: 0, integer: true }),
        top: optNumber(raw, where, 'top', { min: 0, integer: true }),
      };
    case 'scale':
      onlyKeys(raw, where, ['op', 'factor']);
      return { op: 'scale', factor: reqNumber(raw, where, 'factor') };
    case 'normalize': {
      onlyKeys(raw, where, ['op', 'mean', 'std']);
      const mean = reqNumberList(raw, where, 'mean');
      const std = reqNumberList(raw, where, 'std');
      if (std.some((s) => s === 0)) specError(where, 'std', 'must not contain 0');
      return { op: 'normalize', mean, std };
    }
    case 'pad': {
      onlyKeys(raw, where, ['op', 'width', 'height', 'minWidth', 'align', 'value']);
      const width = raw['width'] === 'batch_max' ? 'batch_max' : optSize(raw, where, 'width', MAX_SIDE_PIXELS);
      const height = optSize(raw, where, 'height', MAX_SIDE_PIXELS);
      if (width === undefined && height === undefined) specError(where, 'width', "give width (a number or 'batch_max') and/or height");
      return {
        op: 'pad',
        width,
        height,
        minWidth: optSize(raw, where, 'minWidth', MAX_SIDE_PIXELS),
        align: optEnum(raw, where, 'align', ['start', 'center'] as const) ?? 'start',
        value: optNumber(raw, where, 'value') ?? 0,
      };
    }
    case 'to_tensor':
      onlyKeys(raw, where, ['op', 'name', 'layout', 'dtype']);
      return {
        op: 'to_tensor',
        name: reqString(raw, where, 'name'),
        layout: optEnum(raw, where, 'layout', ['CHW', 'HWC'] as const) ?? 'CHW',
        dtype: optEnum(raw, where, 'dtype', DATATYPES) ?? 'FP32',
      };
    default:
      return specError(where, 'op', `unknown image step; expected decode, resize, crop, scale, normalize, pad or to_tensor`);
  }
}

function checkImageOrder(list: ImageStep[]): void {
  const at = (i: number): string => `preprocess[${i}] (${list[i]?.op})`;
  if (list[0]?.op !== 'decode') specError(list.length ? at(0) : 'preprocess', 'op', 'an image pipeline starts with decode');
  const last = list.length - 1;
  if (list[last]?.op !== 'to_tensor') specError(at(last), 'op', 'an image pipeline ends with to_tensor');
  let pixelsChanged = -1;
  const channels = list[0].color === 'GRAY' ? 1 : 3;
  list.forEach((step, i) => {
    if (i > 0 && step.op === 'decode') specError(at(i), 'op', 'decode may appear only once, first');
    if (i < last && step.op === 'to_tensor') specError(at(i), 'op', 'to_tensor may appear only once, last');
    if (step.op === 'scale' || step.op === 'normalize' || step.op === 'pad') pixelsChanged = pixelsChanged < 0 ? i : pixelsChanged;
    if ((step.op === 'resize' || step.op === 'crop') && pixelsChanged >= 0) {
      specError(at(i), 'op', `resize and crop work on decoded pixels: put them before ${at(pixelsChanged)}`);
    }
    if (step.op === 'normalize') {
      for (const field of ['mean', 'std'] as const) {
        const n = step[field].length;
        if (n !== 1 && n !== channels) specError(at(i), field, `expected 1 or ${channels} values (one per channel), got ${n}`);
      }
    }
  });
}

function textStep(raw: RawObject, where: string): TextStep {
  if (raw['op'] !== 'tokenize') return specError(where, 'op', 'unknown text step; expected tokenize');
  onlyKeys(raw, where, ['op', 'file', 'lowercase', 'maxLength', 'padding', 'truncation', 'outputs', 'dtype']);
  const outputs = raw['outputs'] ?? {};
  if (!isObject(outputs)) specError(where, 'outputs', 'expected an object {ids, attentionMask, tokenTypeIds}');
  onlyKeys(outputs, `${where} outputs`, ['ids', 'attentionMask', 'tokenTypeIds']);
  const optional = (field: 'attentionMask' | 'tokenTypeIds', fallback: string): string | null =>
    outputs[field] === null ? null : (optString(outputs, `${where} outputs`, field) ?? fallback);
  return {
    op: 'tokenize',
    file: reqFileName(raw, where, 'file'),
    lowercase: optBoolean(raw, where, 'lowercase') ?? true,
    maxLength: reqNumber(raw, where, 'maxLength', { min: 2, max: MAX_TOKENS, integer: true }),
    padding: optEnum(raw, where, 'padding', ['max_length', 'longest'] as const) ?? 'max_length',
    truncation: optBoolean(raw, where, 'truncation') ?? true,
    outputs: {
      ids: optString(outputs, `${where} outputs`, 'ids') ?? 'input_ids',
      attentionMask: optional('attentionMask', 'attention_mask'),
      tokenTypeIds: optional('tokenTypeIds', 'token_type_ids'),
    },
    dtype: optEnum(raw, where, 'dtype', ['INT64', 'INT32'] as const) ?? 'INT64',
  };
}

function tabularStep(raw: RawObject, where: string): TabularStep {
  switch (raw['op']) {
    case 'select': {
      onlyKeys(raw, where, ['op', 'columns', 'categorical', 'onInvalid']);
      const columns = reqStringList(raw, where, 'columns');
      const categorical = raw['categorical'] === undefined ? [] : reqStringList(raw, where, 'categorical');
      const stray = categorical.find((c) => !columns.includes(c));
      if (stray !== undefined) specError(where, 'categorical', `'${stray}' is not among the selected columns`);
      return { op: 'select', columns, categorical, onInvalid: optEnum(raw, where, 'onInvalid', ['reject', 'drop'] as const) ?? 'reject' };
    }
    case 'impute':
      onlyKeys(raw, where, ['op', 'values']);
      return { op: 'impute', values: reqColumnMap<number | string>(raw, where, 'values', true) };
    case 'standardize': {
      onlyKeys(raw, where, ['op', 'mean', 'std']);
      const std = reqColumnMap<number>(raw, where, 'std');
      const zero = Object.entries(std).find(([, s]) => s === 0);
      if (zero) specError(where, `std.${zero[0]}`, 'must not be 0');
      return { op: 'standardize', mean: reqColumnMap<number>(raw, where, 'mean'), std };
    }
    case 'min_max': {
      onlyKeys(raw, where, ['op', 'min', 'max']);
      const min = reqColumnMap<number>(raw, where, 'min');
      const max = reqColumnMap<number>(raw, where, 'max');
      for (const [column, lo] of Object.entries(min)) {
        const hi = max[column];
        if (hi === undefined) specError(where, `max.${column}`, 'is required for every column in min');
        if (hi <= lo) specError(where, `max.${column}`, `must be greater than min (${lo}), got ${hi}`);
      }
      return { op: 'min_max', min, max };
    }
    case 'one_hot':
      onlyKeys(raw, where, ['op', 'column', 'categories', 'unknown']);
      return {
        op: 'one_hot',
        column: reqString(raw, where, 'column'),
        categories: reqStringList(raw, where, 'categories'),
        unknown: optEnum(raw, where, 'unknown', ['reject', 'zeros'] as const) ?? 'reject',
      };
    case 'to_tensor':
      onlyKeys(raw, where, ['op', 'name', 'dtype']);
      return { op: 'to_tensor', name: reqString(raw, where, 'name'), dtype: optEnum(raw, where, 'dtype', DATATYPES) ?? 'FP32' };
    default:
      return specError(where, 'op', 'unknown tabular step; expected select, impute, standardize, min_max, one_hot or to_tensor');
  }
}

function checkTabularOrder(list: TabularStep[]): void {
  const at = (i: number): string => `preprocess[${i}] (${list[i]?.op})`;
  const first = list[0];
  if (first?.op !== 'select') specError(list.length ? at(0) : 'preprocess', 'op', 'a row pipeline starts with select');
  const last = list.length - 1;
  if (list[last]?.op !== 'to_tensor') specError(at(last), 'op', 'a row pipeline ends with to_tensor');
  const numeric = new Set(first.columns.filter((c) => !first.categorical?.includes(c)));
  const categorical = new Set(first.categorical);
  const known = (i: number, field: string, column: string): void => {
    if (!numeric.has(column) && !categorical.has(column)) specError(at(i), field, `'${column}' is not a selected column`);
  };
  list.forEach((step, i) => {
    if (i > 0 && step.op === 'select') specError(at(i), 'op', 'select may appear only once, first');
    if (i < last && step.op === 'to_tensor') specError(at(i), 'op', 'to_tensor may appear only once, last');
    if (step.op === 'impute') {
      for (const [column, value] of Object.entries(step.values)) {
        known(i, `values.${column}`, column);
        if (categorical.has(column) !== (typeof value === 'string')) {
          specError(at(i), `values.${column}`, categorical.has(column) ? 'a categorical column is imputed with a category string' : 'a numeric column is imputed with a number');
        }
      }
    }
    if (step.op === 'standardize' || step.op === 'min_max') {
      const maps = step.op === 'standardize' ? { mean: step.mean, std: step.std } : { min: step.min, max: step.max };
      for (const [field, map] of Object.entries(maps)) {
        for (const column of Object.keys(map)) {
          known(i, `${field}.${column}`, column);
          if (!numeric.has(column)) specError(at(i), `${field}.${column}`, 'only numeric columns can be scaled');
        }
      }
    }
    if (step.op === 'one_hot') {
      if (!categorical.has(step.column)) specError(at(i), 'column', `'${step.column}' is not a categorical column of select`);
      categorical.delete(step.column);
    }
  });
  const left = [...categorical];
  if (left.length > 0) specError(at(last), 'op', `categorical column '${left[0]}' must be one_hot encoded before to_tensor`);
}

function postStep(raw: RawObject, where: string): PostStep {
  switch (raw['op']) {
    case 'softmax':
    case 'sigmoid':
      onlyKeys(raw, where, ['op', 'tensor']);
      return { op: raw['op'], tensor: optString(raw, where, 'tensor') };
    case 'top_k': {
      onlyKeys(raw, where, ['op', 'k', 'tensor', 'labels']);
      const labels = Array.isArray(raw['labels']) ? reqStringList(raw, where, 'labels', false) : raw['labels'] === undefined ? undefined : reqFileName(raw, where, 'labels');
      return { op: 'top_k', k: optSize(raw, where, 'k', 1000) ?? 1, tensor: optString(raw, where, 'tensor'), labels };
    }
    case 'threshold':
      onlyKeys(raw, where, ['op', 'minScore', 'label']);
      return { op: 'threshold', minScore: reqNumber(raw, where, 'minScore'), label: optString(raw, where, 'label') ?? 'unknown' };
    case 'ctc_decode':
      onlyKeys(raw, where, ['op', 'dictionary', 'tensor', 'blankIndex', 'appendSpace']);
      if (raw['blankIndex'] !== undefined && raw['blankIndex'] !== 0) specError(where, 'blankIndex', 'only 0 is supported (the blank is class 0)');
      return { op: 'ctc_decode', dictionary: reqFileName(raw, where, 'dictionary'), tensor: optString(raw, where, 'tensor'), blankIndex: 0, appendSpace: optBoolean(raw, where, 'appendSpace') ?? false };
    default:
      return specError(where, 'op', 'unknown post step; expected softmax, sigmoid, top_k, threshold or ctc_decode');
  }
}

function checkPostOrder(list: PostStep[]): void {
  let topK = false;
  list.forEach((step, i) => {
    const where = `postprocess[${i}] (${step.op})`;
    if (step.op === 'threshold' && !topK) specError(where, 'op', 'threshold needs a top_k step before it');
    if (step.op === 'top_k') {
      if (topK) specError(where, 'op', 'top_k may appear only once');
      topK = true;
    }
    if (step.op === 'ctc_decode' && list.some((s, j) => j !== i && s.op === 'ctc_decode')) specError(where, 'op', 'ctc_decode may appear only once');
  });
}

/**
 * Validates a pipeline spec (the JSON of a version's config.pipeline_json, or the parsed object) and returns
 * it with every default filled in. Throws InvalidArgumentError naming the step (`preprocess[2] (resize)`) and
 * the field, and saying what was expected. Needs no files: whether the bundle holds the named files is
 * checked when the pipeline is loaded (loadPipeline).
 */
export function validatePipelineSpec(json: string | unknown): PipelineSpec {
  let raw: unknown = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new InvalidArgumentError(`pipeline spec: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!isObject(raw)) specError('spec', null, 'expected a JSON object {version, input, preprocess, postprocess}');
  onlyKeys(raw, 'spec', ['version', 'input', 'preprocess', 'postprocess']);
  if (raw['version'] !== undefined && raw['version'] !== 1) specError('spec', 'version', `expected 1, got ${JSON.stringify(raw['version'])}`);
  const input = typeof raw['input'] === 'string' ? { kind: raw['input'] } : raw['input'];
  if (!isObject(input)) specError('spec', 'input', `expected {"kind": ${INPUT_KINDS.map((k) => `"${k}"`).join(' | ')}, "name"?}`);
  onlyKeys(input, 'input', ['kind', 'name']);
  const kind = optEnum(input, 'input', 'kind', INPUT_KINDS);
  if (kind === undefined) specError('input', 'kind', `is required: one of ${INPUT_KINDS.join(', ')}`);
  const name = optString(input, 'input', 'name') ?? kind;

  const rawPre = steps(raw, 'preprocess');
  if (rawPre.length === 0) specError('spec', 'preprocess', 'needs at least one step');
  let preprocess: PreStep[];
  if (kind === 'image') {
    const list = rawPre.map((s, i) => imageStep(s, `preprocess[${i}] (${String(s['op'])})`));
    checkImageOrder(list);
    preprocess = list;
  } else if (kind === 'text') {
    const list = rawPre.map((s, i) => textStep(s, `preprocess[${i}] (${String(s['op'])})`));
    if (list.length !== 1) specError('preprocess[1]', 'op', 'a text pipeline has exactly one tokenize step');
    preprocess = list;
  } else {
    const list = rawPre.map((s, i) => tabularStep(s, `preprocess[${i}] (${String(s['op'])})`));
    checkTabularOrder(list);
    preprocess = list;
  }
  const postprocess = steps(raw, 'postprocess').map((s, i) => postStep(s, `postprocess[${i}] (${String(s['op'])})`));
  checkPostOrder(postprocess);
  return { version: 1, input: { kind, name }, preprocess, postprocess };
}
