/**
 * Tarball compressions: chosen from the output name when packing, and from the magic bytes
 * when extracting a download (never from its name, which may lie). Each maps to the fastest
 * multi-threaded tool present, falling back to the classic single-threaded one.
 */
import { isInstalled } from '../util/tools.js';

export type Compression = 'xz' | 'zstd' | 'gzip' | 'bzip2' | 'none';

/** Output name suffixes and what they mean (the `.t?z` short forms too, unlike mark-devkit). */
const SUFFIXES: ReadonlyArray<readonly [string, Compression]> = [
  ['.tar.xz', 'xz'], ['.txz', 'xz'], ['.tar.zst', 'zstd'], ['.tar.zstd', 'zstd'], ['.tzst', 'zstd'],
  ['.tar.gz', 'gzip'], ['.tgz', 'gzip'], ['.tar.bz2', 'bzip2'], ['.tbz2', 'bzip2'], ['.tar', 'none'],
];

/** The compression an output name asks for; undefined when it is not a tarball name. */
export function compressionOfName(name: string): Compression | undefined {
  return SUFFIXES.find(([suffix]) => name.endsWith(suffix))?.[1];
}

export const TARBALL_SUFFIXES = SUFFIXES.map(([s]) => s);

/** The compression of a file from its first bytes (at least 6); 'none' for anything else (plain tar). */
export function compressionOfMagic(head: Uint8Array): Compression {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  return 'none';
}

/** argv of a filter that compresses stdin to stdout with every core; undefined for 'none'. */
export function compressorArgv(c: Compression): string[] | undefined {
  switch (c) {
    case 'xz': return ['xz', '-T0', '-c'];
    case 'zstd': return ['zstd', '-T0', '-q', '-c'];
    case 'gzip': return isInstalled('pigz') ? ['pigz', '-c'] : ['gzip', '-c'];
    case 'bzip2': return isInstalled('lbzip2') ? ['lbzip2', '-c'] : ['bzip2', '-c'];
    case 'none': return undefined;
  }
}

/** argv of a filter that decompresses stdin to stdout; undefined for 'none'. */
export function decompressorArgv(c: Compression): string[] | undefined {
  switch (c) {
    case 'xz': return ['xz', '-T0', '-d', '-c'];
    case 'zstd': return ['zstd', '-T0', '-q', '-d', '-c'];
    case 'gzip': return isInstalled('pigz') ? ['pigz', '-d', '-c'] : ['gzip', '-d', '-c'];
    case 'bzip2': return isInstalled('lbzip2') ? ['lbzip2', '-d', '-c'] : ['bzip2', '-d', '-c'];
    case 'none': return undefined;
  }
}
