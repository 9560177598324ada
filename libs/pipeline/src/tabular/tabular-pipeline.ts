import type { Tensor } from '@maas/tensor';
import { ItemError, showValue, type ItemErrorReason } from '../item-error';
import type { OneHotStep, SelectStep, TabularStep } from '../spec';
import { timed, type StepObserver } from '../step-timer';
import { makeTensor } from '../tensor-out';

/** One cell of a raw row as a client sends it (JSON values). */
export type Cell = number | string | boolean | null | undefined;

/** A raw row: column name → cell. */
export type Row = Readonly<Record<string, Cell>>;

/** An item the pipeline left out of the batch (select's onInvalid 'drop'), and why. */
export interface DroppedItem {
  item: number;
  field: string;
  reason: ItemErrorReason;
  message: string;
}

/** Cell after select: a number, a category string, or null for missing. */
type Value = number | string | null;

interface RowState {
  item: number;
  values: Value[];
}

/** Rows as they move through the steps: shared column names, surviving rows, and those dropped. */
interface TabularBatch {
  columns: string[];
  categorical: Set<string>;
  rows: RowState[];
  dropped: DroppedItem[];
  onInvalid: 'reject' | 'drop';
}

/** Outcome of a tabular pipeline: the tensor over the kept rows, which items they are, and what was dropped. */
export interface TabularResult {
  tensors: Tensor[];
  keptItems: number[];
  dropped: DroppedItem[];
}

function isMissing(cell: Cell): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '') || (typeof cell === 'number' && Number.isNaN(cell));
}

/** Reads one cell of a numeric or categorical column; throws ItemError for a wrong type or a bad number. */
function readCell(row: Row, column: string, categorical: boolean, item: number): Value {
  const cell = row[column];
  if (isMissing(cell)) return null;
  if (categorical) {
    if (typeof cell === 'string') return cell;
    if (typeof cell === 'number') return String(cell);
    throw new ItemError(item, `column '${column}'`, 'wrong_type', `expected a category string, got ${showValue(cell)}`);
  }
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new ItemError(item, `column '${column}'`, 'invalid_value', `expected a finite number, got ${showValue(cell)}`);
    return cell;
  }
  if (typeof cell === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(cell)) return Number(cell);
  throw new ItemError(item, `column '${column}'`, 'wrong_type', `expected a number, got ${showValue(cell)}`);
}

/** Applies fn to every row; a row whose fn throws ItemError is dropped (onInvalid 'drop') or fails the request. */
function eachRow(batch: TabularBatch, fn: (row: RowState) => void): void {
  batch.rows = batch.rows.filter((row) => {
    try {
      fn(row);
      return true;
    } catch (err) {
      if (!(err instanceof ItemError) || batch.onInvalid === 'reject') throw err;
      batch.dropped.push({ item: row.item, field: err.field, reason: err.reason, message: err.message });
      return false;
    }
  });
}

function select(rows: readonly Row[], step: SelectStep): TabularBatch {
  const categorical = new Set(step.categorical ?? []);
  const batch: TabularBatch = { columns: [...step.columns], categorical, rows: [], dropped: [], onInvalid: step.onInvalid ?? 'reject' };
  batch.rows = rows.map((_, item) => ({ item, values: [] }));
  eachRow(batch, (state) => {
    const row = rows[state.item] ?? {};
    state.values = step.columns.map((column) => readCell(row, column, categorical.has(column), state.item));
  });
  return batch;
}

function perColumn(batch: TabularBatch, maps: Record<string, number>[], fn: (value: number, ...params: number[]) => number): void {
  const columns = Object.keys(maps[0] ?? {});
  const indices = columns.map((c) => batch.columns.indexOf(c));
  for (const row of batch.rows) {
    indices.forEach((index, k) => {
      const value = row.values[index];
      if (typeof value === 'number') row.values[index] = fn(value, ...maps.map((m) => m[columns[k] ?? ''] ?? 0));
    });
  }
}

function oneHot(batch: TabularBatch, step: OneHotStep): void {
  const at = batch.columns.indexOf(step.column);
  eachRow(batch, (row) => {
    const value = row.values[at];
    if (value === null || value === undefined) {
      throw new ItemError(row.item, `column '${step.column}'`, 'missing_column', 'is missing (absent, null or empty) and the pipeline has no impute value for it');
    }
    const hot = step.categories.indexOf(String(value));
    if (hot < 0 && step.unknown !== 'zeros') {
      throw new ItemError(row.item, `column '${step.column}'`, 'unknown_category', `expected one of ${step.categories.map((c) => JSON.stringify(c)).join(', ')}, got ${showValue(value)}`);
    }
    row.values.splice(at, 1, ...step.categories.map((_, k) => (k === hot ? 1 : 0)));
  });
  batch.columns.splice(at, 1, ...step.categories.map((c) => `${step.column}=${c}`));
  batch.categorical.delete(step.column);
}

function checkComplete(batch: TabularBatch): void {
  eachRow(batch, (row) => {
    const missing = row.values.findIndex((v) => v === null);
    if (missing >= 0) {
      throw new ItemError(row.item, `column '${batch.columns[missing]}'`, 'missing_column', 'is missing (absent, null or empty) and the pipeline has no impute value for it');
    }
  });
}

/**
 * Runs a tabular pipeline: select (and type-check) the columns, impute, scale, one-hot, and emit [kept, F].
 * Problems name the item and column; with onInvalid 'drop' such rows leave the batch and are listed instead.
 */
export async function runTabularPipeline(rows: readonly Row[], steps: readonly TabularStep[], observe?: StepObserver): Promise<TabularResult> {
  if (rows.length === 0) throw new ItemError(-1, 'items', 'empty_batch', 'no items to preprocess');
  let batch: TabularBatch | undefined;
  for (const step of steps) {
    if (step.op === 'select') {
      batch = await timed(step.op, observe, () => select(rows, step));
      continue;
    }
    if (batch === undefined) throw new Error('a row pipeline starts with select (the validator checks this)');
    const b = batch;
    switch (step.op) {
      case 'impute':
        await timed(step.op, observe, () => {
          const fill = b.columns.map((c) => step.values[c]);
          for (const row of b.rows) row.values = row.values.map((v, i) => (v === null ? (fill[i] ?? null) : v));
        });
        break;
      case 'standardize':
        await timed(step.op, observe, () => perColumn(b, [step.mean, step.std], (v, mean = 0, std = 1) => (v - mean) / std));
        break;
      case 'min_max':
        await timed(step.op, observe, () => perColumn(b, [step.min, step.max], (v, min = 0, max = 1) => (v - min) / (max - min)));
        break;
      case 'one_hot':
        await timed(step.op, observe, () => oneHot(b, step));
        break;
      case 'to_tensor':
        return timed(step.op, observe, () => {
          checkComplete(b);
          const width = b.columns.length;
          const values = new Float64Array(b.rows.length * width);
          b.rows.forEach((row, r) => row.values.forEach((v, c) => (values[r * width + c] = typeof v === 'number' ? v : 0)));
          return {
            tensors: [makeTensor(step.name, step.dtype ?? 'FP32', [b.rows.length, width], values)],
            keptItems: b.rows.map((r) => r.item),
            dropped: b.dropped,
          };
        });
    }
  }
  throw new Error('row pipeline without to_tensor (the validator requires one)');
}
