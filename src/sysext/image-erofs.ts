import { lstat, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../util/tools.js';
import { Failure } from '../util/errors.js';
import { capture } from '../util/run.js';
import type { ImageEntry, ImageReader } from './image-reader.js';

/**
 * Reads an erofs image by unpacking it with `fsck.erofs --extract` into a temporary directory:
 * erofs-utils 1.5 has no recursive listing (dump.erofs --ls shows one directory) and no `cat`,
 * and extracting also verifies every file's encoding. close() removes the directory.
 */
export async function openErofs(image: string): Promise<ImageReader> {
  const fsck = findTool('fsck.erofs');
  if (!fsck) throw new Failure('fsck.erofs is not installed (install erofs-utils)');
  const dir = await mkdtemp(join(tmpdir(), 'pk-erofs-'));
  try {
    await capture([fsck, `--extract=${dir}`, image]);
    const entries = await walk(dir, '');
    const inside = (path: string) => join(dir, path);
    return {
      entries,
      readText: (path) => readFile(inside(path), 'utf8'),
      readHead: (path, bytes) => head(inside(path), bytes),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function walk(root: string, rel: string): Promise<ImageEntry[]> {
  const out: ImageEntry[] = [];
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, path));
    const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
    out.push({ path, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'dir' || type === 'other' ? 0 : st.size });
    if (type === 'dir') out.push(...(await walk(root, path)));
  }
  return out;
}

async function head(path: string, bytes: number): Promise<Uint8Array> {
  const f = await open(path, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await f.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}
