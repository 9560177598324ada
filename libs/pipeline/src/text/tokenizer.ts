import type * as HfTokenizers from '@huggingface/tokenizers' with { 'resolution-mode': 'import' };
import { InvalidArgumentError } from '@maas/errors';
import { readLines, requireFile, TOKENIZER_CONFIG_FILE, type PipelineFiles } from '../files';

// @huggingface/tokenizers is typed as an ES module but ships a CommonJS build (exports.node.require),
// which is what this CommonJS package loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require('@huggingface/tokenizers') as typeof HfTokenizers;

/** A Hugging Face tokenizer (tokenizers.js). */
export type Tokenizer = HfTokenizers.Tokenizer;

/** BERT's special tokens, in the order added_tokens lists them. */
const BERT_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * The tokenizer.json a WordPiece vocab.txt stands for: BERT's normalizer (clean text, split CJK characters,
 * lowercase and strip accents when uncased), BERT's pre-tokenizer (whitespace and punctuation), WordPiece with
 * "##" continuations and [UNK], and [CLS] text [SEP] around each sequence. This is what Hugging Face's
 * BertTokenizerFast builds from the same vocab.txt.
 */
export function wordPieceTokenizerJson(vocabLines: readonly string[], lowercase: boolean): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  vocabLines.forEach((token, id) => {
    if (token !== '' && !(token in vocab)) vocab[token] = id;
  });
  const id = (token: string): number => {
    const value = vocab[token];
    if (value === undefined) throw new InvalidArgumentError(`vocab has no ${token} token; a BERT WordPiece vocab.txt lists [PAD] [UNK] [CLS] [SEP] [MASK]`);
    return value;
  };
  return {
    version: '1.0',
    added_tokens: BERT_SPECIALS.filter((t) => t in vocab).map((t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, lowercase, ...(lowercase ? {} : { strip_accents: false }) },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function parseJson(bytes: Uint8Array, name: string, where: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`pipeline spec: ${where}: '${name}' is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  throw new InvalidArgumentError(`pipeline spec: ${where}: '${name}' is not a JSON object`);
}

/**
 * Builds the tokenizer a tokenize step names: a `*.json` file is a Hugging Face tokenizer.json (WordPiece,
 * BPE, Unigram; with tokenizer_config.json when the bundle has one), anything else a WordPiece vocab, one
 * token per line. A file that does not load is INVALID_ARGUMENT naming the step and the file.
 */
export function loadTokenizer(files: PipelineFiles, file: string, lowercase: boolean, where: string): Tokenizer {
  const bytes = requireFile(files, file, where);
  try {
    if (file.endsWith('.json')) {
      const configBytes = files.get(TOKENIZER_CONFIG_FILE);
      const config = configBytes ? parseJson(configBytes, TOKENIZER_CONFIG_FILE, where) : {};
      return new Tokenizer(parseJson(bytes, file, where), config);
    }
    return new Tokenizer(wordPieceTokenizerJson(readLines(bytes), lowercase), { do_lower_case: lowercase });
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw err;
    throw new InvalidArgumentError(`pipeline spec: ${where}: cannot load tokenizer '${file}': ${(err as Error).message}`, { cause: err });
  }
}
