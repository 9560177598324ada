import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { Alias__Output, ModelVersion__Output, VersionConfig, WatchEvent__Output } from '@maas/protos';
import type { RegistryClient } from '@maas/registry-client';
import { CliError } from '../cli-error';
import { formatBytes, formatShape, formatTime, parsePairs, table } from '../output';
import { addConnectionOptions, DEFAULT_REGISTRY_ADDRESS, registryFrom, type ConnectionOptions } from '../connection-options';
import { PROGRESS_MIN_BYTES, ProgressLine } from '../progress';
import { scanTritonRepository } from '../triton/triton-repository';
import { readVersionConfigFile } from '../version-config-file';

/** Options every `maas models` subcommand inherits. */
interface RegistryOptions extends ConnectionOptions {
  registry: string;
  actor: string;
  json?: boolean;
}

/** Runs `fn` with a registry connection made from the command's (inherited) options, then closes it. */
async function withRegistry<T>(command: Command, fn: (registry: RegistryClient, options: RegistryOptions) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<RegistryOptions>();
  const registry = registryFrom(options.registry, options.actor, options);
  try {
    return await fn(registry, options);
  } finally {
    registry.close();
  }
}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));

/** Uploads with a progress line on stderr for big files (or always with `showProgress`). */
async function uploadWithProgress(registry: RegistryClient, file: string, meta: Parameters<RegistryClient['upload']>[1], showProgress?: boolean): Promise<ModelVersion__Output> {
  const sizeBytes = fs.statSync(file).size;
  const progress = (showProgress ?? sizeBytes >= PROGRESS_MIN_BYTES) ? new ProgressLine(`uploading ${meta.model}`, sizeBytes) : undefined;
  try {
    return await registry.upload(file, meta, (sent) => progress?.update(sent));
  } finally {
    progress?.done();
  }
}

/** Downloads with a progress line for big files; the client checks the sha256. */
async function downloadWithProgress(registry: RegistryClient, model: string, version: number, file: string, out: string): Promise<{ size_bytes: number; sha256: string }> {
  let progress: ProgressLine | undefined;
  try {
    return await registry.downloadToFile(model, version, file, out, {
      onHeader: (h) => {
        if (h.size_bytes >= PROGRESS_MIN_BYTES) progress = new ProgressLine(`downloading ${model} v${version}`, h.size_bytes);
      },
      onProgress: (received) => progress?.update(received),
    });
  } finally {
    progress?.done();
  }
}

function parseVersion(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new CliError(`version ${JSON.stringify(text)} must be a positive integer`);
  return Number(text);
}

function aliasesByVersion(aliases: readonly Alias__Output[]): Map<number, string[]> {
  const byVersion = new Map<number, string[]>();
  for (const a of aliases) for (const t of a.targets) byVersion.set(t.version, [...(byVersion.get(t.version) ?? []), t.weight === 100 ? a.name : `${a.name}(${t.weight}%)`]);
  return byVersion;
}

function describeVersion(v: ModelVersion__Output): string {
  const tensors = (list: ModelVersion__Output['inputs']): string => list.map((t) => `    ${t.name}  ${t.datatype}  ${formatShape(t.shape)}`).join('\n');
  const b = v.config?.batching;
  return [
    `${v.model} v${v.version}  (${v.artifact_kind}, ${formatBytes(v.size_bytes)}, created ${formatTime(v.created_unix_ms)})`,
    `  sha256     ${v.sha256}`,
    `  batch dim  ${v.batch_dim ? 'yes' : 'no'}; max batch ${b?.max_batch_size ?? 0}${b?.dynamic_batching ? `, dynamic (delay ${b.max_queue_delay_us} us, preferred ${b.preferred_batch_sizes.join(',') || '-'})` : ''}`,
    `  inputs\n${tensors(v.inputs)}`,
    `  outputs\n${tensors(v.outputs)}`,
    `  files\n${v.files.map((f) => `    ${f.path}  ${formatBytes(f.size_bytes)}  ${f.sha256.slice(0, 16)}`).join('\n')}`,
    ...(v.config?.pipeline_json ? [`  pipeline   ${v.config.pipeline_json}`] : []),
    ...(v.config?.labels.length ? [`  labels     ${v.config.labels.length} (${v.config.labels.slice(0, 5).join(', ')}${v.config.labels.length > 5 ? ', ...' : ''})`] : []),
    ...Object.entries(v.user_metadata).map(([k, val]) => `  ${k.padEnd(10)} ${val}`),
  ].join('\n');
}

