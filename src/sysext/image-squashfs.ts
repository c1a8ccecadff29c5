import { spawn } from 'node:child_process';
import { findTool } from '../util/tools.js';
import { Failure } from '../util/errors.js';
import { capture } from '../util/run.js';
import { modeOfPerms, type ImageEntry, type ImageReader } from './image-reader.js';

/** Reads a squashfs image through unsquashfs: `-lln` lists it, `-cat` reads one file; nothing is mounted or unpacked. */
export async function openSquashfs(image: string): Promise<ImageReader> {
  const unsquashfs = findTool('unsquashfs');
  if (!unsquashfs) throw new Failure('unsquashfs is not installed (install squashfs-tools)');
  // -d '' makes the listed paths absolute (`/usr/…`) instead of `squashfs-root/usr/…`.
  const listing = await capture([unsquashfs, '-lln', '-d', '', image]);
  const entries = listing.split('\n').map(parseListLine).filter((e): e is ImageEntry => e !== undefined && e.path !== '');
  // -no-wildcards: a path is a file name, not a pattern.
  const cat = (path: string) => [unsquashfs, '-no-wildcards', '-cat', image, path];
  return {
    entries,
    readText: (path) => capture(cat(path)).then((s) => `${s}\n`),
    readHead: (path, bytes) => headOf(cat(path), bytes),
    close: async () => {},
  };
}

const LINE = /^([-dlcbps])([-rwxsStT]{9}) (\d+)\/(\d+)\s+(\d+|\d+,\s*\d+) \d{4}-\d\d-\d\d \d\d:\d\d(?: (.*))?$/;
const TYPES: Readonly<Record<string, ImageEntry['type']>> = { '-': 'file', d: 'dir', l: 'symlink' };

/** One line of `unsquashfs -lln`: `-rwxr-xr-x 0/0   15968 1970-01-01 00:00 /usr/bin/hello` (links end ` -> target`). */
function parseListLine(line: string): ImageEntry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const type = TYPES[m[1]!] ?? 'other';
  const name = m[6] ?? '';
  const path = (type === 'symlink' ? name.split(' -> ')[0]! : name).replace(/^\//, '');
  return { path, type, mode: modeOfPerms(m[2]!), uid: Number(m[3]), gid: Number(m[4]), size: type === 'other' ? 0 : Number(m[5]) };
}

/** The first bytes a tool writes, then it is stopped: reading a file's ELF header must not stream all of libc. */
function headOf(argv: readonly string[], bytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let got = 0;
    child.stdout.on('data', (b: Buffer) => {
      chunks.push(b);
      got += b.length;
      if (got >= bytes) child.kill();
    });
    child.once('error', reject);
    child.once('close', () => resolve(new Uint8Array(Buffer.concat(chunks).subarray(0, bytes))));
  });
}
