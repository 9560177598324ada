/**
 * A minimal reader of tar headers (POSIX ustar, plus the pax and GNU long-name extensions that GNU tar and
 * bsdtar write), enough to unpack a model bundle. Pure functions over 512-byte blocks.
 */

/** Size of a tar block; headers are one block, file data is padded to whole blocks. */
export const TAR_BLOCK_BYTES = 512;

/** What a header block says. */
export interface TarHeader {
  name: string;
  sizeBytes: number;
  /** '0' regular file, '5' directory, 'x' pax header, 'g' global pax header, 'L' GNU long name, ... */
  type: string;
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octalOrBinary(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  // GNU base-256 encoding for sizes of 8 GiB and more: high bit of the first byte set.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad octal number ${JSON.stringify(text)} in a tar header`);
  return parseInt(text, 8);
}

/** Whether a block is all zeros (two of them end an archive). */
export function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/**
 * Parses one header block. Throws when the checksum does not match, which is also how a file that is not
 * a tar archive at all is recognized.
 */
export function parseTarHeader(block: Buffer): TarHeader {
  if (block.length !== TAR_BLOCK_BYTES) throw new Error('truncated tar header');
  const expected = octalOrBinary(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK_BYTES; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (sum !== expected) throw new Error('tar header checksum mismatch (not a tar archive, or a corrupt one)');
  const name = cString(block, 0, 100);
  const magic = cString(block, 257, 6);
  const prefix = magic.startsWith('ustar') ? cString(block, 345, 155) : '';
  return {
    name: prefix ? `${prefix}/${name}` : name,
    sizeBytes: octalOrBinary(block, 124, 12),
    type: String.fromCharCode(block[156] || 0x30),
  };
}

/** Parses a pax extended header's records ("<len> key=value\n" ...) into a map. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return records;
}

/** Bytes of padding after `sizeBytes` of data to reach the next block boundary. */
export function paddingBytes(sizeBytes: number): number {
  return (TAR_BLOCK_BYTES - (sizeBytes % TAR_BLOCK_BYTES)) % TAR_BLOCK_BYTES;
}
