// IEEE 754 half precision <-> JS number. FP16 tensors travel as raw 16-bit patterns (Uint16Array);
// these conversions are only needed where values are shown or parsed as numbers (HTTP JSON).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Converts an FP16 bit pattern (0..0xffff) to the number it encodes. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts a number to the nearest FP16 bit pattern (round half to even; overflow gives ±Infinity). */
export function numberToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent32 = (x >>> 23) & 0xff;
  const mantissa32 = x & 0x7fffff;
  if (exponent32 === 0xff) return sign | 0x7c00 | (mantissa32 === 0 ? 0 : 0x200);
  const exponent = exponent32 - 127 + 15;
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    // Subnormal half (or zero): value = half * 2^-24.
    if (exponent < -10) return sign;
    const mantissa = mantissa32 | 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa32 >>> 13);
  const rest = mantissa32 & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return sign | half;
}
