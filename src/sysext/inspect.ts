/**
 * `sysext inspect`: what an image holds and what systemd will think of it, read back without
 * mounting (unsquashfs for squashfs, fsck.erofs --extract for erofs) plus systemd-dissect's view.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { UsageError } from '../util/errors.js';
import { formatBytes } from '../util/log.js';
import { parseRelease } from './release.js';
import { detectFormat } from './image-format.js';
import { openSquashfs } from './image-squashfs.js';
import { openErofs } from './image-erofs.js';
import { elfArch, findReleaseFile } from './image-release.js';
import { imageProblems } from './image-problems.js';
import { dissect, dissectSummary } from './image-dissect.js';

export interface ImageInfo {
  readonly path: string;
  readonly format: 'squashfs' | 'erofs' | 'unknown';
  /** The file name without .raw: the name systemd matches the release file against. */
  readonly name: string;
  readonly releaseFile?: string;
  readonly release: Readonly<Record<string, string>>;
  /** ARCHITECTURE from the release file, else the architecture of the ELF programs inside. */
  readonly arch?: string;
  readonly size: number;
  /** Entries that are not directories: regular files, symlinks, device nodes. */
  readonly files: number;
  readonly sha256: string;
  readonly problems: readonly string[];
  /** `systemd-dissect --json=short` output, when the tool is installed and could read the image. */
  readonly dissect?: unknown;
}

export async function inspectImage(path: string): Promise<ImageInfo> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new UsageError(`${path}: no such image file`);
  const format = await detectFormat(path);
  if (!format) throw new UsageError(`${path} is neither a squashfs nor an erofs image`);
  const name = basename(path).replace(/\.raw$/, '');
  const reader = format === 'squashfs' ? await openSquashfs(path) : await openErofs(path);
  try {
    const found = findReleaseFile(reader.entries, name);
    const release = found ? parseRelease(await reader.readText(found.path)) : {};
    const fromElf = await elfArch(reader);
    const arch = release.ARCHITECTURE ?? fromElf;
    const [sha256, dissected] = await Promise.all([sha256Of(path), dissect(path)]);
    const problems = imageProblems({ name, entries: reader.entries, releaseFile: found, release, elfArch: fromElf });
    if (dissected && 'error' in dissected) problems.push(`systemd-dissect could not read the image: ${dissected.error}`);
    return {
      path, format, name, release, size: st.size, sha256, problems,
      files: reader.entries.filter((e) => e.type !== 'dir').length,
      ...(found ? { releaseFile: found.path } : {}),
      ...(arch ? { arch } : {}),
      ...(dissected && 'json' in dissected ? { dissect: dissected.json } : {}),
    };
  } finally {
    await reader.close();
  }
}

export function formatImageInfo(i: ImageInfo): string {
  const lines = [
    `${i.path}: ${i.format} image "${i.name}", ${formatBytes(i.size)}, ${i.files} files`,
    `  sha256   ${i.sha256}`,
    `  arch     ${i.arch ?? 'unknown'}${i.release.ARCHITECTURE ? '' : i.arch ? ' (from the programs inside; no ARCHITECTURE= in the release file)' : ''}`,
    `  release  ${i.releaseFile ?? '(none)'}`,
    ...Object.entries(i.release).map(([k, v]) => `           ${k}=${v}`),
  ];
  const verdict = dissectSummary(i.dissect);
  if (verdict) lines.push(`  systemd-dissect: ${verdict}`);
  lines.push(i.problems.length === 0 ? '  no problems found' : `  problems:\n${i.problems.map((p) => `    - ${p}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (b) => hash.update(b)).on('end', () => resolve(hash.digest('hex')));
  });
}
