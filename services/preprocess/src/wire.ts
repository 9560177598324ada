import { ItemError, type Cell, type DroppedItem, type ItemResult, type RawItem, type Row } from '@maas/pipeline';
import type {
  PreprocessDroppedItem,
  PreprocessDroppedItem__Output,
  PreprocessItemResult,
  PreprocessRawItem__Output,
  PreprocessRow__Output,
  PreprocessTensor,
  PreprocessTensor__Output,
} from '@maas/protos';
import { decodeRaw, encodeRaw, type Tensor } from '@maas/tensor';

// Conversions between maas.preprocess.v1 messages and @maas/pipeline values. Kept apart from the handlers so
// the mapping of every field is in one place.

function rowFromCells(row: PreprocessRow__Output): Row {
  const out: Record<string, Cell> = {};
  for (const [column, cell] of Object.entries(row.cells)) {
    if (cell.value === 'number_value') out[column] = cell.number_value ?? null;
    else if (cell.value === 'string_value') out[column] = cell.string_value ?? null;
    else if (cell.value === 'bool_value') out[column] = cell.bool_value ?? null;
    else out[column] = null;
  }
  return out;
}

function rowFromJson(json: string, index: number): Row {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ItemError(index, 'row_json', 'wrong_type', `is not valid JSON: ${(err as Error).message}`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ItemError(index, 'row_json', 'wrong_type', 'expected a JSON object {"column": value, ...}');
  }
  const row: Record<string, Cell> = {};
  for (const [column, cell] of Object.entries(value as Record<string, unknown>)) {
    if (cell === null || typeof cell === 'number' || typeof cell === 'string' || typeof cell === 'boolean') row[column] = cell;
    else throw new ItemError(index, `column '${column}'`, 'wrong_type', `expected a number, string, boolean or null, got ${JSON.stringify(cell)}`);
  }
  return row;
}

/** A wire RawItem as a pipeline item; an item with no kind set is INVALID_ARGUMENT naming its index. */
export function rawItemFromWire(item: PreprocessRawItem__Output, index: number): RawItem {
  switch (item.kind) {
    case 'image':
      return { image: item.image ?? Buffer.alloc(0) };
    case 'text':
      return { text: item.text ?? '' };
    case 'row':
      return { row: rowFromCells(item.row ?? { cells: {} }) };
    case 'row_json':
      return { row: rowFromJson(item.row_json ?? '', index) };
    default:
      throw new ItemError(index, 'kind', 'wrong_kind', 'has no content: set one of image, text, row, row_json');
  }
}

/** A pipeline tensor as a wire tensor (raw little-endian contents). */
export function tensorToWire(tensor: Tensor): PreprocessTensor {
  return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, raw_contents: encodeRaw(tensor.data) };
}

/** A wire tensor as a pipeline tensor; bad datatype/shape/size is INVALID_ARGUMENT naming the tensor. */
export function tensorFromWire(tensor: PreprocessTensor__Output): Tensor {
  const shape = tensor.shape.map(Number);
  const data = decodeRaw(tensor.name, tensor.datatype, shape, tensor.raw_contents);
  return { name: tensor.name, datatype: tensor.datatype as Tensor['datatype'], shape, data };
}

/** A dropped item on the wire. */
export function droppedToWire(d: DroppedItem): PreprocessDroppedItem {
  return { item: d.item, field: d.field, reason: d.reason, message: d.message };
}

/** A dropped item from the wire (as a Postprocess caller passes it back). */
export function droppedFromWire(d: PreprocessDroppedItem__Output): DroppedItem {
  return { item: d.item, field: d.field, reason: d.reason as DroppedItem['reason'], message: d.message };
}

/** One answer on the wire. */
export function resultToWire(result: ItemResult | undefined, dropped?: DroppedItem): PreprocessItemResult {
  if (dropped !== undefined || result === undefined) {
    return { label: '', score: 0, class_index: -1, top_k: [], text: '', error: dropped?.message ?? 'no result' };
  }
  return {
    label: result.label ?? '',
    score: result.score ?? 0,
    class_index: result.classIndex ?? -1,
    top_k: (result.topK ?? []).map((c) => ({ index: c.index, label: c.label, score: c.score })),
    text: result.text ?? '',
    error: '',
  };
}
