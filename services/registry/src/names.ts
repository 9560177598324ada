import { InvalidArgumentError } from '@maas/errors';

/** DNS label (RFC 1123): lower-case letters, digits and '-', starts and ends alphanumeric, at most 63. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MAX_CHARS = 63;

/** Why `name` is not a DNS label, or undefined when it is one. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > DNS_LABEL_MAX_CHARS) return `is ${name.length} characters long; at most ${DNS_LABEL_MAX_CHARS} are allowed`;
  if (!DNS_LABEL.test(name)) return 'may contain only lower-case letters, digits and "-", and must start and end with a letter or digit';
  return undefined;
}

/** Throws INVALID_ARGUMENT unless `name` is a valid model name (a DNS label). */
export function validateModelName(name: string): void {
  const problem = dnsLabelProblem(name);
  if (problem) throw new InvalidArgumentError(`invalid model name ${JSON.stringify(name)}: it ${problem} (a DNS label, e.g. "ocr-cls")`);
}

/** Throws INVALID_ARGUMENT unless `name` is a valid alias name (also a DNS label: production, staging, canary-2). */
export function validateAliasName(name: string): void {
  const problem = dnsLabelProblem(name);
  if (problem) throw new InvalidArgumentError(`invalid alias name ${JSON.stringify(name)}: it ${problem} (a DNS label, e.g. "production")`);
}

/** Throws INVALID_ARGUMENT unless `version` is a positive integer. */
export function validateVersionNumber(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1) throw new InvalidArgumentError(`invalid version ${version}: expected a positive integer`);
}

/** Names a bundle may not use for a side file, because the registry writes them itself. */
const RESERVED_FILE_NAMES = new Set(['version.json']);
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_FILE_PATH_CHARS = 255;

/**
 * Normalizes a path from a bundle ("./vocab.txt" → "vocab.txt") and returns why it is unsafe or reserved, or
 * the normalized path. Segments are plain names (no "..", no hidden files, no absolute paths), so a side
 * file can never land outside its version folder.
 */
export function normalizeArtifactPath(raw: string): { path: string } | { problem: string } {
  const trimmed = raw.replace(/^(\.\/)+/, '');
  if (trimmed === '' || trimmed.length > MAX_FILE_PATH_CHARS) return { problem: `path must be 1..${MAX_FILE_PATH_CHARS} characters` };
  const segments = trimmed.split('/');
  if (segments.some((s) => !PATH_SEGMENT.test(s))) {
    return { problem: 'path segments may contain only letters, digits, ".", "_" and "-", and may not start with "." or "-"' };
  }
  if (RESERVED_FILE_NAMES.has(trimmed)) return { problem: `${trimmed} is written by the registry itself` };
  return { path: trimmed };
}
