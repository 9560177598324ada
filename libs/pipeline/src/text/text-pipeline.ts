import type { Tokenizer } from './tokenizer';
import type { Tensor } from '@maas/tensor';
import { ItemError } from '../item-error';
import type { TokenizeStep } from '../spec';
import { timed, type StepObserver } from '../step-timer';
import { makeTensor } from '../tensor-out';

/** One text after tokenization, before padding. */
export interface EncodedText {
  ids: number[];
  typeIds: number[];
}

/** Padding token id: [PAD] (BERT), <pad> (RoBERTa, T5 ...), else 0. */
export function padTokenId(tokenizer: Tokenizer): number {
  return tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>') ?? 0;
}

/**
 * Tokenizes one text the way Hugging Face's truncation does: the text's own tokens are cut to what is left
 * of maxLength after the special tokens ([CLS] ... [SEP] stay), then the special tokens are added.
 */
export function encodeText(tokenizer: Tokenizer, text: string, step: TokenizeStep, itemIndex: number): EncodedText {
  if (text.trim() === '') throw new ItemError(itemIndex, 'text', 'empty_text', 'is empty: expected some text to classify');
  let tokens = tokenizer.tokenize(text, { add_special_tokens: false });
  const post = tokenizer.post_processor;
  const specials = post ? post(/* tokens */ [], null, true).tokens.length : 0;
  const budget = step.maxLength - specials;
  if (tokens.length > budget) {
    if (step.truncation === false) {
      throw new ItemError(itemIndex, 'text', 'too_long', `has ${tokens.length + specials} tokens, more than maxLength ${step.maxLength} (truncation is off)`);
    }
    tokens = tokens.slice(0, Math.max(0, budget));
  }
  const processed = post ? post(tokens, null, true) : { tokens, token_type_ids: undefined };
  const unk = tokenizer.token_to_id('[UNK]') ?? tokenizer.token_to_id('<unk>') ?? 0;
  const ids = processed.tokens.map((t: string) => tokenizer.token_to_id(t) ?? unk);
  return { ids, typeIds: processed.token_type_ids ?? ids.map(() => 0) };
}

/**
 * Runs a tokenize step over a batch of texts: input ids, attention mask and token type ids, each [N, L] with L =
 * maxLength (padding max_length) or the longest item (padding longest). Empty text is an ItemError.
 */
export async function runTextPipeline(texts: readonly string[], tokenizer: Tokenizer, step: TokenizeStep, observe?: StepObserver): Promise<Tensor[]> {
  return timed(step.op, observe, () => {
    if (texts.length === 0) throw new ItemError(-1, 'items', 'empty_batch', 'no items to preprocess');
    const encoded = texts.map((text, i) => encodeText(tokenizer, text, step, i));
    const length = step.padding === 'longest' ? Math.max(...encoded.map((e) => e.ids.length)) : step.maxLength;
    const n = encoded.length;
    const ids = new Float64Array(n * length).fill(padTokenId(tokenizer));
    const mask = new Float64Array(n * length);
    const types = new Float64Array(n * length);
    encoded.forEach((e, row) => {
      e.ids.forEach((id, j) => {
        ids[row * length + j] = id;
        mask[row * length + j] = 1;
        types[row * length + j] = e.typeIds[j] ?? 0;
      });
    });
    const dtype = step.dtype ?? 'INT64';
    const names = step.outputs ?? {};
    const out = [makeTensor(names.ids ?? 'input_ids', dtype, [n, length], ids)];
    if (names.attentionMask !== null) out.push(makeTensor(names.attentionMask ?? 'attention_mask', dtype, [n, length], mask));
    if (names.tokenTypeIds !== null) out.push(makeTensor(names.tokenTypeIds ?? 'token_type_ids', dtype, [n, length], types));
    return out;
  });
}
