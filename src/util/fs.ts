import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, lstat, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { mkdirp } from 'fs-extra/esm';

/** Writes a file under a temporary name and renames it, so readers never see half a file. */
export async function writeAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdirp(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode); // the umask must not change the mode we promised
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export type PathState =
  | { readonly type: 'absent' }
  | { readonly type: 'file'; readonly mode: number }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: 'dir'; readonly mode: number }
  | { readonly type: 'other' };

/** What is at a path, without following a symlink there. */
export async function pathState(path: string): Promise<PathState> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { type: 'symlink', target: await readlink(path) };
    if (st.isFile()) return { type: 'file', mode: st.mode & 0o7777 };
    if (st.isDirectory()) return { type: 'dir', mode: st.mode & 0o7777 };
    return { type: 'other' };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { type: 'absent' };
    throw e;
  }
}

/** A text file's content, or '' when it cannot be read (a /proc entry that vanished, an absent optional file). */
export function readTextOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
