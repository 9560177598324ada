import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractTar } from './tar-extract';

/** Bundles written by the real GNU tar, in its default (gnu) format and in pax and ustar. */
describe('extractTar (real tar archives)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-tar-'));
  const src = path.join(work, 'src');
  const longName = `tokenizer/${'a'.repeat(120)}.json`;
  beforeAll(() => {
    fs.mkdirSync(path.join(src, 'tokenizer'), { recursive: true });
    fs.writeFileSync(path.join(src, 'model.onnx'), Buffer.alloc(1500, 7));
    fs.writeFileSync(path.join(src, 'labels.txt'), 'cat\ndog\n');
    fs.writeFileSync(path.join(src, longName), '{}');
  });

  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`unpacks a ${format} archive with checksums${format === 'ustar' ? '' : ' and a long path'}`, async () => {
      const files = format === 'ustar' ? ['model.onnx', 'labels.txt'] : ['model.onnx', 'labels.txt', 'tokenizer'];
      const archive = path.join(work, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', archive, ...files], { cwd: src });
      const dest = fs.mkdtempSync(path.join(work, 'out-'));
      const got = await extractTar(archive, dest);
      expect(got.map((f) => f.path).sort()).toEqual(format === 'ustar' ? ['labels.txt', 'model.onnx'] : ['labels.txt', 'model.onnx', longName]);
      for (const f of got) {
        const data = fs.readFileSync(path.join(dest, f.path));
        expect(f.sha256).toBe(createHash('sha256').update(data).digest('hex'));
        expect(data.equals(fs.readFileSync(path.join(src, f.path)))).toBe(true);
      }
    });
  }

  it('refuses entries that would escape the folder, links, and non-tar input', async () => {
    const evil = path.join(work, 'evil.tar');
    execFileSync('tar', ['-cf', evil, '--transform', 's,^,../,', 'labels.txt'], { cwd: src });
    await expect(extractTar(evil, fs.mkdtempSync(path.join(work, 'x-')))).rejects.toThrow(/"..\/labels.txt" is refused/);
    fs.symlinkSync('/etc/passwd', path.join(src, 'link'));
    const linked = path.join(work, 'link.tar');
    execFileSync('tar', ['-cf', linked, 'link'], { cwd: src });
    await expect(extractTar(linked, fs.mkdtempSync(path.join(work, 'x-')))).rejects.toThrow(/is not a regular file \(tar type '2'\)/);
    const junk = path.join(work, 'junk.tar');
    fs.writeFileSync(junk, Buffer.alloc(2048, 65));
    await expect(extractTar(junk, fs.mkdtempSync(path.join(work, 'x-')))).rejects.toThrow(/bundle is not a valid tar archive: (bad octal|tar header checksum)/);
  });
});