function formatEvent(e: WatchEvent__Output): string {
  return [formatTime(e.unix_ms), e.kind, e.model, e.version ? `v${e.version}` : '', e.alias, e.actor ? `by ${e.actor}` : ''].filter((s) => s !== '').join('  ');
}

function pushCommand(): Command {
  return new Command('push')
    .description('upload an ONNX file (or a .tar bundle: model.onnx + side files) as a new version')
    .argument('<file>', 'model.onnx, or a tar bundle holding model.onnx and side files (tokenizer.json, labels.txt, ...)')
    .requiredOption('-n, --name <model>', 'model name (a DNS label); created when missing')
    .option('-a, --alias <alias>', 'point this alias (e.g. production) at the new version')
    .option('-c, --config <file>', 'version config as JSON (VersionConfig fields: batching, runtime, pipeline_json, labels, max_queue_depth)')
    .option('-m, --metadata <key=value...>', 'user metadata (framework, metrics, lineage, description ...)', [])
    .option('--tenant <tenant>', 'owner tenant when the model is created', '')
    .option('--no-create', 'fail if the model does not exist instead of creating it')
    .addOption(new Option('--kind <kind>', 'artifact kind (default: from the file name)').choices(['onnx', 'bundle']))
    .option('--progress', 'always draw the progress line (default: files of 4 MiB or more)')
    .action(async (file: string, opts: { name: string; alias?: string; config?: string; metadata: string[]; tenant: string; create: boolean; kind?: string; progress?: boolean }, command: Command) => {
      if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
      const config: VersionConfig | undefined = opts.config ? readVersionConfigFile(opts.config) : undefined;
      const kind = opts.kind ?? (/\.(tar)$/i.test(file) ? 'bundle' : 'onnx');
      await withRegistry(command, async (registry, global) => {
        const version = await uploadWithProgress(
          registry,
          file,
          { model: opts.name, artifact_kind: kind, config, user_metadata: parsePairs(opts.metadata, '--metadata'), create_model: opts.create, alias: opts.alias ?? '', owner_tenant: opts.tenant },
          opts.progress,
        );
        if (global.json) printJson(version);
        else print(`pushed ${version.model} v${version.version} (${formatBytes(version.size_bytes)}, sha256 ${version.sha256.slice(0, 16)})${opts.alias ? `; ${opts.alias} → v${version.version}` : ''}`);
      });
    });
}

function lsCommand(): Command {
  return new Command('ls')
    .description('list models, or the versions of one model')
    .argument('[model]', 'list this model\'s versions')
    .option('--tenant <tenant>', 'only models of this tenant', '')
    .action(async (model: string | undefined, opts: { tenant: string }, command: Command) =>
      withRegistry(command, async (registry, global) => {
        if (model) {
          const versions = await registry.listVersions(model);
          const aliases = await registry.listAliases(model);
          if (global.json) return printJson(versions);
          const byVersion = aliasesByVersion(aliases);
          print(table(['VERSION', 'KIND', 'SIZE', 'SHA256', 'BATCH', 'CREATED', 'ALIASES'], versions.map((v) => [
            String(v.version), v.artifact_kind, formatBytes(v.size_bytes), v.sha256.slice(0, 12), v.batch_dim ? String(v.config?.batching?.max_batch_size ?? 0) : '-', formatTime(v.created_unix_ms), (byVersion.get(v.version) ?? []).join(','),
          ])));
          return undefined;
        }
        const models = await registry.listModels(opts.tenant);
        if (global.json) return printJson(models);
        print(table(['MODEL', 'LATEST', 'VERSIONS', 'TENANT', 'CREATED'], models.map((m) => [m.name, m.latest_version ? `v${m.latest_version}` : '-', String(m.versions.length), m.owner_tenant || '-', formatTime(m.created_unix_ms)])));
        return undefined;
      }),
    );
}

