import sharp from 'sharp';
import { ItemError } from '../item-error';
import type { Pixels } from './pixels';
import { resizeLikeOpenCv } from './resize';

/** The encoded formats a pipeline accepts (checked by magic bytes before anything decodes them). */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** Largest decoded image: 40 megapixels (a 1 MB PNG can claim 100k×100k; refuse before decoding). */
export const MAX_INPUT_PIXELS = 40_000_000;

/** Sniffs JPEG/PNG/WebP from the first bytes; undefined for anything else (SVG, GIF, TIFF, garbage). */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  const ascii = (from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

function checkEncoded(bytes: Uint8Array, itemIndex: number, field: string): void {
  if (bytes.length === 0) throw new ItemError(itemIndex, field, 'corrupt_image', 'empty image: expected JPEG, PNG or WebP bytes');
  if (sniffImageFormat(bytes) === undefined) {
    throw new ItemError(itemIndex, field, 'corrupt_image', `not a JPEG, PNG or WebP image (${bytes.length} bytes starting ${Buffer.from(bytes.subarray(0, 4)).toString('hex')})`);
  }
}

/** Target size of a decode's resize, computed from the encoded image's own width and height. */
export interface ResizeRule {
  kernel: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
  size(width: number, height: number): { width: number; height: number };
}

/** Resize kernels done in JavaScript the way OpenCV does them (see resize.ts); the others go through libvips. */
const isOpenCvKernel = (kernel: string): kernel is 'linear' | 'nearest' => kernel === 'linear' || kernel === 'nearest';

/**
 * Decodes JPEG/PNG/WebP bytes to 8-bit HWC pixels in the given channel order (alpha dropped, as OpenCV's
 * imread does), resized when a rule is given: `linear`/`nearest` as OpenCV's cv2.resize does (decode, then
 * resizeLikeOpenCv), `cubic`/`lanczos3` by libvips in the same pass as the decode. Anything else, or a
 * truncated/corrupt file, is an ItemError (corrupt_image) naming the item.
 */
export async function decodeImage(bytes: Uint8Array, color: 'RGB' | 'BGR' | 'GRAY', itemIndex: number, field = 'image', resize?: ResizeRule): Promise<Pixels> {
  checkEncoded(bytes, itemIndex, field);
  let result: { data: Buffer; info: sharp.OutputInfo };
  try {
    let image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    if (resize !== undefined && !isOpenCvKernel(resize.kernel)) {
      const meta = await image.metadata();
      // EXIF orientation is not applied (as OpenCV's imread with default flags): width/height are as stored.
      const target = resize.size(meta.width ?? 1, meta.height ?? 1);
      image = image.resize(target.width, target.height, { fit: 'fill', kernel: resize.kernel });
    }
    image = image.removeAlpha();
    image = color === 'GRAY' ? image.toColourspace('b-w') : image.toColourspace('srgb');
    result = await image.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    if (err instanceof ItemError) throw err;
    throw new ItemError(itemIndex, field, 'corrupt_image', `cannot decode image: ${(err as Error).message}`, err);
  }
  const { data, info } = result;
  const expected = color === 'GRAY' ? 1 : 3;
  if (info.channels !== expected) {
    throw new ItemError(itemIndex, field, 'corrupt_image', `decoded to ${info.channels} channels, expected ${expected}`);
  }
  let decoded: Pixels = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  if (resize !== undefined && isOpenCvKernel(resize.kernel)) {
    const target = resize.size(decoded.width, decoded.height);
    if (target.width !== decoded.width || target.height !== decoded.height) decoded = resizeLikeOpenCv(decoded, target.width, target.height, resize.kernel);
  }
  const pixels = decoded.data;
  if (color === 'BGR') {
    for (let i = 0; i < pixels.length; i += 3) {
      const r = pixels[i] ?? 0;
      pixels[i] = pixels[i + 2] ?? 0;
      pixels[i + 2] = r;
    }
  }
  return decoded;
}

/** Resizes 8-bit pixels to exactly width×height: linear/nearest as OpenCV does, cubic/lanczos3 by libvips. */
export async function resizePixels(pixels: Pixels, width: number, height: number, kernel: 'nearest' | 'linear' | 'cubic' | 'lanczos3'): Promise<Pixels> {
  if (width === pixels.width && height === pixels.height) return pixels;
  if (!(pixels.data instanceof Uint8Array)) throw new Error('resize works on 8-bit pixels (the validator orders it before scale/normalize)');
  if (isOpenCvKernel(kernel)) return resizeLikeOpenCv(pixels, width, height, kernel);
  const channels = pixels.channels as 1 | 3;
  const { data, info } = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels } })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Target size of a resize step for an image of w0×h0. Fixed: width×height. keepAspect with height: the width
 * follows the aspect ratio, rounded up and capped at maxWidth (PaddleOCR's resize_norm_img); likewise with width.
 */
export function resizeTarget(w0: number, h0: number, step: { width?: number; height?: number; keepAspect?: boolean; maxWidth?: number; maxHeight?: number }): { width: number; height: number } {
  if (!step.keepAspect) return { width: step.width ?? w0, height: step.height ?? h0 };
  if (step.height !== undefined) {
    const width = Math.max(1, Math.ceil((step.height * w0) / h0));
    return { width: Math.min(width, step.maxWidth ?? width), height: step.height };
  }
  const width = step.width ?? w0;
  const height = Math.max(1, Math.ceil((width * h0) / w0));
  return { width, height: Math.min(height, step.maxHeight ?? height) };
}
