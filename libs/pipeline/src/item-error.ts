import { InvalidArgumentError } from '@maas/errors';

/** Why an item (or a model output) was refused; stable strings for the failures metric and tests. */
export type ItemErrorReason =
  | 'wrong_kind'
  | 'corrupt_image'
  | 'image_too_small'
  | 'size_mismatch'
  | 'empty_text'
  | 'too_long'
  | 'missing_column'
  | 'wrong_type'
  | 'invalid_value'
  | 'unknown_category'
  | 'bad_output'
  | 'empty_batch';

/**
 * One raw item the pipeline cannot use: INVALID_ARGUMENT whose message names the item index and the field
 * ("item 3: column 'age': expected a number, got \"abc\""). Output errors use item -1 and name the tensor.
 */
export class ItemError extends InvalidArgumentError {
  /** Index of the item in the request; -1 when the problem is not one item's (a model output, the batch). */
  readonly itemIndex: number;
  /** The field: 'image', 'text', a column name or an output tensor name. */
  readonly field: string;
  readonly reason: ItemErrorReason;

  constructor(itemIndex: number, field: string, reason: ItemErrorReason, problem: string, cause?: unknown) {
    const where = itemIndex >= 0 ? `item ${itemIndex}: ${field}` : field;
    super(`${where}: ${problem}`, { cause, details: { item: itemIndex, field, reason } });
    this.itemIndex = itemIndex;
    this.field = field;
    this.reason = reason;
  }
}

/** Shows a value in an error message, shortened. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
