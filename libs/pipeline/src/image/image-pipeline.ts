import type { Tensor } from '@maas/tensor';
import { ItemError } from '../item-error';
import type { ImageStep, ImageTensorStep, PadStep } from '../spec';
import { timed, type StepObserver } from '../step-timer';
import { makeTensor } from '../tensor-out';
import { decodeImage, resizePixels, resizeTarget } from './codec';
import { cropPixels, normalizePixels, padPixels, scalePixels, writeChw, writeHwc, type Pixels } from './pixels';

function padBatch(images: Pixels[], step: PadStep): Pixels[] {
  const widest = Math.max(...images.map((p) => p.width));
  const width = step.width === 'batch_max' ? Math.max(widest, step.minWidth ?? 0) : step.width;
  return images.map((p, i) => {
    const w = width ?? p.width;
    const h = step.height ?? p.height;
    if (p.width > w || p.height > h) {
      throw new ItemError(i, 'image', 'size_mismatch', `is ${p.width}x${p.height} after the steps before pad, larger than the pad target ${w}x${h}; resize first`);
    }
    return padPixels(p, w, h, step.align ?? 'start', step.value ?? 0);
  });
}

function stackImages(images: Pixels[], step: ImageTensorStep): Tensor {
  const first = images[0];
  if (first === undefined) throw new ItemError(-1, 'items', 'empty_batch', 'no items to preprocess');
  images.forEach((p, i) => {
    if (p.width !== first.width || p.height !== first.height) {
      throw new ItemError(i, 'image', 'size_mismatch', `is ${p.width}x${p.height} after preprocessing but item 0 is ${first.width}x${first.height}; a batch needs one size: add a fixed resize, crop or pad`);
    }
  });
  const { width, height, channels } = first;
  const per = width * height * channels;
  const values = new Float32Array(per * images.length);
  const layout = step.layout ?? 'CHW';
  images.forEach((p, i) => (layout === 'CHW' ? writeChw(p, values, i * per) : writeHwc(p, values, i * per)));
  const shape = layout === 'CHW' ? [images.length, channels, height, width] : [images.length, height, width, channels];
  return makeTensor(step.name, step.dtype ?? 'FP32', shape, values);
}

/**
 * Runs an image pipeline over a batch of encoded images and returns its one tensor (dim 0 = the items, in
 * order). Per-image steps run concurrently (libvips works on libuv's thread pool); pad and to_tensor see
 * the whole batch. Bad images throw ItemError naming their index.
 */
export async function runImagePipeline(images: readonly Uint8Array[], steps: readonly ImageStep[], observe?: StepObserver): Promise<Tensor[]> {
  let batch: Pixels[] = [];
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    const next = steps[s + 1];
    switch (step.op) {
      case 'decode': {
        // A resize right after decode is part of the decode (libvips in the same pass for cubic/lanczos3,
        // OpenCV-style on the decoded pixels for linear/nearest): the step is then timed as 'decode_resize'.
        const resize = next?.op === 'resize' ? next : undefined;
        const rule = resize && { kernel: resize.interpolation ?? 'linear', size: (w: number, h: number) => resizeTarget(w, h, resize) };
        if (resize) s++;
        batch = await timed(resize ? 'decode_resize' : step.op, observe, () => Promise.all(images.map((bytes, i) => decodeImage(bytes, step.color ?? 'RGB', i, 'image', rule))));
        break;
      }
      case 'resize':
        batch = await timed(step.op, observe, () =>
          Promise.all(
            batch.map((p) => {
              const { width, height } = resizeTarget(p.width, p.height, step);
              return resizePixels(p, width, height, step.interpolation ?? 'linear');
            }),
          ),
        );
        break;
      case 'crop':
        batch = await timed(step.op, observe, () =>
          batch.map((p, i) => {
            const left = step.left ?? Math.floor((p.width - step.width) / 2);
            const top = step.top ?? Math.floor((p.height - step.height) / 2);
            if (left < 0 || top < 0 || left + step.width > p.width || top + step.height > p.height) {
              throw new ItemError(i, 'image', 'image_too_small', `is ${p.width}x${p.height}, too small for a ${step.width}x${step.height} crop at (${left},${top}); resize first`);
            }
            return cropPixels(p, step.width, step.height, left, top);
          }),
        );
        break;
      case 'scale':
        if (next?.op === 'normalize') {
          // scale then normalize is one affine map per channel: one pass over the pixels, timed as 'normalize'.
          const mean = next.mean.map((m) => m / step.factor);
          const std = next.std.map((d) => d / step.factor);
          batch = await timed(next.op, observe, () => batch.map((p) => normalizePixels(p, mean, std)));
          s++;
          break;
        }
        batch = await timed(step.op, observe, () => batch.map((p) => scalePixels(p, step.factor)));
        break;
      case 'normalize':
        batch = await timed(step.op, observe, () => batch.map((p) => normalizePixels(p, step.mean, step.std)));
        break;
      case 'pad':
        batch = await timed(step.op, observe, () => padBatch(batch, step));
        break;
      case 'to_tensor':
        return [await timed(step.op, observe, () => stackImages(batch, step))];
    }
  }
  throw new Error('image pipeline without to_tensor (the validator requires one)');
}
