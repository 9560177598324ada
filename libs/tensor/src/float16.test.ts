import { float16BitsToNumber, numberToFloat16Bits } from './float16';

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [2 ** -14, 0x0400],
    [2 ** -24, 0x0001],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ])('encodes %p as 0x%s and back', (value, bits) => {
    expect(numberToFloat16Bits(value)).toBe(bits);
    expect(float16BitsToNumber(bits)).toBe(value);
  });

  it('keeps negative zero and NaN', () => {
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
    expect(Number.isNaN(float16BitsToNumber(numberToFloat16Bits(NaN)))).toBe(true);
  });

  it('rounds to nearest even and overflows to infinity', () => {
    // 1 + 2^-11 is exactly halfway between 1 and the next half (1 + 2^-10): ties to even gives 1.
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16Bits(65520)).toBe(0x7c00);
    expect(numberToFloat16Bits(2 ** -26)).toBe(0);
    expect(float16BitsToNumber(numberToFloat16Bits(3.14159))).toBeCloseTo(3.140625, 6);
  });

  it('round-trips every finite half value', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const exponent = (bits >> 10) & 0x1f;
      if (exponent !== 0x1f && numberToFloat16Bits(float16BitsToNumber(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});