function showCommand(): Command {
  return new Command('show')
    .description('show a model (versions and aliases), or one version in full')
    .argument('<model>')
    .argument('[version]', 'show this version: signature, config, files')
    .action(async (model: string, version: string | undefined, _opts: unknown, command: Command) =>
      withRegistry(command, async (registry, global) => {
        if (version !== undefined) {
          const v = await registry.getVersion(model, parseVersion(version));
          return global.json ? printJson(v) : print(describeVersion(v));
        }
        const m = await registry.getModel(model);
        const aliases = await registry.listAliases(model);
        const versions = await registry.listVersions(model);
        if (global.json) return printJson({ model: m, aliases, versions });
        print(`${m.name}${m.description ? ` — ${m.description}` : ''}`);
        print(`  tenant ${m.owner_tenant || '-'}; created ${formatTime(m.created_unix_ms)}; latest v${m.latest_version}`);
        print(`  aliases: ${aliases.map((a) => `${a.name} → ${a.targets.map((t) => `v${t.version}${t.weight === 100 ? '' : ` ${t.weight}%`}`).join(' + ')} (rev ${a.revision})`).join('; ') || 'none'}`);
        for (const v of versions) print(`  v${v.version}  ${v.artifact_kind}  ${formatBytes(v.size_bytes)}  ${v.sha256.slice(0, 12)}  ${v.inputs.map((t) => `${t.name}:${t.datatype}${formatShape(t.shape)}`).join(' ')} → ${v.outputs.map((t) => `${t.name}:${t.datatype}${formatShape(t.shape)}`).join(' ')}`);
        return undefined;
      }),
    );
}

function promoteCommand(): Command {
  return new Command('promote')
    .description('point an alias at a version; with --weight, send that share of traffic to it as a canary')
    .argument('<model>')
    .argument('<version>')
    .requiredOption('-a, --alias <alias>', 'alias to move (production, staging, ...)')
    .option('-w, --weight <percent>', 'canary: give the version this share (1..99); the alias\'s main version keeps the rest')
    .action(async (model: string, versionText: string, opts: { alias: string; weight?: string }, command: Command) =>
      withRegistry(command, async (registry, global) => {
        const version = parseVersion(versionText);
        let targets = [{ version, weight: 100 }];
        if (opts.weight !== undefined) {
          const weight = Number(opts.weight);
          if (!Number.isInteger(weight) || weight < 1 || weight > 99) throw new CliError('--weight must be an integer 1..99');
          const current = await registry.getAlias(model, opts.alias);
          const main = [...current.targets].filter((t) => t.version !== version).sort((a, b) => b.weight - a.weight)[0];
          if (!main) throw new CliError(`alias ${opts.alias} points only at v${version}; nothing to split with`);
          targets = [{ version: main.version, weight: 100 - weight }, { version, weight }];
        }
        const alias = await registry.setAlias(model, opts.alias, targets);
        if (global.json) printJson(alias);
        else print(`${model} ${alias.name} → ${alias.targets.map((t) => `v${t.version} ${t.weight}%`).join(', ')} (revision ${alias.revision})`);
      }),
    );
}

function rollbackCommand(): Command {
  return new Command('rollback')
    .description('move an alias back to where it pointed before its last change')
    .argument('<model>')
    .requiredOption('-a, --alias <alias>', 'alias to roll back')
    .action(async (model: string, opts: { alias: string }, command: Command) =>
      withRegistry(command, async (registry, global) => {
        const alias = await registry.rollbackAlias(model, opts.alias);
        if (global.json) printJson(alias);
        else print(`${model} ${alias.name} rolled back → ${alias.targets.map((t) => `v${t.version} ${t.weight}%`).join(', ')} (revision ${alias.revision})`);
      }),
    );
}

function rmCommand(): Command {
  return new Command('rm')
    .description('delete a version, or a whole model when no version is given')
    .argument('<model>')
    .argument('[version]')
    .option('--force', 'delete a model even while aliases point at its versions')
    .action(async (model: string, version: string | undefined, opts: { force?: boolean }, command: Command) =>
      withRegistry(command, async (registry) => {
        if (version !== undefined) {
          await registry.deleteVersion(model, parseVersion(version));
          print(`deleted ${model} v${version}`);
        } else {
          await registry.deleteModel(model, opts.force ?? false);
          print(`deleted model ${model}`);
        }
      }),
    );
}

