import { InvalidArgumentError } from '@maas/errors';

// Field readers for the validator: each takes the raw JSON object of one step and the step's path
// ("preprocess[2] (resize)") and either returns a typed value or throws INVALID_ARGUMENT naming step and field.

/** A raw JSON object (a step before validation). */
export type RawObject = Record<string, unknown>;

/** Throws the validator's error: `pipeline spec: <where>: <field>: <problem>`. */
export function specError(where: string, field: string | null, problem: string): never {
  const at = field === null ? where : `${where}: field '${field}'`;
  throw new InvalidArgumentError(`pipeline spec: ${at}: ${problem}`, { details: { where, field } });
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys that the step does not know (a typo would otherwise be silently ignored). */
export function onlyKeys(raw: RawObject, where: string, allowed: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) specError(where, key, `unknown field; expected one of ${allowed.join(', ')}`);
  }
}

/** An optional number within [min, max] (integer when asked). */
export function optNumber(raw: RawObject, where: string, field: string, opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE, integer = false, exclusiveMin = false } = opts;
  const kind = integer ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    specError(where, field, `expected ${kind}, got ${show(value)}`);
  }
  if (value > max || (exclusiveMin ? value <= min : value < min)) {
    specError(where, field, `expected ${kind} ${exclusiveMin ? '>' : '>='} ${min}${max < Number.MAX_VALUE ? ` and <= ${max}` : ''}, got ${value}`);
  }
  return value;
}

/** A required number (see optNumber). */
export function reqNumber(raw: RawObject, where: string, field: string, opts: Parameters<typeof optNumber>[3] = {}): number {
  const value = optNumber(raw, where, field, opts);
  if (value === undefined) specError(where, field, 'is required');
  return value;
}

/** An optional positive integer (sizes, lengths, k). */
export function optSize(raw: RawObject, where: string, field: string, max = 1 << 16): number | undefined {
  return optNumber(raw, where, field, { min: 1, max, integer: true });
}

/** An optional string among `values`. */
export function optEnum<T extends string>(raw: RawObject, where: string, field: string, values: readonly T[]): T | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    specError(where, field, `expected one of ${values.map((v) => `'${v}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** An optional boolean. */
export function optBoolean(raw: RawObject, where: string, field: string): boolean | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') specError(where, field, `expected true or false, got ${show(value)}`);
  return value;
}

/** An optional non-empty string. */
export function optString(raw: RawObject, where: string, field: string): string | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') specError(where, field, `expected a non-empty string, got ${show(value)}`);
  return value;
}

/** A required non-empty string. */
export function reqString(raw: RawObject, where: string, field: string): string {
  const value = optString(raw, where, field);
  if (value === undefined) specError(where, field, 'is required (a non-empty string)');
  return value;
}

/** A bundle file name: a plain relative name, no parent directories. */
export function reqFileName(raw: RawObject, where: string, field: string): string {
  const value = reqString(raw, where, field);
  if (value.startsWith('/') || value.split(/[\\/]/).includes('..')) specError(where, field, `expected a file name inside the bundle, got ${show(value)}`);
  return value;
}

/** A required non-empty array of unique non-empty strings. */
export function reqStringList(raw: RawObject, where: string, field: string, unique = true): string[] {
  const value = raw[field];
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v === '')) {
    specError(where, field, `expected a non-empty list of non-empty strings, got ${show(value)}`);
  }
  const list = value as string[];
  const dup = list.find((v, i) => list.indexOf(v) !== i);
  if (unique && dup !== undefined) specError(where, field, `'${dup}' appears twice`);
  return list;
}

/** A required non-empty list of finite numbers. */
export function reqNumberList(raw: RawObject, where: string, field: string): number[] {
  const value = raw[field];
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    specError(where, field, `expected a non-empty list of numbers, got ${show(value)}`);
  }
  return value as number[];
}

/** A required object mapping column names to finite numbers (or, with allowStrings, strings). */
export function reqColumnMap<T extends number | string>(raw: RawObject, where: string, field: string, allowStrings = false): Record<string, T> {
  const value = raw[field];
  if (!isObject(value) || Object.keys(value).length === 0) specError(where, field, `expected an object of column → value, got ${show(value)}`);
  for (const [column, v] of Object.entries(value)) {
    const ok = (typeof v === 'number' && Number.isFinite(v)) || (allowStrings && typeof v === 'string');
    if (!ok) specError(where, `${field}.${column}`, `expected ${allowStrings ? 'a number or a string' : 'a number'}, got ${show(v)}`);
  }
  return value as Record<string, T>;
}
