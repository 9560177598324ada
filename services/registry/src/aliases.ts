import { FailedPreconditionError, InvalidArgumentError } from '@maas/errors';
import type { AliasTarget, AliasTarget__Output } from '@maas/protos';
import type { AliasRecord } from './records';

const MAX_TARGETS = 16;

/**
 * Checks an alias's targets and returns them normalized: at least one, each an existing version named once,
 * weights in percent summing to 100. One target without a weight means 100 % (so "point production at v3"
 * needs no arithmetic).
 */
export function validateTargets(model: string, alias: string, targets: readonly AliasTarget[], versionExists: (version: number) => boolean): AliasTarget__Output[] {
  const where = `alias ${JSON.stringify(alias)} of model ${JSON.stringify(model)}`;
  if (targets.length === 0) throw new InvalidArgumentError(`${where} needs at least one target version`);
  if (targets.length > MAX_TARGETS) throw new InvalidArgumentError(`${where} has ${targets.length} targets; at most ${MAX_TARGETS}`);
  const normalized = targets.map((t) => ({ version: Number(t.version ?? 0), weight: Number(t.weight ?? 0) }));
  if (normalized.length === 1 && normalized[0]!.weight === 0) normalized[0]!.weight = 100;
  const seen = new Set<number>();
  for (const t of normalized) {
    if (!Number.isSafeInteger(t.version) || t.version < 1) throw new InvalidArgumentError(`${where}: target version ${t.version} is not a positive integer`);
    if (seen.has(t.version)) throw new InvalidArgumentError(`${where} names version ${t.version} twice`);
    seen.add(t.version);
    if (t.weight < 1 || t.weight > 100) throw new InvalidArgumentError(`${where}: version ${t.version} has weight ${t.weight}; each weight is a percentage 1..100`);
    if (!versionExists(t.version)) throw new FailedPreconditionError(`${where}: model ${JSON.stringify(model)} has no version ${t.version}`);
  }
  const sum = normalized.reduce((acc, t) => acc + t.weight, 0);
  if (sum !== 100) throw new InvalidArgumentError(`${where}: weights sum to ${sum}; they must sum to 100 (e.g. 90 and 10)`);
  return normalized;
}

/** The alias after pointing it at `targets`: its previous targets go on top of the history (capped). */
export function applySet(
  previous: AliasRecord | undefined,
  model: string,
  name: string,
  targets: AliasTarget__Output[],
  actor: string,
  nowMs: number,
  historyEntries: number,
): AliasRecord {
  const history = previous ? [{ targets: previous.targets, unix_ms: previous.updated_unix_ms, actor: previous.updated_by }, ...previous.history] : [];
  return {
    model,
    name,
    targets,
    updated_unix_ms: nowMs,
    revision: (previous?.revision ?? 0) + 1,
    history: history.slice(0, historyEntries),
    updated_by: actor,
  };
}

/**
 * The alias after a rollback: it points where it pointed before its last change, and that entry leaves the
 * history, so rolling back twice walks two steps back. Every move stays in the audit log.
 */
export function applyRollback(current: AliasRecord, actor: string, nowMs: number, versionExists: (version: number) => boolean): AliasRecord {
  const [previous, ...older] = current.history;
  if (!previous) {
    throw new FailedPreconditionError(`alias ${JSON.stringify(current.name)} of model ${JSON.stringify(current.model)} has no earlier target to roll back to`);
  }
  const missing = previous.targets.filter((t) => !versionExists(t.version));
  if (missing.length > 0) {
    throw new FailedPreconditionError(
      `cannot roll back alias ${JSON.stringify(current.name)} of model ${JSON.stringify(current.model)}: its earlier target version ${missing.map((t) => t.version).join(', ')} was deleted`,
    );
  }
  return { ...current, targets: previous.targets, updated_unix_ms: nowMs, revision: current.revision + 1, history: older, updated_by: actor };
}

/** Describes targets for messages and audit details: "v3:90,v4:10". */
export function describeTargets(targets: readonly AliasTarget__Output[]): string {
  return targets.map((t) => `v${t.version}:${t.weight}`).join(',');
}
