/**
 * A setting: its default, what it means, the form it expects, and how to read it from text (env) or JSON
 * (config file). Builders below cover every kind the services use; each one's `expected` is what error
 * messages and `--help` print.
 */
export interface Setting<T> {
  readonly defaultValue: T;
  readonly description: string;
  /** Human form of accepted values, e.g. "an integer 1..65535". */
  readonly expected: string;
  /** Returns the value, or undefined when the input is not of the expected form. */
  readonly parse: (raw: unknown) => T | undefined;
  /** Shown in help instead of the default value (e.g. for secrets or computed defaults). */
  readonly defaultLabel?: string;
}

/** A named group of settings; keys are camelCase and map to MAAS_SNAKE_CASE env vars. */
export type SettingsSpec = Record<string, Setting<unknown>>;

/** The fully-required, typed config object a spec produces. */
export type ConfigOf<S extends SettingsSpec> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

const asText = (raw: unknown): string | undefined =>
  typeof raw === 'string' ? raw.trim() : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;

/** An integer within [min, max]. */
export function integer(defaultValue: number, description: string, min = 0, max = Number.MAX_SAFE_INTEGER): Setting<number> {
  return {
    defaultValue,
    description,
    expected: `an integer ${min}..${max}`,
    parse: (raw) => {
      const text = asText(raw);
      if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return n >= min && n <= max ? n : undefined;
    },
  };
}

/** A TCP port; 0 asks the OS for a free one (tests). */
export function port(defaultValue: number, description: string): Setting<number> {
  return integer(defaultValue, description, 0, 65535);
}

/** A non-negative number (fractions allowed). */
export function decimal(defaultValue: number, description: string, min = 0, max = Number.MAX_VALUE): Setting<number> {
  return {
    defaultValue,
    description,
    expected: `a number ${min}..${max}`,
    parse: (raw) => {
      const text = asText(raw);
      if (text === undefined || text === '' || !Number.isFinite(Number(text))) return undefined;
      const n = Number(text);
      return n >= min && n <= max ? n : undefined;
    },
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, ki: 2 ** 10, kib: 2 ** 10, m: 1e6, mb: 1e6, mi: 2 ** 20, mib: 2 ** 20, g: 1e9, gb: 1e9, gi: 2 ** 30, gib: 2 ** 30 };

/** A size in bytes: a plain integer or with a unit (512MiB, 2Gi, 100MB). */
export function bytes(defaultValue: number, description: string): Setting<number> {
  return {
    defaultValue,
    description,
    expected: 'a byte count such as 1048576, 512MiB or 2GiB',
    parse: (raw) => {
      const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(asText(raw) ?? '');
      const unit = m && UNITS[(m[2] ?? '').toLowerCase()];
      return m && unit !== undefined && unit !== null ? Math.round(Number(m[1]) * unit) : undefined;
    },
  };
}

/** true/false (also 1/0, yes/no, on/off). */
export function boolean(defaultValue: boolean, description: string): Setting<boolean> {
  return {
    defaultValue,
    description,
    expected: 'true or false',
    parse: (raw) => {
      const text = asText(raw)?.toLowerCase();
      if (text === undefined) return undefined;
      if (['true', '1', 'yes', 'on'].includes(text)) return true;
      if (['false', '0', 'no', 'off'].includes(text)) return false;
      return undefined;
    },
  };
}

/** Any string, optionally matching a pattern. */
export function string(defaultValue: string, description: string, pattern?: RegExp, expected = 'a string'): Setting<string> {
  return {
    defaultValue,
    description,
    expected: pattern ? `${expected} matching ${pattern.source}` : expected,
    parse: (raw) => {
      const text = asText(raw);
      return text !== undefined && (!pattern || pattern.test(text)) ? text : undefined;
    },
  };
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(values: readonly T[], defaultValue: T, description: string): Setting<T> {
  return {
    defaultValue,
    description,
    expected: `one of ${values.join(', ')}`,
    parse: (raw) => {
      const text = asText(raw);
      return (values as readonly string[]).includes(text ?? '') ? (text as T) : undefined;
    },
  };
}

/** An http(s) or redis(s) URL. */
export function url(defaultValue: string, description: string, protocols: readonly string[] = ['http:', 'https:']): Setting<string> {
  return {
    defaultValue,
    description,
    expected: `a URL (${protocols.map((p) => p.replace(':', '://')).join(' or ')}...)`,
    parse: (raw) => {
      const text = asText(raw);
      if (!text) return undefined;
      try {
        return protocols.includes(new URL(text).protocol) ? text : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** A comma-separated list (or a JSON array in the config file); items optionally checked by a pattern. */
export function list(defaultValue: readonly string[], description: string, itemPattern?: RegExp): Setting<readonly string[]> {
  return {
    defaultValue,
    description,
    expected: itemPattern ? `a comma-separated list of items matching ${itemPattern.source}` : 'a comma-separated list',
    parse: (raw) => {
      const items = Array.isArray(raw)
        ? raw.map((x) => asText(x) ?? '')
        : (asText(raw) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      return items.every((i) => i !== '' && (!itemPattern || itemPattern.test(i))) ? items : undefined;
    },
  };
}
