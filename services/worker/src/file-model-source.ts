import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NotFoundError } from '@maas/errors';
import { settingsFromConfig, type ModelSource, type SourceEvent, type VersionConfigJson, type VersionInfo } from './model-source';

/**
 * Models from a folder, for single-host runs and tests without a registry:
 * `<dir>/<model>/<version>/model.onnx` and an optional `config.json` next to it holding a registry-style
 * VersionConfig (`{"batching": {"max_batch_size": 16, ...}, "runtime": {...}}`) plus `"batch_dim": true|false`
 * (default: true when max_batch_size > 0). Serves the latest version of each model. Reads the folder
 * when asked; watch() reports nothing (restart to pick up changes).
 */
export class FileModelSource implements ModelSource {
  constructor(private readonly dir: string) {}

  async listModels(): Promise<string[]> {
    if (!fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  async currentVersions(model: string): Promise<number[]> {
    const versions = this.versions(model);
    return versions.length > 0 ? [Math.max(...versions)] : [];
  }

  async getVersion(model: string, version: number): Promise<VersionInfo> {
    const file = this.modelFile(model, version);
    if (!fs.existsSync(file)) throw new NotFoundError(`model ${model} v${version} not found in ${this.dir}`);
    const configFile = path.join(path.dirname(file), 'config.json');
    const config = fs.existsSync(configFile) ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as VersionConfigJson & { batch_dim?: boolean }) : {};
    const settings = settingsFromConfig(config);
    const bytes = fs.readFileSync(file);
    return {
      model,
      version,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.byteLength,
      batchDim: config.batch_dim ?? settings.maxBatchSize > 0,
      settings,
    };
  }

  async fetchArtifact(info: VersionInfo): Promise<string> {
    return this.modelFile(info.model, info.version);
  }

  watch(_onEvent: (event: SourceEvent) => void): () => void {
    return () => undefined;
  }

  close(): void {}

  private versions(model: string): number[] {
    const dir = path.join(this.dir, model);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((v) => /^\d+$/.test(v) && fs.existsSync(this.modelFile(model, Number(v)))).map(Number);
  }

  private modelFile(model: string, version: number): string {
    return path.join(this.dir, model, String(version), 'model.onnx');
  }
}
