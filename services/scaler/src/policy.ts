import * as fs from 'node:fs';
import { ConfigError } from '@maas/errors';

/** How one worker pool is scaled: the fully-required form every other module works with. */
export interface PoolPolicy {
  /** Pool name (label value of every scaler metric, and the `pool=<name>` tag of its workers). */
  name: string;
  /** The pool's Deployment in the scaler's namespace; default `maas-worker-<name>`. */
  deployment: string;
  /** Models the pool serves; all their versions' streams count. `["*"]` means every jobs stream. */
  models: readonly string[];
  minReplicas: number;
  maxReplicas: number;
  /** Target: enough workers to drain the current backlog within this many seconds (on top of the arrival rate). */
  targetBacklogDrainSeconds: number;
  /** Target: the oldest waiting job should not wait longer than this; 0 turns the target off. */
  maxQueueWaitMs: number;
  /** A higher recommendation must hold for this long before replicas go up (HPA semantics: the lowest recommendation in the window wins). */
  scaleUpStabilizationSeconds: number;
  /** Replicas go down only to the highest recommendation of this window (so also: idle this long before scaling to zero). */
  scaleDownStabilizationSeconds: number;
  /** After any change of replicas, no further change for this long (except scaling up from zero). */
  cooldownSeconds: number;
  /** Jobs one worker completes per second, used until the scaler has measured it on a saturated pool. */
  jobsPerWorkerPerSecond: number;
}

/** The defaults of every optional policy field (documented in docs/scaler.md). */
export const POLICY_DEFAULTS = {
  minReplicas: 0,
  maxReplicas: 10,
  targetBacklogDrainSeconds: 30,
  maxQueueWaitMs: 5000,
  scaleUpStabilizationSeconds: 0,
  scaleDownStabilizationSeconds: 300,
  cooldownSeconds: 30,
  jobsPerWorkerPerSecond: 10,
} as const;

