import { numberToFloat16Bits, type NumericArray, type Tensor } from '@maas/tensor';
import type { PipelineDatatype } from './spec';

const INT_RANGE: Partial<Record<PipelineDatatype, readonly [number, number]>> = {
  UINT8: [0, 255],
  INT8: [-128, 127],
  INT32: [-2147483648, 2147483647],
};

/**
 * Converts computed values to the typed array of a datatype: floats as they are (FP16 as IEEE half bits),
 * integers rounded to nearest and clamped to the type's range.
 */
export function toTypedArray(values: ArrayLike<number>, dtype: PipelineDatatype): NumericArray {
  const n = values.length;
  switch (dtype) {
    case 'FP32':
      return values instanceof Float32Array ? values : Float32Array.from(values);
    case 'FP64':
      return Float64Array.from(values);
    case 'FP16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = numberToFloat16Bits(values[i] ?? 0);
      return out;
    }
    case 'INT64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.round(values[i] ?? 0));
      return out;
    }
    default: {
      const [lo, hi] = INT_RANGE[dtype] ?? [0, 0];
      const out = dtype === 'UINT8' ? new Uint8Array(n) : dtype === 'INT8' ? new Int8Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.min(hi, Math.max(lo, Math.round(values[i] ?? 0)));
      return out;
    }
  }
}

/** A tensor of `dtype` from computed values. */
export function makeTensor(name: string, dtype: PipelineDatatype, shape: number[], values: ArrayLike<number>): Tensor {
  return { name, datatype: dtype, shape, data: toTypedArray(values, dtype) };
}
