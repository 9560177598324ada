/**
 * An image between steps: height × width × channels values in HWC order. 8-bit after decode, resize and
 * crop; 32-bit floats once scale or normalize ran.
 */
export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Float32Array;
}

/** Multiplies every value by factor (e.g. 1/255). */
export function scalePixels(pixels: Pixels, factor: number): Pixels {
  const out = new Float32Array(pixels.data.length);
  const src = pixels.data;
  for (let i = 0; i < src.length; i++) out[i] = (src[i] ?? 0) * factor;
  return { ...pixels, data: out };
}

/** Per-channel (x - mean[c]) / std[c]; a single mean/std value applies to every channel. */
export function normalizePixels(pixels: Pixels, mean: readonly number[], std: readonly number[]): Pixels {
  const { channels } = pixels;
  const m = Float32Array.from({ length: channels }, (_, c) => mean[mean.length === 1 ? 0 : c] ?? 0);
  const inv = Float32Array.from({ length: channels }, (_, c) => 1 / (std[std.length === 1 ? 0 : c] ?? 1));
  const src = pixels.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += channels) {
    for (let c = 0; c < channels; c++) out[i + c] = ((src[i + c] ?? 0) - (m[c] ?? 0)) * (inv[c] ?? 1);
  }
  return { ...pixels, data: out };
}

/** Cuts a width×height window at (left, top); the default is the centred window. */
export function cropPixels(pixels: Pixels, width: number, height: number, left?: number, top?: number): Pixels {
  const x0 = left ?? Math.floor((pixels.width - width) / 2);
  const y0 = top ?? Math.floor((pixels.height - height) / 2);
  const { channels } = pixels;
  const out = pixels.data instanceof Float32Array ? new Float32Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * pixels.width + x0) * channels;
    out.set(pixels.data.subarray(from, from + width * channels), y * width * channels);
  }
  return { width, height, channels, data: out };
}

/**
 * Places the image on a width×height canvas filled with `value`: at the top-left (align start: pad right and
 * bottom) or centred. Pixels become floats so the pad value can be any number (0 after normalization).
 */
export function padPixels(pixels: Pixels, width: number, height: number, align: 'start' | 'center', value: number): Pixels {
  if (width === pixels.width && height === pixels.height) return pixels;
  const { channels } = pixels;
  const out = new Float32Array(width * height * channels).fill(value);
  const x0 = align === 'center' ? Math.floor((width - pixels.width) / 2) : 0;
  const y0 = align === 'center' ? Math.floor((height - pixels.height) / 2) : 0;
  const src = pixels.data;
  const rowValues = pixels.width * channels;
  for (let y = 0; y < pixels.height; y++) {
    const to = ((y0 + y) * width + x0) * channels;
    const from = y * rowValues;
    for (let i = 0; i < rowValues; i++) out[to + i] = src[from + i] ?? 0;
  }
  return { width, height, channels, data: out };
}

/** HWC → CHW: writes one image's planes into `out` at `offset` (values of channel c are contiguous). */
export function writeChw(pixels: Pixels, out: { [i: number]: number }, offset: number): void {
  const { width, height, channels, data } = pixels;
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[offset + c * plane + p] = data[p * channels + c] ?? 0;
  }
}

/** HWC as is: copies the image's values into `out` at `offset`. */
export function writeHwc(pixels: Pixels, out: { [i: number]: number }, offset: number): void {
  const { data } = pixels;
  for (let i = 0; i < data.length; i++) out[offset + i] = data[i] ?? 0;
}
