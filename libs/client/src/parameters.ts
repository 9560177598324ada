import { InvalidArgumentError } from '@maas/errors';

/** A request or response parameter value (InferParameter: bool, int64, double or string). */
export type ParameterValue = string | number | boolean;

/** InferParameter as grpc-js decodes it with the shared loader options (oneofs: `parameter_choice`). */
export interface WireParameter {
  bool_param?: boolean;
  int64_param?: number | string;
  string_param?: string;
  double_param?: number;
  uint64_param?: number | string;
  parameter_choice?: string;
}

/** Plain values to InferParameters: integers as int64, other numbers as double. */
export function toWireParameters(params: Readonly<Record<string, ParameterValue>> | undefined): Record<string, WireParameter> {
  const out: Record<string, WireParameter> = {};
  for (const [key, v] of Object.entries(params ?? {})) {
    if (typeof v === 'boolean') out[key] = { bool_param: v };
    else if (typeof v === 'string') out[key] = { string_param: v };
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[key] = { int64_param: v };
    else if (typeof v === 'number' && Number.isFinite(v)) out[key] = { double_param: v };
    else throw new InvalidArgumentError(`parameter ${key}: expected a string, a boolean or a finite number, got ${String(v)}`);
  }
  return out;
}

/** InferParameters to plain values (64-bit integers as numbers). */
export function fromWireParameters(params: Readonly<Record<string, WireParameter>> | undefined): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const [key, p] of Object.entries(params ?? {})) {
    const choice = (p.parameter_choice ?? Object.keys(p).find((k) => k.endsWith('_param'))) as keyof WireParameter | undefined;
    const v = choice ? p[choice] : undefined;
    if (v !== undefined) out[key] = choice === 'int64_param' || choice === 'uint64_param' ? Number(v) : (v as ParameterValue);
  }
  return out;
}
