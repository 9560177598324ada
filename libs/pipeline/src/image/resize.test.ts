import { resizeLikeOpenCv } from './resize';

const gray = (width: number, height: number, values: number[]) => ({ width, height, channels: 1, data: Uint8Array.from(values) });

describe('resizeLikeOpenCv', () => {
  // Expected values are what cv2.resize(np.array(..., np.uint8), (w, h), interpolation=...) returns.
  it('INTER_LINEAR: half-pixel centres, clamped edges, no anti-aliasing', () => {
    expect(Array.from(resizeLikeOpenCv(gray(2, 1, [0, 100]), 4, 1, 'linear').data)).toEqual([0, 25, 75, 100]);
    expect(Array.from(resizeLikeOpenCv(gray(4, 1, [0, 100, 200, 255]), 2, 1, 'linear').data)).toEqual([50, 228]);
    expect(Array.from(resizeLikeOpenCv(gray(1, 2, [0, 200]), 1, 4, 'linear').data)).toEqual([0, 50, 150, 200]);
  });

  it('INTER_NEAREST picks floor(x * scale)', () => {
    expect(Array.from(resizeLikeOpenCv(gray(4, 1, [0, 100, 200, 255]), 2, 1, 'nearest').data)).toEqual([0, 200]);
    expect(Array.from(resizeLikeOpenCv(gray(2, 1, [7, 9]), 4, 1, 'nearest').data)).toEqual([7, 7, 9, 9]);
  });

  it('keeps channels interleaved (HWC) and sized width x height x channels', () => {
    const rgb = { width: 2, height: 1, channels: 3, data: Uint8Array.from([0, 10, 20, 100, 110, 120]) };
    const out = resizeLikeOpenCv(rgb, 4, 2, 'linear');
    expect(out).toMatchObject({ width: 4, height: 2, channels: 3 });
    expect(Array.from(out.data.subarray(0, 12))).toEqual([0, 10, 20, 25, 35, 45, 75, 85, 95, 100, 110, 120]);
    expect(Array.from(out.data.subarray(12))).toEqual(Array.from(out.data.subarray(0, 12)));
  });
});
