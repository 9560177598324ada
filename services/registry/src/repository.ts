import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { Alias__Output, AliasTarget, CreateModelRequest__Output, Model__Output, ResolveResponse__Output, VersionConfig__Output } from '@maas/protos';
import type { Actor } from './actor';
import { applyRollback, applySet, describeTargets, validateTargets } from './aliases';
import { EventLog, type NewEvent } from './event-log';
import { fsyncDir, removeTreeAtomic, renameDurable, writeJsonAtomic } from './fs-atomic';
import { Mutex } from './mutex';
import { normalizeArtifactPath, validateAliasName, validateModelName, validateVersionNumber } from './names';
import type { AliasRecord, EventRecord, ModelRecord, ModelState, VersionRecord } from './records';
import { clearLeftovers, loadModels, TEMP_DIR_NAME } from './repository-load';

/** Options of a repository on disk. */
export interface RepositoryOptions {
  root: string;
  watchHistoryEvents: number;
  aliasHistoryEntries: number;
  logger: Logger;
}

/** A version staged in the temp folder by an upload, ready to be renamed into place. */
export interface StagedVersion {
  model: string;
  /** Folder under `<root>/.tmp` holding model.onnx and the side files. */
  dir: string;
  record: Omit<VersionRecord, 'model' | 'version' | 'created_unix_ms'>;
  /** Point this alias at the new version in the same change. */
  alias: string;
  /** Create the model when missing, owned by this tenant. */
  createModel: { owner_tenant: string } | undefined;
}

/** The alias the API returns (the stored record without its bookkeeping field). */
export function toAlias(record: AliasRecord): Alias__Output {
  const { updated_by: _updatedBy, ...alias } = record;
  return alias;
}

/**
 * The model repository: the in-memory view of `<root>` and every change to it. Changes run one at a time
 * (a mutex), write to disk atomically before they touch memory, and end with one event in the log, so a
 * reader, a watcher and a restart all see the same history.
 */
export class Repository {
  private readonly mutex = new Mutex();

  private constructor(
    readonly root: string,
    readonly events: EventLog,
    private readonly models: Map<string, ModelState>,
    private readonly aliasHistoryEntries: number,
  ) {}

  /** Opens the repository: clears crash leftovers, loads every model, opens the event log. */
  static async open(options: RepositoryOptions): Promise<Repository> {
    const root = path.resolve(options.root);
    await fs.mkdir(root, { recursive: true });
    const removed = await clearLeftovers(root);
    if (removed > 0) options.logger.info({ removed }, 'removed leftovers of interrupted uploads and writes');
    const models = await loadModels(root, options.logger);
    const events = await EventLog.open(root, options.watchHistoryEvents, options.logger);
    const versions = [...models.values()].reduce((n, m) => n + m.versions.size, 0);
    options.logger.info({ root, models: models.size, versions, lastEvent: events.lastSeq }, 'model repository loaded');
    return new Repository(root, events, models, options.aliasHistoryEntries);
  }

  /** Folder for uploads in progress (same filesystem as the models, so a commit is one rename). */
  get tempDir(): string {
    return path.join(this.root, TEMP_DIR_NAME);
  }

  private modelDir(name: string): string {
    return path.join(this.root, name);
  }

  private versionDir(name: string, version: number): string {
    return path.join(this.root, name, String(version));
  }

  /** The model's state; NOT_FOUND otherwise. */
  private state(name: string): ModelState {
    validateModelName(name);
    const state = this.models.get(name);
    if (!state) throw new NotFoundError(`model ${JSON.stringify(name)} not found`);
    return state;
  }

  private versionRecord(state: ModelState, version: number): VersionRecord {
    validateVersionNumber(version);
    const record = state.versions.get(version);
    if (!record) throw new NotFoundError(`model ${JSON.stringify(state.record.name)} has no version ${version}`);
    return record;
  }

  private toModel(state: ModelState): Model__Output {
    const versions = [...state.versions.keys()].sort((a, b) => a - b);
    const { last_allocated_version: _last, ...record } = state.record;
    return { ...record, latest_version: versions.at(-1) ?? 0, versions };
  }

  /** Appends the change to the log; the actor's id is who did it, its note (a claimed name) is kept beside it. */
  private emit(event: Omit<NewEvent, 'version' | 'alias' | 'detail' | 'actor' | 'actor_note'> & Partial<Omit<NewEvent, 'actor'>> & { actor: Actor }): Promise<EventRecord> {
    const { actor, ...rest } = event;
    return this.events.append({ version: 0, alias: '', detail: {}, ...rest, actor: actor.id, ...(actor.note !== '' ? { actor_note: actor.note } : {}) });
  }