function downloadCommand(): Command {
  return new Command('download')
    .description('download a version\'s model.onnx (or a side file), verifying its sha256')
    .argument('<model>')
    .argument('<version>')
    .option('-f, --file <path>', 'a side file of a bundle instead of model.onnx', '')
    .option('-o, --output <file>', 'where to write (default: the file\'s own name)')
    .action(async (model: string, version: string, opts: { file: string; output?: string }, command: Command) =>
      withRegistry(command, async (registry) => {
        const out = opts.output ?? path.basename(opts.file || 'model.onnx');
        const header = await downloadWithProgress(registry, model, parseVersion(version), opts.file, out);
        print(`${out}: ${formatBytes(header.size_bytes)}, sha256 ${header.sha256} verified`);
      }),
    );
}

function auditCommand(): Command {
  return new Command('audit')
    .description('show the audit log (who changed what, when), newest first')
    .argument('[model]')
    .option('-l, --limit <n>', 'entries to show', '20')
    .action(async (model: string | undefined, opts: { limit: string }, command: Command) =>
      withRegistry(command, async (registry, global) => {
        const entries = await registry.listAuditLog(model ?? '', Number(opts.limit));
        if (global.json) return printJson(entries);
        print(table(['TIME', 'ACTOR', 'ACTION', 'MODEL', 'VERSION', 'DETAIL'], entries.map((e) => [formatTime(e.unix_ms), e.actor_note ? `${e.actor} (as ${e.actor_note})` : e.actor, e.action, e.model, e.version ? `v${e.version}` : '', e.detail])));
        return undefined;
      }),
    );
}

function watchCommand(): Command {
  return new Command('watch')
    .description('follow the change feed (Ctrl-C to stop)')
    .argument('[models...]', 'only these models')
    .option('--heartbeats', 'also print heartbeats')
    .action(async (models: string[], opts: { heartbeats?: boolean }, command: Command) =>
      withRegistry(command, async (registry) => {
        const stream = registry.watch('', models);
        for await (const event of stream as AsyncIterable<WatchEvent__Output>) {
          if (event.kind !== 'HEARTBEAT' || opts.heartbeats) print(formatEvent(event));
        }
      }),
    );
}

function importTritonCommand(): Command {
  return new Command('import-triton')
    .description('import the ONNX models of a Triton model repository (<model>/config.pbtxt, <model>/<n>/model.onnx)')
    .argument('<dir>', 'the Triton model repository')
    .option('-a, --alias <alias>', 'point this alias at each model\'s newest imported version')
    .option('--dry-run', 'only print what would be imported')
    .action(async (dir: string, opts: { alias?: string; dryRun?: boolean }, command: Command) => {
      const scan = scanTritonRepository(dir);
      for (const reason of scan.skipped) process.stderr.write(`skipping ${reason}\n`);
      if (scan.imports.length === 0) throw new CliError(`no ONNX models found in ${dir}`);
      const newest = new Map(scan.imports.map((i) => [i.model, i.tritonVersion]));
      await withRegistry(command, async (registry) => {
        for (const item of scan.imports) {
          const label = `${item.tritonName}/${item.tritonVersion}`;
          if (opts.dryRun) {
            print(`would import ${label} as ${item.model} (max_batch_size ${item.config.batching?.max_batch_size ?? 0})`);
            continue;
          }
          const alias = opts.alias && newest.get(item.model) === item.tritonVersion ? opts.alias : '';
          const version = await uploadWithProgress(registry, item.file, { model: item.model, artifact_kind: 'onnx', config: item.config, create_model: true, alias, user_metadata: { source: `triton:${label}` } });
          print(`imported ${label} as ${version.model} v${version.version}${alias ? ` (${alias})` : ''}`);
        }
      });
    });
}

/** `maas models ...`: the registry's command group. */
export function modelsCommand(): Command {
  const models = addConnectionOptions(
    new Command('models')
      .description('manage models in the registry: push, ls, show, promote, rollback, rm, import-triton, ...')
      .addOption(new Option('--registry <host:port>', 'registry address').env('MAAS_REGISTRY_ADDRESS').default(DEFAULT_REGISTRY_ADDRESS))
      .addOption(new Option('--actor <name>', 'a name for the audit log, kept as a note beside the key\'s identity when the registry has auth on').env('MAAS_ACTOR').default(os.userInfo().username))
      .option('--json', 'print results as JSON'),
  );
  for (const sub of [pushCommand(), lsCommand(), showCommand(), promoteCommand(), rollbackCommand(), rmCommand(), downloadCommand(), auditCommand(), watchCommand(), importTritonCommand()]) {
    models.addCommand(sub);
  }
  return models;
}
