import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VersionConfig } from '@maas/protos';
import { messageField, numberField, parsePbtxt, stringField, type PbtxtMessage } from './pbtxt';

/** One ONNX model version found in a Triton model repository, ready to upload. */
export interface TritonImport {
  tritonName: string;
  /** The maas model name (a DNS label: lower-case, "_" → "-"). */
  model: string;
  tritonVersion: number;
  file: string;
  config: VersionConfig;
}

/** What a scan found: uploads to make and what was skipped, with why. */
export interface TritonScan {
  imports: TritonImport[];
  skipped: string[];
}

const ONNX_PLATFORMS = new Set(['onnxruntime_onnx']);

/** Triton model names may hold "_" and upper case; maas names are DNS labels. */
export function toModelName(tritonName: string): string {
  return tritonName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Maps the config.pbtxt fields maas knows (batching and labels) onto a VersionConfig. */
export function versionConfigFromTriton(config: PbtxtMessage, modelDir: string): VersionConfig {
  const maxBatchSize = numberField(config, 'max_batch_size');
  const dynamic = messageField(config, 'dynamic_batching');
  const preferred = (dynamic?.['preferred_batch_size'] ?? []).filter((v): v is number => typeof v === 'number');
  const labels: string[] = [];
  for (const output of config['output'] ?? []) {
    const labelFile = typeof output === 'object' ? stringField(output, 'label_filename') : '';
    if (labelFile && fs.existsSync(path.join(modelDir, labelFile))) {
      labels.push(...fs.readFileSync(path.join(modelDir, labelFile), 'utf8').split('\n').filter((l) => l !== ''));
      break;
    }
  }
  return {
    batching: {
      max_batch_size: maxBatchSize,
      dynamic_batching: dynamic !== undefined && maxBatchSize > 0,
      max_queue_delay_us: numberField(dynamic, 'max_queue_delay_microseconds'),
      preferred_batch_sizes: preferred,
    },
    labels,
  };
}

/**
 * Scans a Triton model repository (`<model>/config.pbtxt`, `<model>/<version>/model.onnx`) for ONNX models.
 * Anything that is not ONNX (TensorRT plans, TorchScript, Python backends, ensembles) is skipped with the
 * reason; so is an ONNX model with external data files, which a single-file upload cannot carry.
 */
export function scanTritonRepository(root: string): TritonScan {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  const scan: TritonScan = { imports: [], skipped: [] };
  for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const modelDir = path.join(root, entry.name);
    const configFile = path.join(modelDir, 'config.pbtxt');
    let config: PbtxtMessage = {};
    if (fs.existsSync(configFile)) {
      try {
        config = parsePbtxt(fs.readFileSync(configFile, 'utf8'));
      } catch (err) {
        scan.skipped.push(`${entry.name}: config.pbtxt is unreadable: ${(err as Error).message}`);
        continue;
      }
    }
    const platform = stringField(config, 'platform');
    const backend = stringField(config, 'backend');
    const defaultFile = stringField(config, 'default_model_filename', 'model.onnx');
    const isOnnx = ONNX_PLATFORMS.has(platform) || backend === 'onnxruntime' || (platform === '' && backend === '' && defaultFile.endsWith('.onnx'));
    if (!isOnnx) {
      scan.skipped.push(`${entry.name}: not an ONNX model (platform ${JSON.stringify(platform)}, backend ${JSON.stringify(backend)}); only ONNX models are imported`);
      continue;
    }
    const model = toModelName(entry.name);
    if (model === '') {
      scan.skipped.push(`${entry.name}: no valid maas model name can be made from it`);
      continue;
    }
    const versionConfig = versionConfigFromTriton(config, modelDir);
    const versions = fs
      .readdirSync(modelDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d+$/.test(d.name))
      .map((d) => Number(d.name))
      .sort((a, b) => a - b);
    if (versions.length === 0) scan.skipped.push(`${entry.name}: no numbered version folders`);
    for (const version of versions) {
      const versionDir = path.join(modelDir, String(version));
      const file = path.join(versionDir, defaultFile);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        scan.skipped.push(`${entry.name}/${version}: no ${defaultFile} file (ONNX models stored as folders are not imported)`);
        continue;
      }
      const others = fs.readdirSync(versionDir).filter((f) => f !== defaultFile);
      if (others.length > 0) {
        scan.skipped.push(`${entry.name}/${version}: holds more than ${defaultFile} (${others.join(', ')}), e.g. external weights; not imported`);
        continue;
      }
      scan.imports.push({ tritonName: entry.name, model, tritonVersion: version, file, config: versionConfig });
    }
  }
  return scan;
}