  private async writeModelRecord(record: ModelRecord): Promise<void> {
    await writeJsonAtomic(path.join(this.modelDir(record.name), 'model.json'), record);
  }

  private async writeAliases(state: ModelState): Promise<void> {
    await writeJsonAtomic(path.join(this.modelDir(state.record.name), 'aliases.json'), { aliases: [...state.aliases.values()] });
  }

  // ---- models -------------------------------------------------------------------------------------------

  /** Creates a model (ALREADY_EXISTS when the name is taken). */
  createModel(request: CreateModelRequest__Output, actor: Actor): Promise<Model__Output> {
    validateModelName(request.name);
    return this.mutex.run(async () => this.toModel(await this.createModelLocked(request, actor, 'CreateModel')));
  }

  private async createModelLocked(request: Pick<CreateModelRequest__Output, 'name' | 'description' | 'tags' | 'owner_tenant'>, actor: Actor, action: string): Promise<ModelState> {
    if (this.models.has(request.name)) throw new AlreadyExistsError(`model ${JSON.stringify(request.name)} already exists`);
    const record: ModelRecord = {
      name: request.name,
      description: request.description,
      tags: { ...request.tags },
      owner_tenant: request.owner_tenant,
      created_unix_ms: Date.now(),
      last_allocated_version: 0,
    };
    // Prepared whole in the temp folder, then renamed into place: a model folder always has its model.json.
    const staging = path.join(this.tempDir, `model-${request.name}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(staging);
    await writeJsonAtomic(path.join(staging, 'model.json'), record);
    await writeJsonAtomic(path.join(staging, 'aliases.json'), { aliases: [] });
    await renameDurable(staging, this.modelDir(request.name));
    const state: ModelState = { record, versions: new Map(), aliases: new Map() };
    this.models.set(request.name, state);
    await this.emit({ actor, action, kind: 'MODEL_CREATED', model: request.name, detail: { owner_tenant: record.owner_tenant } });
    return state;
  }

  /** One model. */
  getModel(name: string): Model__Output {
    return this.toModel(this.state(name));
  }

  /** The owner tenant of a model; undefined when there is no such model. */
  ownerOf(name: string): string | undefined {
    return this.models.get(name)?.record.owner_tenant;
  }

  /** Every model (of one tenant when ownerTenant is set), by name. */
  listModels(ownerTenant = ''): Model__Output[] {
    return [...this.models.values()]
      .filter((m) => ownerTenant === '' || m.record.owner_tenant === ownerTenant)
      .sort((a, b) => a.record.name.localeCompare(b.record.name))
      .map((m) => this.toModel(m));
  }

  /** Deletes a model and every version; refused while an alias points at a version, unless force. */
  deleteModel(name: string, force: boolean, actor: Actor): Promise<void> {
    return this.mutex.run(async () => {
      const state = this.state(name);
      const aliases = [...state.aliases.values()].filter((a) => a.targets.length > 0);
      if (aliases.length > 0 && !force) {
        throw new FailedPreconditionError(
          `model ${JSON.stringify(name)} still has aliases (${aliases.map((a) => `${a.name} → ${describeTargets(a.targets)}`).join('; ')}); delete them first or pass force`,
        );
      }
      await removeTreeAtomic(this.modelDir(name), this.tempDir);
      this.models.delete(name);
      await this.emit({ actor, action: 'DeleteModel', kind: 'MODEL_DELETED', model: name, detail: { force, versions: [...state.versions.keys()] } });
    });
  }

  // ---- versions -----------------------------------------------------------------------------------------

  /** Whether an upload to `model` can go ahead (exists, or will be created). */
  checkUploadTarget(model: string, createModel: boolean): void {
    validateModelName(model);
    if (!createModel && !this.models.has(model)) {
      throw new NotFoundError(`model ${JSON.stringify(model)} not found; create it first or set create_model`);
    }
  }

  /**
   * Commits a staged upload: allocates the next version number, writes version.json, renames the staged
   * folder into `<model>/<version>` (the one step that makes it visible), then records it, and moves the
   * requested alias. Concurrent uploads to one model get distinct numbers because this runs under the mutex.
   */
  commitVersion(staged: StagedVersion, actor: Actor): Promise<VersionRecord> {
    return this.mutex.run(async () => {
      let state = this.models.get(staged.model);
      if (!state) {
        if (!staged.createModel) throw new NotFoundError(`model ${JSON.stringify(staged.model)} not found (deleted during the upload?)`);
        state = await this.createModelLocked({ name: staged.model, description: '', tags: {}, owner_tenant: staged.createModel.owner_tenant }, actor, 'UploadVersion');
      }
      const version = state.record.last_allocated_version + 1;
      const record: VersionRecord = { ...staged.record, model: staged.model, version, created_unix_ms: Date.now() };
      await writeJsonAtomic(path.join(staged.dir, 'version.json'), record);
      await renameDurable(staged.dir, this.versionDir(staged.model, version));
      state.record.last_allocated_version = version;
      await this.writeModelRecord(state.record);
      state.versions.set(version, record);
      await this.emit({
        actor,
        action: 'UploadVersion',
        kind: 'VERSION_ADDED',
        model: staged.model,
        version,
        detail: { sha256: record.sha256, size_bytes: record.size_bytes, artifact_kind: record.artifact_kind },
      });
      if (staged.alias !== '') await this.setAliasLocked(state, staged.alias, [{ version, weight: 100 }], actor, 'UploadVersion');
      return record;
    });
  }

  /** One version's metadata. */
  getVersion(model: string, version: number): VersionRecord {
    return this.versionRecord(this.state(model), version);
  }

  /** Every version of a model, oldest first. */
  listVersions(model: string): VersionRecord[] {
    return [...this.state(model).versions.values()].sort((a, b) => a.version - b.version);
  }

  /** Deletes a version; refused while an alias points at it. */
  deleteVersion(model: string, version: number, actor: Actor): Promise<void> {
    return this.mutex.run(async () => {
      const state = this.state(model);
      this.versionRecord(state, version);
      const holders = [...state.aliases.values()].filter((a) => a.targets.some((t) => t.version === version));
      if (holders.length > 0) {
        throw new FailedPreconditionError(
          `version ${version} of model ${JSON.stringify(model)} is in use by alias ${holders.map((a) => JSON.stringify(a.name)).join(', ')}; move the alias first`,
        );
      }
      await removeTreeAtomic(this.versionDir(model, version), this.tempDir);
      state.versions.delete(version);
      await this.emit({ actor, action: 'DeleteVersion', kind: 'VERSION_REMOVED', model, version });
    });
  }

  /** Replaces a version's config (validated by the caller against the model's batch dim). */
  updateVersionConfig(model: string, version: number, config: VersionConfig__Output, actor: Actor): Promise<VersionRecord> {
    return this.mutex.run(async () => {
      const state = this.state(model);
      const current = this.versionRecord(state, version);
      const updated: VersionRecord = { ...current, config };
      await writeJsonAtomic(path.join(this.versionDir(model, version), 'version.json'), updated);
      state.versions.set(version, updated);
      await this.emit({ actor, action: 'UpdateVersionConfig', kind: 'CONFIG_CHANGED', model, version, detail: { config } });
      return updated;
    });
  }

  /** The absolute path of a version's file (model.onnx when `file` is empty) and its checksum entry. */
  artifactFile(model: string, version: number, file: string): { absolutePath: string; sha256: string; sizeBytes: number; path: string } {
    const record = this.versionRecord(this.state(model), version);
    const wanted = file === '' ? 'model.onnx' : normalizeArtifactPath(file);
    const name = typeof wanted === 'string' ? wanted : 'path' in wanted ? wanted.path : undefined;
    if (name === undefined) throw new InvalidArgumentError(`invalid file ${JSON.stringify(file)}`);
    const entry = record.files.find((f) => f.path === name);
    if (!entry) {
      throw new NotFoundError(`version ${version} of model ${JSON.stringify(model)} has no file ${JSON.stringify(name)} (it has ${record.files.map((f) => f.path).join(', ')})`);
    }
    return { absolutePath: path.join(this.versionDir(model, version), entry.path), sha256: entry.sha256, sizeBytes: entry.size_bytes, path: entry.path };
  }

  // ---- aliases ------------------------------------------------------------------------------------------

  private async setAliasLocked(state: ModelState, name: string, targets: readonly AliasTarget[], actor: Actor, action: string): Promise<AliasRecord> {
    validateAliasName(name);
    const model = state.record.name;
    const valid = validateTargets(model, name, targets, (v) => state.versions.has(v));
    const record = applySet(state.aliases.get(name), model, name, valid, actor.id, Date.now(), this.aliasHistoryEntries);
    return this.saveAlias(state, record, action, actor);
  }

  private async saveAlias(state: ModelState, record: AliasRecord, action: string, actor: Actor): Promise<AliasRecord> {
    const previous = state.aliases.get(record.name);
    state.aliases.set(record.name, record);
    try {
      await this.writeAliases(state);
    } catch (err) {
      if (previous) state.aliases.set(record.name, previous);
      else state.aliases.delete(record.name);
      throw err;
    }
    await this.emit({
      actor,
      action,
      kind: 'ALIAS_CHANGED',
      model: record.model,
      version: record.targets[0]?.version ?? 0,
      alias: record.name,
      detail: { targets: describeTargets(record.targets), revision: record.revision, previous: previous ? describeTargets(previous.targets) : '' },
    });
    return record;
  }

  /** Points an alias at one or more versions (a traffic split for canaries). */
  setAlias(model: string, name: string, targets: readonly AliasTarget[], actor: Actor): Promise<Alias__Output> {
    return this.mutex.run(async () => toAlias(await this.setAliasLocked(this.state(model), name, targets, actor, 'SetAlias')));
  }

  private aliasRecord(state: ModelState, name: string): AliasRecord {
    validateAliasName(name);
    const record = state.aliases.get(name);
    if (!record) throw new NotFoundError(`model ${JSON.stringify(state.record.name)} has no alias ${JSON.stringify(name)}`);
    return record;
  }

  /** One alias with its history. */
  getAlias(model: string, name: string): Alias__Output {
    return toAlias(this.aliasRecord(this.state(model), name));
  }

  /** Every alias of a model, by name. */
  listAliases(model: string): Alias__Output[] {
    return [...this.state(model).aliases.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toAlias);
  }

  /** Removes an alias. */
  deleteAlias(model: string, name: string, actor: Actor): Promise<void> {
    return this.mutex.run(async () => {
      const state = this.state(model);
      const record = this.aliasRecord(state, name);
      state.aliases.delete(name);
      try {
        await this.writeAliases(state);
      } catch (err) {
        state.aliases.set(name, record);
        throw err;
      }
      await this.emit({ actor, action: 'DeleteAlias', kind: 'ALIAS_DELETED', model, alias: name, detail: { targets: describeTargets(record.targets) } });
    });
  }

  /** Moves an alias back to its previous targets. */
  rollbackAlias(model: string, name: string, actor: Actor): Promise<Alias__Output> {
    return this.mutex.run(async () => {
      const state = this.state(model);
      const rolled = applyRollback(this.aliasRecord(state, name), actor.id, Date.now(), (v) => state.versions.has(v));
      return toAlias(await this.saveAlias(state, rolled, 'RollbackAlias', actor));
    });
  }

  /** What to serve for model [+ version | + alias]; with neither: `production` when set, else the latest version. */
  resolve(model: string, version: number, alias: string): ResolveResponse__Output {
    const state = this.state(model);
    if (version !== 0 && alias !== '') throw new InvalidArgumentError('resolve takes a version or an alias, not both');
    let targets;
    let aliasUsed = '';
    if (version !== 0) {
      this.versionRecord(state, version);
      targets = [{ version, weight: 100 }];
    } else if (alias !== '') {
      targets = this.aliasRecord(state, alias).targets;
      aliasUsed = alias;
    } else if (state.aliases.has('production')) {
      targets = state.aliases.get('production')!.targets;
      aliasUsed = 'production';
    } else {
      const latest = Math.max(0, ...state.versions.keys());
      if (latest === 0) throw new NotFoundError(`model ${JSON.stringify(model)} has no versions yet`);
      targets = [{ version: latest, weight: 100 }];
    }
    return { model, alias: aliasUsed, targets, versions: targets.map((t) => this.versionRecord(state, t.version)) };
  }

  // ---- observability ------------------------------------------------------------------------------------

  /** Stored artifact bytes and version counts per model (for the gauges). */
  stats(): Array<{ model: string; versions: number; artifactBytes: number }> {
    return [...this.models.values()].map((m) => ({
      model: m.record.name,
      versions: m.versions.size,
      artifactBytes: [...m.versions.values()].reduce((n, v) => n + v.files.reduce((s, f) => s + f.size_bytes, 0), 0),
    }));
  }

  /** Waits for changes in flight, then closes the event log. */
  async close(): Promise<void> {
    await this.mutex.run(async () => {
      await this.events.close();
      await fsyncDir(this.root);
    });
  }
}
