import { InvalidArgumentError } from '@maas/errors';

/** The optional companion of a tokenizer.json. */
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** The side files of a model bundle a pipeline reads (vocab.txt, tokenizer.json, labels.txt, ...), by name. */
export type PipelineFiles = ReadonlyMap<string, Uint8Array>;

/** The bundle files a spec reads: those it names, and those it uses when the bundle has them. */
export interface ReferencedFiles {
  required: string[];
  optional: string[];
}

/** The bundle file names a spec refers to (what a loader fetches before loadPipeline). */
export function referencedFiles(spec: { preprocess: ReadonlyArray<object>; postprocess: ReadonlyArray<object> }): ReferencedFiles {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const step of [...spec.preprocess, ...spec.postprocess] as Array<Record<string, unknown>>) {
    for (const field of ['file', 'dictionary', 'labels']) {
      const value = step[field];
      if (typeof value === 'string') required.add(value);
    }
    // A tokenizer.json may come with its tokenizer_config.json (special-token and cleanup settings).
    if (step['op'] === 'tokenize' && typeof step['file'] === 'string' && step['file'].endsWith('.json')) optional.add(TOKENIZER_CONFIG_FILE);
  }
  return { required: [...required], optional: [...optional].filter((f) => !required.has(f)) };
}

/** A required file's bytes; INVALID_ARGUMENT naming the step and the file when the bundle lacks it. */
export function requireFile(files: PipelineFiles, name: string, where: string): Uint8Array {
  const bytes = files.get(name);
  if (bytes === undefined) {
    const have = [...files.keys()];
    throw new InvalidArgumentError(`pipeline spec: ${where}: file '${name}' is not in the model bundle (it has ${have.length ? have.join(', ') : 'no side files'})`, {
      details: { where, file: name },
    });
  }
  return bytes;
}

/** A text file's lines (UTF-8, \n or \r\n), without a trailing empty line. */
export function readLines(bytes: Uint8Array): string[] {
  const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