type NumberField = keyof typeof POLICY_DEFAULTS;
const NUMBER_FIELDS = Object.keys(POLICY_DEFAULTS) as NumberField[];
const POOL_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MODEL_NAME = /^(\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/;
const KNOWN_FIELDS = new Set<string>(['name', 'deployment', 'models', ...NUMBER_FIELDS]);

/**
 * Validates one pool's policy and fills defaults. Throws ConfigError naming the pool, the field, the value
 * given and what was expected; unknown fields are errors (a typo must not fall back to a default).
 */
export function compilePoolPolicy(name: string, raw: unknown): PoolPolicy {
  const where = `scaler policy of pool "${name}"`;
  if (!POOL_NAME.test(name)) throw new ConfigError(`${where}: pool name must be a DNS label (lowercase letters, digits, '-')`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where}: expected an object`);
  const input = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) problems.push(`unknown field "${key}" (known: ${[...KNOWN_FIELDS].join(', ')})`);
  }
  const numbers = {} as Record<NumberField, number>;
  for (const field of NUMBER_FIELDS) {
    const value = input[field] ?? POLICY_DEFAULTS[field];
    const needsInteger = field !== 'jobsPerWorkerPerSecond';
    const positive = field === 'jobsPerWorkerPerSecond' || field === 'targetBacklogDrainSeconds' || field === 'maxReplicas';
    const ok = typeof value === 'number' && Number.isFinite(value) && (!needsInteger || Number.isInteger(value)) && (positive ? value > 0 : value >= 0);
    if (!ok) problems.push(`${field}=${JSON.stringify(value)}: expected ${positive ? 'a number > 0' : 'a number >= 0'}${needsInteger ? ' (integer)' : ''}`);
    else numbers[field] = value;
  }
  if (problems.length === 0 && numbers.minReplicas > numbers.maxReplicas) {
    problems.push(`minReplicas=${numbers.minReplicas} is above maxReplicas=${numbers.maxReplicas}`);
  }
  const models = input['models'];
  if (!Array.isArray(models) || models.length === 0 || !models.every((m) => typeof m === 'string' && MODEL_NAME.test(m))) {
    problems.push(`models=${JSON.stringify(models)}: expected a non-empty list of model names (or ["*"] for every model)`);
  }
  const deployment = input['deployment'] ?? `maas-worker-${name}`;
  if (typeof deployment !== 'string' || !POOL_NAME.test(deployment)) problems.push(`deployment=${JSON.stringify(deployment)}: expected a Deployment name`);
  if (problems.length > 0) throw new ConfigError(`${where}:\n  ${problems.join('\n  ')}`);
  return { name, deployment: deployment as string, models: models as string[], ...numbers };
}

/**
 * A pool the scaler does not scale but whose backlog it publishes for another autoscaler (KEDA's
 * metrics-api trigger reads GET /keda/pools/<name>): all versions of its models count, so the value
 * follows an alias to a new version without any change to the autoscaler's objects.
 */
export interface SignalPool {
  name: string;
  /** Models the pool serves; all their versions' streams count. `["*"]` means every jobs stream. */
  models: readonly string[];
}

/** The whole policy file: pools the scaler scales, and pools whose backlog it only publishes. */
export interface ScalerDocument {
  pools: PoolPolicy[];
  signals: SignalPool[];
}

function compileSignalPool(name: string, raw: unknown, source: string): SignalPool {
  const where = `${source}: signals of pool "${name}"`;
  if (!POOL_NAME.test(name)) throw new ConfigError(`${where}: pool name must be a DNS label (lowercase letters, digits, '-')`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where}: expected an object {"models": [...]}`);
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => k !== 'models' && k !== 'name');
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown field "${unknown[0]}" (known: models)`);
  const models = input['models'];
  if (!Array.isArray(models) || models.length === 0 || !models.every((m) => typeof m === 'string' && MODEL_NAME.test(m))) {
    throw new ConfigError(`${where}: models=${JSON.stringify(models)}: expected a non-empty list of model names (or ["*"] for every model)`);
  }
  return { name, models: models as string[] };
}

/** `{"<name>": {...}}` or `[{"name": "<name>", ...}]` → entries. */
function entriesOf(value: unknown, field: string, source: string): [string, unknown][] | undefined {
  if (Array.isArray(value)) {
    return value.map((p: unknown, i) => {
      const name = p !== null && typeof p === 'object' ? (p as Record<string, unknown>)['name'] : undefined;
      if (typeof name !== 'string') throw new ConfigError(`${source}: ${field}[${i}] has no "name"`);
      const { name: _name, ...rest } = p as Record<string, unknown>;
      return [name, rest];
    });
  }
  if (value !== null && typeof value === 'object') return Object.entries(value as Record<string, unknown>);
  return undefined;
}

/**
 * Parses the whole policy document: `pools` as in parsePolicyDocument, and optional `signals`
 * (`{"<pool>": {"models": [...]}}` or a list with names): pools whose backlog is published for KEDA.
 * A pool name may not be in both.
 */
export function parseScalerDocument(doc: unknown, source = 'scaler policy'): ScalerDocument {
  const pools = parsePolicyDocument(doc, source);
  const raw = (doc as Record<string, unknown>)['signals'];
  if (raw === undefined) return { pools, signals: [] };
  const entries = entriesOf(raw, 'signals', source);
  if (!entries) throw new ConfigError(`${source}: "signals" must be {"<pool>": {"models": [...]}} or [{"name": "<pool>", "models": [...]}]`);
  const signals = entries.map(([name, value]) => compileSignalPool(name, value, source));
  const seen = new Set(pools.map((p) => p.name));
  for (const s of signals) {
    if (seen.has(s.name)) throw new ConfigError(`${source}: pool "${s.name}" is listed twice (pools and signals, or twice in signals)`);
    seen.add(s.name);
  }
  return { pools, signals };
}

/**
 * Parses the scaler policy document: `{"pools": {"<name>": {...}}}` (the Helm values form) or
 * `{"pools": [{"name": "<name>", ...}]}`. Pool names and Deployments must be unique.
 */
export function parsePolicyDocument(doc: unknown, source = 'scaler policy'): PoolPolicy[] {
  const pools = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)['pools'] : undefined;
  const entries = entriesOf(pools, 'pools', source);
  if (!entries) throw new ConfigError(`${source}: expected {"pools": {"<pool>": {...policy}}} or {"pools": [{"name": "<pool>", ...}]}`);
  const compiled = entries.map(([name, raw]) => compilePoolPolicy(name, raw));
  for (const key of ['name', 'deployment'] as const) {
    const seen = new Set<string>();
    for (const p of compiled) {
      if (seen.has(p[key])) throw new ConfigError(`${source}: two pools have ${key} "${p[key]}"`);
      seen.add(p[key]);
    }
  }
  return compiled;
}

function readPolicyJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read MAAS_SCALER_POLICY_FILE=${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads and validates the policy file named by MAAS_SCALER_POLICY_FILE; fails fast with the file's name. */
export function loadPolicyFile(file: string): PoolPolicy[] {
  return parsePolicyDocument(readPolicyJson(file), `MAAS_SCALER_POLICY_FILE=${file}`);
}

/** loadPolicyFile, with the pools whose backlog is only published (`signals`). */
export function loadScalerDocument(file: string): ScalerDocument {
  return parseScalerDocument(readPolicyJson(file), `MAAS_SCALER_POLICY_FILE=${file}`);
}
